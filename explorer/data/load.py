"""Load an Inventory through the client (sync and async twins) and build it from decoded structs."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import msgspec
import pandas as pd

from explorer.client import models
from explorer.data import frames
from explorer.data.inventory import Inventory, Source

log = logging.getLogger(__name__)

#: progress(stage, done, total); total is None until known.
Progress = Callable[[str, int, "int | None"], None]

STAGES = ("snapshots", "drives", "billing")


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
    snapshots: Sequence[models.Snapshot] = (),
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
) -> Inventory:
    """Turn decoded API objects into an Inventory. Pure: no IO."""
    loaded_at = loaded_at if loaded_at is not None else pd.Timestamp.now(tz="UTC")
    tag_names = {t.uuid: t.name for t in tags if t.name}
    drives_base = frames.drives_base_frame(drives, tag_names)
    snaps = frames.snapshots_frame(snapshots, drives_base, tag_names, loaded_at)
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
    )


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
    small billing calls hide behind the long snapshot list instead of adding their latency.
    After a successful load the inventory is saved as the offline cache (unless `cache=False`).
    """
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

    with ThreadPoolExecutor(max_workers=2 + len(billing), thread_name_prefix="load-inventory") as pool:
        snaps = pool.submit(client.snapshots.list, progress=_stage(progress, "snapshots"))
        drives = pool.submit(client.drives.list, progress=_stage(progress, "drives"))
        parts = {name: pool.submit(counted, call) for name, call in billing}
        # .result() re-raises the first failure (an ExplorerError from the client) in this thread.
        results = {name: f.result() for name, f in parts.items()}
        snapshots, drive_list = snaps.result(), drives.result()
    inv = build_inventory(snapshots=snapshots, drives=drive_list, source=source or inventory_source(client), **results)
    if cache:
        _save_cache(inv)
    return inv


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


async def load_inventory_async(client: Any, *, progress: Progress | None = None, source: Source | None = None,
                               cache: bool = True) -> Inventory:
    """The async twin of :func:`load_inventory`: every request runs concurrently on an `AsyncCloudSigmaClient`."""
    billing = _billing_calls(client)
    done_billing = 0

    async def counted(call):
        nonlocal done_billing
        result = await call()
        done_billing += 1
        if progress:
            progress("billing", done_billing, len(billing))
        return result

    results = await asyncio.gather(
        client.snapshots.list(progress=_stage(progress, "snapshots")),
        client.drives.list(progress=_stage(progress, "drives")),
        *(counted(call) for _, call in billing),
    )
    parts = dict(zip([name for name, _ in billing], results[2:], strict=True))
    # Building 100k rows takes a moment; keep the event loop (the TUI) responsive.
    inv = await asyncio.to_thread(
        build_inventory, snapshots=results[0], drives=results[1], source=source or inventory_source(client), **parts
    )
    if cache:
        await asyncio.to_thread(_save_cache, inv)
    return inv
