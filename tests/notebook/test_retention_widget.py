"""The retention what-if widget: setting a control re-plans; totals, bars and table follow (serialized state)."""

from __future__ import annotations

import pytest

from explorer.data.retention import RetentionRules, plan_money, plan_retention
from explorer.data.units import human_bytes, money
from explorer.notebook.retention import retention_whatif
from explorer.notebook.series import GIB


def test_controls_replan_and_the_bars_and_totals_follow(inventory):
    w = retention_whatif(inventory)
    first = w.totals.snapshot_count
    assert f"Deletes {first:,} of" in w.summary.value and "nothing is deleted here" in w.summary.value
    w.counts["daily"].value = 30
    expected = plan_retention(inventory, RetentionRules(daily=30, weekly=4, monthly=12, tags=("keep",)))
    per, totals = plan_money(inventory, expected)
    assert w.totals.snapshot_count == totals.snapshot_count < first
    bars = w.figure.data[0]
    top = per.sort_values(["bytes_freed", "drive_uuid"], ascending=[False, True]).head(20)
    top = top[top["bytes_freed"] > 0]
    assert list(bars.meta["drive_uuids"]) == list(top["drive_uuid"])
    assert list(bars.y) == pytest.approx(list(top["bytes_freed"] / GIB))
    assert w.table.value.count("<tr>") == 1 + min(30, len(expected.snapshots))


def test_a_bad_rule_says_why_and_clears_the_bars(inventory):
    w = retention_whatif(inventory)
    w.within.value = "3 months"
    assert "Cannot plan" in w.summary.value and "--keep-within needs a positive duration" in w.summary.value
    assert len(w.figure.data) == 0 and w.table.value == ""
    for c in w.counts.values():
        c.value = 0
    w.tags.value = ""
    w.within.value = ""
    assert "no retention rule given" in w.summary.value


def test_serialized_state_shows_bytes_and_money_saved_the_bars_and_the_plan(inventory):
    w = retention_whatif(inventory)
    t, cur = w.totals, w.totals.currency
    summary = w.summary.get_state()["value"]
    assert f"frees <b>{human_bytes(t.bytes_freed)}</b>" in summary and t.bytes_freed > 0
    assert f"saves now <b>{money(t.saves_now_monthly, cur)}</b>/month" in summary and t.saves_now_monthly > 0
    assert f"value at subscription {money(t.monthly_cost_subscription, cur)}/month" in summary
    # The chart as first sent (and as a saved notebook keeps it): one bar per drive that frees bytes.
    bars = w.figure.get_state()["_widget_data"]
    assert [b["type"] for b in bars] == ["bar"]
    freeing = w.per_drive[w.per_drive["bytes_freed"] > 0].sort_values(["bytes_freed", "drive_uuid"],
                                                                       ascending=[False, True])
    assert list(bars[0]["meta"]["drive_uuids"]) == list(freeing["drive_uuid"].head(20)) != []
    assert len(bars[0]["x"]) == len(bars[0]["meta"]["drive_uuids"])
    table = w.table.get_state()["value"]
    plan = w.plan.snapshots.head(30)
    assert table.count("<tr>") == 1 + len(plan)
    for row in plan.itertuples():
        assert f"<td>{row.reasons}</td>" in table if row.reasons else "<td><b>delete</b></td>" in table
