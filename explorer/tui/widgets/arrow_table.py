"""A fastdatatable that shows a whole new Arrow table at once (the widget itself only appends or edits cells)."""

from __future__ import annotations

import pyarrow as pa
from rich.text import Text
from textual_fastdatatable import ArrowBackend, DataTable
from textual_fastdatatable.column import CELL_X_PADDING

from explorer.tui.widgets.plain_cells import PlainCellsMixin


class ArrowTable(PlainCellsMixin, DataTable):
    """Base of the snapshots and drives tables: data is plain text cells, never Rich markup (so most cells are
    drawn by PlainCellsMixin's short path)."""

    def __init__(self, columns: list[str], **kwargs) -> None:
        empty = pa.table({c: pa.array([], pa.string()) for c in columns})
        # names are data, not markup: a `[` in a snapshot name must show as typed
        super().__init__(backend=ArrowBackend(empty), cursor_type="row", show_row_labels=False, zebra_stripes=True,
                         render_markup=False, **kwargs)

    #: cells the border (2) and the vertical scrollbar (2) take besides the columns
    CHROME = 4

    def swap(self, rows: pa.Table, labels: list[str | Text], *, widths: list[int] | None = None,
             column_widths: list[int] | None = None, cursor_row: int = 0) -> None:
        """Replace every row and the column labels, then put the cursor on `cursor_row`.

        `widths`: content widths measured once elsewhere; handing them over skips measuring
        every column of every swap and keeps the columns steady while filtering.
        `column_widths`: fixed widths (cells, without padding); longer values end in `…`.
        """
        backend = ArrowBackend(rows)
        backend.render_markup = False
        if widths is not None:
            backend._column_content_widths = list(widths)  # the backend's measurement cache
        self.backend = backend
        self._column_widths = list(column_widths) if column_widths is not None else None
        self._column_labels = list(labels)
        self._ordered_columns = None
        self._update_count += 1
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()
        if rows.num_rows:
            self.move_cursor(row=min(max(cursor_row, 0), rows.num_rows - 1), column=0)


def width_of(column_widths: list[int]) -> int:
    """Cells a table with these fixed column widths needs to show every column, border included."""
    return sum(w + CELL_X_PADDING for w in column_widths) + ArrowTable.CHROME



def fit_columns(natural: dict[str, int], priority: tuple[str, ...], available: int, *, essential: tuple[str, ...],
                shrink: str, minimum: int) -> tuple[set[str], int]:
    """Which columns fit in `available` cells, and how wide the `shrink` column (a name) is then.

    The `essential` columns always show, `shrink` cut down to `minimum` cells if that is what it takes;
    spare cells give the name back its natural width first, then go to the other columns in `priority`
    order (one that does not fit is skipped; a narrower one after it may still fit). Returns (keys, width).
    """
    keys = [k for k in priority if k in natural]
    keep = [k for k in keys if k in essential]
    used = width_of([min(minimum, natural[k]) if k == shrink else natural[k] for k in keep])
    grow = max(0, min(natural[shrink] - minimum, available - used))
    used += grow
    for key in keys:
        if key not in keep and used + natural[key] + CELL_X_PADDING <= available:
            keep.append(key)
            used += natural[key] + CELL_X_PADDING
    return set(keep), min(natural[shrink], minimum + grow)
