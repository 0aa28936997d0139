"""Column widths and priorities: every column at 160 cells, the most wanted ones (never scrolled away) below."""

from __future__ import annotations

import re

import pyarrow as pa

from explorer.tui import make_app
from explorer.tui.formatting import middle_ellipsis_column
from explorer.tui.screens.panes import SIDE_MAX, SIDE_MIN, side_width
from explorer.tui.view import NAME_WIDTH
from explorer.tui.widgets.arrow_table import fit_columns
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_lines

LABELS = ("Name", "Drive", "Status", "Size", "Age", "EUR", "Created")


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


def test_columns_fit_by_priority_and_the_name_gives_way_only_for_essentials():
    natural = {"mark": 1, "name": 28, "size": 8, "age": 5, "cost": 13, "status": 9, "drive": 7, "created": 16}
    order = ("mark", "name", "size", "age", "cost", "status", "drive", "created")
    essential = ("mark", "name", "size", "age", "cost")
    everything = sum(natural.values()) + 2 * len(natural) + 4
    assert fit_columns(natural, order, everything, essential=essential, shrink="name", minimum=16) == (
        set(order), 28)
    # a table 10 cells short of the created time drops it and nothing else
    keep, name = fit_columns(natural, order, everything - 10, essential=essential, shrink="name", minimum=16)
    assert keep == set(order) - {"created"} and name == 28
    # below the essentials' natural width the name is cut (to no less than 16), nothing essential goes
    keep, name = fit_columns(natural, order, 60, essential=essential, shrink="name", minimum=16)
    assert keep == set(essential) and name == 28 - (69 - 60)


async def _drawn_table(size):
    app = make_app(None, inventory=make_inventory(40))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = screen_lines(pilot)
        at = next(i for i, line in enumerate(lines) if " Name " in line and " Size" in line)
        header, first = lines[at], lines[at + 1]
        drives = next((line for line in lines if " Drive " in line and "Allocated" in line), "")
        return header, first, app.browser.table.max_scroll_x, drives


async def test_every_column_is_visible_at_160_columns():
    header, first, scroll_x, _ = await _drawn_table((160, 45))
    assert scroll_x == 0, "the table scrolls sideways at 160 columns"
    for label in LABELS:
        assert label in header, (label, header)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d\s*[┃│]$", first), first  # the created time, whole


async def test_size_age_and_cost_before_drive_and_created_at_100_and_120():
    for size in ((100, 30), (120, 40)):
        header, _, scroll_x, drives = await _drawn_table(size)
        assert scroll_x == 0, size  # nothing is off-screen to the right
        for label in ("Name", "Size", "Age", "EUR"):
            assert f" {label}" in header, (size, header)
        assert " Created" not in header, (size, header)
        assert " Allocated " in drives or drives.rstrip("│┃ ").endswith("Allocated"), drives  # whole, not "A"


async def test_wide_terminals_keep_the_full_drives_pane():
    *_, drives = await _drawn_table((204, 46))
    for label in ("Drive", "Status", "Type", "Snaps", "Allocated", "EUR"):
        assert label in drives, (label, drives)


async def test_long_names_show_their_tail_in_the_table():
    inv = make_inventory(40)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        long_name = next(n for n in inv.snapshots["name"] if len(n) > NAME_WIDTH)
        drawn = "\n".join(screen_lines(pilot))
        assert long_name[-20:] in drawn and long_name not in drawn.replace("…", "")
