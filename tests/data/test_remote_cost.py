"""Remote snapshots' cost: billed as `backup` (its own price, subscription and burst level), against the emulator."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.client import CloudSigmaClient
from explorer.data.cost import (
    account_cost_summary,
    cost_totals,
    deletion_savings,
    drive_costs,
    price_per_byte_second,
    snapshot_costs,
)
from explorer.data.forecast import forecast
from explorer.data.load import load_inventory
from explorer.data.units import MONTH_SECONDS
from explorer.emulator import running_emulator


@pytest.fixture(scope="module")
def inv():
    with running_emulator(seed=3, drives=20, snapshots=120, location="ZRH") as h, \
            CloudSigmaClient(h.url, username=h.username, password=h.password) as c:
        yield load_inventory(c, cache=False)


def _remote(inv) -> np.ndarray:
    return (inv.snapshots["kind"] == "remote").to_numpy(bool)


def test_a_backup_costs_its_bytes_at_the_backup_price(inv):
    costs = snapshot_costs(inv)
    remote = _remote(inv)
    assert set(costs.loc[remote, "resource"]) == {"backup"}
    assert "backup" not in set(costs.loc[~remote, "resource"])
    sub = price_per_byte_second(inv, "backup", 0) * MONTH_SECONDS
    burst = price_per_byte_second(inv, "backup", inv.burst_levels["backup"]) * MONTH_SECONDS
    assert sub > 0 and burst > sub
    size = costs.loc[remote, "allocated_size"].to_numpy("float64")
    assert np.allclose(costs.loc[remote, "monthly_cost_subscription"].to_numpy("float64"), size * sub)
    assert np.allclose(costs.loc[remote, "monthly_cost_burst"].to_numpy("float64"), size * burst)
    assert (costs.loc[remote, "burst_level"] == inv.burst_levels["backup"]).all()
    # a backup is cheaper than the same bytes of its drive's dssd
    assert sub < price_per_byte_second(inv, "dssd", 0) * MONTH_SECONDS


def test_the_account_summary_has_backup_with_its_own_subscription(inv):
    summary = account_cost_summary(inv).set_index("resource")
    remote_bytes = int(inv.snapshots.loc[_remote(inv), "allocated_size"].sum())
    row = summary.loc["backup"]
    # the emulator bills remote snapshots as `backup` (and only them): /currentusage/ says so
    assert row["using"] == row["snapshot_bytes"] == remote_bytes and not row["usage_estimated"]
    assert row["subscribed"] > 0 and row["burst"] == max(0, remote_bytes - row["subscribed"])
    assert row["snapshots_burst_monthly_cost"] == pytest.approx(min(remote_bytes, row["burst"]) * row["price_burst"]
                                                                / 2**30)
    local = inv.snapshots[~_remote(inv)]
    dssd = int(local.loc[local["storage_type"].astype(str) == "dssd", "allocated_size"].sum())
    assert summary.loc["dssd", "snapshot_bytes"] == dssd  # backups of dssd drives are not dssd bytes


def test_drive_costs_give_a_drives_backups_a_row_of_their_own(inv):
    dc = drive_costs(inv)
    s = inv.snapshots
    remote = s[_remote(inv)]
    both = set(remote["drive_uuid"]) & set(s.loc[~_remote(inv), "drive_uuid"])
    d = next(iter(both))
    rows = dc[dc["drive_uuid"] == d].set_index("resource")
    storage = str(inv.drives.set_index("uuid").at[d, "storage_type"])
    assert sorted(rows.index) == sorted(["backup", storage])
    assert rows.at["backup", "snapshot_count"] == (remote["drive_uuid"] == d).sum()
    # every listed drive has a row; per kind the rows add up to the snapshots' costs
    assert set(inv.drives["uuid"]) <= set(dc["drive_uuid"])
    costs = snapshot_costs(inv)
    for is_backup in (True, False):
        part = dc[(dc["resource"] == "backup") == is_backup]
        want = costs.loc[_remote(inv) == is_backup, "monthly_cost_subscription"].sum()
        assert part["monthly_cost_subscription"].sum() == pytest.approx(want)
    # an orphan's backups are costed under the deleted drive, with the name from drive_meta
    orphan_rows = dc[dc["drive_name"] == "legacy-01 data"]
    assert orphan_rows["resource"].tolist() == ["backup"] and orphan_rows["snapshot_count"].tolist() == [2]


def test_per_kind_totals_add_up_and_deleting_backups_saves_backup_burst(inv):
    costs = snapshot_costs(inv)
    remote = _remote(inv)
    whole, local, backups = (cost_totals(c, inv.currency) for c in (costs, costs[~remote], costs[remote]))
    assert local.snapshot_count + backups.snapshot_count == whole.snapshot_count
    assert math.isclose(local.value_at_subscription + backups.value_at_subscription, whole.value_at_subscription)
    assert backups.snapshot_count == remote.sum() > 0
    savings = deletion_savings(inv, inv.snapshots.loc[remote, "uuid"].tolist())
    assert savings.by_resource["resource"].tolist() == ["backup"]
    burst = int(account_cost_summary(inv).set_index("resource").at["backup", "burst"])
    assert savings.by_resource["burst_bytes_reduced"].iloc[0] == min(backups.snapshot_bytes, burst)
    assert savings.saves_now_monthly == pytest.approx(
        min(backups.snapshot_bytes, burst) * price_per_byte_second(inv, "backup", inv.burst_levels["backup"])
        * MONTH_SECONDS)


def test_the_forecast_includes_backups(inv):
    f = forecast(inv, days=30)
    assert f.account["bytes_now"] == pytest.approx(float(inv.snapshots["allocated_size"].sum()))
    assert f.account["count_now"] == int((~_remote(inv)).sum())  # counts are the quota's: local snapshots
    kinds = f.drives.groupby("kind")["bytes_now"].sum()
    assert kinds["remote"] == pytest.approx(float(inv.snapshots.loc[_remote(inv), "allocated_size"].sum()))
    assert "backup" in set(f.storage_types["resource"])
    orphan = f.drives[f.drives["name"] == "legacy-01 data"]
    assert orphan["kind"].tolist() == ["remote"]
