"""Pilot tests of browsing: filter terms live, sort, drive narrowing, marks, refresh, read-only, palette, help."""

from __future__ import annotations

import pandas as pd

from explorer.tui import make_app
from explorer.tui.screens.growth import GrowthScreen
from explorer.tui.screens.help import HelpScreen
from explorer.tui.view import MARK
from tests.tui.conftest import SIZE, new_app, reports, shown_names, start, wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_text


def _status(app) -> str:
    return str(app.browser.query_one("#status").render())


def _table_column(app, index: int) -> list[str]:
    backend = app.browser.table.backend
    return [backend.get_cell_at(r, index) for r in range(backend.row_count)]


async def test_filter_terms_live_with_n_of_m_and_enter_to_first_match():
    inv = make_inventory(40)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert _status(app).startswith("40 of 40")
        await pilot.press("slash", *"drive:web")
        expected = int(inv.snapshots["drive_name"].str.startswith("web").sum())
        assert _status(app).startswith(f"{expected} of 40")  # live, before Enter
        await pilot.press("space", *"size>5GiB")
        both = inv.snapshots[inv.snapshots["drive_name"].str.startswith("web")
                             & inv.snapshots["allocated_size"].gt(5 * 2**30).fillna(False)]
        assert _status(app).startswith(f"{len(both)} of 40")
        assert set(shown_names(app)) == set(both["name"])
        await pilot.press("enter")
        assert app.focused is app.browser.table and app.browser.table.cursor_row == 0
        assert app.browser.current_row()["name"] == shown_names(app)[0]


async def test_a_value_too_large_is_a_message_not_a_crash():
    app = make_app(None, inventory=make_inventory(40))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"age>9999999999999y")
        await pilot.pause()
        assert "value too large" in str(app.browser.query_one("#filter-error").render())
        assert app.is_running and app.return_code is None


async def test_a_bad_term_shows_its_message_and_keeps_the_last_result():
    inv = make_inventory(40)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"size>10")  # bytes: valid at every step
        last_good = int(inv.snapshots["allocated_size"].gt(10).sum())
        assert 0 < last_good < 40 and _status(app).startswith(f"{last_good} of 40")
        await pilot.press("X")
        error = str(app.browser.query_one("#filter-error").render())
        assert "unknown size unit 'X'" in error and _status(app).startswith(f"{last_good} of 40")
        await pilot.press("backspace", "G")  # size>10G: valid again
        assert str(app.browser.query_one("#filter-error").render()) == ""
        assert _status(app).startswith(f"{int(inv.snapshots['allocated_size'].gt(10 * 2**30).sum())} of 40")


async def test_sort_by_keys_and_header_click():
    inv = make_inventory(25)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        created = list(app.browser.view.frame["timestamp"].iloc[app.browser.positions])
        assert created == sorted(created, reverse=True)  # default: newest first
        await pilot.press("s")  # next sortable column after created wraps to name
        assert app.browser.table.sort_key == "name"
        assert shown_names(app) == sorted(shown_names(app))
        await pilot.press("S")
        assert shown_names(app) == sorted(shown_names(app), reverse=True)
        await pilot.click("#snapshots", offset=(60, 1))  # a header click sorts by that column
        await pilot.pause()
        key = app.browser.table.sort_key
        assert key != "name"
        sizes = app.browser.view.frame["allocated_size"].iloc[app.browser.positions]
        if key == "size":
            assert sizes.dropna().is_monotonic_decreasing


async def test_choosing_a_drive_narrows_the_table():
    inv = make_inventory(30)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "down", "enter")  # first real drive under "(all drives)"
        drive = app.browser.drive_uuid
        assert drive is not None
        assert set(app.browser.view.frame["drive_uuid"].iloc[app.browser.positions]) == {drive}
        assert f"{(inv.snapshots['drive_uuid'] == drive).sum()} of 30" in _status(app)
        await pilot.press("1", "up", "enter")
        assert app.browser.drive_uuid is None and _status(app).startswith("30 of 30")


async def test_marks_show_count_and_bytes_and_warn_when_hidden():
    inv = make_inventory(30)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space", "space")
        marked = inv.snapshots.set_index("uuid").loc[sorted(u for _, u in app.browser.marks)]
        total = marked["allocated_size"].fillna(0).sum()
        from explorer.tui.formatting import human_bytes

        assert f"2 marked ({human_bytes(total)})" in _status(app)
        assert _table_column(app, 0)[:2] == [MARK, MARK]
        await pilot.press("slash", *"status:creating", "enter")
        assert "2 hidden by the filter" in _status(app)


async def test_refresh_keeps_cursor_filter_and_marks(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"size>100MiB", "enter", "space", "space", "down")
        marks, query = set(app.browser.marks), app.browser.query_.text
        cursor_uuid = app.browser.current_row()["uuid"]
        generation = app.browser.generation
        await pilot.press("r")
        await wait_until(pilot, lambda: app.browser.full_generation == generation + 1, what="the reload")
        assert app.browser.marks == marks and len(marks) == 2
        assert app.browser.query_.text == query == "size>100MiB"
        assert app.browser.current_row()["uuid"] == cursor_uuid
        assert _table_column(app, 0).count(MARK) == 2


