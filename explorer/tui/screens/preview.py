"""The launch preview: the cache's first screen drawn from `preview.json` with Textual alone, while the rest loads.

A warm start from the CLI shows this at once (explorer.data.preview wrote it when the last fresh inventory
was shown); the app imports pandas, numpy and pyarrow and opens the session in a thread meanwhile, then the
browser replaces this screen and goes on with the usual warm start. Read-only: `q` quits; any other key
says "still loading" in the footer (nothing is acted on from a preview).

Nothing here may import pandas, numpy or pyarrow (tests/test_layers.py checks the app module).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

LOADING = "loading…"


def cached_ago(loaded_at: str | None, now: datetime | None = None) -> str:
    """`cached 5m ago` (the title bar's wording) from the cache's ISO time; `cached` when it is unreadable."""
    try:
        then = datetime.fromisoformat(str(loaded_at))
    except ValueError:
        return "cached"
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0.0, ((now or datetime.now(UTC)) - then).total_seconds())
    for size, unit in ((365 * 86400, "y"), (86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"cached {int(seconds // size)}{unit} ago"
    return f"cached {int(seconds)}s ago"


def fit_columns(widths: list[int], priority: list[int], available: int) -> list[int]:
    """Indices of the columns shown (in table order): the first of `priority` always, then each that fits."""
    keep: list[int] = []
    used = 2  # the table's border
    for i in priority:
        if keep and used + widths[i] + 2 > available:
            continue
        keep.append(i)
        used += widths[i] + 2
    return sorted(keep)


class PreviewScreen(Screen[None]):
    """The cached first screen, read-only, until the browser replaces it."""

    DEFAULT_CSS = """
    PreviewScreen { layout: vertical; }
    PreviewScreen #preview-title { height: 1; width: 100%; background: $panel; }
    PreviewScreen #preview-title Label { padding: 0 1; }
    PreviewScreen .badge { background: $warning; color: $background; text-style: bold; }
    PreviewScreen #preview-summary { height: auto; padding: 0 1; }
    PreviewScreen DataTable { height: 1fr; border: round $primary; }
    PreviewScreen #preview-footer { height: 1; padding: 0 1; background: $panel; }
    """

    BINDINGS: ClassVar = [Binding("q", "app.quit", "Quit", priority=True)]

    def __init__(self, preview: dict, *, demo: bool = False, read_only: bool = False) -> None:
        super().__init__(id="preview")
        self.preview = preview
        self.demo = demo
        self.read_only = read_only
        #: keys pressed while loading (each one said "loading…" in the footer; none acted on)
        self.ignored = 0

    def compose(self) -> ComposeResult:
        cached = cached_ago(self.preview.get("loaded_at"))
        host, codes = self.preview.get("host"), self.preview.get("where")
        where = f"{codes}: {cached}, refreshing…" if codes else \
            f"{cached}, refreshing from {host}" if host else f"{cached}, refreshing…"
        with Horizontal(id="preview-title"):
            yield Label("Snapshot Explorer", id="preview-name")
            if self.demo:
                yield Label("DEMO", classes="badge")
            if self.read_only:
                yield Label("READ-ONLY", classes="badge")
            yield Label(where, id="preview-where")
        yield Static(id="preview-summary", markup=False)
        table: DataTable = DataTable(id="preview-table", cursor_type="row", show_cursor=True)
        table.border_title = "[2] Snapshots"
        table.can_focus = False  # every key goes to the screen: none moves a cursor the browser would not keep
        yield table
        yield Static(f"q quit · {LOADING}", id="preview-footer", markup=False)

    def on_mount(self) -> None:
        self._fill(self.app.size.width)

    def _fill(self, width: int) -> None:
        room = width - 2
        lines = [line for line in self.preview.get("summary") or [] if line]
        self.query_one("#preview-summary", Static).update(
            "\n".join(next((t for t in line if len(t) <= room), line[-1][:room]) for line in lines))
        table = self.query_one(DataTable)
        labels = list(self.preview.get("columns") or [])
        rows = [list(r) for r in self.preview.get("rows") or []]
        widths = [max([len(label), *(len(str(r[i] or "")) for r in rows)]) for i, label in enumerate(labels)]
        priority = [i for i in self.preview.get("priority") or range(len(labels)) if i < len(labels)]
        shown = fit_columns(widths, priority, width)
        for i in shown:
            table.add_column(labels[i], width=widths[i], key=str(i))
        table.add_rows([["" if r[i] is None else str(r[i]) for i in shown] for r in rows])

    def on_key(self, event) -> None:
        if event.key == "q":
            return
        event.stop()
        event.prevent_default()
        self.ignored += 1
        self.query_one("#preview-footer", Static).update(
            f"q quit · {LOADING} ({event.key!r} not done: press it again in a moment)")


def write_launch_preview(screen) -> None:
    """After the browser `screen` has shown a fresh inventory (the CLI's start), write what the next launch
    draws before pandas is imported (explorer.data.preview): the first rows in the default sort, the summary
    line and where it is from. A few ms on the event loop; the imports are the browser's own already."""
    import logging
    from urllib.parse import urlsplit

    import numpy as np
    from rich.text import Text

    from explorer.data import paths
    from explorer.data.preview import PREVIEW_ROWS, slot_dir, write_preview
    from explorer.tui.screens.warm_start import HEAD_ORDER
    from explorer.tui.view import COLUMNS
    from explorer.tui.widgets.snapshot_table import PRIORITY
    from explorer.tui.widgets.summary import SummaryBar
    from explorer.tui.widgets.title_bar import _screen_locations

    table, view = screen.table, screen.view
    keys = [c for c in COLUMNS if c.key != "mark" and (c.key in table.natural or not table.natural)]
    positions = view.order(*HEAD_ORDER)[:PREVIEW_ROWS]
    rows = view.arrow(positions, np.zeros(len(view), dtype=bool))
    cells = list(zip(*(rows.column(c.key).to_pylist() for c in keys), strict=True)) if keys else []
    bar = screen.query_one(SummaryBar)
    texts = bar._lines if bar._lines is not None else [bar._texts] if bar._texts else []
    codes = _screen_locations(screen)
    who = f"{screen.source.account} @ " if screen.source.account and not screen.source.demo else ""
    host = "" if screen.source.demo or codes else f"{who}{urlsplit(screen.source.endpoint).hostname or ''}"
    payload = {
        "where": "+".join(codes), "host": host,
        "summary": [[Text.from_markup(t).plain if isinstance(t, str) else t.plain for t in line]
                    for line in texts],
        "columns": [table._label(c.key, c.label, arrow=False).plain for c in keys],
        "priority": [i for k in PRIORITY for i, c in enumerate(keys) if c.key == k],
        "rows": [list(r) for r in cells],
    }
    slots = [slot_dir(paths.cache_dir(), source, code) for source, code in screen.location_sources()]
    try:
        write_preview(slots, payload)
    except (OSError, ValueError) as exc:  # a convenience, like the cache: never fails the screen
        logging.getLogger(__name__).warning("could not write the launch preview: %s", exc)
