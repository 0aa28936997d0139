"""load_inventory end to end against the emulator: over loopback HTTP (sync) and in-process ASGI (async)."""

from __future__ import annotations

import httpx
import pandas as pd
import pytest

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.data import schema
from explorer.data.cache import load_cached_inventory
from explorer.data.cost import account_cost_summary, drive_costs, snapshot_costs
from explorer.data.growth import drive_growth
from explorer.data.history import HistoryStore
from explorer.data.load import load_inventory, load_inventory_async
from explorer.emulator import create_app, running_emulator


@pytest.fixture(scope="module")
def emulator():
    with running_emulator(seed=7, drives=12, snapshots=150) as handle:
        yield handle


def _client(handle):
    return CloudSigmaClient(handle.url, username=handle.username, password=handle.password)


def test_sync_load_builds_typed_frames_and_caches(emulator):
    stages = []
    with _client(emulator) as client:
        inv = load_inventory(client, progress=lambda stage, done, total: stages.append((stage, done, total)))
    for name in ("snapshots", "drives", "prices", "subscriptions", "usage"):
        schema.check(getattr(inv, name), schema.SCHEMAS[name])
    assert len(inv.snapshots) == 150 and len(inv.drives) == 12
    assert inv.snapshots["uuid"].is_unique
    assert not inv.snapshots["drive_missing"].any()
    assert inv.snapshots["timestamp"].notna().all()
    assert inv.burst_levels and not inv.prices.empty
    assert inv.currency in {"EUR", "USD", "GBP", "CHF"}
    assert inv.source.endpoint == emulator.url and inv.source.account == emulator.username
    assert inv.snapshot_quota.get("max")
    # The API's own per-drive sum agrees with the one computed from the snapshots frame.
    d = inv.drives
    assert (d["snapshots_allocated"] == d["runtime_snapshots_allocated_size"].fillna(0)).all()
    assert {s for s, _, _ in stages} >= {"snapshots", "drives", "billing"}
    cached = load_cached_inventory()
    assert cached.source.offline and len(cached.snapshots) == 150
    # Cost and growth run on real emulator data without NA surprises for snapshotable types.
    costs = snapshot_costs(inv)
    assert costs["monthly_cost_subscription"].notna().all(), costs[costs["price_missing"]]
    assert drive_costs(inv)["snapshot_count"].sum() == 150
    assert set(account_cost_summary(inv)["resource"]) >= set(costs["resource"])
    assert len(drive_growth(inv)) == 150


async def test_async_load_over_asgi_matches_sync(emulator):
    app = create_app(seed=7, drives=12, snapshots=150)
    transport = httpx.ASGITransport(app=app)
    async with AsyncCloudSigmaClient("http://emulator/api/2.0/", username="demo@example.com",
                                     password="demo-password", transport=transport) as client:
        inv = await load_inventory_async(client, cache=False)
    with _client(emulator) as client:
        sync = load_inventory(client, cache=False)
    assert sorted(inv.snapshots["uuid"]) == sorted(sync.snapshots["uuid"])  # same seed, same fleet
    schema.check(inv.snapshots, schema.SNAPSHOT_COLUMNS)


def test_history_sees_growth_when_the_emulator_clock_advances(tmp_path):
    with running_emulator(seed=3, drives=4, snapshots=20) as handle, _client(handle) as client:
        store = HistoryStore(tmp_path / "h.duckdb")
        first = load_inventory(client, cache=False)
        store.record(first)
        handle.advance(days=3)
        second = load_inventory(client, cache=False)
        store.record(second)
    growth = store.observed_growth()
    per_drive = growth.pivot_table(index="drive_uuid", columns="observed_at", values="allocated_bytes")
    assert per_drive.shape[1] == 2
    assert (per_drive.iloc[:, 1] >= per_drive.iloc[:, 0]).all()
    assert (per_drive.iloc[:, 1] > per_drive.iloc[:, 0]).any(), "no drive grew after 3 simulated days"
    diff = store.diff(pd.Timedelta(seconds=1))
    assert len(diff.grown) > 0 and (diff.grown["delta"] > 0).all()


def test_failed_load_raises_the_api_error_and_keeps_the_old_cache(emulator):
    from explorer.data import paths
    from explorer.errors import AuthenticationError

    with _client(emulator) as client:
        load_inventory(client)
    [manifest] = paths.cache_dir().glob("account-*/inventory.json")  # this account's own slot
    before = manifest.read_text()
    with CloudSigmaClient(emulator.url, username=emulator.username, password="wrong") as client, \
            pytest.raises(AuthenticationError) as err:
        load_inventory(client)
    assert "wrong" not in str(err.value)
    assert manifest.read_text() == before


async def test_async_load_reports_progress_and_failures():
    from explorer.errors import AuthenticationError

    app = create_app(seed=2, drives=3, snapshots=10)
    seen = []
    async with AsyncCloudSigmaClient("http://emulator/api/2.0/", username="demo@example.com",
                                     password="demo-password", transport=httpx.ASGITransport(app=app)) as client:
        inv = await load_inventory_async(client, progress=lambda *a: seen.append(a), cache=False)
    assert len(inv.snapshots) == 10
    assert ("billing", 6, 6) in seen and any(stage == "snapshots" for stage, _, _ in seen)
    async with AsyncCloudSigmaClient("http://emulator/api/2.0/", username="demo@example.com",
                                     password="nope", transport=httpx.ASGITransport(app=app)) as client:
        with pytest.raises(AuthenticationError):
            await load_inventory_async(client, cache=False)
