"""Type-ahead in the worker (above SYNC_ROWS): typing fast then stopping shows exactly the final text's rows,
and the filtering of an older text, however late it finishes, never replaces a newer text's rows."""

from __future__ import annotations

import re
import threading

import pytest
from textual import events

from explorer.data.query import parse_query
from explorer.tui import make_app
from explorer.tui.screens.typeahead import SYNC_ROWS, FilterComputed
from explorer.tui.view import SnapshotView
from tests.tui.conftest import wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_lines, screen_text, wait_drawn

N = SYNC_ROWS + 15_000
SIZE = (120, 40)
ROW_NAME = re.compile(r"[│┃]\s+●?\s*([a-z0-9-]+-snap-\d{6})\s")
KEYS = {"-": "minus", " ": "space", ">": "greater_than_sign"}


@pytest.fixture(scope="module")
def inventory():
    return make_inventory(N)


def _type(app, keys: str) -> None:
    """Queue every key before the app handles any, as a paste without bracketed paste or fast typing does."""
    for char in keys:
        event = events.Key(KEYS.get(char, char), char)
        event.set_sender(app)
        app._driver.send_message(event)


def _expected_names(app, text: str) -> list[str]:
    """The final text's rows in the table's order (newest first), as the view model selects them."""
    view = app.browser.view
    positions = view.select(parse_query(text), None, "created", True)
    return view.frame["name"].to_numpy(dtype=object)[positions].tolist()


async def _settled(pilot, app, text: str) -> list[str]:
    """Wait until the input shows `text`, no filtering is left and the table's count is the text's; the screen."""
    expected = _expected_names(app, text)
    count = f"{len(expected):,} of {N:,}"
    await wait_until(pilot, lambda: app.browser.query_one("#filter-input").value == text
                     and not app.browser.filtering and count in screen_text(pilot), what=f"{count} for {text!r}")
    return screen_lines(pilot)


def _drawn_names(lines: list[str]) -> list[str]:
    """The snapshot names the table draws, top first (the detail pane wraps its name, so it has no whole one)."""
    return [m[1] for line in lines if (m := ROW_NAME.search(line))]


async def test_typing_fast_then_stopping_shows_exactly_the_final_texts_rows(inventory):
    app = make_app(None, inventory=inventory)
    shown: list[str] = []  # the text of every result the table took, in order
    async with app.run_test(size=SIZE, message_hook=lambda m: isinstance(m, FilterComputed)
                            and m.positions is not None and shown.append(m.job.query.text)) as pilot:
        await pilot.press("slash")
        # a word then a size term: the texts of the word narrow one another, the size term's do not
        final = typed = "backup-snap-0001 size>10GiB"
        _type(app, typed)
        lines = await _settled(pilot, app, final)
        expected = _expected_names(app, final)
        # exactly the final text's rows (they fit on the screen), in the table's order: none of an older text
        assert 0 < len(expected) < 20 and _drawn_names(lines) == expected, "\n".join(lines)
        assert shown[-1] == final and len(shown) < len(typed)  # the texts between were skipped
        await pilot.press("enter")
        assert f"{len(expected):,} of {N:,}" in screen_text(pilot)


async def test_an_older_texts_filtering_that_ends_late_never_replaces_the_newer_rows(inventory, monkeypatch):
    """The first filtering is held back until the whole text is typed: its result is dropped, not drawn."""
    app = make_app(None, inventory=inventory)
    release = threading.Event()
    held: list[str] = []
    real_select = SnapshotView.select

    def select(self, query=None, *args, **kwargs):
        if not held:  # the worker's first filtering: wait (in its thread) until the test releases it
            held.append(getattr(query, "query", query).text)
            release.wait(timeout=60)
        return real_select(self, query, *args, **kwargs)

    computed: list[FilterComputed] = []
    async with app.run_test(size=SIZE, message_hook=lambda m: isinstance(m, FilterComputed)
                            and computed.append(m)) as pilot:
        await pilot.press("slash")
        monkeypatch.setattr(SnapshotView, "select", select)
        final = "db-main-snap-0002"
        _type(app, final)
        await wait_until(pilot, lambda: held and app.browser.query_one("#filter-input").value == final,
                         what="the whole text typed while the first filtering is held")
        assert held[0] != final  # it was started for an older, shorter text
        release.set()
        lines = await _settled(pilot, app, final)
        expected = _expected_names(app, final)
        assert 0 < len(expected) < 20 and _drawn_names(lines) == expected, "\n".join(lines)
        first = computed[0]
        assert first.job.query.text == held[0] and first.positions is None  # stale: dropped, never drawn
        assert [m.job.query.text for m in computed if m.positions is not None] == [final]


async def test_at_80x24_the_final_texts_rows_show_with_their_names_cut(inventory):
    """With the side pane shown at 80x24 the table cuts names in the middle; the lazy rows' are cut too."""
    app = make_app(None, inventory=inventory)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        final = "web-02-snap-0003"
        _type(app, final)
        await _settled(pilot, app, final)
        await pilot.press("enter", "b")  # back to the table, the side pane shown: the table is narrower
        lines = (await wait_drawn(pilot, "[1] Drives")).splitlines()
        expected = _expected_names(app, final)
        rows = [line for line in lines if re.search(r"[│┃]\s+●?\s*\S+…\S+", line) or "-snap-" in line]
        tails = [name[-8:] for name in expected]
        found = [next((t for t in tails if t in line), None) for line in rows]
        shown = [t for t in found if t is not None]
        assert shown and shown == tails[:len(shown)], "\n".join(lines)  # the top rows, in order
        assert any("…" in line for line in rows), "\n".join(lines)  # cut, not whole


async def test_once_the_search_index_is_built_words_show_exactly_the_filter_languages_rows(inventory):
    """Above SYNC_ROWS the n-gram index is built after the first rows; words typed then are served from it."""
    app = make_app(None, inventory=inventory)
    async with app.run_test(size=SIZE) as pilot:
        browser = app.browser
        await wait_until(pilot, lambda: browser._search_index is not None
                         and browser._search_index[0] is browser.view, what="the search index built")
        await pilot.press("slash")
        for final in ("db-main-snap-0001 -snap-00012", "b", "backup-snap-000"):
            await pilot.press("ctrl+u")  # the input's delete-to-the-start key: empty again
            _type(app, final)
            lines = await _settled(pilot, app, final)
            # the top rows in order (rows with the API's default name are drawn cut: not compared)
            expected = [n for n in _expected_names(app, final) if re.fullmatch(r"[a-z0-9-]+-snap-\d{6}", n)]
            drawn = _drawn_names(lines)
            assert expected and drawn and drawn == expected[:len(drawn)], "\n".join(lines)
        assert browser._term_masks.index is browser._search_index[1]
