"""Figure builders: one trace per drive, values equal to the frame's sums, point caps honoured."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explorer.data import schema
from explorer.notebook.cost_figures import burst_cost, burst_figure, cost_by_drive_figure, storage_type_figure
from explorer.notebook.figures import bytes_by_drive_figure, growth_figure
from explorer.notebook.series import GIB, cap_points, clip_steps, drive_labels, top_drives


def growth_frame(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The drive_growth contract shape, built independently of the code under test."""
    rows = []
    for uuid, part in snapshots.sort_values("timestamp").groupby("drive_uuid", observed=True):
        sizes = part["allocated_size"].fillna(0).astype("int64")
        rows.append(pd.DataFrame({
            "drive_uuid": uuid, "timestamp": part["timestamp"].to_numpy(),
            "cumulative_bytes": sizes.cumsum().to_numpy(), "snapshot_count": np.arange(1, len(part) + 1),
        }))
    out = pd.concat(rows, ignore_index=True)
    out["timestamp"] = pd.to_datetime(out["timestamp"], utc=True)
    return out


def test_top_drives_orders_by_snapshot_bytes(inventory):
    sums = inventory.snapshots.groupby("drive_uuid")["allocated_size"].sum().sort_values(ascending=False)
    assert top_drives(inventory.snapshots, 3) == list(sums.index[:3])
    assert top_drives(inventory.snapshots.iloc[0:0], 3) == []


def test_growth_one_trace_per_drive_ending_at_the_drive_sum(inventory):
    snaps = inventory.snapshots
    drives = top_drives(snaps, 10)
    fig = growth_figure(growth_frame(snaps), drives=drives, labels=drive_labels(snaps, inventory.drives))
    assert [t.meta["drive_uuid"] for t in fig.data] == drives
    for trace in fig.data:
        mine = snaps[snaps["drive_uuid"] == trace.meta["drive_uuid"]]
        assert trace.y[-1] == pytest.approx(mine["allocated_size"].sum() / GIB)
        assert trace.name == mine["drive_name"].iloc[0]
        assert list(trace.x) == sorted(trace.x)
    assert fig.layout.yaxis.type == "linear"


def test_growth_count_metric_log_scale_and_date_clip(inventory):
    snaps = inventory.snapshots
    drive = top_drives(snaps, 1)[0]
    start, end = pd.Timestamp("2026-03-01", tz="UTC"), pd.Timestamp("2026-06-30", tz="UTC")
    fig = growth_figure(growth_frame(snaps), drives=[drive], metric="count", scale="log", start=start, end=end.date())
    (trace,) = fig.data
    mine = snaps[snaps["drive_uuid"] == drive]
    # The value reached before the range is carried to its first instant...
    assert pd.Timestamp(trace.x[0], tz="UTC") == start  # x is UTC wall time, as a zone-less ISO string
    assert trace.y[0] == (mine["timestamp"] < start).sum()
    # ...and the end date is inclusive of that whole day.
    assert trace.y[-1] == (mine["timestamp"] < end + pd.Timedelta(days=1)).sum()
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.title.text == "snapshots"
    # plotly.js reads zone-less date strings: the range is UTC wall time like the x values.
    assert fig.layout.xaxis.range == ("2026-03-01 00:00:00.000000", "2026-06-30 23:59:59.999999")


def test_growth_overlays_observed_series_in_the_same_colour(inventory):
    snaps = inventory.snapshots
    drive = top_drives(snaps, 1)[0]
    observed = pd.DataFrame({
        "drive_uuid": [drive, drive],
        "observed_at": pd.to_datetime(["2026-05-01", "2026-06-01"], utc=True),
        "allocated_bytes": pd.array([10 * GIB, 12 * GIB], dtype="Int64"),
        "snapshot_count": pd.array([3, 4], dtype="Int64"),
    })
    fig = growth_figure(growth_frame(snaps), drives=[drive], observed=observed)
    recon, seen = fig.data
    assert (recon.meta["series"], seen.meta["series"]) == ("reconstructed", "observed")
    assert list(seen.y) == [10.0, 12.0]
    assert seen.line.color == recon.line.color and seen.line.dash == "dot"


def test_growth_rejects_unknown_metric(inventory):
    with pytest.raises(ValueError, match="metric"):
        growth_figure(growth_frame(inventory.snapshots), metric="bananas")


def test_cap_points_resamples_to_the_finest_bin_that_fits():
    idx = pd.date_range("2020-01-01", periods=50_000, freq="h", tz="UTC")
    s = pd.Series(np.arange(50_000, dtype=float), index=idx)
    capped, rule = cap_points(s, 5_000)
    assert rule == "D" and len(capped) <= 5_000
    assert capped.iloc[-1] == s.iloc[-1]  # the last value of each bin is kept
    capped, rule = cap_points(s, 400)
    assert rule == "W" and len(capped) <= 400
    small, rule = cap_points(s.iloc[:10], 5_000)
    assert rule is None and small.equals(s.iloc[:10])


def _quarter_hourly_chain(n: int) -> pd.DataFrame:
    """One drive snapshotted every 15 minutes, growing 1 GiB each time."""
    return pd.DataFrame({
        "drive_uuid": "d1",
        "timestamp": pd.date_range("2024-01-01", periods=n, freq="15min", tz="UTC"),
        "cumulative_bytes": np.arange(1, n + 1) * GIB,
        "snapshot_count": np.arange(1, n + 1),
    })


