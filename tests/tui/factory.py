"""A small typed inventory fabricated without the API, for pure view/filter tests and benchmarks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from explorer.data import schema
from explorer.data.inventory import Inventory, Source

NOW = pd.Timestamp("2026-01-15 12:00:00", tz="UTC")
DRIVE_NAMES = ("web-01", "web-02", "db-main", "backup", "build")


def make_inventory(n_snapshots: int = 12, *, seed: int = 7, now: pd.Timestamp = NOW) -> Inventory:
    """`n_snapshots` spread over five drives; one `creating` (null size) when n >= 3; deterministic.

    Every fifth snapshot has a default (long) name.
    """
    rng = np.random.default_rng(seed)
    drives = pd.DataFrame(
        {
            "uuid": [f"d{i:07d}-0000-4000-8000-000000000000" for i in range(len(DRIVE_NAMES))],
            "name": list(DRIVE_NAMES),
            "status": ["mounted", "mounted", "unmounted", "unmounted", "mounted"],
            "storage_type": ["dssd", "dssd", "dssd", "zadara", "dssd"],
            "media": ["disk"] * 5,
            "size": [100 * 2**30, 100 * 2**30, 500 * 2**30, 2**40, 50 * 2**30],
            "mounted": [True, True, False, False, True],
            "is_snapshotable": [True] * 5,
            "meta": ["{}"] * 5,
            "tags": [""] * 5,
        }
    )
    which = rng.integers(0, len(DRIVE_NAMES), n_snapshots)
    ages = pd.to_timedelta(rng.integers(60, 400 * 86400, n_snapshots), unit="s")
    sizes = pd.array(rng.integers(0, 20 * 2**30, n_snapshots), dtype="Int64")
    status = np.array(["available"] * n_snapshots, dtype=object)
    if n_snapshots >= 3:
        status[2] = "creating"
        sizes[2] = pd.NA
    names = [f"{DRIVE_NAMES[d]}-snap-{i:06d}" for i, d in enumerate(which)]
    # every fifth one has the API's default name, `{drive_uuid}__{date}__{time}` (58 characters)
    stamps = (now - ages).strftime("%Y-%m-%d__%H_%M_%S")
    for i in range(0, n_snapshots, 5):
        names[i] = f"d{which[i]:07d}-0000-4000-8000-000000000000__{stamps[i]}"
    snaps = pd.DataFrame(
        {
            "uuid": [f"s{i:07d}-1111-4000-8000-{i:012d}" for i in range(n_snapshots)],
            "name": names,
            "status": status,
            "allocated_size": sizes,
            "timestamp": now - ages,
            "age": ages,
            "drive_uuid": drives["uuid"].to_numpy()[which],
            "drive_name": drives["name"].to_numpy()[which],
            "drive_size": drives["size"].to_numpy()[which],
            "drive_status": drives["status"].to_numpy()[which],
            "storage_type": drives["storage_type"].to_numpy()[which],
            "drive_mounted": drives["mounted"].to_numpy()[which],
            "drive_missing": False,
            "meta": [json.dumps({"reason": "pre-upgrade", "ticket": f"OPS-{i}"}) if i % 4 == 1 else "{}"
                     for i in range(n_snapshots)],
            "tags": ["keep" if i % 7 == 3 else "" for i in range(n_snapshots)],
        }
    )
    snaps["share_of_drive"] = snaps["allocated_size"].astype("Float64") / snaps["drive_size"].astype("Float64")
    counts = snaps.groupby("drive_uuid")["uuid"].count()
    allocated = snaps.groupby("drive_uuid")["allocated_size"].sum()
    drives["snapshot_count"] = drives["uuid"].map(counts).fillna(0)
    drives["snapshots_allocated"] = drives["uuid"].map(allocated).fillna(0)
    month = 30 * 86400
    prices = pd.DataFrame(
        {
            "resource": ["dssd", "dssd", "zadara", "zadara"],
            "level": [0, 3, 0, 3],
            "currency": ["EUR"] * 4,
            "price": [0.08, 0.16, 0.10, 0.20],
            "unit": ["GB/month"] * 4,
            "multiplier": [2**30 * month] * 4,
        }
    )
    usage = pd.DataFrame(
        {"resource": ["dssd", "zadara"], "subscribed": [2**40, 2**40], "using": [2**40 + 50 * 2**30, 2**39],
         "burst": [50 * 2**30, 0]}
    )
    return Inventory(
        snapshots=schema.conform(snaps, schema.SNAPSHOT_COLUMNS),
        drives=schema.conform(drives, schema.DRIVE_COLUMNS),
        prices=schema.conform(prices, schema.PRICE_COLUMNS),
        usage=schema.conform(usage, schema.USAGE_COLUMNS),
        burst_levels={"dssd": 3, "zadara": 3},
        currency="EUR",
        source=Source(endpoint="http://127.0.0.1:8642/api/2.0/", demo=True),
        loaded_at=now,
    )
