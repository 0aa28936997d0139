"""Properties of cost and growth over random small inventories (hypothesis)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.data.cost import deletion_savings, drive_costs, snapshot_costs
from explorer.data.growth import drive_growth
from explorer.data.load import build_inventory

from .conftest import drive, pricing, snap, usage

GIB = 2**30

snapshot_specs = st.lists(
    st.tuples(
        st.sampled_from(["d1", "d2", "d3", "gone"]),
        st.one_of(st.none(), st.integers(0, 50 * GIB)),
        st.integers(0, 10**6),  # seconds after an epoch
    ),
    max_size=30,
)


def _inventory(specs, burst_gib):
    snaps = [
        snap(f"s{i}", d, size, str(pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(seconds=t)))
        for i, (d, size, t) in enumerate(specs)
    ]
    drives = [drive("d1", "a", 100 * GIB), drive("d2", "b", 100 * GIB, storage_type="zadara"),
              drive("d3", "c", 100 * GIB, storage_type="nvme")]
    return build_inventory(snapshots=snaps, drives=drives, pricing=pricing(),
                           usage=usage(dssd=(10 * GIB, 10 * GIB + burst_gib * GIB, burst_gib * GIB)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshot_specs, st.integers(0, 100))
def test_growth_ends_at_each_drives_total(specs, burst_gib):
    inv = _inventory(specs, burst_gib)
    g = drive_growth(inv)
    assert len(g) == len(inv.snapshots)
    last = g.groupby("drive_uuid").tail(1).set_index("drive_uuid")
    totals = inv.snapshots.groupby("drive_uuid")["allocated_size"].sum()
    counts = inv.snapshots.groupby("drive_uuid").size()
    for d, row in last.iterrows():
        assert row["cumulative_bytes"] == totals[d] and row["snapshot_count"] == counts[d]
    for _, part in g.groupby("drive_uuid"):
        assert part["timestamp"].is_monotonic_increasing
        assert part["cumulative_bytes"].is_monotonic_increasing


@settings(max_examples=60, deadline=None)
@given(snapshot_specs, st.integers(0, 100))
def test_costs_add_up_and_savings_never_exceed_cost(specs, burst_gib):
    inv = _inventory(specs, burst_gib)
    per_snap = snapshot_costs(inv)
    per_drive = drive_costs(inv)
    # nvme has no price in the fixture: those rows are NA and flagged, and sums skip them.
    priced = per_snap[~per_snap["price_missing"]]
    assert per_snap["price_missing"].sum() == (per_snap["resource"] == "nvme").sum()
    assert per_drive["monthly_cost_burst"].sum() == pytest.approx(priced["monthly_cost_burst"].sum())
    every = list(inv.snapshots["uuid"])
    s = deletion_savings(inv, every)
    assert s.bytes_freed == int(inv.snapshots["allocated_size"].sum())
    assert s.frees_subscription_bytes + int(s.by_resource["burst_bytes_reduced"].sum()) == s.bytes_freed
    dssd = s.by_resource[s.by_resource["resource"] == "dssd"]
    if len(dssd):
        assert dssd["burst_bytes_reduced"].iloc[0] <= burst_gib * GIB
        assert dssd["saves_now_monthly"].iloc[0] <= dssd["monthly_cost_burst"].iloc[0] + 1e-9
