"""Every flow by keyboard alone: keys in (`pilot.press` only), what is drawn out (`screen_text`)."""

from __future__ import annotations

import pytest

from explorer.emulator import running_emulator
from explorer.tui import make_app
from explorer.tui.view import MARK
from tests.tui.conftest import loaded, wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_lines, screen_text, wait_drawn

NO_NETWORK = object()  # a client never called: load_on_start=False, and no write is confirmed


def _writable(n: int = 40):
    return make_app(NO_NETWORK, inventory=make_inventory(n), load_on_start=False)


def _read_only(n: int = 40):
    return make_app(None, inventory=make_inventory(n))


async def _drawn(pilot, text: str, what: str | None = None) -> str:
    return await wait_drawn(pilot, text, what=what)


def _status(pilot) -> str:
    """The status line: the line under the snapshots table's bottom border."""
    return next(line for line in screen_lines(pilot) if " of " in line and "sorted by" in line)


async def _palette(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await _drawn(pilot, "Search for commands", "the command palette")
    await pilot.press(*command)
    await _drawn(pilot, command.split(" (")[0], f"{command!r} offered")
    await pilot.press("enter")


# ----- the palette runs what its key runs ---------------------------------------------------------------

async def test_palette_sort_and_reverse_change_the_sort():
    app = _read_only()
    async with app.run_test(size=(120, 40)) as pilot:
        await _drawn(pilot, "sorted by Created ▼")
        await _palette(pilot, "Sort (s)")
        await _drawn(pilot, "sorted by Name ▲")
        await _palette(pilot, "Reverse (S)")
        assert "sorted by Name ▼" in await _drawn(pilot, "sorted by Name ▼")


async def test_palette_mark_all_marks_every_row_shown():
    app = _read_only(1500)
    async with app.run_test(size=(120, 40)) as pilot:
        await _drawn(pilot, "1,500 of 1,500")
        await _palette(pilot, "Mark all (a)")
        screen = await _drawn(pilot, "1,500 marked")
        assert f"│ {MARK} " in screen or f"{MARK}  " in screen


async def test_palette_help_growth_and_delete_open_their_screens():
    app = _writable()
    async with app.run_test(size=(120, 40)) as pilot:
        await _drawn(pilot, "40 of 40")
        await _palette(pilot, "Help (?)")
        await _drawn(pilot, "Keys (esc closes")
        await pilot.press("escape")
        await _palette(pilot, "Growth (g)")
        await _drawn(pilot, "Growth of ")
        await pilot.press("escape")
        await _palette(pilot, "Delete (ctrl+d)")
        screen = await _drawn(pilot, "Delete 1 snapshot?")
        assert "This cannot be undone." in screen
        await pilot.press("escape")
        await wait_drawn(pilot, "Delete 1 snapshot?", gone=True)


async def test_palette_writes_on_a_read_only_inventory_say_why():
    app = _read_only()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _drawn(pilot, "40 of 40")
        await _palette(pilot, "Delete (ctrl+d)")
        screen = await _drawn(pilot, "Read-only mode")  # the toast wraps: its words, not one line
        assert "delete is" in screen and "disabled" in screen and "Delete 1 snapshot?" not in screen


async def test_palette_lists_help_once():
    app = _read_only()
    async with app.run_test(size=(120, 40)) as pilot:
        await _drawn(pilot, "40 of 40")
        await pilot.press("ctrl+p")
        await _drawn(pilot, "Search for commands")
        await pilot.press(*"keys")
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"help")
        screen = await _drawn(pilot, "Help (?)")
        assert "Show help for the focused widget" not in screen
        await pilot.press("escape", *"kEys")  # Textual's own "Keys" panel is not offered next to ours
        assert "Show help for the focused widget" not in screen_text(pilot)


# ----- panes by keyboard ---------------------------------------------------------------------------------

