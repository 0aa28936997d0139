"""The snapshots table: an Arrow-backed fastdatatable whose rows are swapped wholesale on each view change."""

from __future__ import annotations

import pyarrow as pa
from rich.text import Text
from textual_fastdatatable import ArrowBackend, DataTable

from explorer.tui.view import COLUMNS


class SnapshotTable(DataTable):
    """Shows whatever Arrow slice the screen hands it; knows nothing of filters or the API."""

    DEFAULT_CSS = """
    SnapshotTable { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        empty = pa.table({c.key: pa.array([], pa.string()) for c in COLUMNS})
        super().__init__(
            backend=ArrowBackend(empty),
            column_labels=[c.label for c in COLUMNS],
            cursor_type="row",
            show_row_labels=False,
            zebra_stripes=True,
            null_rep="—",
            # default names are 58 characters; the detail pane shows them whole
            max_column_content_width=32,
            # names are data, not markup: a `[` in a snapshot name must show as typed
            render_markup=False,
            **kwargs,
        )
        self.currency = ""
        self.sort_key = "created"
        self.sort_descending = True

    def show(self, rows: pa.Table, *, cursor_row: int = 0, widths: list[int] | None = None) -> None:
        """Replace every row (the widget cannot mutate an Arrow table in place, so it swaps the backend).

        `widths`: content widths measured once over the whole inventory; handing them over
        skips re-measuring every filtered column per keystroke and keeps columns steady.
        """
        backend = ArrowBackend(rows)
        backend.render_markup = False
        if widths is not None:
            backend._column_content_widths = list(widths)  # the backend's measurement cache
        self.backend = backend
        self._column_labels = [self._label(c.key, c.label) for c in COLUMNS]
        self._ordered_columns = None
        self._update_count += 1
        self._clear_caches()
        self._require_update_dimensions = True
        self.check_idle()
        self.refresh()
        if rows.num_rows:
            self.move_cursor(row=min(max(cursor_row, 0), rows.num_rows - 1), column=0)

    def _label(self, key: str, label: str) -> Text:
        if key == "cost" and self.currency:
            label = f"{label} {self.currency}"
        if key == self.sort_key:
            return Text(f"{label} {'▼' if self.sort_descending else '▲'}", style="bold")
        return Text(label)
