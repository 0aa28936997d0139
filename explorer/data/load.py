"""Load an Inventory through the client (sync and async twins) and build it from decoded structs."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import msgspec
import pandas as pd
import pyarrow as pa

from explorer import errors
from explorer.client import models, wire
from explorer.data import frames
from explorer.data.inventory import Inventory, Source

log = logging.getLogger(__name__)

#: progress(stage, done, total); total is None until known.
Progress = Callable[[str, int, "int | None"], None]

#: What the frames are built from. Asking the API for these fields only (`fields=`) leaves out
#: owner, permissions, grantees, resource URIs and each drive's list of snapshot refs: a third
#: fewer bytes to receive and decode (see benchmarks/data.md).
SNAPSHOT_FIELDS = frames.SnapshotRow.__struct_fields__
REMOTE_SNAPSHOT_FIELDS = frames.RemoteSnapshotRow.__struct_fields__
DRIVE_FIELDS = ("uuid", "name", "status", "size", "media", "storage_type", "runtime", "mounted_on",
                "backup_scheduler", "meta", "tags")


def inventory_source(origin: Any = None, *, endpoint: str | None = None, demo: bool | None = None,
                     account: str | None = None, offline: bool = False) -> Source:
    """A Source from a Session, its SessionInfo, a client or a Source (duck-typed); never copies a secret.

    Explicit keywords win over what `origin` carries.
    """
    info = getattr(origin, "source", None)
    if info is not None and hasattr(info, "endpoint"):  # a Session: its SessionInfo says demo or not
        origin = info
    endpoint = endpoint or getattr(origin, "endpoint", None) or ""
    account = account or getattr(origin, "account", None) or getattr(origin, "username", None)
    demo = bool(getattr(origin, "demo", False)) if demo is None else demo
    offline = offline or bool(getattr(origin, "offline", False))
    return Source(endpoint=str(endpoint), demo=demo, offline=offline, account=account)


def _currency(*candidates: Any) -> str:
    for c in candidates:
        cur = getattr(c, "currency", None)
        if cur:
            return cur
    return "EUR"  # nothing said otherwise; CloudSigma's own default in Europe


def build_inventory(
    *,
    snapshots: Sequence[models.Snapshot | frames.SnapshotRow] | pa.Table = (),
    remote_snapshots: Sequence[models.RemoteSnapshot | frames.RemoteSnapshotRow] = (),
    drives: Sequence[models.Drive] = (),
    pricing: models.Pricing | None = None,
    subscriptions: Sequence[models.Subscription] = (),
    usage: models.CurrentUsage | None = None,
    capabilities: models.Capabilities | None = None,
    balance: models.Balance | None = None,
    profile: models.Profile | None = None,
    tags: Sequence[models.Tag] = (),
    source: Source | None = None,
    loaded_at: pd.Timestamp | None = None,
    location: str | None = None,
) -> Inventory:
    """Turn decoded API objects into an Inventory. Pure: no IO.

    `snapshots` may also be their columns already extracted (`frames.snapshot_table`, `PageColumns`).
    """
    loaded_at = loaded_at if loaded_at is not None else pd.Timestamp.now(tz="UTC")
    tag_names = {t.uuid: t.name for t in tags if t.name}
    drives_base = frames.drives_base_frame(drives, tag_names, location)
    snaps = frames.snapshots_frame(snapshots, drives_base, tag_names, loaded_at, location, remote_snapshots)
    quota = msgspec.structs.asdict(capabilities.snapshots) if capabilities and capabilities.snapshots else {}
    return Inventory(
        snapshots=snaps,
        drives=frames.attach_snapshot_stats(drives_base, snaps),
        prices=frames.prices_frame(pricing),
        subscriptions=frames.subscriptions_frame(subscriptions),
        usage=frames.usage_frame(usage),
        burst_levels=dict(pricing.current) if pricing else {},
        next_levels=dict(pricing.next) if pricing else {},
        snapshot_quota=quota,
        currency=_currency(balance, usage.balance if usage else None, profile),
        source=source or Source(endpoint=""),
        loaded_at=loaded_at,
        location=location,
    )


class PageColumns:
    """Snapshot columns built page by page while later pages are still loading (`on_page` of the list).

    Extracting the columns is the per-object Python part of the frame; done per page it
    overlaps the server sending the next pages. `table(snapshots)` then reassembles the
    batches of exactly the pages the client merged into `snapshots`, recognised by object
    identity, or answers None (a round that was redone, duplicates dropped) and the caller
    builds from the list instead.
    """

    def __init__(self) -> None:
        # id of a page's first object the merged list may start a run with -> (page, batch, skip)
        self._starts: dict[int, tuple[list, pa.RecordBatch, int]] = {}

    def __call__(self, objects: list) -> None:
        batch = frames.snapshot_batch(objects)
        self._starts[id(objects[0])] = (objects, batch, 0)
        if len(objects) > 1:  # later pages repeat the previous page's last object first; the merge skips it
            self._starts[id(objects[1])] = (objects, batch, 1)

    def table(self, snapshots: Sequence[frames.SnapshotRow | models.Snapshot]) -> pa.Table | None:
        parts, i = [], 0
        while i < len(snapshots):
            page, batch, skip = self._starts.get(id(snapshots[i]), ((), None, 0))
            end = i + len(page) - skip
            if batch is None or page[skip] is not snapshots[i] or end > len(snapshots) \
                    or snapshots[end - 1] is not page[-1]:
                return None
            parts.append(batch.slice(skip))
            i = end
        return pa.Table.from_batches(parts, schema=frames.SNAPSHOT_BATCH)


def _stage(progress: Progress | None, stage: str):
    if progress is None:
        return None
    return lambda done, total=None: progress(stage, done, total)


def _save_cache(inv: Inventory) -> None:
    from explorer.data import cache

    try:
        cache.save_cached_inventory(inv)
    except (OSError, ValueError) as exc:  # the cache is a convenience; a full disk must not fail a load
        log.warning("could not write the offline cache: %s", exc)


def load_inventory(client: Any, *, progress: Progress | None = None, source: Source | None = None,
                   cache: bool = True) -> Inventory:
    """Fetch snapshots, drives and billing data through a `CloudSigmaClient` and build the Inventory.

    The requests run concurrently on a few threads (httpx clients are thread-safe), so the
    small billing calls hide behind the long snapshot list instead of adding their latency,
    and the snapshot columns are extracted page by page while later pages load (`PageColumns`).
    After a successful load the inventory is saved as the offline cache (unless `cache=False`).
    """
    # The whole load is one stretch with the cyclic GC paused, as the client does for each large
    # body: it creates ~300k short-lived containers (the structs' lists) and no cycles. They are
    # all freed when _load returns, before the GC runs again; a collection in between would
    # also scan the caller's whole heap (measured in benchmarks/bench_data.py: up to 1 s).
    with _gc_paused():
        inv = _load(client, progress, source or inventory_source(client))
    if cache:
        _save_cache(inv)
    return inv


def _load(client: Any, progress: Progress | None, source: Source) -> Inventory:
    lock = threading.Lock()
    progress = _locked(progress, lock)
    billing = _billing_calls(client)
    done_billing = 0

    def counted(call):
        nonlocal done_billing
        result = call()
        with lock:
            done_billing += 1
            done = done_billing
        if progress:
            progress("billing", done, len(billing))
        return result

    columns = PageColumns()
    with ThreadPoolExecutor(max_workers=3 + len(billing), thread_name_prefix="load-inventory") as pool:
        snaps = pool.submit(client.snapshots.list, fields=SNAPSHOT_FIELDS, item_type=frames.SnapshotRow,
                            progress=_stage(progress, "snapshots"), on_page=columns)
        drives = pool.submit(client.drives.list, fields=DRIVE_FIELDS, progress=_stage(progress, "drives"))
        remotes = pool.submit(_remote_snapshots, client)
        parts = {name: pool.submit(counted, call) for name, call in billing}
        # .result() re-raises the first failure (an ExplorerError from the client) in this thread.
        results = {name: f.result() for name, f in parts.items()}
        snapshots, drive_list, remote_list = snaps.result(), drives.result(), remotes.result()
    table = columns.table(snapshots)
    return build_inventory(snapshots=snapshots if table is None else table, drives=drive_list, source=source,
                           remote_snapshots=remote_list, **results)


def _remote_snapshots(client: Any) -> list:
    """Every remote snapshot (backup) of the account's drives; none where the API has no `/remotesnapshots/`.

    A 404 there (a cloud or location without backups, an older API) loads as no remote snapshots
    rather than failing the load; any other error fails it like the other calls.
    """
    if getattr(client, "remotesnapshots", None) is None:  # a client (or a test double) without them
        return []
    try:
        return client.remotesnapshots.list(fields=REMOTE_SNAPSHOT_FIELDS, item_type=frames.RemoteSnapshotRow)
    except errors.NotFoundError:
        log.info("no /remotesnapshots/ at this API: loaded without remote snapshots")
        return []


async def _remote_snapshots_async(client: Any) -> list:
    """The async twin of :func:`_remote_snapshots`."""
    if getattr(client, "remotesnapshots", None) is None:
        return []
    try:
        return await client.remotesnapshots.list(fields=REMOTE_SNAPSHOT_FIELDS, item_type=frames.RemoteSnapshotRow)
    except errors.NotFoundError:
        log.info("no /remotesnapshots/ at this API: loaded without remote snapshots")
        return []


def _gc_paused():
    """The client's counted GC pause (explorer.client.wire.gc_paused), for a stretch of any size."""
    return wire.gc_paused(sys.maxsize)


