"""Several CloudSigma locations as one inventory: each loaded concurrently, combined, costed with its own prices.

A CloudSigma account lives in one location (cloudsigma-api.md §1.1): each has its own API, currency, prices,
burst levels and subscriptions (§4). :func:`load_locations` loads every location at once and combines them
into one :class:`~explorer.data.inventory.Inventory` whose frames carry `location` on every row and whose
`parts` keep each location's own inventory (its billing data). One location failing (down, 401, a timeout)
never blocks the others: it becomes a :class:`~explorer.data.inventory.LocationFailure` quoting the error,
and when the offline cache holds that location its cached rows are included, marked stale (`stale_since`).

Identity across locations is (location, uuid): uuids are unique within one location only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from explorer.data import schema
from explorer.data.inventory import Inventory, LocationFailure, Source
from explorer.data.load import Progress, inventory_source
from explorer.errors import CacheError, ExplorerError

log = logging.getLogger(__name__)

__all__ = ["combine", "currencies", "load_cached_locations", "load_locations", "load_locations_async", "part_for",
           "per_location", "savings_by_location", "totals_by_currency"]


def _targets(sessions: Any) -> list[tuple[str, Any, Source]]:
    """(location, client, source) from a sequence of Sessions or a ``{location: client}`` mapping."""
    if isinstance(sessions, Mapping):
        return [(str(code), client, replace(inventory_source(client), location=str(code)))
                for code, client in sessions.items()]
    out = []
    for s in sessions:
        code = s.location or s.source.endpoint
        out.append((code, s.client, replace(inventory_source(s), location=code)))
    codes = [code for code, _, _ in out]
    if len(set(codes)) != len(codes):
        raise ExplorerError(f"two sessions are the same location ({', '.join(codes)}): give each location once")
    return out


def _located(inv: Inventory, code: str) -> Inventory:
    """`inv` as location `code`: its `location` and every row's still-empty `location` set to it."""
    frames = {}
    for name in ("snapshots", "drives"):
        frame = getattr(inv, name)
        if "location" in frame and frame["location"].isna().any():
            col = frame["location"]
            if code not in col.cat.categories:
                col = col.cat.add_categories([code])
            frame = frame.assign(location=col.fillna(code))
        frames[name] = frame
    return replace(inv, location=code, source=replace(inv.source, location=code), **frames)


def _progress_of(progress: Progress | None, code: str, several: bool) -> Progress | None:
    """Each location's progress, its stage named by the location (`"ZRH snapshots"`) when there are several."""
    if progress is None or not several:
        return progress
    return lambda stage, done, total: progress(f"{code} {stage}", done, total)


def _cached(code: str, source: Source, cache_dir: Any) -> Inventory | None:
    from explorer.data.cache import load_cached_inventory

    try:
        return _located(load_cached_inventory(cache_dir, source=source, location=code), code)
    except CacheError:
        return None


def load_cached_locations(places: Sequence[tuple[str, Source]], cache_dir: Any = None) -> Inventory:
    """Every place's last cached inventory, combined as a load combines them (`--offline` over several locations).

    `places`: ``(code, source)`` per configured location, in order; `code` names it when its cache does not
    (an endpoint whose code only its ``/locations/`` knows is cached under that code). A location without a
    cache is a :class:`LocationFailure` saying so (no rows, `stale_since` None); none at all raises CacheError.
    Nothing is asked of any API and nothing is written.
    """
    from explorer.data.cache import load_cached_inventory

    parts, failures, missing = [], [], []
    for code, source in places:
        try:
            inv = load_cached_inventory(cache_dir, source=source, location=code)
        except CacheError as exc:
            failures.append(LocationFailure(location=code, endpoint=source.endpoint, reason=str(exc)))
            missing.append(code)
            continue
        parts.append(_located(inv, inv.location or code))
    if not parts:
        raise CacheError(f"no cached inventory of any configured location yet ({', '.join(missing)}): "
                         "open the explorer once while online")
    return combine(parts, failures)


def _failed(code: str, source: Source, exc: ExplorerError, cache_dir: Any) -> tuple[Inventory | None,
                                                                                      LocationFailure]:
    cached = _cached(code, source, cache_dir)
    log.info("location %s could not be loaded: %s", code, exc)
    return cached, LocationFailure(location=code, endpoint=source.endpoint, reason=str(exc),
                                   stale_since=cached.loaded_at if cached is not None else None)


