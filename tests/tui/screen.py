"""`screen_text(pilot)`: what the terminal shows right now, as plain text lines (for asserting on what is drawn)."""

from __future__ import annotations

import io
import re

from rich.console import Console


def screen_text(pilot) -> str:
    """The current screen (with the screens under a modal) rendered as the terminal would draw it, one line per row.

    This is the same render `export_screenshot` turns into SVG, kept as text, so a test reads exactly the
    characters a person would see: cut labels, missing columns and hidden widgets included.
    """
    app = pilot.app
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None,
                      record=True, legacy_windows=False, safe_box=False)
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    lines = console.export_text().split("\n")
    return "\n".join(line.rstrip() for line in lines[:height])


def screen_lines(pilot) -> list[str]:
    return screen_text(pilot).split("\n")


async def wait_drawn(pilot, text: str, *, what: str | None = None, gone: bool = False) -> str:
    """Let the app run until `text` is on screen (or, with `gone`, no longer is); returns the screen then."""
    from tests.tui.conftest import wait_until

    def check() -> str | None:
        screen = screen_text(pilot)
        return screen if (text in screen) != gone else None

    return await wait_until(pilot, check, what=what or f"{text!r} {'gone from' if gone else 'drawn on'} the screen")


def table_rows(pilot) -> list[str]:
    """The focused snapshot table's drawn rows (its border is the heavy ┃) that show a size, as text."""
    rows = []
    for line in screen_lines(pilot):
        if line.count("┃") >= 2:
            inner = line[line.index("┃") + 1:line.rindex("┃")]
            if re.search(r"\d B\b|iB\b", inner):
                rows.append(inner)
    return rows
