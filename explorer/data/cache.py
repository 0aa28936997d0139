"""The offline cache: the last loaded inventory as Parquet frames plus a small JSON of everything else."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from explorer.data import paths, schema
from explorer.data.inventory import Inventory, Source
from explorer.errors import ExplorerError

CACHE_VERSION = 1
FRAMES = ("snapshots", "drives", "prices", "subscriptions", "usage")
MANIFEST = "inventory.json"


class CacheError(ExplorerError):
    """There is no usable offline cache (never loaded online yet, or written by another version)."""


def _replace(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)  # atomic on POSIX and Windows: readers see the old file or the new one


def save_cached_inventory(inv: Inventory, directory: str | Path | None = None) -> Path:
    """Write `inv` to the cache directory; the manifest goes last, so a crash leaves the previous cache readable."""
    if inv.source.offline:
        return Path(directory) if directory else paths.cache_dir()  # re-saving a cache would only refresh its age
    target = Path(directory) if directory else paths.cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    stamp = str(inv.loaded_at.value)
    for name in FRAMES:
        tmp = target / f".{name}.parquet.tmp"
        getattr(inv, name).to_parquet(tmp, index=False)
        _replace(tmp, target / f"{name}-{stamp}.parquet")
    manifest = {
        "version": CACHE_VERSION,
        "stamp": stamp,
        "loaded_at": inv.loaded_at.isoformat(),
        "currency": inv.currency,
        "burst_levels": inv.burst_levels,
        "next_levels": inv.next_levels,
        "snapshot_quota": inv.snapshot_quota,
        "source": {"endpoint": inv.source.endpoint, "demo": inv.source.demo, "account": inv.source.account},
    }
    tmp = target / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1))
    _replace(tmp, target / MANIFEST)
    for old in target.glob("*.parquet"):  # frames of earlier loads, no longer referenced
        if not old.name.endswith(f"-{stamp}.parquet"):
            old.unlink(missing_ok=True)
    return target


def load_cached_inventory(directory: str | Path | None = None) -> Inventory:
    """The last cached inventory, marked `source.offline=True`; `inventory_age(inv)` says how old it is."""
    target = Path(directory) if directory else paths.cache_dir()
    try:
        manifest = json.loads((target / MANIFEST).read_text())
    except FileNotFoundError:
        raise CacheError("no cached inventory yet: open the explorer once while online") from None
    except (OSError, ValueError) as exc:
        raise CacheError(f"the offline cache in {target} is unreadable: {exc}") from exc
    if manifest.get("version") != CACHE_VERSION:
        raise CacheError(f"the offline cache in {target} was written by another version; open once online")
    stamp = manifest["stamp"]
    loaded = {}
    try:
        for name in FRAMES:
            frame = pd.read_parquet(target / f"{name}-{stamp}.parquet")
            loaded[name] = schema.conform(frame, schema.SCHEMAS[name])
    except (OSError, ValueError, KeyError) as exc:
        raise CacheError(f"the offline cache in {target} is incomplete: {exc}") from exc
    src = manifest["source"]
    return Inventory(
        **loaded,
        burst_levels=manifest["burst_levels"],
        next_levels=manifest["next_levels"],
        snapshot_quota=manifest["snapshot_quota"],
        currency=manifest["currency"],
        source=Source(endpoint=src["endpoint"], demo=src["demo"], offline=True, account=src["account"]),
        loaded_at=pd.Timestamp(manifest["loaded_at"]),
    )


def inventory_age(inv: Inventory, now: pd.Timestamp | None = None) -> pd.Timedelta:
    """How old the inventory's data is (what an offline view shows next to "offline")."""
    return (now if now is not None else pd.Timestamp.now(tz="UTC")) - inv.loaded_at
