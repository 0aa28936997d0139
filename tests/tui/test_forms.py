"""The new/edit and clone forms at 80x24, and what follows a create: keys in, what is drawn out."""

from __future__ import annotations

from explorer.tui import make_app
from tests.tui.conftest import loaded, new_app, reports, start, wait_for_report, wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_text

SMALL = (80, 24)
NO_NETWORK = object()  # never called: nothing is loaded and no form is sent


def flat(pilot) -> str:
    """What is drawn, as one line of words: a phrase wrapped over two rows of a dialog still reads whole."""
    rows = screen_text(pilot).replace("█", " ").replace("│", " ").replace("┃", " ").splitlines()
    return " ".join(" ".join(row.split()) for row in rows)


def _offline_app():
    return make_app(NO_NETWORK, inventory=make_inventory(40), load_on_start=False)


async def test_every_bad_meta_line_is_reported_whole_at_once():
    app = _offline_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n", "tab", *("k" * 42 + "=v"), "enter", *"novalue", "enter", *"ok=1", "enter", *"ok=2")
        await pilot.press("ctrl+s")
        text = flat(pilot)
        assert f"line 1: meta key '{'k' * 42}' has 42 characters; the limit is 32" in text
        assert "line 2: needs the form key=value (got 'novalue')" in text
        assert "line 4: meta key 'ok' is given twice (first on line 3)" in text
        assert "Save (ctrl+s)" in text and "Cancel (esc)" in text  # the buttons still fit
        await pilot.press("escape")
        assert "New snapshot of" not in flat(pilot)


async def test_the_clone_form_fits_80x24_with_its_whole_label_and_error():
    app = _offline_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        text = flat(pilot)
        assert "Avoid drives (names or uuids, comma separated) — placed on other storage hosts" in text
        await pilot.press("tab", "tab", *"no-such-drive", "enter")
        text = flat(pilot)
        assert "no drive named no-such-drive (give names or uuids of existing drives)" in text
        assert "Clone (ctrl+s)" in text and "Cancel (esc)" in text


async def test_a_new_snapshot_gets_the_cursor_and_one_available_notice(client):
    app = new_app(client)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("down", "down", "down", "n", *"tui-new", "ctrl+s")
        await wait_for_report(pilot, "Snapshot created")
        # newest first: it is the top row, and the cursor (and so the detail pane) went to it
        await wait_until(pilot, lambda: "name            tui-new" in screen_text(pilot), what="the detail of tui-new")
        await wait_for_report(pilot, "Snapshot available\n✓ tui-new: available")
        generation = app.browser.generation
        await pilot.press("r")
        await wait_until(pilot, lambda: loaded(app) and app.browser.generation > generation, what="a reload")
        assert [r for r in reports(app) if "available" in r and "tui-new" in r] == [
            "Snapshot available\n✓ tui-new: available"]
        assert "name            tui-new" in screen_text(pilot)
