"""The forecast: exact on tiny regular inventories, honest against the emulator 30 simulated days later."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from explorer.client import CloudSigmaClient
from explorer.data.forecast import forecast
from explorer.data.load import build_inventory, load_inventory
from explorer.emulator import running_emulator

from .conftest import drive, pricing, snap, usage

GIB = 2**30
NOW = pd.Timestamp("2026-06-01 12:00", tz="UTC")


def _daily(days: int, *, sub_gib: int, quota: dict | None = None):
    """One drive taking a 1 GiB snapshot every day at noon for `days` days, the last one now."""
    snaps = [snap(f"s{i:03d}", "d1", GIB, (NOW - pd.Timedelta(days=days - 1 - i)).isoformat()) for i in range(days)]
    used = 100 * GIB + days * GIB
    inv = build_inventory(snapshots=snaps, drives=[drive("d1", "web", 100 * GIB)], pricing=pricing(),
                          usage=usage(dssd=(sub_gib * GIB, used, max(0, used - sub_gib * GIB))), loaded_at=NOW)
    return dataclasses.replace(inv, snapshot_quota=quota or {}) if quota else inv


def test_a_steady_drive_is_forecast_exactly_with_a_zero_backtest_error():
    f = forecast(_daily(200, sub_gib=400), days=30)
    a = f.account
    assert a["bytes_now"] == 200 * GIB and a["bytes_forecast"] == pytest.approx(230 * GIB)
    assert a["bytes_low"] == pytest.approx(230 * GIB) and a["bytes_high"] == pytest.approx(230 * GIB)
    assert a["backtest"] == {"days": 30, "relative_error": 0.0}
    assert a["count_now"] == 200 and a["count_forecast"] == pytest.approx(230)
    d = f.drives.set_index("uuid").loc["d1"]
    assert d["bytes_forecast"] == pytest.approx(230 * GIB) and d["name"] == "web"
    band = f.band("d1")
    assert band["timestamp"].iloc[0] == NOW and band["timestamp"].iloc[-1] == NOW + pd.Timedelta(days=30)
    assert band["bytes_forecast"].iloc[-1] == pytest.approx(230 * GIB)


def test_quota_and_burst_etas():
    # 200 snapshots, max 215: 15 days at one a day. dssd: 400 GiB subscribed, 300 GiB used, +1 GiB/day: 100 days.
    f = forecast(_daily(200, sub_gib=400, quota={"current": 200, "max": 215, "max_per_drive": 300}), days=30)
    assert f.quota["eta"] == NOW + pd.Timedelta(days=15) and f.quota["eta_reason"] == "account max"
    assert f.account["count_forecast"] == 215  # the API refuses snapshots beyond the quota
    dssd = f.storage_types.set_index("resource").loc["dssd"]
    assert dssd["eta_burst"] is None and dssd["burst_cost_at_horizon"] == 0.0
    f = forecast(_daily(200, sub_gib=320), days=30)  # 20 GiB of room left: bursts in 20 days
    dssd = f.storage_types.set_index("resource").loc["dssd"]
    assert dssd["eta_burst"] == NOW + pd.Timedelta(days=20)
    # At day 30 it is 10 GiB over, at the burst price (dssd level 1: 0.28 per GiB and month).
    assert dssd["burst_cost_at_horizon"] == pytest.approx(10 * 0.28)
    f = forecast(_daily(200, sub_gib=250), days=30)
    assert f.storage_types.set_index("resource").loc["dssd", "eta_burst"] == NOW  # bursting already


def test_observed_history_that_sees_deletions_wins_the_backtest():
    inv = _daily(200, sub_gib=400)
    # The history store saw the account stay at 200 GiB: old snapshots were deleted as new ones came.
    times = [NOW - pd.Timedelta(days=k) for k in range(150, -1, -5)]
    observed = pd.DataFrame({"drive_uuid": "d1", "observed_at": pd.DatetimeIndex(times),
                             "allocated_bytes": 200 * GIB, "snapshot_count": 200})
    f = forecast(inv, days=30, observed=observed)
    assert "observed" in f.method and f.account["backtest"]["relative_error"] == 0.0
    assert f.account["bytes_forecast"] == pytest.approx(200 * GIB)


def test_too_little_history_still_forecasts_and_says_the_error_is_unknown():
    f = forecast(_daily(10, sub_gib=400), days=30)
    assert f.account["backtest"]["relative_error"] is None and f.account["bytes_forecast"] > 10 * GIB


def test_forecast_holds_against_the_emulator_thirty_days_later():
    with running_emulator(seed=1) as emulator, \
            CloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password) as client:
        before = load_inventory(client, cache=False)
        f = forecast(before, days=30)
        emulator.advance(days=30)  # schedules continue and drives keep writing
        after = load_inventory(client, cache=False)
    actual = int(after.snapshots["allocated_size"].sum())
    assert len(after.snapshots) > len(before.snapshots)  # new scheduled snapshots were taken
    assert f.account["bytes_low"] <= actual <= f.account["bytes_high"]
    assert f.account["bytes_now"] < actual