def test_growth_trace_never_exceeds_the_cap():
    growth = _quarter_hourly_chain(30_000)
    # 30,000 quarter-hours span 313 days: 200 points need weekly bins.
    fig = growth_figure(growth, drives=["d1"], max_points=200)
    assert len(fig.data[0].x) <= 200
    assert fig.data[0].y[-1] == 30_000
    assert "weekly" in fig.layout.title.text


def test_clip_steps_keeps_values_inside_range():
    s = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"], utc=True))
    out = clip_steps(s, pd.Timestamp("2026-01-15", tz="UTC"), pd.Timestamp("2026-02-15", tz="UTC"))
    assert out.tolist() == [1.0, 2.0]


def test_bytes_by_drive_sums_match_the_frame(inventory):
    snaps = inventory.snapshots
    fig = bytes_by_drive_figure(snaps, labels=drive_labels(snaps, inventory.drives))
    shown = {uuid: x for t in fig.data for uuid, x in zip(t.customdata, t.x, strict=True)}
    expected = snaps.groupby("drive_uuid")["allocated_size"].sum() / GIB
    assert shown == pytest.approx(expected.to_dict())
    assert {t.name for t in fig.data} == set(snaps["storage_type"].astype(str))


def test_drive_labels_disambiguate_duplicates_and_missing(inventory):
    drives = inventory.drives.copy()
    drives.loc[1, "name"] = drives.loc[0, "name"]
    labels = drive_labels(inventory.snapshots, drives)
    assert labels[drives.loc[0, "uuid"]] != labels[drives.loc[1, "uuid"]]
    snaps = inventory.snapshots.copy()
    snaps.loc[0, ["drive_uuid", "drive_name"]] = ["ffffffff-gone", pd.NA]
    assert labels_missing(snaps) == "ffffffff… (missing)"


def labels_missing(snaps):
    return drive_labels(snaps)["ffffffff-gone"]


def drive_costs_frame(n=12):
    return schema.conform(pd.DataFrame({
        "drive_uuid": [f"d{i:02d}" for i in range(n)], "drive_name": [f"drive {i}" for i in range(n)],
        "resource": ["dssd" if i % 3 else "zadara" for i in range(n)], "currency": "USD",
        "monthly_cost_subscription": np.arange(n, dtype=float) + 0.5,
        "monthly_cost_burst": (np.arange(n, dtype=float) + 0.5) * 2,
    }), schema.DRIVE_COST_COLUMNS)


def test_cost_by_drive_shows_the_top_n_most_expensive():
    fig = cost_by_drive_figure(drive_costs_frame(), top=5, price="subscription")
    bars = {d: y for t in fig.data for d, y in zip(t.customdata, t.y, strict=True)}
    assert bars == {"d11": 11.5, "d10": 10.5, "d09": 9.5, "d08": 8.5, "d07": 7.5}
    assert list(fig.layout.xaxis.categoryarray) == ["drive 11", "drive 10", "drive 9", "drive 8", "drive 7"]
    assert "USD/month" in fig.layout.yaxis.title.text and "subscription" in fig.layout.title.text
    burst = cost_by_drive_figure(drive_costs_frame(), top=1, price="burst", labels={"d11": "big one"})
    assert list(burst.data[0].y) == [23.0] and list(burst.data[0].x) == ["big one"]


def test_storage_type_totals_cover_all_drives():
    frame = drive_costs_frame()
    fig = storage_type_figure(frame, price="burst")
    totals = dict(zip(fig.data[0].x, fig.data[0].y, strict=True))
    assert totals == pytest.approx(frame.groupby("resource")["monthly_cost_burst"].sum().astype(float).to_dict())


def test_cost_figures_reject_unknown_price():
    with pytest.raises(ValueError, match="price"):
        storage_type_figure(drive_costs_frame(), price="free")


def test_burst_figure_what_if_lowers_burst_cost():
    fig = burst_figure(resource="dssd", subscribed=100 * GIB, using=300 * GIB, burst_price=0.25,
                       what_if_subscribed=250 * GIB, currency="EUR")
    assert fig.layout.meta["burst_cost_now"] == pytest.approx(200 * 0.25)
    assert fig.layout.meta["burst_cost_what_if"] == pytest.approx(50 * 0.25)
    now = next(t for t in fig.data if t.meta["case"] == "now")
    assert list(now.y) == [100, 300, 200]
    assert burst_cost(300 * GIB, 400 * GIB, 0.25) == 0.0


def test_burst_figure_with_an_unknown_price_says_so_instead_of_showing_zero():
    fig = burst_figure(resource="dssd", subscribed=100 * GIB, using=300 * GIB, burst_price=float("nan"),
                       currency="CHF")
    assert "cost unknown" in fig.layout.title.text
    assert np.isnan(fig.layout.meta["burst_cost_now"])
    curve = next(t for t in fig.data if t.meta["case"] == "curve")
    assert all(np.isnan(curve.y))


def test_narrowing_the_range_gives_finer_bins():
    growth = _quarter_hourly_chain(30_000)
    whole = growth_figure(growth, drives=["d1"], max_points=200)
    month = growth_figure(growth, drives=["d1"], max_points=200, start="2024-03-01", end="2024-03-31")
    assert (whole.data[0].meta["bin"], month.data[0].meta["bin"]) == ("W", "D")
    narrow = growth_figure(growth, drives=["d1"], max_points=200, start="2024-03-01", end="2024-03-01")
    assert narrow.data[0].meta["bin"] is None and len(narrow.data[0].x) == 96  # every snapshot of that day
