"""One exception tree for the whole package.

Every error the explorer raises on purpose derives from :class:`ExplorerError` and
carries a message fit to show a person. Front ends (TUI, notebooks, CLI) catch only
the root; anything else is a bug and is allowed to surface.

    ExplorerError
    ├── ConfigError                 bad flags, unreadable or unsafe config file
    ├── TransportError              could not reach the API (DNS, refused, TLS, timeout)
    │   └── OutcomeUnknownError     a non-idempotent request may or may not have happened
    ├── WaitTimeoutError            a snapshot status or a job did not arrive in time
    ├── IncompleteDeletionError     delete_many could not delete (or confirm) every snapshot
    ├── ApiError                    the API answered with an error status
    │   ├── AuthenticationError     401
    │   ├── PaymentRequiredError    402
    │   ├── PermissionDeniedError   403 (also "not allowed in this state", quotas)
    │   ├── NotFoundError           404
    │   ├── RateLimitedError        429
    │   └── ServerError             5xx
    ├── DecodeError                 the body was not what the API sends (HTML, truncated, bad JSON)
    ├── ValidationError             a value typed by the user was refused before sending
    ├── HistoryError                the history store is locked, corrupt or of a newer version
    ├── CacheError                  no usable offline inventory cache
    └── EmulatorError               the embedded emulator could not start
"""

from __future__ import annotations

from dataclasses import dataclass


class ExplorerError(Exception):
    """Root of every error the explorer raises on purpose."""


class ConfigError(ExplorerError):
    """Settings or credentials could not be loaded, or are unsafe to use."""


class ValidationError(ExplorerError):
    """A value was refused before anything was sent (bad meta key, bad size term...)."""


class HistoryError(ExplorerError):
    """The history store could not be opened or written."""


class CacheError(ExplorerError):
    """There is no usable offline cache (never loaded online yet, or written by another version)."""


class WaitTimeoutError(ExplorerError):
    """Waiting for a snapshot status or a job ran past its deadline."""


class IncompleteDeletionError(ExplorerError):
    """Some snapshots of a bulk delete are still there or their outcome is unknown; ``outcomes`` has each one."""

    def __init__(self, message: str, *, outcomes: list):
        super().__init__(message)
        self.outcomes = outcomes


class EmulatorError(ExplorerError):
    """The embedded emulator could not be started or reached."""


class TransportError(ExplorerError):
    """The API could not be reached, or the connection failed mid-request."""

    def __init__(self, message: str, *, method: str | None = None, url: str | None = None):
        super().__init__(message)
        self.method = method
        self.url = url


class OutcomeUnknownError(TransportError):
    """A non-idempotent request failed ambiguously and could not be reconciled."""


@dataclass(frozen=True, slots=True)
class ApiErrorDetail:
    """One entry of CloudSigma's error list."""

    error_type: str | None
    error_point: str | None
    error_message: str


class ApiError(ExplorerError):
    """The API answered with an error status; carries CloudSigma's parsed error list."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        errors: tuple[ApiErrorDetail, ...] = (),
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ):
        super().__init__(message)
        self.status_code = status_code
        self.errors = errors
        self.request_id = request_id
        self.method = method
        self.url = url


class AuthenticationError(ApiError):
    """401: missing or wrong credentials."""


class PaymentRequiredError(ApiError):
    """402: not enough funds."""


class PermissionDeniedError(ApiError):
    """403: not allowed (permission, wrong state or quota)."""


class NotFoundError(ApiError):
    """404: the object does not exist (or belongs to someone else)."""


class RateLimitedError(ApiError):
    """429: too many requests."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the API failed on its side."""


class DecodeError(ExplorerError):
    """A response body was not valid CloudSigma JSON (HTML from a proxy, truncated, wrong shape)."""

    def __init__(self, message: str, *, url: str | None = None, body_excerpt: str | None = None):
        super().__init__(message)
        self.url = url
        self.body_excerpt = body_excerpt