def _focused_title(pilot) -> str:
    """The title of the pane drawn with the heavy border (the focused one)."""
    for line in screen_lines(pilot):
        for start in (i for i, ch in enumerate(line) if ch == "┏"):
            title = line[start:].split("┓")[0].strip("┏━ ")
            return title.split(" ━")[0].strip("━ ")
    return ""


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_tab_and_shift_tab_cycle_the_panes_and_show_which_has_focus(size):
    app = _read_only()
    async with app.run_test(size=size) as pilot:
        await _drawn(pilot, "40 of 40")
        assert _focused_title(pilot) == "[2] Snapshots"
        for expected in ("[3] Detail", "[1] Drives", "[2] Snapshots"):
            await pilot.press("tab")
            await wait_until(pilot, lambda e=expected: _focused_title(pilot) == e, what=f"{expected} focused")
        for expected in ("[1] Drives", "[3] Detail", "[2] Snapshots"):
            await pilot.press("shift+tab")
            await wait_until(pilot, lambda e=expected: _focused_title(pilot) == e, what=f"{expected} focused")
        for key, expected in (("1", "[1] Drives"), ("3", "[3] Detail"), ("2", "[2] Snapshots")):
            await pilot.press(key)
            await wait_until(pilot, lambda e=expected: _focused_title(pilot) == e, what=f"{expected} by {key}")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_drives_pane_by_keys_narrows_the_table(size):
    inv = make_inventory(40)
    app = make_app(None, inventory=inv)
    first = inv.drives.sort_values(["snapshots_allocated", "name"], ascending=[False, True]).iloc[0]
    count = int((inv.snapshots["drive_uuid"] == first["uuid"]).sum())
    async with app.run_test(size=size) as pilot:
        await _drawn(pilot, "40 of 40")
        await pilot.press("shift+tab")
        await wait_until(pilot, lambda: _focused_title(pilot) == "[1] Drives", what="the drives pane focused")
        await pilot.press("down", "enter")
        screen = await _drawn(pilot, f"{count} of 40 · drive {first['name']}")
        assert _focused_title(pilot) == "[2] Snapshots"  # back in the table, narrowed
        if size[0] < 100:
            assert "[1] Drives" not in screen  # on a narrow terminal the side pane steps aside again
        await pilot.press("escape")
        await _drawn(pilot, "40 of 40 · sorted")


async def test_b_hides_and_shows_the_side_pane():
    app = _read_only()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _drawn(pilot, "40 of 40")
        header = next(line for line in screen.split("\n") if " Name " in line)
        assert "[1] Drives" in screen and " Created " not in header
        await pilot.press("b")
        screen = await wait_drawn(pilot, "[1] Drives", gone=True)
        header = next(line for line in screen.split("\n") if " Name " in line)
        assert " Drive " in header and " Created " in header  # the table takes the room back, every column
        await pilot.press("b")
        await _drawn(pilot, "[1] Drives")


async def test_b_shows_the_side_pane_on_a_narrow_terminal():
    app = _read_only()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _drawn(pilot, "40 of 40")
        assert "[1] Drives" not in screen and "[3] Detail" not in screen
        await pilot.press("b")
        screen = await _drawn(pilot, "[1] Drives")
        assert "[3] Detail" in screen and "uuid" in screen


async def test_detail_pane_scrolls_by_keys_when_focused():
    app = _read_only()
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await _drawn(pilot, "40 of 40")
        assert " meta " not in screen  # below the pane's fold
        await pilot.press("3", "end")
        screen = await _drawn(pilot, " meta ")
        assert _focused_title(pilot) == "[3] Detail"


# ----- highlight, detail and action are one row ------------------------------------------------------------

def _top_row_name(pilot) -> str:
    """The name in the snapshots table's first row, as drawn (a long one is cut in the middle)."""
    lines = screen_lines(pilot)
    header = next(i for i, line in enumerate(lines) if " Name " in line and "Size" in line)
    at = lines[header].index(" Name ")
    return lines[header + 1][at:].replace(MARK, " ").split()[0]


