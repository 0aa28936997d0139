"""The cost model against hand-computed numbers and CloudSigma's documented ledger entry."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from explorer.client import models
from explorer.data import schema
from explorer.data.cost import (
    account_cost_summary,
    deletion_savings,
    drive_costs,
    price_per_byte_second,
    snapshot_costs,
    snapshot_resources_bursting,
)
from explorer.data.load import build_inventory

GIB = 2**30


def test_documented_ledger_entry_is_reproduced(make):
    # "Burst: 4.50 GB of dssd for 5 minutes", level-1 USD price 0.28/GB-month -> amount 0.00014583333.
    inv = build_inventory(
        snapshots=[make.snap("s", "d", 4831838208, "2014-06-05 09:06:00+00:00")],
        drives=[make.drive("d", "disk", 10 * GIB)],
        pricing=make.pricing("USD", levels={"dssd": 1}),
        balance=models.Balance(currency="USD"),
    )
    assert 4831838208 * 300 * price_per_byte_second(inv, "dssd", 1) == pytest.approx(0.00014583333, abs=1e-11)
    monthly = snapshot_costs(inv)["monthly_cost_burst"].iloc[0]
    assert monthly * 300 / 2592000 == pytest.approx(0.00014583333, abs=1e-11)
    assert monthly == pytest.approx(4.5 * 0.28)


def test_snapshot_costs(small_inventory):
    got = snapshot_costs(small_inventory)
    schema.check(got, schema.SNAPSHOT_COST_COLUMNS)
    want = pd.DataFrame(
        {
            "uuid": pd.array(["a", "b", "c", "x", "n"], dtype="string"),
            "drive_uuid": pd.array(["d1", "d1", "d3", "gone", "d2"], dtype="string"),
            "resource": pd.array(["dssd", "dssd", "zadara", "dssd", "dssd"], dtype="string"),
            "allocated_size": pd.array([GIB, 2 * GIB, 4 * GIB, 3 * GIB, None], dtype="Int64"),
            "currency": pd.array(["EUR"] * 5, dtype="string"),
            "burst_level": pd.array([1, 1, 2, 1, 1], dtype="Int64"),
            "monthly_cost_subscription": pd.array([0.14, 0.28, 0.20, 0.42, 0.0], dtype="Float64"),
            "monthly_cost_burst": pd.array([0.28, 0.56, 0.40, 0.84, 0.0], dtype="Float64"),
            # dssd bursts 2 GiB of its 6 snapshot GiB: each dssd snapshot carries 1/3 of its burst-price cost
            "burst_now_from_snapshots": pd.array([0.28 / 3, 0.56 / 3, 0.0, 0.84 / 3, 0.0], dtype="Float64"),
            "price_missing": pd.array([False] * 5, dtype="boolean"),
        }
    )
    assert got["location"].isna().all()  # an inventory loaded from no named location
    assert_frame_equal(got.drop(columns="location"), want, check_exact=False, rtol=1e-12)


def test_missing_price_is_na_and_flagged_not_a_crash(small_inventory):
    got = snapshot_costs(small_inventory, currency="USD")
    assert got["monthly_cost_burst"].isna().all()
    assert got["price_missing"].all()
    assert (got["currency"] == "USD").all()
    summary = account_cost_summary(small_inventory, currency="USD")
    assert summary["price_missing"].all()
    assert summary["burst_monthly_cost"].isna().all()


def test_missing_burst_level_only_loses_the_burst_reading(make):
    inv = build_inventory(
        snapshots=[make.snap("s", "d", GIB, None)], drives=[make.drive("d", "x", GIB)],
        pricing=make.pricing(levels={"zadara": 2}),
    )
    row = snapshot_costs(inv).iloc[0]
    assert row["monthly_cost_subscription"] == pytest.approx(0.14)
    assert pd.isna(row["monthly_cost_burst"]) and bool(row["price_missing"])


def test_drive_costs_cover_every_drive_costliest_first(small_inventory):
    got = drive_costs(small_inventory)
    schema.check(got, schema.DRIVE_COST_COLUMNS)
    assert got["drive_uuid"].tolist() == ["d1", "gone", "d3", "d2"]  # tie on cost and bytes: by uuid
    d = got.set_index("drive_uuid")
    assert d.at["d1", "monthly_cost_burst"] == pytest.approx(0.84)
    assert d.at["d1", "snapshot_count"] == 2
    assert d.at["d2", "monthly_cost_burst"] == 0.0 and d.at["d2", "snapshot_count"] == 1
    assert pd.isna(d.at["gone", "drive_name"]) and d.at["d3", "resource"] == "zadara"


def test_account_summary(small_inventory):
    got = account_cost_summary(small_inventory)
    schema.check(got, schema.ACCOUNT_COST_COLUMNS)
    a = got.set_index("resource")
    assert a.index.tolist() == ["dssd", "zadara"]
    assert a.at["dssd", "burst"] == 2 * GIB and bool(a.at["dssd", "bursting"])
    assert a.at["dssd", "snapshot_bytes"] == 6 * GIB
    assert a.at["dssd", "burst_monthly_cost"] == pytest.approx(0.56)
    assert a.at["dssd", "snapshots_burst_monthly_cost"] == pytest.approx(0.56)
    assert a.at["dssd", "snapshot_share"] == pytest.approx(6 / 37)
    assert a.at["dssd", "price_burst"] == pytest.approx(0.28)
    assert not bool(a.at["zadara", "bursting"]) and a.at["zadara", "burst_monthly_cost"] == 0


def test_only_bursting_resources_that_hold_snapshots_make_deleting_save_money():
    summary = schema.conform(pd.DataFrame({
        "resource": ["dssd", "local_nvme", "zadara"],
        "bursting": [True, True, False],
        "snapshot_bytes": [5 * GIB, 0, 3 * GIB],
    }), schema.ACCOUNT_COST_COLUMNS)
    assert snapshot_resources_bursting(summary) == ["dssd"]
    assert snapshot_resources_bursting(summary.iloc[1:]) == []


def test_account_summary_estimates_usage_without_currentusage(make):
    subs = [models.Subscription(resource="dssd", amount=str(5 * GIB), status="active"),
            models.Subscription(resource="dssd", amount=str(50 * GIB), status="expired")]
    inv = build_inventory(
        snapshots=[make.snap("s", "d", 2 * GIB, None)], drives=[make.drive("d", "x", 4 * GIB)],
        pricing=make.pricing(), subscriptions=subs,
    )
    a = account_cost_summary(inv).set_index("resource")
    assert bool(a.at["dssd", "usage_estimated"])
    assert (a.at["dssd", "subscribed"], a.at["dssd", "using"], a.at["dssd", "burst"]) == (5 * GIB, 6 * GIB, GIB)


def test_deletion_saves_now_only_what_reduces_burst(small_inventory):
    s = deletion_savings(small_inventory, ["a", "c", "nope"])
    assert s.snapshot_count == 2 and s.bytes_freed == 5 * GIB
    assert s.unknown_uuids == ("nope",)
    assert s.saves_now_monthly == pytest.approx(0.28)  # 1 GiB dssd stops bursting; zadara is not bursting
    assert s.frees_subscription_bytes == 4 * GIB
    assert s.monthly_cost_subscription == pytest.approx(0.34)
    assert s.monthly_cost_burst == pytest.approx(0.68)
    assert s.bursting and not s.price_missing
    want = pd.DataFrame(
        {"resource": ["dssd", "zadara"], "burst_bytes_reduced": [GIB, 0], "frees_subscription_bytes": [0, 4 * GIB]}
    ).astype({"resource": "string", "burst_bytes_reduced": "Int64", "frees_subscription_bytes": "Int64"})
    assert_frame_equal(s.by_resource[["resource", "burst_bytes_reduced", "frees_subscription_bytes"]], want)


def test_deleting_more_than_the_burst_saves_only_the_burst(small_inventory):
    s = deletion_savings(small_inventory, ["a", "b", "x"])
    assert s.bytes_freed == 6 * GIB
    assert s.saves_now_monthly == pytest.approx(2 * 0.28)
    assert s.frees_subscription_bytes == 4 * GIB


def test_deleting_nothing(small_inventory):
    s = deletion_savings(small_inventory, [])
    assert (s.snapshot_count, s.bytes_freed, s.saves_now_monthly, s.monthly_cost_burst) == (0, 0, 0.0, 0.0)
    assert not s.bursting and not math.isnan(s.monthly_cost_subscription)
    assert "0 snapshots" in s.describe()


def test_account_summary_leaves_out_untouched_storage_types(make):
    inv = build_inventory(snapshots=[make.snap("s", "d", GIB, None)], drives=[make.drive("d", "x", GIB)],
                          pricing=make.pricing(), usage=make.usage(dssd=(GIB, GIB, 0), ssd=(0, 0, 0), zadara=(0, 0, 0)))
    assert account_cost_summary(inv)["resource"].tolist() == ["dssd"]


def test_burst_now_parts_add_up_to_the_account_and_never_exceed_saves_now(small_inventory):
    from explorer.data.cost import cost_totals

    costs = snapshot_costs(small_inventory)
    totals = cost_totals(costs, "EUR")
    account = account_cost_summary(small_inventory)
    assert totals.burst_now_from_snapshots == pytest.approx(account["snapshots_burst_monthly_cost"].sum())
    assert totals.value_at_subscription == pytest.approx(account["snapshots_monthly_cost_subscription"].sum())
    assert totals.at_burst_price == pytest.approx(0.28 + 0.56 + 0.40 + 0.84)
    by_drive = drive_costs(small_inventory)["burst_now_from_snapshots"].sum()
    assert by_drive == pytest.approx(totals.burst_now_from_snapshots)
    # One drive's share (d1: 3 of 6 dssd GiB) is half the burst; deleting d1's snapshots alone saves all of it
    # (3 GiB freed >= 2 GiB burst): the attribution shares, the savings are marginal.
    d1 = costs[costs["drive_uuid"] == "d1"]
    assert d1["burst_now_from_snapshots"].sum() == pytest.approx(0.28)
    assert deletion_savings(small_inventory, d1["uuid"]).saves_now_monthly == pytest.approx(0.56)
