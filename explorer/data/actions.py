"""Thin async wrappers over the client for the TUI: a first-page preview, and writes with per-item reports.

Each returns plain values (structs or :class:`ItemResult` lists) and raises only
:mod:`explorer.errors` exceptions, so a front end never needs httpx. Meta typed by a
person is checked by :func:`validate_meta` before anything is sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from explorer.errors import ApiError, ExplorerError, NotFoundError, ValidationError

META_KEY_MAX = 32  # CloudSigma: meta keys are limited to 32 characters, values are strings
_TRANSITIONAL_DRIVE = ("creating", "cloning_dst", "cloning_src", "copying", "resizing", "uploading")


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The outcome for one object of a bulk action."""

    uuid: str
    name: str
    ok: bool
    message: str = ""


async def preview_inventory(client: Any, *, page_size: int = 500, source: Any = None) -> Any:
    """An Inventory of the first page of snapshots plus all drives, to paint rows while the full load runs."""
    from explorer.data.load import build_inventory, inventory_source

    pages = client.snapshots.iter_pages(page_size=page_size)
    first: list = []
    if hasattr(pages, "__aiter__"):
        async for page in pages:
            first = list(page)
            break
        if hasattr(pages, "aclose"):
            await pages.aclose()  # stop paging: the full load fetches everything anyway
    else:
        first = list(next(iter(pages), []))
    drives = await client.drives.list()
    return build_inventory(snapshots=first, drives=drives, source=source or inventory_source(client))


