"""The httpx auth objects built from credentials (`Secret`, which never prints itself, is in `secret`)."""

from __future__ import annotations

from collections.abc import Generator
from importlib import metadata

import httpx

from explorer.client.secret import Secret, as_secret
from explorer.errors import ConfigError

__all__ = ["BearerAuth", "Secret", "as_secret", "build_auth", "user_agent"]


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
