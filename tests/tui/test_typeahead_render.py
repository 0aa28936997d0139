"""The tables' short path for plain cells (explorer/tui/widgets/plain_cells.py) draws exactly what the library draws."""

from __future__ import annotations

import pandas as pd
import pytest

from explorer.tui import make_app
from explorer.tui.widgets.plain_cells import PlainCellsMixin
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_text

#: names the short path must hand to the library (cut, a tab) or draw itself exactly (markup, wide characters)
ODD_NAMES = ["[bold]not markup[/] 漢字テスト", "x" * 80, "tab\there", "emoji 🙂 ok", "[link=x]ok"]


def _inventory():
    inv = make_inventory(300)
    snaps = inv.snapshots
    newest = snaps["timestamp"].max()
    for i, name in enumerate(ODD_NAMES):  # the newest, so on top of the table (sorted by creation, newest first)
        snaps.loc[10 + i, ["name", "timestamp"]] = [name, newest + pd.Timedelta(seconds=1 + i)]
    snaps.loc[10, "allocated_size"] = pd.NA  # a null cell on screen
    return inv


async def _drawn(size, inventory) -> tuple[str, str]:
    app = make_app(None, inventory=inventory)
    async with app.run_test(size=size) as pilot:
        await pilot.press("down", "down", "space")  # the cursor off the top row, a mark
        await pilot.pause()
        return screen_text(pilot), app.export_screenshot()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_plain_cells_draw_the_same_screen_as_the_library(size, monkeypatch):
    inventory = _inventory()
    text, fast = await _drawn(size, inventory)
    assert "not markup" in text and "[bold]" in text  # the odd rows are on screen, markup shown as typed
    monkeypatch.setattr(PlainCellsMixin, "_plain_cell", lambda self, row, column, width: None)  # library only
    text_library, library = await _drawn(size, inventory)
    assert text == text_library
    assert fast == library  # colours, cursor, zebra stripes and the mark included