def validate_meta(meta: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Return meta as a `dict[str, str]`, or raise ValidationError naming the bad key."""
    pairs = meta.items() if isinstance(meta, Mapping) else meta
    out: dict[str, str] = {}
    for key, value in pairs:
        if not isinstance(key, str) or not key.strip():
            raise ValidationError("meta keys must be non-empty text")
        key = key.strip()
        if len(key) > META_KEY_MAX:
            raise ValidationError(f"meta key {key!r} has {len(key)} characters; the limit is {META_KEY_MAX}")
        if not isinstance(value, str):
            raise ValidationError(f"meta value of {key!r} must be text, not {type(value).__name__}")
        if key in out:
            raise ValidationError(f"meta key {key!r} is given twice")
        out[key] = value
    return out


def parse_meta_lines(text: str) -> dict[str, str]:
    """Parse `key=value` lines (blank lines ignored) typed in a form, then validate them."""
    pairs = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValidationError(f"meta line {n} needs the form key=value (got {line.strip()!r})")
        pairs.append((key.strip(), value.strip()))
    return validate_meta(pairs)


async def create_snapshot(client: Any, drive_uuid: str, *, name: str | None = None,
                          meta: Mapping[str, Any] | None = None) -> Any:
    """Create one snapshot of a drive; it starts in `creating`."""
    checked = validate_meta(meta) if meta else None
    return await client.snapshots.create(drive_uuid, name=name or None, meta=checked)


#: The snapshots frame's `kind` of a remote snapshot (a backup, at `/remotesnapshots/`); anything else is local.
REMOTE = "remote"


def resource_of(client: Any, kind: Any = None) -> Any:
    """The client namespace a snapshot of this `kind` is written through: `remotesnapshots` or `snapshots`."""
    return client.remotesnapshots if kind == REMOTE else client.snapshots


def kinds_of(snapshots: Any, uuids: Iterable[str]) -> dict[str, str]:
    """`{uuid: kind}` of some rows of a snapshots frame (for `delete_snapshots(kinds=)`); unknown uuids left out."""
    wanted = set(uuids)
    if "kind" not in snapshots:
        return {}
    rows = snapshots[snapshots["uuid"].isin(wanted)]
    return {u: str(k) for u, k in zip(rows["uuid"], rows["kind"], strict=True) if isinstance(k, str)}


async def update_snapshot(client: Any, uuid: str, *, name: str | None = None,
                          meta: Mapping[str, Any] | None = None, kind: str | None = None) -> Any:
    """Rename and/or replace the meta of a snapshot (PUT replaces the whole meta); `kind="remote"`: a backup."""
    checked = validate_meta(meta) if meta is not None else None
    return await resource_of(client, kind).update(uuid, name=name or None, meta=checked)


async def wait_available(client: Any, uuid: str, *, timeout: float = 600, poll: float = 1.0) -> Any:
    """Poll until a new snapshot is `available` (returns it)."""
    return await client.snapshots.wait_for_status(uuid, "available", timeout=timeout, poll=poll)


def _message(exc: ExplorerError) -> str:
    # CloudSigma's own words when it gave any; otherwise our message.
    if isinstance(exc, ApiError) and exc.errors:
        return "; ".join(e.error_message for e in exc.errors)
    return str(exc)


async def _still_present(resource: Any, uuids: Sequence[str]) -> set[str]:
    present: set[str] = set()
    for start in range(0, len(uuids), 200):  # keep the query string a sane length
        chunk = list(uuids[start : start + 200])
        present.update(s.uuid for s in await resource.list(uuid=chunk, fields=["uuid"]))
    return present


async def _wait_gone(resource: Any, uuids: Sequence[str], timeout: float, poll: float,
                     remaining: set[str] | None = None) -> set[str]:
    """Poll the list until these snapshots are gone (deletion is asynchronous); return those still listed.

    `remaining` (updated in place) lets a caller know which were seen gone when a poll fails midway.
    """
    deadline = time.monotonic() + timeout
    if remaining is None:
        remaining = set()
    remaining.clear()
    remaining.update(uuids)
    while remaining:
        still = await _still_present(resource, sorted(remaining))
        remaining.intersection_update(still)
        if not remaining or time.monotonic() >= deadline:
            break
        await asyncio.sleep(poll)
    return remaining


#: Bulk refusals that concern the items (one already deleted, one not ours): retry one by one.
_PER_ITEM_STATUSES = (400, 403, 404)
UNKNOWN_OUTCOME = "outcome unknown, refresh to check"


def _unknown(exc: ExplorerError) -> str:
    return f"{UNKNOWN_OUTCOME} ({_message(exc)})"


def _outcome_message(o: Any) -> str:
    """An ItemResult message for a client Deletion that is not DELETED."""
    from explorer.client.deletion import ALREADY_GONE, UNKNOWN

    if o.outcome == ALREADY_GONE:
        return f"not found: {o.detail}"
    if o.outcome == UNKNOWN:
        return f"{UNKNOWN_OUTCOME} ({o.detail})"
    return o.detail  # still there: the API's refusal, or why it was not attempted


async def delete_snapshots(
    client: Any,
    items: Mapping[str, str],
    *,
    verify_timeout: float = 30.0,
    poll: float = 0.5,
    on_item: Callable[[ItemResult], None] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> list[ItemResult]:
    """Delete snapshots (`{uuid: name}`) and report each one; raises nothing for API or network failures.

    `kinds` (`{uuid: "local" | "remote"}`, see :func:`kinds_of`; a uuid not in it is local) routes
    each one: remote snapshots (backups) go through `client.remotesnapshots`, by the same rules.

    Many go through the client's `snapshots.delete_many`, which already says per item
    whether it was deleted, already gone, still there (with the API's words) or of unknown
    outcome (it checks the list after a lost answer or a refusal and goes one by one after
    a 400/403/404). If the bulk call itself raises for the items (400, 403, 404), each is
    deleted on its own; any other refusal (401, 402, 429, 5xx) deleted nothing and would
    refuse single deletes too: every item is reported failed with the API's message; a
    lost connection makes every item's outcome unknown (nothing is re-sent blindly). Deletion is
    asynchronous ("deletion started"), so the list is then polled until the deleted ones
    are gone; one still listed after `verify_timeout` is reported as "deletion started"
    (accepted, not yet confirmed: never as deleted nor as refused), and when the polling
    itself fails the accepted items are reported as started but not verified.
    """
    groups: dict[bool, dict[str, str]] = {}
    for u, name in items.items():
        groups.setdefault((kinds or {}).get(u) == REMOTE, {})[u] = name
    results: dict[str, ItemResult] = {}
    for remote, part in groups.items():
        resource = client.remotesnapshots if remote else client.snapshots
        results.update(await _delete_some(resource, part, verify_timeout, poll))
    return _emit(results, list(items), on_item)


async def _delete_some(resource: Any, items: Mapping[str, str], verify_timeout: float, poll: float
                       ) -> dict[str, ItemResult]:
    """`delete_snapshots` for snapshots of one kind, through one client namespace."""
    results: dict[str, ItemResult] = {}
    accepted: list[str] = []
    singles = len(items) <= 1
    if not singles:
        try:
            outcomes = await resource.delete_many(list(items), check=False)
            for o in outcomes:
                if o.outcome == "deleted":  # explorer.client.deletion.DELETED (not imported: it loads httpx)
                    accepted.append(o.uuid)
                else:
                    results[o.uuid] = ItemResult(o.uuid, items[o.uuid], False, _outcome_message(o))
        except ApiError as exc:
            if exc.status_code in _PER_ITEM_STATUSES:
                singles = True  # fall back to one by one below, which says which item was refused
            else:
                results = {u: ItemResult(u, items[u], False, _message(exc)) for u in items}
        except ExplorerError as exc:  # TransportError, DecodeError: the API may or may not have acted
            results = {u: ItemResult(u, items[u], False, _unknown(exc)) for u in items}
    if singles:
        stop: str | None = None
        for u in items:
            if stop is not None:
                results[u] = ItemResult(u, items[u], False, stop)
                continue
            try:
                await resource.delete(u)
                accepted.append(u)
            except NotFoundError as exc:
                results[u] = ItemResult(u, items[u], False, f"not found: {_message(exc)}")
            except ApiError as exc:
                results[u] = ItemResult(u, items[u], False, _message(exc))
                if exc.status_code not in _PER_ITEM_STATUSES:  # the account, not the item: the rest would fail too
                    stop = f"not attempted: {_message(exc)}"
            except ExplorerError as exc:
                results[u] = ItemResult(u, items[u], False, _unknown(exc))
                stop = f"not attempted: {_message(exc)}"
    remaining: set[str] = set()
    try:
        await _wait_gone(resource, accepted, verify_timeout, poll, remaining)
    except ExplorerError as exc:
        for u in accepted:
            results[u] = (ItemResult(u, items[u], False, f"deletion started, not verified: {_message(exc)}")
                          if u in remaining else ItemResult(u, items[u], True, "deleted"))
    else:
        for u in accepted:
            ok = u not in remaining
            results[u] = ItemResult(u, items[u], ok, "deleted" if ok else
                                    f"deletion started, still listed after {verify_timeout:g} s; refresh to check")
    return results


def _emit(results: dict[str, ItemResult], order: Sequence[str], on_item) -> list[ItemResult]:
    out = [results[u] for u in order]
    if on_item:
        for r in out:
            on_item(r)
    return out


async def clone_snapshot(client: Any, uuid: str, *, name: str | None = None, media: str | None = None,
                         avoid: Sequence[str] | None = None, kind: str | None = None) -> Any:
    """Clone a snapshot to a new drive (returned in `cloning_dst`); `kind="remote"` clones a backup."""
    return await resource_of(client, kind).clone(uuid, name=name or None, media=media or None,
                                                 avoid=list(avoid or []) or None)


async def follow_job(
    client: Any,
    drive: Any,
    *,
    progress: Callable[[str | None, int | None], None] | None = None,
    timeout: float = 1200,
    poll: float = 1.0,
) -> Any:
    """Follow a cloned drive until it leaves its transitional status; returns the final Drive.

    `progress(status, percent)` is called on every poll with the drive's status and its
    job's progress (None when the drive carries no job).
    """
    deadline = time.monotonic() + timeout
    job_uuid = drive.jobs[0].uuid if getattr(drive, "jobs", None) else None
    current = drive
    while True:
        percent = None
        if job_uuid:
            try:
                job = await client.jobs.get(job_uuid)
                percent = job.data.progress if job.data else None
            except NotFoundError:
                job_uuid = None  # jobs are kept a few days; a missing one is not a failure
        if progress:
            progress(current.status, percent)
        if current.status not in _TRANSITIONAL_DRIVE:
            return current
        if time.monotonic() > deadline:
            raise ExplorerError(f"drive {current.name or current.uuid} is still {current.status} after {timeout:.0f}s")
        await asyncio.sleep(poll)
        current = await client.drives.get(current.uuid)