async def test_the_first_highlighted_row_is_the_top_one_after_the_full_load_and_space_marks_it():
    from explorer.client import AsyncCloudSigmaClient

    # more snapshots than the first page (500): the sorted full inventory replaces that page
    with running_emulator(seed=5, drives=4, snapshots=1200) as handle:
        client = AsyncCloudSigmaClient(handle.url, username=handle.username, password=handle.password)
        try:
            app = make_app(client, poll_seconds=0.05)
            async with app.run_test(size=(200, 50)) as pilot:
                await wait_until(pilot, lambda: loaded(app), what="the full load")
                screen = await _drawn(pilot, "1,200 of 1,200")
                top = _top_row_name(pilot)
                name_line = next(line for line in screen.split("\n") if "│ name " in line)
                assert top.split("…")[-1] in name_line, (top, name_line)  # the detail pane shows the top row
                await pilot.press("space")  # marks it, and moves down
                screen = await _drawn(pilot, "1 marked")
                marked = [line for line in screen.split("\n") if MARK in line]
                assert len(marked) == 1 and top in marked[0], (top, marked)
        finally:
            await client.aclose()


# ----- what a filter does, said whenever it applies ------------------------------------------------------

@pytest.mark.parametrize("leave", ["enter", "escape"])
async def test_an_active_filter_is_always_said(leave):
    app = _read_only()
    async with app.run_test(size=(80, 24)) as pilot:
        await _drawn(pilot, "40 of 40")
        await pilot.press("slash", *"drive:web", leave)
        screen = await _drawn(pilot, "Filter: drive:web")
        assert "esc clears" in screen and " of 40" in screen and "40 of 40" not in screen
        await pilot.press("escape")  # on the table: clears it
        screen = await _drawn(pilot, "40 of 40")
        assert "Filter:" not in screen


async def test_a_filter_left_with_a_bad_term_says_what_still_applies():
    app = _read_only()
    async with app.run_test(size=(120, 40)) as pilot:
        await _drawn(pilot, "40 of 40")
        await pilot.press("slash", *"size>10X", "escape")
        screen = await _drawn(pilot, "Filter: size>10 ")
        assert "'size>10X' not applied" in screen and "unknown size unit" in screen


# ----- offline, help, counts ----------------------------------------------------------------------------

async def test_offline_shows_the_cache_age_not_a_dead_address():
    from dataclasses import replace

    import pandas as pd

    inv = make_inventory(12)
    inv.source = replace(inv.source, offline=True)  # the demo's cache: its emulator is long gone
    inv.loaded_at = pd.Timestamp.now(tz="UTC") - pd.Timedelta(minutes=34)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _drawn(pilot, "12 of 12")
        title = screen.split("\n")[0]
        assert "OFFLINE" in title and "DEMO" in title and "READ-ONLY" in title
        assert "cached 34m ago" in title and "127.0.0.1" not in screen


async def test_help_fits_80x24_scrolls_and_lists_every_way_in():
    app = _read_only()
    async with app.run_test(size=(80, 24)) as pilot:
        await _drawn(pilot, "40 of 40")
        await pilot.press("question_mark")
        screen = await _drawn(pilot, "Keys (esc closes")
        box = [line for line in screen.split("\n") if line.startswith("█")]
        assert len(box) >= 20 and all(line.endswith("█") for line in box)  # both borders drawn: not cut
        seen = screen
        for _ in range(6):  # page through it all
            await pilot.press("pagedown")
            await pilot.pause()
            seen += screen_text(pilot)
        for text in ("ctrl+p", "Palette", "tab", "shift+tab", "Drives", "Side pane", "Growth view (g)",
                     "observed points"):
            assert text in seen, text
        await pilot.press("escape")
        await _drawn(pilot, "40 of 40")


async def test_counts_have_thousands_separators():
    app = _read_only(2400)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await _drawn(pilot, "2,400 of 2,400")
        all_drives = next(line for line in screen.split("\n") if "(all drives)" in line)
        assert "2,400 snapshots" in screen and "2,400" in all_drives
        await pilot.press("a")
        await _drawn(pilot, "2,400 marked")
