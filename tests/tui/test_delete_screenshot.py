"""SVG snapshot of the large-delete dialog at 80x24 (deterministic: fabricated inventory, no network, no caret)."""

from __future__ import annotations

from explorer.tui import make_app
from tests.tui.factory import make_inventory

NO_NETWORK = object()  # never called: load_on_start=False and the delete is not confirmed


def test_large_delete_dialog_at_80x24(snap_compare):
    app = make_app(NO_NETWORK, inventory=make_inventory(40), load_on_start=False)
    # all 40 marked: a large delete asks for the count; tab moves the focus off the count field (no caret)
    assert snap_compare(app, terminal_size=(80, 24), press=["a", "ctrl+d", "tab"])
