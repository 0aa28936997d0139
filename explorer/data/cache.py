"""The offline cache: the last loaded inventory as Parquet frames plus a small JSON of everything else."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pandas as pd

from explorer.data import paths, private, schema
from explorer.data.inventory import Inventory, Source
from explorer.data.preview import slot_dir
from explorer.errors import CacheError

CACHE_VERSION = 1
FRAMES = ("snapshots", "drives", "prices", "subscriptions", "usage")
MANIFEST = "inventory.json"
#: the newest snapshots again, on their own: a warm start's first paint reads these few instead of all
HEAD, HEAD_ROWS = "snapshots_head", 1000


def _replace(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)  # atomic on POSIX and Windows: readers see the old file or the new one


#: where earlier versions kept every account's cache (still read by `--offline`, never by a warm start)
LEGACY_SLOT = "account"


def _slot(root: Path, source: Source, location: str | None = None) -> Path:
    """One slot per account at an endpoint, so one account's cache is never shown as another's.

    The demo has its own slot (its emulator listens on a new port each run), so trying the demo never
    replaces a real account's offline copy; each demo location (`location`) has its own. Account slots are
    named by a digest: no e-mail in a path (an account's endpoint already names its location).
    """
    return slot_dir(root, source, location)  # explorer.data.preview names them too, without pandas


def _account_slots(root: Path) -> list[Path]:
    return [*sorted(root.glob("account-*")), root / LEGACY_SLOT]


def _same_source(manifest: dict, source: Source) -> bool:
    src = manifest.get("source") or {}
    if source.demo or src.get("demo"):
        return bool(src.get("demo")) == source.demo
    return src.get("endpoint") == source.endpoint and src.get("account") == source.account


def _stamp_of(path: Path) -> int | None:
    try:
        return int(path.stem.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return None


def save_cached_inventory(inv: Inventory, directory: str | Path | None = None) -> Path:
    """Write `inv` to the cache; the manifest goes last, so a crash leaves the previous cache readable.

    `directory` is the cache root (default: `inventory-cache/` in the data directory); the demo and
    each account (endpoint and user) go to separate slots under it. Returns the slot written.
    """
    target = _slot(Path(directory) if directory else paths.cache_dir(), inv.source, inv.location)
    if inv.source.offline:
        return target  # re-saving a cache would only refresh its age
    root = target.parent
    private.private_dir(target)
    _secure(root, target, own_root=directory is None)
    stamp = str(inv.loaded_at.value)
    unique = f"{os.getpid()}-{threading.get_ident()}"  # two savers at once never share a temp file
    for name in FRAMES:
        tmp = target / f".{name}.{unique}.tmp"
        with private.open_private(tmp, "wb") as fh:  # 0600 from the start: names, meta, the account
            getattr(inv, name).to_parquet(fh, index=False)
        _replace(tmp, target / f"{name}-{stamp}.parquet")
    snaps = inv.snapshots
    tmp = target / f".{HEAD}.{unique}.tmp"
    with private.open_private(tmp, "wb") as fh:
        snaps.nlargest(HEAD_ROWS, "timestamp").to_parquet(fh, index=False)
    _replace(tmp, target / f"{HEAD}-{stamp}.parquet")
    manifest = {
        "version": CACHE_VERSION,
        "stamp": stamp,
        "loaded_at": inv.loaded_at.isoformat(),
        "currency": inv.currency,
        "burst_levels": inv.burst_levels,
        "next_levels": inv.next_levels,
        "snapshot_quota": inv.snapshot_quota,
        "location": inv.location,
        "snapshots": {"count": len(snaps), "allocated": int(snaps["allocated_size"].fillna(0).sum())},
        "source": {"endpoint": inv.source.endpoint, "demo": inv.source.demo, "account": inv.source.account},
    }
    tmp = target / f".{MANIFEST}.{unique}.tmp"
    with private.open_private(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, indent=1))
    _replace(tmp, target / MANIFEST)
    _prune(target, int(stamp))
    return target


_securing = threading.Lock()


def _secure(root: Path, slot: Path, *, own_root: bool) -> None:
    """Tighten what an earlier version wrote 0644 in 0755 folders (the root only when it is the default one).

    In the default root every slot is tightened at once, under a lock: the locations of one load save
    concurrently, and the user gets one notice for the cache, not one per location.
    """
    slots = [p for p in root.iterdir() if p.is_dir()] if own_root else [slot]
    with _securing:
        private.secure([f for s in slots for f in (*s.glob("*.parquet"), s / MANIFEST)],
                       folders=([root] if own_root else []) + slots)


def _prune(target: Path, own: int) -> None:
    """Delete frames of earlier loads; keep ours, the manifest's and any newer (another process still writing)."""
    try:
        current = int(json.loads((target / MANIFEST).read_text())["stamp"])
    except (OSError, ValueError, KeyError):
        return
    oldest_kept = min(own, current)
    for path in target.glob("*.parquet"):
        stamp = _stamp_of(path)
        if stamp is not None and stamp < oldest_kept:
            path.unlink(missing_ok=True)


def _read_manifest(target: Path) -> dict | None:
    try:
        return json.loads((target / MANIFEST).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CacheError(f"the offline cache in {target} is unreadable: {exc}") from exc


def has_cached_inventory(source: Source, directory: str | Path | None = None, *, location: str | None = None) -> bool:
    """Whether `source`'s own slot holds a cache (one file check: a start decides with it whether to warm-start)."""
    return (_slot(Path(directory) if directory else paths.cache_dir(), source, location) / MANIFEST).is_file()


def load_cached_head(source: Source, rows: int, directory: str | Path | None = None, *,
                     location: str | None = None) -> tuple[Inventory, int, int]:
    """`source`'s cache with only its newest `rows` snapshots (a first paint: ~10 ms where all 100k take ~0.15 s),
    plus the whole cache's snapshot count and allocated bytes."""
    return _load_cached(directory, None, source, location, rows)


def load_cached_inventory(directory: str | Path | None = None, *, demo: bool | None = None,
                          source: Source | None = None, location: str | None = None) -> Inventory:
    """The last cached inventory, marked `source.offline=True`; `inventory_age(inv)` says how old it is.

    `source`: only that account's (or the demo's) own cache, written for the same endpoint and user
    (what a warm start shows). Otherwise the newest of all slots; `demo=False` / `demo=True` picks
    among the accounts' or the demo's. `location`: the slot of that location of the demo (an account's
    endpoint names its location already).
    """
    return _load_cached(directory, demo, source, location, None)[0]


def _read_frame(path: Path, name: str, newest: int | None, manifest: dict) -> tuple[pd.DataFrame, int, int]:
    """One cached frame; for snapshots with `newest`, only the newest rows (the head file, else picked in Arrow)."""
    totals = manifest.get("snapshots")
    head = path.with_name(path.name.replace(f"{name}-", f"{HEAD}-", 1))
    if name == "snapshots" and newest is not None and newest <= HEAD_ROWS and totals and head.is_file():
        frame = pd.read_parquet(head).nlargest(newest, "timestamp")
        return schema.conform(frame, schema.SCHEMAS[name]), totals["count"], totals["allocated"]
    if name != "snapshots" or newest is None:
        frame = pd.read_parquet(path)
        return schema.conform(frame, schema.SCHEMAS[name]), len(frame), 0
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    allocated = int(pc.sum(table["allocated_size"]).as_py() or 0)
    head = table.take(pc.select_k_unstable(table, newest, [("timestamp", "descending")]))
    return schema.conform(head.to_pandas(), schema.SCHEMAS[name]), table.num_rows, allocated


def _load_cached(directory, demo, source, location, newest) -> tuple[Inventory, int, int]:
    root = Path(directory) if directory else paths.cache_dir()
    if source is not None:
        slots = [_slot(root, source, location)]
    else:
        slots = ([] if demo is True else _account_slots(root)) + \
            ([] if demo is False else [root / "demo", *sorted(root.glob("demo-*"))])
    for slot in slots:
        if slot.is_dir():
            _secure(root, slot, own_root=directory is None)
    for attempt in range(3):  # a concurrent save may prune the frames we were about to read: look again
        found = [(m, slot) for slot in slots if (m := _read_manifest(slot)) is not None
                 and (source is None or _same_source(m, source))]
        if not found:
            which = (" of this account" if source is not None and not source.demo else
                     " of the demo" if demo or (source is not None and source.demo) else
                     " of an account" if demo is False else "")
            raise CacheError(f"no cached inventory{which} yet: open the explorer once while online")
        manifest, target = max(found, key=lambda ms: str(ms[0].get("loaded_at")))
        if manifest.get("version") != CACHE_VERSION:
            raise CacheError(f"the offline cache in {target} was written by another version; open once online")
        try:
            read = {name: _read_frame(target / f"{name}-{manifest['stamp']}.parquet", name, newest, manifest)
                    for name in FRAMES}
            loaded = {name: frame for name, (frame, _, _) in read.items()}
            break
        except FileNotFoundError as exc:
            if attempt == 2:
                raise CacheError(f"the offline cache in {target} is incomplete: {exc}") from exc
        except (OSError, ValueError, KeyError) as exc:
            raise CacheError(f"the offline cache in {target} is unreadable: {exc}") from exc
    src = manifest["source"]
    _, count, allocated = read["snapshots"]
    return Inventory(
        **loaded,
        burst_levels=manifest["burst_levels"],
        next_levels=manifest["next_levels"],
        snapshot_quota=manifest["snapshot_quota"],
        currency=manifest["currency"],
        source=Source(endpoint=src["endpoint"], demo=src["demo"], offline=True, account=src["account"]),
        loaded_at=pd.Timestamp(manifest["loaded_at"]),
        location=manifest.get("location"),
    ), count, allocated


def inventory_age(inv: Inventory, now: pd.Timestamp | None = None) -> pd.Timedelta:
    """How old the inventory's data is (what an offline view shows next to "offline")."""
    return (now if now is not None else pd.Timestamp.now(tz="UTC")) - inv.loaded_at
