"""Column widths at ordinary terminal sizes: every column fits at 160 cells, as many as fit at 120."""

from __future__ import annotations

import re

import pyarrow as pa

from explorer.tui import make_app
from explorer.tui.formatting import middle_ellipsis_column
from explorer.tui.screens.browser import SIDE_MAX, SIDE_MIN, side_width
from explorer.tui.view import NAME_WIDTH
from tests.tui.factory import make_inventory

LABELS = ("Name", "Drive", "Status", "Size", "Age", "Value/mo EUR", "Created")


def test_middle_ellipsis_keeps_the_tail_that_tells_snapshots_apart():
    default = "a5f09e63-45dd-487d-a81a-a40a2b0b8c12__2026-11-26__23_46_32"
    out = middle_ellipsis_column(pa.array([default, "short", None, "x" * NAME_WIDTH]), NAME_WIDTH).to_pylist()
    assert out[0] == "a5f09e6…2026-11-26__23_46_32" and len(out[0]) == NAME_WIDTH
    assert out[1:] == ["short", None, "x" * NAME_WIDTH]


def test_side_pane_gets_what_the_table_leaves_within_bounds():
    assert side_width(160, 119) == 41
    assert side_width(120, 119) == SIDE_MIN
    assert side_width(240, 119) == SIDE_MAX
    assert side_width(240, 119, drives_width=80) == 80  # the full drives pane, when there is room for it
    assert side_width(160, 119, drives_width=80) == 41


async def _header_and_table(size):
    app = make_app(None, inventory=make_inventory(40))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.browser.table
        header = table.render_line(0).text
        first = table.render_line(1).text
        return header, first, table.max_scroll_x, app.browser.query_one("#drives").compact


async def test_every_column_is_visible_at_160_columns():
    header, first, scroll_x, compact = await _header_and_table((160, 45))
    assert scroll_x == 0, "the table scrolls sideways at 160 columns"
    for label in LABELS:
        assert label in header, (label, header)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d\s*$", first), first  # the created time, whole
    assert compact  # the drives pane gave up status and type to make room


async def test_as_many_columns_as_fit_at_120():
    header, _, scroll_x, compact = await _header_and_table((120, 45))
    for label in LABELS[:5]:
        assert label in header, (label, header)
    assert scroll_x > 0 and compact


async def test_wide_terminals_keep_the_full_drives_pane():
    *_, compact = await _header_and_table((204, 46))
    assert not compact


async def test_long_names_show_their_tail_in_the_table():
    inv = make_inventory(40)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        b = app.browser
        long_name = next(n for n in b.view.frame["name"] if len(n) > NAME_WIDTH)
        cell = b.view.cells.column("name")[b.view.position[b.view.frame.set_index("name").loc[long_name, "uuid"]]]
        assert cell.as_py().endswith(long_name[-20:]) and "…" in cell.as_py()