WRITES = ["ctrl+d", "n", "e", "c"]


async def test_read_only_blocks_every_write_and_says_why(client):
    app = new_app(client, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        assert app.browser.query("#badge-read-only")
        for key in WRITES:
            await pilot.press(key)
            assert app.screen is app.browser, key  # no dialog opened
        said = [r for r in reports(app) if "Read-only mode (started with --read-only)" in r]
        assert len(said) == 4 and {m.split(": ")[1] for m in said} == {
            "delete is disabled.", "create is disabled.", "edit is disabled.", "clone is disabled."}
        before = len(reports(app))
        for n, command in enumerate(("Delete (ctrl+d)", "New (n)", "Edit (e)", "Clone (c)"), 1):
            await pilot.press("ctrl+p", *command, "enter")  # the palette path, by keys
            await wait_until(pilot, lambda n=n: app.screen is app.browser and len(
                [r for r in reports(app)[before:] if "Read-only mode" in r]) == n, what=f"{command} explained")
        assert app.screen is app.browser
    assert len(await client.snapshots.list()) == 30


async def test_palette_offers_the_same_commands():
    app = make_app(None, inventory=make_inventory(5))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Filter (/)", "Delete (ctrl+d)", "New (n)", "Edit (e)", "Clone (c)", "Refresh (r)",
                       "Growth (g)", "Help (?)"):
            assert wanted in titles


async def test_help_lists_every_binding_and_growth_draws():
    app = make_app(None, inventory=make_inventory(20))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        descriptions = {b.description for b in app.screen.bindings}
        assert {"Filter", "Mark", "Delete", "New", "Edit", "Clone", "Growth", "Refresh", "Help", "Quit"} <= descriptions
        await pilot.press("escape", "g")
        assert isinstance(app.screen, GrowthScreen)
        growth = app.screen.growth
        drive = app.browser.current_row()["drive_uuid"]
        assert set(growth["drive_uuid"]) == {drive}
        assert growth["cumulative_bytes"].is_monotonic_increasing


async def test_an_offline_inventory_is_read_only_with_its_badge():
    from dataclasses import replace

    inv = make_inventory(5)
    inv.source = replace(inv.source, offline=True, demo=False, account="someone@example.com")
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.browser.query("#badge-offline") and not app.browser.query("#badge-demo")
        assert "from someone@example.com @ 127.0.0.1" in screen_text(pilot).split("\n")[0]
        await pilot.press("n", "r")
        messages = reports(app)
        assert any("offline cache" in m for m in messages) and any("nothing to reload" in m for m in messages)


async def test_escape_clears_the_filter_then_the_drive():
    inv = make_inventory(30)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "down", "enter", "slash", *"size>100G", "enter")
        assert len(app.browser.positions) == 0
        await pilot.press("escape")
        drive = app.browser.drive_uuid
        assert app.browser.query_.text == "" and drive is not None
        assert len(app.browser.positions) == (inv.snapshots["drive_uuid"] == drive).sum()
        await pilot.press("escape")
        assert app.browser.drive_uuid is None and _status(app).startswith("30 of 30")


async def test_mark_all_shown_then_clear_marks_with_help_and_palette():
    inv = make_inventory(40)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space")  # one mark that the filter will hide
        hidden = set(app.browser.marks)
        await pilot.press("slash", *"drive:web", "enter", "a")
        b = app.browser
        shown = set(b.view.keys[b.positions])
        assert 0 < len(shown) < 40 and b.marks == shown | hidden
        assert _table_column(app, 0) == [MARK] * len(shown)
        assert f"{len(shown | hidden)} marked" in _status(app)
        await pilot.press("u")  # clears every mark, hidden ones too
        assert b.marks == set() and "marked" not in _status(app)
        assert set(_table_column(app, 0)) == {""}
        await pilot.press("escape", "a")  # no filter: every row
        assert len(b.marks) == 40 and "40 marked" in _status(app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Mark all (a)" in titles and "Clear marks (u)" in titles
        await pilot.press("question_mark")
        assert {"Mark all", "Clear marks"} <= {bd.description for bd in app.screen.bindings}
        keys = [bd.key for bd in app.browser.BINDINGS]
        assert len(keys) == len(set(keys))  # no key bound twice


async def test_detail_pane_says_when_the_drive_is_not_found():
    inv = make_inventory(12)
    snaps = inv.snapshots
    first = snaps.index[4]
    snaps["drive_missing"] = pd.array([i == first for i in snaps.index], dtype="boolean")
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await wait_until(pilot, lambda: app.browser.current_row() is not None, what="a current row")

        def rendered() -> str:
            return screen_text(pilot)

        for _ in range(len(snaps)):
            if bool(app.browser.current_row()["drive_missing"]):
                break
            await pilot.press("down")
        await pilot.pause()
        assert bool(app.browser.current_row()["drive_missing"])
        assert "drive not found" in rendered()
        await pilot.press("down" if app.browser.table.cursor_row == 0 else "up")
        await pilot.pause()
        assert "drive not found" not in rendered()
