"""Small fabricated typed inventories for the notebook tests (built through the declared schemas)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explorer.data import schema
from explorer.data.inventory import Inventory, Source

GIB = 2**30
T0 = pd.Timestamp("2026-01-01", tz="UTC")
STORAGE = ("dssd", "dssd", "zadara", "nvme")


def fabricate(n_drives: int = 4, n_snapshots: int = 40, *, seed: int = 7, days: int = 300) -> Inventory:
    """A typed inventory: `n_drives` drives, snapshots spread over `days`, one deleted drive's leftovers."""
    rng = np.random.default_rng(seed)
    uuids = [f"{i:08d}-0000-4000-8000-{i:012d}" for i in range(n_drives)]
    drives = schema.conform(pd.DataFrame({
        "uuid": uuids,
        "name": [f"drive-{i}" for i in range(n_drives)],
        "status": ["mounted" if i % 2 else "unmounted" for i in range(n_drives)],
        "storage_type": [STORAGE[i % len(STORAGE)] for i in range(n_drives)],
        "media": "disk",
        "size": [(i + 1) * 50 * GIB for i in range(n_drives)],
        "mounted": [bool(i % 2) for i in range(n_drives)],
        "is_snapshotable": True,
    }), schema.DRIVE_COLUMNS)
    # Drive i gets a share of snapshots growing with i, so "top drives" has a clear order.
    weights = np.arange(1, n_drives + 1, dtype=float)
    owner = rng.choice(n_drives, size=n_snapshots, p=weights / weights.sum())
    sizes = rng.integers(1, 20, size=n_snapshots) * (GIB // 4)
    stamps = T0 + pd.to_timedelta(np.sort(rng.uniform(0, days * 86400, size=n_snapshots)), unit="s")
    snaps = pd.DataFrame({
        "uuid": [f"s{k:07d}-0000-4000-8000-000000000000" for k in range(n_snapshots)],
        "name": [f"snap-{k}" for k in range(n_snapshots)],
        "status": "available",
        "allocated_size": sizes,
        "timestamp": stamps,
        "drive_uuid": [uuids[o] for o in owner],
    })
    if n_snapshots:
        snaps.loc[n_snapshots - 1, ["status", "allocated_size"]] = ["creating", None]  # still being taken
    info = drives.set_index("uuid")
    snaps["drive_name"] = snaps["drive_uuid"].map(info["name"])
    snaps["drive_size"] = snaps["drive_uuid"].map(info["size"])
    snaps["storage_type"] = snaps["drive_uuid"].map(info["storage_type"]).astype("string")
    snaps["drive_status"] = snaps["drive_uuid"].map(info["status"]).astype("string")
    snaps["drive_mounted"] = snaps["drive_uuid"].map(info["mounted"])
    snaps["drive_missing"] = False
    snaps["age"] = pd.Timestamp("2026-11-01", tz="UTC") - snaps["timestamp"]
    snaps["meta"] = "{}"
    snaps["tags"] = ""
    snapshots = schema.conform(snaps, schema.SNAPSHOT_COLUMNS)
    prices = schema.conform(pd.DataFrame({
        "resource": ["dssd", "dssd", "zadara", "zadara", "nvme", "nvme", "dssd", "dssd"],
        "level": [0, 3, 0, 3, 0, 3, 0, 3],
        "currency": ["EUR"] * 6 + ["USD"] * 2,
        "price": [0.10, 0.25, 0.05, 0.12, 0.20, 0.40, 0.12, 0.30],
        "unit": "GB/month",
        "multiplier": 2**30 * 2_592_000,
    }), schema.PRICE_COLUMNS)
    usage = schema.conform(pd.DataFrame({
        "resource": ["dssd", "zadara"], "subscribed": [100 * GIB, 0], "using": [300 * GIB, 40 * GIB],
        "burst": [200 * GIB, 40 * GIB],
    }), schema.USAGE_COLUMNS)
    return Inventory(
        snapshots=snapshots, drives=drives, prices=prices, usage=usage,
        burst_levels={"dssd": 3, "zadara": 3, "nvme": 3}, next_levels={"dssd": 3},
        currency="EUR", source=Source(endpoint="http://fabricated/api/2.0/", demo=True),
        loaded_at=pd.Timestamp("2026-11-01", tz="UTC"),
    )


@pytest.fixture
def inventory() -> Inventory:
    return fabricate()


@pytest.fixture
def make_inventory():
    return fabricate


# ----- the browser tests need Debian's Chromium: without it they do not run, and the session says so once -------

_BROWSER_TESTS = ("test_browser.py", "test_jupyterlab.py")


def pytest_collection_modifyitems(config, items):
    from tests.notebook.browser import chromium_present

    if chromium_present():
        return
    browser = [item for item in items if item.path.name in _BROWSER_TESTS]
    if browser:
        items[:] = [item for item in items if item.path.name not in _BROWSER_TESTS]
        config.hook.pytest_deselected(items=browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so a fixture can tell that its test failed (browser screenshots)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
