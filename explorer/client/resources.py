"""Resource namespaces (``client.snapshots``, ``.remotesnapshots``, ``.drives``, ``.jobs``, ``.tags``): plans.

The same namespace serves both clients: the sync driver returns results, the async one awaitables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from explorer import errors
from explorer.client import deletion, paging, plans, reconcile, wire
from explorer.client.models import Drive, Job, RemoteSnapshot, Snapshot, Tag

if TYPE_CHECKING:
    from explorer.client.api import _BaseClient

Progress = Callable[[int, "int | None"], None]


class _Resource:
    def __init__(self, client: _BaseClient):
        self._client = client

    def _run(self, plan: wire.Plan) -> Any:
        return self._client._driver.run(plan)

    def _load(self, path: str, tp: type, params: dict[str, str], progress: Progress | None,
              on_page: paging.PageHook | None = None) -> Any:
        c = self._client
        return self._run(paging.load_all(path, tp, params, progress=progress, page_size=c.page_size,
                                         concurrency=c.concurrency, on_page=on_page))


def _list_params(fields: Iterable[str] | None, filters: dict[str, Any]) -> dict[str, str]:
    if fields is not None:
        fields = list(dict.fromkeys(["uuid", *fields]))  # uuid is needed to load each object once
    return {**wire.encode_fields(fields), **wire.encode_filters(filters)}


class Snapshots(_Resource):
    """``/snapshots/``. In the async client every method returns an awaitable (iter_pages an async iterator)."""

    _path = "snapshots"
    _item: type = Snapshot

    def list(
        self, *, fields: Iterable[str] | None = None, progress: Progress | None = None,
        item_type: type | None = None, on_page: paging.PageHook | None = None, **filters
    ) -> list[Snapshot]:
        """Every snapshot once.

        ``item_type``: decode each object as this msgspec Struct (with a ``uuid``) instead of
        :class:`Snapshot`, e.g. a lighter one holding only what the caller reads.
        ``on_page(objects)`` sees each decoded page as it arrives (see ``paging.load_all``).
        """
        return self._load(f"{self._path}/detail/", item_type or self._item, _list_params(fields, filters), progress,
                          on_page)

    def iter_pages(self, *, page_size: int = 500, **filters):
        plan = paging.iter_pages(f"{self._path}/detail/", self._item, wire.encode_filters(filters),
                                 page_size=page_size)
        return self._client._driver.stream(plan)

    def get(self, uuid: str) -> Snapshot:
        return self._run(plans.get(plans.uuid_path(self._path, uuid), self._item))

    def create(self, drive: str, *, name: str | None = None, meta: dict | None = None, tags: list | None = None):
        spec = {"drive": drive, "name": name, "meta": meta, "tags": tags}
        return self._run(_first(self._create_plan([spec])))

    def create_many(self, specs: list[dict[str, Any]]) -> list[Snapshot]:
        return self._run(self._create_plan(list(specs)))

    def _create_plan(self, specs: list[dict[str, Any]]) -> wire.Plan:
        return reconcile.create_snapshots(specs, grace=self._client.reconcile_grace, path=self._path,
                                          item=self._item)

    def update(self, uuid: str, *, name: str | None = None, meta: dict | None = None, tags: list | None = None,
               drive: Any = None):
        """PUT the changed fields plus the snapshot's drive, which the documented edit request carries.

        ``drive`` (a uuid or an object with one) saves the GET that otherwise looks it up.
        """
        body = plans.given(name=name, meta=meta, tags=None if tags is None else [getattr(t, "uuid", t) for t in tags])
        return self._run(plans.update_snapshot(uuid, body, drive, resource=self._path, item=self._item))

    def delete(self, uuid: str) -> None:
        return self._run(plans.delete(plans.uuid_path(self._path, uuid)))

    def delete_many(self, uuids: Iterable[str], *, check: bool = True,
                    chunk_size: int | None = None) -> list[deletion.Deletion]:
        """Delete in bulk; one :class:`~explorer.client.deletion.Deletion` per uuid says what happened.

        The uuids go in requests of `chunk_size` each (default :data:`~explorer.client.deletion.BULK_CHUNK`).

        With ``check`` (the default) a uuid still there or of unknown outcome raises
        IncompleteDeletionError carrying every outcome; ``check=False`` returns them instead.
        """
        return self._run(_checked(deletion.delete_snapshots(uuids, path=self._path, chunk_size=chunk_size), check))

    def clone(self, uuid: str, *, name: str | None = None, media: str | None = None,
              affinities: list[str] | None = None, avoid: Iterable[str] | None = None) -> Drive:
        body = {k: v for k, v in {"name": name, "media": media, "affinities": affinities}.items() if v is not None}
        params = {"avoid": ",".join(avoid)} if avoid else {}
        plans.uuid_path(self._path, uuid)
        return self._run(reconcile.clone_snapshot(uuid, body, params, grace=self._client.reconcile_grace,
                                                  path=self._path))

    def wait_for_status(self, uuid: str, status: str = "available", *, timeout: float = 600, poll: float = 1.0):
        return self._run(plans.wait_for_status(uuid, status, timeout=timeout, poll=poll, resource=self._path,
                                               item=self._item))


class RemoteSnapshots(Snapshots):
    """``/remotesnapshots/``: backups kept in another location, through the very same safe paths as snapshots.

    A create names the ``location`` to keep the backup in; statuses are ``creating``,
    ``transferring`` and ``available`` (edit, delete and clone only once available).
    """

    _path = "remotesnapshots"
    _item = RemoteSnapshot

    def create(self, drive: str, *, location: str, name: str | None = None, meta: dict | None = None,
               tags: list | None = None) -> RemoteSnapshot:
        spec = {"drive": drive, "location": location, "name": name, "meta": meta, "tags": tags}
        return self._run(_first(self._create_plan([spec])))


def _checked(plan: wire.Plan, check: bool) -> wire.Plan:
    outcomes = yield from plan
    return deletion.check(outcomes) if check else outcomes


def _first(plan: wire.Plan) -> wire.Plan:
    created = yield from plan
    if not created:  # create_snapshots answers one per spec or raises; never index an empty answer
        raise errors.DecodeError("POST snapshots/ answered no snapshot for the one requested")
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

    def list(self, *, fields: Iterable[str] | None = None) -> list[Tag]:
        return self._load("tags/detail/", Tag, _list_params(fields, {}), None)

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
