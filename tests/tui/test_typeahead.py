"""Type-ahead above the synchronous size: keys typed back to back end with the final text's rows on screen."""

from __future__ import annotations

import pytest
from textual import events

from explorer.tui import make_app
from explorer.tui.screens.typeahead import SYNC_ROWS, FilterComputed
from tests.tui.conftest import wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_text

N = SYNC_ROWS + 10_000  # filtered in the worker, not on the event loop


@pytest.fixture(scope="module")
def inventory():
    return make_inventory(N)


def _send(app, text: str) -> None:
    """Type `text` as fast as a paste without bracketed paste mode: every key queued before any is handled."""
    for char in text:
        key = {"-": "minus", " ": "space", ">": "greater_than_sign"}.get(char, char)
        event = events.Key("backspace" if char == "\b" else key, None if char == "\b" else char)
        event.set_sender(app)
        app._driver.send_message(event)


def _expected(inventory, text: str) -> int:
    s = inventory.snapshots
    hay = s["name"].str.lower() + "\n" + s["drive_name"].str.lower() + "\n" + s["uuid"]
    return int(hay.str.contains(text.lower(), regex=False).sum())


def _idle(app) -> bool:
    return not any(w.group == "filter" and not w.is_finished for w in app.workers)


async def _type_and_settle(pilot, app, keys: str, final: str) -> str:
    _send(app, keys)
    status = f"{_expected(app.browser.inventory, final):,} of {N:,}"
    await wait_until(pilot, lambda: app.browser.query_one("#filter-input").value == final and _idle(app)
                     and status in screen_text(pilot), what=f"{status} for {final!r}")
    return status


async def test_a_fast_paste_shows_the_final_texts_rows_and_skips_the_ones_between(inventory):
    computed: list[str] = []

    def hook(message):
        if isinstance(message, FilterComputed):
            computed.append(message.job.query.text)

    app = make_app(None, inventory=inventory)
    text = "web-01-snap-0001"
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await pilot.press("slash")
        status = await _type_and_settle(pilot, app, text, text)
        drawn = screen_text(pilot)
        names = [n for n in inventory.snapshots["name"] if text in n]
        assert len(names) == _expected(inventory, text) and names[0] in drawn
        assert all(text in line for line in drawn.splitlines() if "-snap-" in line)  # no row of an older text
        assert computed[-1] == text and len(computed) < len(text)  # texts in between were skipped
        await pilot.press("enter")
        assert status in screen_text(pilot)


async def test_widening_the_text_again_widens_the_rows(inventory):
    app = make_app(None, inventory=inventory)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        await _type_and_settle(pilot, app, "web-01-snap-00012", "web-01-snap-00012")
        # back to a shorter text: the rows the longer one left are not enough
        await _type_and_settle(pilot, app, "\b" * 4, "web-01-snap-0")
        await _type_and_settle(pilot, app, "\b" * len("web-01-snap-0"), "")
        await _type_and_settle(pilot, app, "backup", "backup")


async def test_a_bad_term_while_typing_keeps_the_last_result(inventory):
    app = make_app(None, inventory=inventory)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        status = await _type_and_settle(pilot, app, "db-main", "db-main")
        _send(app, " size>1X")
        await wait_until(pilot, lambda: "unknown size unit 'X'" in screen_text(pilot), what="the term's message")
        assert status in screen_text(pilot)
