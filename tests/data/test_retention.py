"""The retention planner against a plain reimplementation of issue 13's rules (hypothesis), plus edge cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.client import models
from explorer.data.load import build_inventory
from explorer.data.retention import RetentionRules, parse_duration, plan_money, plan_retention
from explorer.errors import ValidationError

from .conftest import drive, pricing, snap, usage

GIB = 2**30
NOW = datetime(2027, 1, 4, 12, tzinfo=UTC)
# Anchors around ISO-week year boundaries (2020-W53, 2026-12-28 is in 2026-W53, 2027-01-04 is 2027-W01).
ANCHORS = [datetime(2020, 12, 27, tzinfo=UTC), datetime(2021, 1, 3, 22, tzinfo=UTC),
           datetime(2026, 12, 27, tzinfo=UTC), datetime(2026, 12, 31, 23, 30, tzinfo=UTC), NOW - timedelta(days=400)]
TAGS = [msgspec.convert({"uuid": u, "name": n}, models.Tag) for u, n in (("t1", "keep"), ("t2", "other"))]

specs = st.lists(
    st.tuples(
        st.sampled_from(["d1", "d2", "gone"]),
        st.sampled_from(range(len(ANCHORS))),
        st.integers(0, 24 * 20).map(lambda h: h * 1800),  # half hours: ties and same-hour neighbours
        st.sampled_from(["available"] * 6 + ["creating", "cloning_dst"]),
        st.sampled_from([(), ("t1",), ("t2",), ("t1", "t2")]),
        st.integers(0, 5 * GIB),
    ),
    max_size=40,
)
counts = st.one_of(st.none(), st.integers(1, 6))


@st.composite
def _rules(draw):
    kw = {k: draw(counts) for k in ("last", "hourly", "daily", "weekly", "monthly", "yearly")}
    kw["within"] = draw(st.one_of(st.none(), st.sampled_from(["36h", "30d", "8w", "1y"])))
    kw["tags"] = draw(st.sampled_from([(), ("keep",), ("keep", "other")]))
    if all(v is None for k, v in kw.items() if k != "tags") and not kw["tags"]:
        kw["daily"] = 1
    return RetentionRules(**kw)


def _inventory(items):
    snaps = []
    for i, (d, anchor, offset, status, tags, size) in enumerate(items):
        ts = ANCHORS[anchor] + timedelta(seconds=offset)
        snaps.append(snap(f"s{i:02d}", d, None if status == "creating" else size, ts.isoformat(), status=status,
                          tags=[{"uuid": t} for t in tags], name=f"n{i}"))
    drives = [drive("d1", "web", 100 * GIB), drive("d2", "db", 100 * GIB, storage_type="zadara")]
    return build_inventory(snapshots=snaps, drives=drives, pricing=pricing(), tags=TAGS,
                           usage=usage(dssd=(10 * GIB, 30 * GIB, 20 * GIB)), loaded_at=pd.Timestamp(NOW))


def _bucket(rule, t: datetime):
    return {"hourly": (t.year, t.month, t.day, t.hour), "daily": (t.year, t.month, t.day),
            "weekly": tuple(t.isocalendar())[:2], "monthly": (t.year, t.month), "yearly": (t.year,)}[rule]


def reference(items, rules: RetentionRules) -> dict[str, list[str]]:
    """The rules as written in the issue, one drive and one snapshot at a time."""
    by_drive: dict[str, list] = {}
    for i, (d, anchor, offset, status, tags, _size) in enumerate(items):
        if status == "available":
            names = {"t1": "keep", "t2": "other"}
            by_drive.setdefault(d, []).append((ANCHORS[anchor] + timedelta(seconds=offset), f"s{i:02d}",
                                               {names[t] for t in tags}))
    out: dict[str, list[str]] = {}
    for snaps in by_drive.values():
        snaps.sort(key=lambda x: (x[0], x[1]), reverse=True)
        reasons: dict[str, list[str]] = {u: [] for _, u, _ in snaps}
        if rules.last:
            for _, u, _ in snaps[: rules.last]:
                reasons[u].append("last")
        for rule in ("hourly", "daily", "weekly", "monthly", "yearly"):
            n = getattr(rules, rule)
            last_bucket, kept = None, 0
            for t, u, _ in snaps:
                if n and kept < n and _bucket(rule, t) != last_bucket:
                    reasons[u].append(rule)
                    last_bucket, kept = _bucket(rule, t), kept + 1
        if rules.within:
            cutoff = NOW - parse_duration(rules.within).to_pytimedelta()
            for t, u, _ in snaps:
                if t > cutoff:
                    reasons[u].append("within")
        for _, u, tags in snaps:
            if tags & set(rules.tags):
                reasons[u].append("tag")
        reasons[snaps[0][1]].append("newest")
        out.update(reasons)
    return out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs, _rules())
def test_plan_matches_the_reference(items, rules):
    plan = plan_retention(_inventory(items), rules)
    expected = reference(items, rules)
    got = dict(zip(plan.snapshots["uuid"], plan.snapshots["reasons"], strict=True))
    assert {u: r.split(",") if r else [] for u, r in got.items()} == expected
    assert list(plan.snapshots["keep"]) == [bool(expected[u]) for u in plan.snapshots["uuid"]]
    assert plan.now == pd.Timestamp(NOW)


def test_iso_week_of_new_year_is_one_bucket():
    # 2026-12-31 23:30 (Thu) and 2027-01-03 23:30 (Sun) share ISO week 2026-W53; 2027-01-04 00:30 (Mon) is 2027-W01.
    items = [("d1", 3, 0, "available", (), 1), ("d1", 3, 3 * 86400, "available", (), 1),
             ("d1", 3, 3 * 86400 + 3600, "available", (), 1)]
    plan = plan_retention(_inventory(items), RetentionRules(weekly=5))
    assert dict(zip(plan.snapshots["uuid"], plan.snapshots["reasons"], strict=True)) == {
        "s02": "weekly,newest", "s01": "weekly", "s00": ""}


def test_ties_break_on_uuid_descending_and_other_statuses_are_ignored():
    items = [("d1", 0, 0, "available", (), 1), ("d1", 0, 0, "available", (), 2), ("d1", 0, 0, "creating", (), 0)]
    plan = plan_retention(_inventory(items), RetentionRules(last=1))
    assert list(plan.snapshots["uuid"]) == ["s01", "s00"]
    assert list(plan.snapshots["reasons"]) == ["last,newest", ""]
    assert plan.delete_items() == {"s00": "n0"}


def test_scope_by_drive_and_mask_leaves_the_rest_untouched():
    items = [("d1", 0, 0, "available", (), 1), ("d1", 0, 3600, "available", (), 1), ("d2", 0, 0, "available", (), 1)]
    inv = _inventory(items)
    plan = plan_retention(inv, RetentionRules(last=1), drives=["db"])
    assert list(plan.snapshots["uuid"]) == ["s02"]
    plan = plan_retention(inv, RetentionRules(last=1), scope=(inv.snapshots["uuid"] != "s01").to_numpy())
    assert set(plan.snapshots["uuid"]) == {"s00", "s02"} and plan.delete.empty


def test_money_adds_up_per_drive():
    items = [("d1", 4, h * 86400, "available", (), GIB) for h in range(5)] + [("d2", 4, 0, "available", (), GIB)]
    inv = _inventory(items)
    plan = plan_retention(inv, RetentionRules(last=2))
    per, totals = plan_money(inv, plan)
    assert per.set_index("drive_uuid").loc["d1", ["kept", "deleted", "bytes_freed"]].tolist() == [2, 3, 3 * GIB]
    assert totals.bytes_freed == 3 * GIB and totals.snapshot_count == 3
    # dssd bursts by 20 GiB, so all 3 GiB freed on d1 (dssd) save money now, at the burst price.
    assert per["saves_now"].sum() == pytest.approx(totals.saves_now_monthly) and totals.saves_now_monthly > 0
    assert per["value_at_subscription"].sum() == pytest.approx(totals.monthly_cost_subscription)


@pytest.mark.parametrize("kw, message", [
    ({}, "no retention rule"), ({"daily": 0}, "--keep-daily needs a positive"),
    ({"within": "3m"}, "--keep-within needs a positive duration"), ({"tags": ("",)}, "--keep-tag needs"),
])
def test_bad_rules_are_clear_errors(kw, message):
    with pytest.raises(ValidationError, match=message):
        RetentionRules(**kw)


def test_unknown_or_ambiguous_drive_is_an_error():
    inv = _inventory([("d1", 0, 0, "available", (), 1)])
    with pytest.raises(ValidationError, match="no drive has that name"):
        plan_retention(inv, RetentionRules(last=1), drives=["nope"])


def test_within_is_strictly_newer_than_now_minus_duration():
    assert parse_duration("1y") == pd.Timedelta(days=365) and parse_duration("36h") == pd.Timedelta(hours=36)
