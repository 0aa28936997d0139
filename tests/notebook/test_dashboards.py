"""Dashboards: setting each control's value updates the live figure as expected."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pandas as pd
import pytest
from plotly.callbacks import InputDeviceState, Points

from explorer.data import account_cost_summary, drive_costs, drive_growth, snapshot_costs
from explorer.notebook import CostDashboard, GrowthDashboard, cost_dashboard, growth_dashboard
from explorer.notebook.series import GIB, top_drives


def traces(fig, series="reconstructed"):
    return [t for t in fig.data if (t.meta or {}).get("series") == series]


def test_growth_dashboard_defaults_to_top_ten_drives_by_bytes(make_inventory):
    inv = make_inventory(14, 300)
    dash = growth_dashboard(inv)
    assert isinstance(dash, widgets.Widget) and isinstance(dash, GrowthDashboard)
    assert list(dash.drives.value) == top_drives(inv.snapshots, 10)
    assert [t.meta["drive_uuid"] for t in traces(dash.figure)] == list(dash.drives.value)
    assert "DEMO DATA" in dash.banner.value


def test_growth_traces_end_at_each_drive_sum(inventory):
    dash = growth_dashboard(inventory)
    sums = inventory.snapshots.groupby("drive_uuid")["allocated_size"].sum()
    for trace in traces(dash.figure):
        assert trace.y[-1] == pytest.approx(sums[trace.meta["drive_uuid"]] / GIB)


def test_growth_controls_update_the_same_figure(inventory):
    dash = growth_dashboard(inventory)
    figure = dash.figure
    first = top_drives(inventory.snapshots, 1)[0]

    dash.drives.value = (first,)
    assert [t.meta["drive_uuid"] for t in traces(figure)] == [first]  # (its forecast band follows: see its tests)

    dash.metric.value = "count"
    count = (inventory.snapshots["drive_uuid"] == first).sum()
    assert figure.data[0].y[-1] == count
    assert figure.layout.yaxis.title.text == "snapshots"

    dash.scale.value = "log"
    assert figure.layout.yaxis.type == "log"

    dash.start.value = dt.date(2026, 4, 1)
    dash.end.value = dt.date(2026, 6, 30)
    xs = pd.to_datetime(list(figure.data[0].x), utc=True)
    assert xs.min() >= pd.Timestamp("2026-04-01", tz="UTC")
    assert xs.max() < pd.Timestamp("2026-07-01", tz="UTC")

    dash.drives.value = tuple(top_drives(inventory.snapshots, 3))
    assert len(figure.data) == 3
    assert dash.figure is figure  # updated in place, never replaced


def test_growth_start_after_end_leaves_chart_and_says_why(inventory):
    dash = growth_dashboard(inventory)
    dash.start.value = dt.date(2026, 9, 1)
    before = [list(t.y) for t in dash.figure.data]
    dash.end.value = dt.date(2026, 2, 1)
    assert "start date is after the end date" in dash.status.value
    assert [list(t.y) for t in dash.figure.data] == before


def test_growth_overlays_observed_history(inventory):
    drive = top_drives(inventory.snapshots, 1)[0]
    observed = pd.DataFrame({
        "drive_uuid": pd.array([drive] * 2, dtype="string"),
        "observed_at": pd.to_datetime(["2026-10-01", "2026-10-15"], utc=True),
        "allocated_bytes": pd.array([5 * GIB, 6 * GIB], dtype="Int64"),
        "snapshot_count": pd.array([2, 3], dtype="Int64"),
    })
    dash = growth_dashboard(inventory, observed=observed)
    (seen,) = traces(dash.figure, "observed")
    assert seen.meta["drive_uuid"] == drive and list(seen.y) == [5.0, 6.0]
    assert "observed history" in dash.status.value


def test_growth_dashboard_uses_the_data_layer_growth(inventory):
    dash = growth_dashboard(inventory)
    expected = drive_growth(inventory)
    uuid = dash.figure.data[0].meta["drive_uuid"]
    mine = expected[expected["drive_uuid"] == uuid]
    assert dash.figure.data[0].y[-1] == pytest.approx(mine["cumulative_bytes"].iloc[-1] / GIB)


def bar_values(fig):
    return {d: y for t in fig.data for d, y in zip(t.customdata, t.y, strict=True)}


def test_cost_dashboard_bars_follow_price_top_and_currency(inventory):
    dash = cost_dashboard(inventory)
    assert isinstance(dash, widgets.Widget) and isinstance(dash, CostDashboard)
    costs = drive_costs(inventory).set_index("drive_uuid")
    # the value at subscription price by default; the burst reading only when asked, and labelled so
    assert dash.price.value == "subscription"
    dash.price.value = "burst"
    assert bar_values(dash.bars) == pytest.approx(costs["monthly_cost_burst"].astype(float).to_dict())
    assert "if none of it were subscribed" in dash.bars.layout.title.text

    dash.price.value = "subscription"
    assert bar_values(dash.bars) == pytest.approx(costs["monthly_cost_subscription"].astype(float).to_dict())
    assert "value at subscription price" in dash.bars.layout.title.text
    assert sum(dash.by_type.data[0].y) == pytest.approx(costs["monthly_cost_subscription"].astype(float).sum())

    dash.top.value = 2
    assert len(bar_values(dash.bars)) == 2

    dash.currency.value = "USD"
    usd = drive_costs(inventory, currency="USD").set_index("drive_uuid")["monthly_cost_subscription"]
    # The fabricated price list has USD prices for dssd only: other drives cost "unknown", shown as 0.
    expected = usd.astype("Float64").fillna(0.0).astype(float).sort_values(ascending=False).head(2)
    assert bar_values(dash.bars) == pytest.approx(expected.to_dict())
    assert "USD/month" in dash.bars.layout.yaxis.title.text


def test_cost_what_if_slider_moves_burst_cost(inventory):
    dash = cost_dashboard(inventory)
    dash.resource.value = "dssd"
    row = account_cost_summary(inventory).set_index("resource").loc["dssd"]
    assert dash.subscribed.value == round(row["subscribed"] / GIB)
    assert dash.burst.layout.meta["burst_cost_now"] == pytest.approx(float(row["burst_monthly_cost"]))
    dash.subscribed.value = 250
    expected = max(0, row["using"] - 250 * GIB) / GIB * float(row["price_burst"])
    assert dash.burst.layout.meta["burst_cost_what_if"] == pytest.approx(expected)
    dash.subscribed.value = dash.subscribed.max
    assert dash.burst.layout.meta["burst_cost_what_if"] == 0.0


def test_clicking_a_bar_lists_that_drives_snapshots_largest_first(inventory):
    dash = cost_dashboard(inventory)
    trace = dash.bars.data[0]
    uuid = trace.customdata[0]
    trace._dispatch_on_click(Points([0], [trace.x[0]], [trace.y[0]], trace.name, 0), InputDeviceState())
    assert dash.drive.value == uuid
    mine = inventory.snapshots[inventory.snapshots["drive_uuid"] == uuid]
    largest = mine.sort_values("allocated_size", ascending=False)["name"].iloc[0]
    html = dash.snapshots.value
    assert f"{len(mine)} snapshots" in html
    assert html.index(largest) < min(html.index(n) for n in mine["name"] if n != largest)

    # The table's cost column follows the price reading.
    costs = snapshot_costs(inventory).set_index("uuid")
    biggest = mine.sort_values("allocated_size", ascending=False)["uuid"].iloc[0]
    assert f"{costs.loc[biggest, 'monthly_cost_subscription']:,.2f}" in html
    dash.price.value = "burst"
    assert f"{costs.loc[biggest, 'monthly_cost_burst']:,.2f}" in dash.snapshots.value


def test_clicks_still_work_after_the_bars_are_rebuilt(inventory):
    dash = cost_dashboard(inventory)
    dash.top.value = 1
    dash.price.value = "subscription"
    trace = dash.bars.data[0]
    trace._dispatch_on_click(Points([0], [trace.x[0]], [trace.y[0]], trace.name, 0), InputDeviceState())
    assert dash.drive.value == trace.customdata[0]


def test_growth_reads_the_history_store_for_this_account(inventory, tmp_path):
    from dataclasses import replace

    from explorer.data import HistoryStore

    store = HistoryStore(tmp_path / "history.duckdb")
    store.record(inventory)
    later = replace(inventory, loaded_at=inventory.loaded_at + pd.Timedelta(days=7))
    store.record(later)
    dash = growth_dashboard(inventory, history=store)
    seen = traces(dash.figure, "observed")
    assert {t.meta["drive_uuid"] for t in seen} == set(dash.drives.value)
    sums = inventory.snapshots.groupby("drive_uuid")["allocated_size"].sum()
    for t in seen:
        assert len(t.y) == 2 and t.y[-1] == pytest.approx(sums[t.meta["drive_uuid"]] / GIB)


def test_growth_without_a_history_store_creates_none(inventory):
    from explorer.data.paths import history_path

    dash = growth_dashboard(inventory)
    assert traces(dash.figure, "observed") == []
    assert "no recorded history yet" in dash.status.value
    assert not history_path().exists()


def test_dashboards_build_and_react_on_an_empty_inventory():
    from explorer.data.inventory import Inventory

    empty = Inventory()
    growth = growth_dashboard(empty, history=False)
    growth.metric.value = "count"
    assert growth.figure.data == () and "0 drives" in growth.status.value
    cost = cost_dashboard(empty)
    cost.price.value = "subscription"
    assert cost.bars.data == () and cost.drive.value is None
    assert cost.burst.layout.meta["burst_cost_now"] == 0.0


def test_snapshots_of_a_deleted_drive_are_labelled_missing(inventory):
    snaps = inventory.snapshots.copy()
    snaps["drive_uuid"] = snaps["drive_uuid"].astype(object)
    gone = snaps["drive_uuid"] == top_drives(snaps, 1)[0]
    snaps.loc[gone, "drive_uuid"] = "deadbeef-0000-4000-8000-000000000000"
    snaps.loc[gone, "drive_name"] = pd.NA
    from dataclasses import replace

    from explorer.data import schema

    inv = replace(inventory, snapshots=schema.conform(snaps, schema.SNAPSHOT_COLUMNS))
    dash = cost_dashboard(inv)
    labels = [x for t in dash.bars.data for x in t.x]
    assert "deadbeef… (missing)" in labels


def test_every_public_name_resolves():
    import explorer.notebook as nb

    assert sorted(nb.__all__) == sorted(nb._EXPORTS)
    for name in nb.__all__:
        assert callable(getattr(nb, name)), name
