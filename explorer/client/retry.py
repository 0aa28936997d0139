"""When to try a request again: the retry policy and the per-request state both drivers consult."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from explorer import errors
from explorer.client import failures, wire

# Failures where the request provably never reached the server: safe to resend even a POST.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter.

    Idempotent requests (GET, PUT, DELETE) are retried on connection errors, timeouts,
    dropped or truncated answers, 429 (honouring ``Retry-After``) and 500/502/503/504. A POST
    is retried only when it certainly was not sent or was refused with 429; any other
    failure after sending is *ambiguous* and surfaces as OutcomeUnknownError, which the
    create and clone plans reconcile before deciding to send again.
    """

    max_attempts: int = 5
    """Attempts per request, the first included."""
    max_elapsed: float = 60.0
    """Seconds after which no new attempt starts."""
    backoff: float = 0.25
    """First backoff delay in seconds; doubles each attempt."""
    backoff_max: float = 8.0
    """Upper bound of one backoff delay."""
    retry_statuses: tuple[int, ...] = (429, 500, 502, 503, 504)
    """Answers worth another attempt. 500 is included because CloudSigma answers it for
    transient states too ("try again later"); every retry stays bounded."""

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Backoff before attempt ``attempt + 1``: half fixed, half random ("equal jitter")."""
        ceiling = min(self.backoff_max, self.backoff * 2 ** (attempt - 1))
        return ceiling / 2 + rng() * ceiling / 2


NO_RETRY = RetryPolicy(max_attempts=1)


@dataclass(slots=True)
class Verdict:
    """What a driver does next: return ``value``, or sleep ``delay`` seconds and resend."""

    done: bool
    value: Any = None
    delay: float = 0.0


def _request_of(exc: httpx.RequestError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:  # httpx raises when the error was created without its request
        return None


def _transport_message(call: wire.Call, exc: httpx.RequestError) -> str:
    text = str(exc) or type(exc).__name__
    request = _request_of(exc)
    host = request.url.host if request is not None else "the API"
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return f"{call.describe()}: TLS verification with {host} failed ({text}); verification is never switched off"
    if isinstance(exc, httpx.TimeoutException):
        return f"{call.describe()}: {host} did not answer in time ({type(exc).__name__})"
    if isinstance(exc, _NOT_SENT):
        return f"{call.describe()}: could not connect to {host} ({text})"
    return f"{call.describe()}: the connection to {host} failed mid-request ({type(exc).__name__}: {text})"


class RetryState:
    """Tracks attempts of one call and turns each attempt's result into a :class:`Verdict`."""

    def __init__(self, policy: RetryPolicy, call: wire.Call, *, clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self.call = call
        self.clock = clock
        self.started = clock()
        self.attempt = 0
        self.retried_after_send = False

    def begin(self) -> None:
        self.attempt += 1

    def _budget_left(self, delay: float) -> bool:
        elapsed = self.clock() - self.started
        return self.attempt < self.policy.max_attempts and elapsed + delay <= self.policy.max_elapsed

    def _retry(self, delay: float, error: errors.ExplorerError, *, sent: bool) -> Verdict:
        if not self._budget_left(delay):
            if self.attempt > 1:
                error.args = (f"{error.args[0]} (gave up after {self.attempt} attempts)",)
            raise error from None  # see failed(): never chain the httpx exception
        self.retried_after_send = self.retried_after_send or sent
        return Verdict(done=False, delay=delay)

    def failed(self, exc: httpx.RequestError) -> Verdict:
        """The request raised before a complete answer arrived.

        The httpx exception is described in the message but deliberately not chained:
        its traceback's frames hold the raw request headers (the Authorization value),
        and tracebacks that print locals (rich, Textual) would show them.
        """
        call = self.call
        request = _request_of(exc)
        url = str(request.url) if request is not None else None
        message = _transport_message(call, exc)
        if "CERTIFICATE_VERIFY_FAILED" in message:
            raise errors.TransportError(message, method=call.method, url=url) from None
        not_sent = isinstance(exc, _NOT_SENT)
        if not call.idempotent and not not_sent:
            raise errors.OutcomeUnknownError(message, method=call.method, url=url) from None
        err = errors.TransportError(message, method=call.method, url=url)
        return self._retry(self.policy.delay(self.attempt), err, sent=not not_sent)

    def answered(self, response: httpx.Response) -> Verdict:
        """A complete answer arrived: decode it, or decide to retry."""
        call, status, url = self.call, response.status_code, str(response.url)
        if status < 400:
            try:
                value = wire.decode_body(call, response.content, response.headers.get("content-type", ""), url)
            except errors.DecodeError as err:
                if not call.idempotent:
                    raise errors.OutcomeUnknownError(
                        f"{err} — the server may have acted on it", method=call.method, url=url
                    ) from err
                return self._retry(self.policy.delay(self.attempt), err, sent=True)
            return Verdict(done=True, value=value)
        if status == 404 and call.gone_ok_on_retry and self.retried_after_send:
            return Verdict(done=True, value=None)
        err = failures.api_error(call, status, response.reason_phrase, response.headers, response.content, url)
        if status not in self.policy.retry_statuses:
            if status >= 500 and not call.idempotent:
                # A server failure during a POST may come after the write: let the plan reconcile.
                raise errors.OutcomeUnknownError(
                    f"{err} — the server may have acted on it", method=call.method, url=url
                ) from err
            raise err
        if status == 429:
            wait = err.retry_after if err.retry_after is not None else self.policy.delay(self.attempt)
            return self._retry(wait, err, sent=False)
        if not call.idempotent:
            # A gateway error after a POST: the backend may or may not have created the object.
            raise errors.OutcomeUnknownError(
                f"{err} — the server may have acted on it", method=call.method, url=url
            ) from err
        return self._retry(self.policy.delay(self.attempt), err, sent=True)
