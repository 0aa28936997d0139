"""The retention plan over several locations: a drive is (location, uuid), money per location in its own currency.

Two emulators on loopback as ZRH (CHF) and FRA (EUR), the same seed: every drive and snapshot uuid exists in
both, so a plan that grouped by drive uuid alone would mix the two locations' drives.
"""

from __future__ import annotations

import pandas as pd
import pytest

from explorer.data.cost import deletion_savings
from explorer.data.locations import part_for
from explorer.data.retention import RetentionRules, plan_money, plan_money_by_location, plan_retention

RULES = RetentionRules(last=2, daily=3)


def _keys(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["location"].astype(str), frame["uuid"], strict=True))


def test_each_locations_drives_are_planned_on_their_own(combined):
    plan = plan_retention(combined, RULES)
    assert set(plan.snapshots["location"].astype(str)) == {"ZRH", "FRA"}
    shared = set(combined.parts[0].snapshots["uuid"]) & set(combined.parts[1].snapshots["uuid"])
    assert shared  # the same uuids in both: identity is (location, uuid)
    want_delete, want_keep = set(), set()
    for part in combined.parts:
        alone = plan_retention(part, RULES, now=plan.now)
        want_delete |= {(part.location, u) for u in alone.delete["uuid"]}
        want_keep |= {(part.location, u) for u in alone.keep["uuid"]}
    assert _keys(plan.delete) == want_delete and _keys(plan.keep) == want_keep
    # each location keeps its own newest of every drive (and of its backups): as many `newest` as groups
    newest = plan.snapshots[plan.snapshots["reasons"].str.contains("newest").fillna(False)]
    groups = plan.snapshots.groupby(["location", "drive_uuid", "kind"], observed=True).ngroups
    assert len(newest) == groups and len(newest) % 2 == 0
    # `row` is the position in the combined frame: its (location, uuid) is the plan's
    rows = combined.snapshots.iloc[plan.snapshots["row"].to_numpy()]
    assert list(zip(rows["location"].astype(str), rows["uuid"], strict=True)) == list(
        zip(plan.snapshots["location"].astype(str), plan.snapshots["uuid"], strict=True))


def test_money_is_per_location_in_its_own_currency_and_equals_each_locations_own(combined):
    plan = plan_retention(combined, RULES)
    money = plan_money_by_location(combined, plan)
    assert [(m.location, m.currency) for m in money] == [("ZRH", "CHF"), ("FRA", "EUR")]
    for m in money:
        part = part_for(combined, m.location)
        per_drive, savings = plan_money(part, plan_retention(part, RULES, now=plan.now))
        pd.testing.assert_frame_equal(m.per_drive, per_drive)
        assert (m.savings.snapshot_count, m.savings.bytes_freed, m.savings.currency) == (
            savings.snapshot_count, savings.bytes_freed, savings.currency)
        assert m.savings.saves_now_monthly == pytest.approx(savings.saves_now_monthly)
        assert m.savings.monthly_cost_subscription == pytest.approx(savings.monthly_cost_subscription)
        assert m.savings.snapshot_count == int((~plan.snapshots["keep"].to_numpy(bool)
                                                & plan.snapshots["location"].astype(str).eq(m.location)).sum())
    # prices differ per location: the same snapshots cost different amounts in CHF and in EUR
    assert money[0].savings.monthly_cost_subscription != money[1].savings.monthly_cost_subscription


def test_a_plan_of_one_location_only_costs_that_location(combined):
    fra_only = combined.snapshots["location"].astype(str).eq("FRA").to_numpy()
    plan = plan_retention(combined, RULES, scope=fra_only)
    assert [m.location for m in plan_money_by_location(combined, plan)] == ["FRA"]


def test_one_location_money_is_still_plan_money(combined):
    part = combined.parts[0]
    plan = plan_retention(part, RULES)
    (only,) = plan_money_by_location(part, plan)
    per_drive, savings = plan_money(part, plan)
    pd.testing.assert_frame_equal(only.per_drive, per_drive)
    assert only.savings.describe() == savings.describe()


def test_money_of_several_locations_is_never_one_figure(combined):
    plan = plan_retention(combined, RULES)
    with pytest.raises(ValueError, match="plan_money_by_location"):
        plan_money(combined, plan)
    with pytest.raises(ValueError, match="savings_by_location"):
        deletion_savings(combined, plan.delete["uuid"])
