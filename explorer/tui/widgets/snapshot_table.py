"""The snapshots table: the Arrow slice the browser hands it, with the sort shown in the header."""

from __future__ import annotations

import pyarrow as pa
from rich.text import Text

from explorer.tui.view import COLUMNS, SORTABLE
from explorer.tui.widgets.arrow_table import ArrowTable, width_of


class SnapshotTable(ArrowTable):
    """Shows whatever rows the screen computed; knows nothing of filters or the API."""

    DEFAULT_CSS = """
    SnapshotTable { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        # the view caps names (the detail pane shows them whole); a max width turns on `…` for the rest
        super().__init__([c.key for c in COLUMNS], null_rep="—", max_column_content_width=32, **kwargs)
        self.currency = ""
        self.sort_key = "created"
        self.sort_descending = True
        #: cells needed to show every column without scrolling sideways (set by `show`)
        self.natural_width = 0

    def show(self, rows: pa.Table, *, cursor_row: int = 0, widths: list[int] | None = None) -> None:
        """`widths`: the view's content widths (names already capped); the columns get fixed
        widths from them and the labels, so a sort arrow or a filter never shifts a column."""
        labels = [self._label(c.key, c.label) for c in COLUMNS]
        fixed = None
        if widths is not None:
            # room for the label and, on sortable columns, its ` ▼`
            fixed = [max(w, self._label(c.key, c.label, arrow=False).cell_len + 2 * (c.key in SORTABLE))
                     for w, c in zip(widths, COLUMNS, strict=True)]
            self.natural_width = width_of(fixed)
        self.swap(rows, labels, widths=widths, column_widths=fixed, cursor_row=cursor_row)

    def _label(self, key: str, label: str, *, arrow: bool = True) -> Text:
        if key == "cost" and self.currency:
            label = f"{label} {self.currency}"
        if arrow and key == self.sort_key:
            return Text(f"{label} {'▼' if self.sort_descending else '▲'}", style="bold")
        return Text(label)
