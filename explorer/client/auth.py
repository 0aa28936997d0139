"""Credentials that never print themselves, and the httpx auth objects built from them."""

from __future__ import annotations

from collections.abc import Generator
from importlib import metadata

import httpx

from explorer.errors import ConfigError


class Secret:
    """A password or token. ``repr``/``str`` never show the value; call :meth:`reveal` to use it.

    Wrapping matters beyond our own reprs: rich/Textual tracebacks print frame locals,
    so a bare ``str`` password held anywhere long-lived would end up on screen.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str):
        if isinstance(value, Secret):
            value = value.reveal()
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self):
        # Pickling would write the value to disk or another process; refuse.
        raise TypeError("a Secret cannot be pickled")


def as_secret(value: str | Secret | None) -> Secret | None:
    """Wrap a plain string; keep None and existing secrets as they are."""
    if value is None or value == "":
        return None
    return value if isinstance(value, Secret) else Secret(value)


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` (the Go SDK's and Terraform's token login)."""

    def __init__(self, token: Secret):
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token=********)"


class _RedactedBasicAuth(httpx.BasicAuth):
    def __repr__(self) -> str:
        return "BasicAuth(********)"


class _RedactedDigestAuth(httpx.DigestAuth):
    def __repr__(self) -> str:
        return "DigestAuth(********)"


def build_auth(
    username: str | None, password: Secret | None, token: Secret | None, *, digest: bool = False
) -> httpx.Auth | None:
    """The auth object for the credentials given: a token wins, else Basic (or Digest) with user and password."""
    if token:
        return BearerAuth(token)
    if username and password:
        cls = _RedactedDigestAuth if digest else _RedactedBasicAuth
        return cls(username, password.reveal())
    if username or password:
        raise ConfigError("both a username and a password are needed (or a token)")
    return None


def user_agent() -> str:
    """``snapshot-explorer/<version>``, so CloudSigma support can tell our traffic apart."""
    try:
        version = metadata.version("snapshot-explorer")
    except metadata.PackageNotFoundError:
        version = "0.0.0"
    return f"snapshot-explorer/{version}"
