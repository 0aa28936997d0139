"""The view model: filtering, drive narrowing, sorting and marks as positions and Arrow rows."""

from __future__ import annotations

import pandas as pd

from explorer.data.query import parse_query
from explorer.tui.view import MARK, SORTABLE, SnapshotView
from tests.tui.factory import make_inventory


def _view(n=30):
    inv = make_inventory(n)
    costs = pd.DataFrame(
        {"uuid": inv.snapshots["uuid"], "monthly_cost_subscription": pd.array(range(n), dtype="Float64")}
    )
    return inv, SnapshotView(inv.snapshots, costs)


def test_every_column_sorts_both_ways_with_nulls_last():
    _, view = _view()
    for key in SORTABLE:
        asc, desc = view.order(key), view.order(key, descending=True)
        assert sorted(asc) == list(range(len(view))) == sorted(desc)
    sizes = view.frame["allocated_size"]
    asc = sizes.iloc[view.order("size")]
    assert asc.iloc[-1] is pd.NA and asc.iloc[:-1].is_monotonic_increasing
    desc = sizes.iloc[view.order("size", True)]
    assert desc.iloc[-1] is pd.NA and desc.iloc[:-1].is_monotonic_decreasing
    names = view.frame["name"].iloc[view.order("name")]
    assert list(names) == sorted(names)


def test_select_combines_query_drive_and_sort():
    inv, view = _view()
    drive = inv.drives["uuid"].iloc[0]
    pos = view.select(parse_query("size>1GiB"), drive, sort="size", descending=True)
    rows = view.frame.iloc[pos]
    assert (rows["drive_uuid"] == drive).all() and (rows["allocated_size"] > 2**30).all()
    assert rows["allocated_size"].is_monotonic_decreasing
    assert len(view.select()) == len(view)


def test_arrow_rows_carry_marks_and_formatted_cells():
    _, view = _view()
    marks = {view.keys[3], ("", "gone-uuid")}  # marks are (location, uuid) keys
    marked = view.marked_mask(marks)
    assert marked.sum() == 1
    tbl = view.arrow(view.select(sort="name"), marked)
    assert tbl.column_names[0] == "mark" and tbl.num_rows == len(view)
    names = tbl.column("name").to_pylist()
    row = names.index(view.frame["name"].iloc[3])
    assert tbl.column("mark")[row].as_py() == MARK
    assert tbl.column("mark").to_pylist().count(MARK) == 1
    assert tbl.column("size")[names.index(view.frame["name"].iloc[2])].as_py() == "—"  # creating
    assert tbl.column("cost").to_pylist()[row] == "3.00"


async def test_bursting_only_counts_resources_that_hold_snapshots():
    """Bursting on a resource with no snapshots (local_nvme) saves nothing by deleting: the drawn bar must agree."""
    from textual.app import App

    from explorer.data import deletion_savings
    from explorer.data.schema import USAGE_COLUMNS, conform
    from explorer.tui.view import prepare
    from explorer.tui.widgets.summary import SummaryBar
    from tests.tui.screen import wait_drawn

    inv = make_inventory(30)
    inv.usage = conform(pd.DataFrame({
        "resource": ["dssd", "zadara", "local_nvme"], "subscribed": [2**40, 2**40, 2**30],
        "using": [2**39, 2**39, 5 * 2**30], "burst": [0, 0, 4 * 2**30]}), USAGE_COLUMNS)
    summary = prepare(inv).summary
    assert summary.bursting is False
    assert not deletion_savings(inv, inv.snapshots["uuid"]).bursting

    class BarApp(App[None]):
        def compose(self):
            yield SummaryBar()

    app = BarApp()
    async with app.run_test(size=(200, 50)) as pilot:
        app.query_one(SummaryBar).show(summary)
        screen = await wait_drawn(pilot, "within subscription")
        assert "BURSTING" not in screen

    inv.usage = conform(pd.DataFrame({"resource": ["dssd"], "subscribed": [2**30], "using": [2**40],
                                      "burst": [2**40 - 2**30]}), USAGE_COLUMNS)
    assert prepare(inv).summary.bursting is True