def _save(inv: Inventory, cache_dir: Any) -> None:
    from explorer.data import cache

    try:
        cache.save_cached_inventory(inv, cache_dir)
    except (OSError, ValueError) as exc:  # the cache is a convenience; a full disk must not fail a load
        log.warning("could not write the offline cache of %s: %s", inv.location, exc)


def load_locations(sessions: Any, *, progress: Progress | None = None, cache: bool = True,
                   cache_dir: Any = None, errors: list | None = None) -> Inventory:
    """Load every location concurrently and combine them (:func:`combine`); a failure never blocks the others.

    `sessions`: the Sessions of :func:`explorer.session.open_sessions`, or ``{location: CloudSigmaClient}``.
    Each loaded location is saved as its offline cache (unless `cache=False`); a failed one is read from it.
    `errors`, when given, receives each failed location's ``(code, exception)``.
    """
    from explorer.data.load import load_inventory

    targets = _targets(sessions)
    several = len(targets) > 1

    def one(code: str, client: Any, source: Source):
        try:
            inv = load_inventory(client, progress=_progress_of(progress, code, several), source=source, cache=False)
        except ExplorerError as exc:
            if errors is not None:
                errors.append((code, exc))
            return _failed(code, source, exc, cache_dir)
        inv = _located(inv, code)
        if cache:
            _save(inv, cache_dir)
        return inv, None

    with ThreadPoolExecutor(max_workers=max(1, len(targets)), thread_name_prefix="load-location") as pool:
        results = list(pool.map(lambda t: one(*t), targets))
    return combine([inv for inv, _ in results if inv is not None], [f for _, f in results if f is not None])


async def load_locations_async(sessions: Any, *, progress: Progress | None = None, cache: bool = True,
                               cache_dir: Any = None, errors: list | None = None) -> Inventory:
    """The async twin of :func:`load_locations` (AsyncCloudSigmaClients; the TUI's event loop stays free)."""
    from explorer.data.load import load_inventory_async

    targets = _targets(sessions)
    several = len(targets) > 1

    async def one(code: str, client: Any, source: Source):
        try:
            inv = await load_inventory_async(client, progress=_progress_of(progress, code, several), source=source,
                                             cache=False)
        except ExplorerError as exc:
            if errors is not None:
                errors.append((code, exc))
            return await asyncio.to_thread(_failed, code, source, exc, cache_dir)
        inv = _located(inv, code)
        if cache:
            await asyncio.to_thread(_save, inv, cache_dir)
        return inv, None

    results = await asyncio.gather(*(one(*t) for t in targets))
    return await asyncio.to_thread(combine, [inv for inv, _ in results if inv is not None],
                                   [f for _, f in results if f is not None])


def _concat(parts: Sequence[Inventory], name: str) -> pd.DataFrame:
    frames = [getattr(p, name) for p in parts]
    columns = schema.SCHEMAS[name]
    if not frames:
        return schema.empty_frame(columns)
    # conform: category columns of the parts (each its own categories) become one category again.
    return schema.conform(pd.concat(frames, ignore_index=True), columns)


def combine(parts: Sequence[Inventory], failures: Sequence[LocationFailure] = ()) -> Inventory:
    """One Inventory of several locations' inventories (each with its `location` set).

    One location without failures is returned as it is (`parts` stays empty: single-location code is
    untouched). Otherwise the frames are the parts' concatenated in order, `parts` and `failures` are kept,
    `currency` is the first location's (money is per location: use each part's, or :func:`totals_by_currency`),
    `source.offline` is True only when every part came from the cache, and `loaded_at` is the newest load's.
    """
    parts, failures = tuple(parts), tuple(failures)
    if len(parts) == 1 and not failures:
        return parts[0]
    codes = [p.location for p in parts]
    if None in codes or len(set(codes)) != len(codes):
        raise ValueError(f"combine needs parts of distinct, named locations (got {codes})")
    fresh = [p for p in parts if not p.source.offline] or list(parts)
    accounts = {p.source.account for p in parts}
    endpoints = [p.source.endpoint for p in parts] + [f.endpoint for f in failures]
    source = Source(endpoint=", ".join(e for e in endpoints if e),
                    demo=bool(parts) and all(p.source.demo for p in parts),
                    offline=bool(parts) and all(p.source.offline for p in parts),
                    account=accounts.pop() if len(accounts) == 1 else None)
    return Inventory(
        **{name: _concat(parts, name) for name in ("snapshots", "drives", "prices", "subscriptions", "usage")},
        currency=parts[0].currency if parts else "EUR",
        source=source,
        loaded_at=max(p.loaded_at for p in fresh) if parts else pd.Timestamp.now(tz="UTC"),
        parts=parts,
        failures=failures,
    )


