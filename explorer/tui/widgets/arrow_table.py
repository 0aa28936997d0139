"""A fastdatatable that shows a whole new Arrow table at once (the widget itself only appends or edits cells)."""

from __future__ import annotations

import pyarrow as pa
from rich.text import Text
from textual_fastdatatable import ArrowBackend, DataTable


class ArrowTable(DataTable):
    """Base of the snapshots and drives tables: data is plain text cells, never Rich markup."""

    def __init__(self, columns: list[str], **kwargs) -> None:
        empty = pa.table({c: pa.array([], pa.string()) for c in columns})
        # names are data, not markup: a `[` in a snapshot name must show as typed
        super().__init__(backend=ArrowBackend(empty), cursor_type="row", show_row_labels=False, zebra_stripes=True,
                         render_markup=False, **kwargs)

    def swap(self, rows: pa.Table, labels: list[str | Text], *, widths: list[int] | None = None,
             cursor_row: int = 0) -> None:
        """Replace every row and the column labels, then put the cursor on `cursor_row`.

        `widths`: content widths measured once elsewhere; handing them over skips measuring
        every column of every swap and keeps the columns steady while filtering.
        """
        backend = ArrowBackend(rows)
        backend.render_markup = False
        if widths is not None:
            backend._column_content_widths = list(widths)  # the backend's measurement cache
        self.backend = backend
        self._column_labels = list(labels)
        self._ordered_columns = None
        self._update_count += 1
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()
        if rows.num_rows:
            self.move_cursor(row=min(max(cursor_row, 0), rows.num_rows - 1), column=0)
