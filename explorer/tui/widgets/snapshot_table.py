"""The snapshots table: the Arrow slice the browser hands it, with the sort shown in the header."""

from __future__ import annotations

import pyarrow as pa
from rich.text import Text

from explorer.tui.view import COLUMNS
from explorer.tui.widgets.arrow_table import ArrowTable


class SnapshotTable(ArrowTable):
    """Shows whatever rows the screen computed; knows nothing of filters or the API."""

    DEFAULT_CSS = """
    SnapshotTable { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        # default names are 58 characters; the detail pane shows them whole
        super().__init__([c.key for c in COLUMNS], null_rep="—", max_column_content_width=32, **kwargs)
        self.currency = ""
        self.sort_key = "created"
        self.sort_descending = True

    def show(self, rows: pa.Table, *, cursor_row: int = 0, widths: list[int] | None = None) -> None:
        self.swap(rows, [self._label(c.key, c.label) for c in COLUMNS], widths=widths, cursor_row=cursor_row)

    def _label(self, key: str, label: str) -> Text:
        if key == "cost" and self.currency:
            label = f"{label} {self.currency}"
        if key == self.sort_key:
            return Text(f"{label} {'▼' if self.sort_descending else '▲'}", style="bold")
        return Text(label)
