"""The public clients: CloudSigmaClient (blocking) and AsyncCloudSigmaClient, sharing every plan.

Each resource method builds a plan (see :mod:`explorer.client.wire`) and hands it to
the client's driver, so in the async client the very same methods return awaitables.
"""

from __future__ import annotations

from typing import Any

import httpx

from explorer.client import paging, plans, reconcile, wire
from explorer.client.auth import Secret, as_secret, build_auth, user_agent
from explorer.client.drivers import AsyncDriver, SyncDriver
from explorer.client.models import (
    Balance,
    Capabilities,
    CurrentUsage,
    Pricing,
    Profile,
    Subscription,
)
from explorer.client.regions import is_loopback, normalize_endpoint
from explorer.client.resources import Drives, Jobs, RemoteSnapshots, Snapshots, Tags
from explorer.client.retry import RetryPolicy


class _BaseClient:
    endpoint: str
    username: str | None

    def __init__(self, api_endpoint: str, *, username: str | None = None, password: str | Secret | None = None,
                 token: str | Secret | None = None, transport: Any = None, timeout: float = 30.0,
                 retry: RetryPolicy | None = None, digest: bool = False, page_size: int = paging.DEFAULT_PAGE_SIZE,
                 concurrency: int = paging.DEFAULT_CONCURRENCY,
                 reconcile_grace: float = reconcile.RECONCILE_GRACE):
        # An in-process transport never touches a network, so plain http is safe there.
        in_process = isinstance(transport, httpx.ASGITransport | httpx.WSGITransport | httpx.MockTransport)
        self.endpoint = normalize_endpoint(api_endpoint, in_process=in_process)
        self.username = username
        self.page_size = page_size
        self.concurrency = concurrency
        self.reconcile_grace = reconcile_grace
        self.retry = retry or RetryPolicy()
        self._http_options = dict(
            base_url=self.endpoint,
            auth=build_auth(username, as_secret(password), as_secret(token), digest=digest),
            headers={"User-Agent": user_agent(), "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            transport=transport,
            verify=True,  # TLS verification is never switched off
            follow_redirects=False,  # a redirect would resend credentials to wherever it points
            # HTTPS_PROXY and SSL_CERT_FILE matter on corporate networks; loopback never goes via a proxy.
            trust_env=not is_loopback(httpx.URL(self.endpoint).host),
        )
        self.snapshots = Snapshots(self)
        self.remotesnapshots = RemoteSnapshots(self)
        self.drives = Drives(self)
        self.jobs = Jobs(self)
        self.tags = Tags(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self.endpoint!r}, username={self.username!r})"

    __str__ = __repr__

    def _run(self, plan: wire.Plan) -> Any:
        return self._driver.run(plan)

    def pricing(self) -> Pricing:
        """``/pricing/``: every price plus the current and next burst level per resource."""
        return self._run(plans.pricing())

    def subscriptions(
        self, *, status: str | None = None, resource: str | list[str] | None = None
    ) -> list[Subscription]:
        """``/subscriptions/``; ``status`` active|inactive|expired|notexpired|all, ``resource`` e.g. dssd."""
        return self._run(plans.subscriptions(status, resource))

    def current_usage(self) -> CurrentUsage:
        """``/currentusage/``: per resource what is subscribed, used and bursting now."""
        return self._run(plans.current_usage())

    def balance(self) -> Balance:
        """``/balance/``: the prepaid balance and the account's currency."""
        return self._run(plans.balance())

    def capabilities(self) -> Capabilities:
        """``/capabilities/``: snapshot quotas (``snapshots``) and everything else in ``extra``."""
        return self._run(plans.capabilities())

    def profile(self) -> Profile:
        """``/profile/`` (clone naming, currency, e-mail)."""
        return self._run(plans.profile())

    def update_profile(self, **fields: Any) -> Profile:
        """``PUT /profile/`` with only the given fields, e.g. ``clone_naming="COUNTER"``."""
        return self._run(plans.update_profile(fields))


class CloudSigmaClient(_BaseClient):
    """Blocking client for the CloudSigma API 2.0. Use as a context manager, or call :meth:`close`."""

    def __init__(self, api_endpoint: str, **kwargs: Any):
        super().__init__(api_endpoint, **kwargs)
        self._http = httpx.Client(**self._http_options)
        self._driver = SyncDriver(self._http, self.retry)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CloudSigmaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncCloudSigmaClient(_BaseClient):
    """The same API for asyncio (Textual workers): every call returns an awaitable."""

    def __init__(self, api_endpoint: str, **kwargs: Any):
        super().__init__(api_endpoint, **kwargs)
        self._http = httpx.AsyncClient(**self._http_options)
        self._driver = AsyncDriver(self._http, self.retry)

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncCloudSigmaClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