def _locked(progress: Progress | None, lock: threading.Lock) -> Progress | None:
    """Progress callbacks arrive from several threads; callers should not have to care."""
    if progress is None:
        return None

    def call(stage: str, done: int, total: int | None) -> None:
        with lock:
            progress(stage, done, total)

    return call


def _billing_calls(client: Any) -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("pricing", client.pricing),
        ("subscriptions", client.subscriptions),
        ("usage", client.current_usage),
        ("capabilities", client.capabilities),
        ("balance", client.balance),
        # Only names are needed; a tag's `resources` list can be as long as the whole inventory.
        ("tags", lambda: client.tags.list(fields=("uuid", "name"))),
    ]


async def gather_or_cancel(*aws: Any) -> list[Any]:
    """`asyncio.gather`, except that the first failure cancels the others instead of leaving them running.

    (A failed load must not keep a 100k-snapshot list downloading in the background.) The failure
    is raised as itself, not wrapped in an ExceptionGroup, so callers still catch `ExplorerError`.
    """
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        return await asyncio.gather(*tasks)
    finally:
        pending = [t for t in tasks if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


async def load_inventory_async(client: Any, *, progress: Progress | None = None, source: Source | None = None,
                               cache: bool = True) -> Inventory:
    """The async twin of :func:`load_inventory`: every request runs concurrently on an `AsyncCloudSigmaClient`."""
    billing = _billing_calls(client)
    done_billing = 0
    columns = PageColumns()

    async def counted(call):
        nonlocal done_billing
        result = await call()
        done_billing += 1
        if progress:
            progress("billing", done_billing, len(billing))
        return result

    results = await gather_or_cancel(
        client.snapshots.list(fields=SNAPSHOT_FIELDS, item_type=frames.SnapshotRow,
                              progress=_stage(progress, "snapshots"), on_page=columns),
        client.drives.list(fields=DRIVE_FIELDS, progress=_stage(progress, "drives")),
        _remote_snapshots_async(client),
        *(counted(call) for _, call in billing),
    )
    parts = dict(zip([name for name, _ in billing], results[3:], strict=True))
    table = columns.table(results[0])
    # Building 100k rows takes a moment; keep the event loop (the TUI) responsive.
    inv = await asyncio.to_thread(
        build_inventory, snapshots=results[0] if table is None else table, drives=results[1],
        remote_snapshots=results[2], source=source or inventory_source(client), **parts
    )
    if cache:
        await asyncio.to_thread(_save_cache, inv)
    return inv