def part_for(inv: Inventory, location: str) -> Inventory | None:
    """The inventory of one location of `inv` (a combined one's part, or `inv` itself), else None."""
    if inv.location == location:
        return inv
    return next((p for p in inv.parts if p.location == location), None)


def currencies(inv: Inventory) -> tuple[str, ...]:
    """The currencies of `inv`'s locations, in location order (one for a single location)."""
    return tuple(dict.fromkeys(p.currency for p in (inv.parts or (inv,))))


def _view(inv: Inventory, part: Inventory) -> tuple[Inventory, np.ndarray]:
    """`part`'s billing data with `inv`'s current rows of that location; and the snapshot rows' positions."""
    snaps = inv.snapshots["location"].astype("string").eq(part.location).fillna(False).to_numpy(bool)
    drives = inv.drives["location"].astype("string").eq(part.location).fillna(False).to_numpy(bool)
    view = replace(part, snapshots=inv.snapshots[snaps], drives=inv.drives[drives], parts=(), failures=())
    return view, np.flatnonzero(snaps)


def per_location(func: Callable[..., pd.DataFrame], inv: Inventory, *, currency: str | None = None,
                 aligned: bool = False, **kwargs: Any) -> pd.DataFrame:
    """`func(part, currency=...)` for each location of a combined `inv`, concatenated, with its `location`.

    Each location is costed with its own prices, burst levels, usage and (unless `currency` is given)
    currency. `aligned`: `func` returns one row per snapshot (snapshot_costs); the result then follows
    `inv.snapshots`' rows and index.
    """
    pieces, positions = [], []
    for part in inv.parts:
        view, pos = _view(inv, part)
        out = func(view, currency=currency, **kwargs)
        if "location" in out.columns:
            out = out.assign(location=part.location)
        pieces.append(out)
        positions.append(pos)
    if not pieces:
        return func(replace(inv, parts=()), currency=currency, **kwargs)
    out = pd.concat(pieces, ignore_index=True)
    if aligned:
        order = np.argsort(np.concatenate(positions), kind="stable")
        out = out.iloc[order]
        out.index = inv.snapshots.index[np.sort(np.concatenate(positions))]
    name = getattr(func, "__name__", "")
    columns = {"snapshot_costs": schema.SNAPSHOT_COST_COLUMNS, "drive_costs": schema.DRIVE_COST_COLUMNS,
               "account_cost_summary": schema.ACCOUNT_COST_COLUMNS}.get(name)
    return schema.conform(out, columns) if columns else out


def totals_by_currency(inv: Inventory, costs: pd.DataFrame | None = None) -> tuple:
    """One :class:`~explorer.data.cost.CostTotals` per currency of `costs` (default: every snapshot's).

    Money of different currencies is never added: a total per currency, in location order.
    """
    from explorer.data.cost import cost_totals, snapshot_costs

    costs = snapshot_costs(inv) if costs is None else costs
    order = list(dict.fromkeys([*currencies(inv), *costs["currency"].dropna().astype(str)]))
    cur = costs["currency"].astype("string")
    return tuple(cost_totals(costs[cur.eq(c).fillna(False).to_numpy(bool)], c) for c in order
                 if cur.eq(c).any() or c in currencies(inv))


def savings_by_location(inv: Inventory, rows: pd.DataFrame, *, currency: str | None = None) -> tuple:
    """What deleting `rows` (snapshots with `location` and `uuid`, e.g. marked rows) saves, one
    :class:`~explorer.data.cost.DeletionSavings` per location that has any of them, in location order.

    Each is in its location's own currency (unless `currency` is given) and against its own burst: the
    money of different locations is never added. A single-location `inv` gives one entry.
    """
    from explorer.data.cost import deletion_savings

    if not inv.parts:
        return (deletion_savings(inv, rows["uuid"], currency=currency),)
    where = rows["location"].astype("string")
    out = []
    for part in inv.parts:
        uuids = rows.loc[where.eq(part.location).fillna(False).to_numpy(bool), "uuid"]
        if len(uuids):
            out.append(deletion_savings(part, uuids, currency=currency))
    return tuple(out)
