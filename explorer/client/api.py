"""The public clients: CloudSigmaClient (blocking) and AsyncCloudSigmaClient, sharing every plan.

Each resource method builds a plan (see :mod:`explorer.client.wire`) and hands it to
the client's driver, so in the async client the very same methods return awaitables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import httpx

from explorer.client import paging, plans, reconcile, wire
from explorer.client.auth import Secret, as_secret, build_auth, user_agent
from explorer.client.drivers import AsyncDriver, SyncDriver
from explorer.client.models import Drive, Job, Snapshot, Tag
from explorer.client.regions import is_loopback, normalize_endpoint
from explorer.client.retry import RetryPolicy

Progress = Callable[[int, "int | None"], None]


class _Resource:
    def __init__(self, client: _BaseClient):
        self._client = client

    def _run(self, plan: wire.Plan) -> Any:
        return self._client._driver.run(plan)

    def _load(self, path: str, tp: type, params: dict[str, str], progress: Progress | None) -> Any:
        c = self._client
        return self._run(
            paging.load_all(path, tp, params, progress=progress, page_size=c.page_size, concurrency=c.concurrency)
        )


def _list_params(fields: Iterable[str] | None, filters: dict[str, Any]) -> dict[str, str]:
    if fields is not None:
        fields = list(dict.fromkeys(["uuid", *fields]))  # uuid is needed to load each object once
    return {**wire.encode_fields(fields), **wire.encode_filters(filters)}


class Snapshots(_Resource):
    """``/snapshots/``. In the async client every method returns an awaitable (iter_pages an async iterator)."""

    def list(
        self, *, fields: Iterable[str] | None = None, progress: Progress | None = None, **filters
    ) -> list[Snapshot]:
        return self._load("snapshots/detail/", Snapshot, _list_params(fields, filters), progress)

    def iter_pages(self, *, page_size: int = 500, **filters):
        plan = paging.iter_pages("snapshots/detail/", Snapshot, wire.encode_filters(filters), page_size=page_size)
        return self._client._driver.stream(plan)

    def get(self, uuid: str) -> Snapshot:
        return self._run(plans.get(plans.uuid_path("snapshots", uuid), Snapshot))

    def create(self, drive: str, *, name: str | None = None, meta: dict | None = None, tags: list | None = None):
        spec = {"drive": drive, "name": name, "meta": meta, "tags": tags}
        plan = reconcile.create_snapshots([spec], attempts=self._client.retry.max_attempts,
                                          grace=self._client.reconcile_grace)
        return self._run(_first(plan))

    def create_many(self, specs: list[dict[str, Any]]) -> list[Snapshot]:
        c = self._client
        return self._run(reconcile.create_snapshots(list(specs), attempts=c.retry.max_attempts,
                                                    grace=c.reconcile_grace))

    def update(self, uuid: str, *, name: str | None = None, meta: dict | None = None, tags: list | None = None):
        body = plans.given(name=name, meta=meta, tags=None if tags is None else [getattr(t, "uuid", t) for t in tags])
        return self._run(plans.put(plans.uuid_path("snapshots", uuid), Snapshot, body))

    def delete(self, uuid: str) -> None:
        return self._run(plans.delete(plans.uuid_path("snapshots", uuid)))

    def delete_many(self, uuids: Iterable[str]) -> None:
        return self._run(plans.delete_many("snapshots", uuids))

    def clone(self, uuid: str, *, name: str | None = None, media: str | None = None,
              affinities: list[str] | None = None, avoid: Iterable[str] | None = None) -> Drive:
        body = {k: v for k, v in {"name": name, "media": media, "affinities": affinities}.items() if v is not None}
        params = {"avoid": ",".join(avoid)} if avoid else {}
        plans.uuid_path("snapshots", uuid)
        c = self._client
        return self._run(reconcile.clone_snapshot(uuid, body, params, attempts=c.retry.max_attempts,
                                                  grace=c.reconcile_grace))

    def wait_for_status(self, uuid: str, status: str = "available", *, timeout: float = 600, poll: float = 1.0):
        return self._run(plans.wait_for_status(uuid, status, timeout=timeout, poll=poll))


def _first(plan: wire.Plan) -> wire.Plan:
    created = yield from plan
    return created[0]


class Drives(_Resource):
    """``/drives/`` (read only: the explorer never changes drives)."""

    def list(self, *, detail: bool = True, fields: Iterable[str] | None = None, progress: Progress | None = None,
             **filters) -> list[Drive]:
        path = "drives/detail/" if detail else "drives/"
        return self._load(path, Drive, _list_params(fields, filters), progress)

    def get(self, uuid: str) -> Drive:
        return self._run(plans.get(plans.uuid_path("drives", uuid), Drive))


class Jobs(_Resource):
    """``/jobs/`` (clone progress)."""

    def list(self) -> list[Job]:
        return self._load("jobs/", Job, {}, None)

    def get(self, uuid: str) -> Job:
        return self._run(plans.get(plans.uuid_path("jobs", uuid), Job))

    def wait(self, uuid: str, *, timeout: float = 1200, poll: float = 1.0, progress: Progress | None = None) -> Job:
        return self._run(plans.wait_for_job(uuid, timeout=timeout, poll=poll, progress=progress))


class Tags(_Resource):
    """``/tags/``."""

    def list(self) -> list[Tag]:
        return self._load("tags/detail/", Tag, {}, None)

    def get(self, uuid: str) -> Tag:
        return self._run(plans.get(plans.uuid_path("tags", uuid), Tag))

    def create(self, name: str, *, resources: list[str] | None = None, meta: dict | None = None) -> Tag:
        return self._run(plans.create_tag(name, resources, meta))

    def update(self, uuid: str, *, name: str | None = None, resources: list[str] | None = None,
               meta: dict | None = None) -> Tag:
        return self._run(plans.put(plans.uuid_path("tags", uuid), Tag, plans.given(name=name, resources=resources,
                                                                                  meta=meta)))

    def delete(self, uuid: str) -> None:
        return self._run(plans.delete(plans.uuid_path("tags", uuid)))


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
        self.drives = Drives(self)
        self.jobs = Jobs(self)
        self.tags = Tags(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self.endpoint!r}, username={self.username!r})"

    __str__ = __repr__

    def _run(self, plan: wire.Plan) -> Any:
        return self._driver.run(plan)

    def pricing(self):
        """``/pricing/``: every price plus the current and next burst level per resource."""
        return self._run(plans.pricing())

    def subscriptions(self, *, status: str | None = None, resource: str | list[str] | None = None):
        return self._run(plans.subscriptions(status, resource))

    def current_usage(self):
        return self._run(plans.current_usage())

    def balance(self):
        return self._run(plans.balance())

    def capabilities(self):
        return self._run(plans.capabilities())

    def profile(self):
        return self._run(plans.profile())

    def update_profile(self, **fields: Any):
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
