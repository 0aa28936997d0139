"""SVG snapshot tests (pytest-textual-snapshot): main screen, delete dialog, help; wide and at 80x24.

Deterministic by construction: a fixed-seed fabricated inventory with a frozen "now"
(ages are inventory time minus timestamp), no network, no focused text input (no caret).
"""

from __future__ import annotations

from explorer.tui import make_app
from tests.tui.factory import make_inventory

SIZE = (180, 44)
SMALL = (80, 24)
NO_NETWORK = object()  # a client that is never called: load_on_start=False and no write is confirmed


def _app():
    return make_app(NO_NETWORK, inventory=make_inventory(40), load_on_start=False)


def test_main_screen(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, press=["down"])


def test_delete_dialog_with_marks_hidden_by_filter(snap_compare):
    keys = ["space", "space", "space", "slash", *"drive:web", "enter", "ctrl+d"]
    assert snap_compare(_app(), terminal_size=SIZE, press=keys)


def test_help(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, press=["question_mark"])


def test_main_screen_80x24(snap_compare):
    assert snap_compare(_app(), terminal_size=SMALL, press=["down"])


def test_main_screen_80x24_with_the_drives_pane_and_a_filter(snap_compare):
    assert snap_compare(_app(), terminal_size=SMALL, press=["slash", *"size>5GiB", "enter", "shift+tab", "down"])


def test_help_80x24(snap_compare):
    assert snap_compare(_app(), terminal_size=SMALL, press=["question_mark"])
