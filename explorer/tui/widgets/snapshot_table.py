"""The snapshots table: the Arrow slice the browser hands it, the sort shown in the header, the columns that fit."""

from __future__ import annotations

import pyarrow as pa
from rich.text import Text

from explorer.tui.formatting import middle_ellipsis_column
from explorer.tui.view import COLUMNS, SORTABLE
from explorer.tui.widgets.arrow_table import ArrowTable, fit_columns, width_of

#: which columns a narrow table keeps, most wanted first (the mark is always shown): what a snapshot
#: weighs and costs before where it lives and when exactly it was taken (the detail pane has those)
#: (the location, a short code, only when the inventory has several: which API a row's writes go to)
PRIORITY = ("name", "size", "age", "cost", "location", "status", "drive", "created")
#: the columns a table must show before the side pane may take room from it
ESSENTIAL = ("mark", "name", "size", "age", "cost")
#: a name is cut (at its end) down to this many cells before an essential column is dropped
NAME_MIN = 16


class SnapshotTable(ArrowTable):
    """Shows whatever rows the screen computed; knows nothing of filters or the API."""

    DEFAULT_CSS = """
    SnapshotTable { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        # the view caps names (the detail pane shows them whole); a max width turns on `…` for the rest
        super().__init__([c.key for c in COLUMNS], null_rep="—", max_column_content_width=32, **kwargs)
        self.border_title = "[2] Snapshots"
        self.currency = ""
        self.sort_key = "created"
        self.sort_descending = True
        #: fixed width of every column (cells, without padding), by key (set by `show`)
        self.natural: dict[str, int] = {}
        #: the columns shown, in table order (set by `fit`; every column until then)
        self.shown_keys: tuple[str, ...] = tuple(c.key for c in COLUMNS)
        self._available: int | None = None
        self._rows: pa.Table | None = None
        self._widths: list[int] | None = None
        self._shown_name_width = 0
        #: (cells, width, those cells cut to width): the names of a lazy slice, cut once per inventory and width
        self._cut: tuple[pa.Array, int, pa.Array] | None = None

    @property
    def natural_width(self) -> int:
        """Cells needed to show every column without cutting one."""
        return width_of(list(self.natural.values())) if self.natural else 0

    @property
    def essential_width(self) -> int:
        """Cells needed to show the essential columns, names shortened as far as allowed."""
        if not self.natural:
            return 0
        return width_of([min(self.natural[k], NAME_MIN) if k == "name" else self.natural[k] for k in ESSENTIAL])

    def show(self, rows: pa.Table, *, cursor_row: int = 0, widths: list[int] | None = None) -> None:
        """`rows` has every column; `widths`: the view's content widths (names already capped). The columns
        get fixed widths from them and the labels, so a sort arrow or a filter never shifts a column."""
        if widths is not None:
            # room for the label and, on sortable columns, its ` ▼`
            # (no location column for one location: its cells are empty)
            self.natural = {c.key: max(w, self._label(c.key, c.label, arrow=False).cell_len + 2 * (c.key in SORTABLE))
                            for w, c in zip(widths, COLUMNS, strict=True) if w or c.key != "location"}
            self._widths = list(widths)
        self._rows = rows
        self._swap(cursor_row)

    @property
    def used_width(self) -> int:
        """Cells the columns chosen by the last `fit` take, border included."""
        keys, name = self._choose()
        return width_of([name if k == "name" else self.natural[k] for k in keys]) if self.natural else 0

    def fit(self, available: int) -> None:
        """Show the columns that fit in `available` cells, in PRIORITY order; re-draw only when that changes."""
        self._available = available
        if self._rows is not None and self._choose() != (self.shown_keys, self._shown_name_width):
            self._swap(self.cursor_row)

    def _choose(self) -> tuple[tuple[str, ...], int]:
        natural = self.natural
        available = self._available
        if available is None or not natural:
            return tuple(c.key for c in COLUMNS if c.key in natural or not natural), natural.get("name", 0)
        keep, name = fit_columns(natural, ("mark", *PRIORITY), available, essential=ESSENTIAL, shrink="name",
                                 minimum=NAME_MIN)
        return tuple(c.key for c in COLUMNS if c.key in keep), name

    def _swap(self, cursor_row: int) -> None:
        self.shown_keys, name_width = self._choose()
        self._shown_name_width = name_width
        index = {c.key: i for i, c in enumerate(COLUMNS)}
        shown = [COLUMNS[index[k]] for k in self.shown_keys]
        labels = [self._label(c.key, c.label) for c in shown]
        fixed = widths = None
        if self.natural:
            fixed = [name_width if c.key == "name" else self.natural[c.key] for c in shown]
        if self._widths is not None:
            widths = [self._widths[index[k]] for k in self.shown_keys]
        rows = self._rows.select(list(self.shown_keys))
        if self.natural and name_width < self.natural["name"]:
            # cut again in the middle: the tail (a date, a number) is what tells snapshots apart
            at = rows.column_names.index("name")
            rows = rows.set_column(at, "name", self._cut_names(rows.column(at), name_width))
        self.swap(rows, labels, widths=widths, column_widths=fixed, cursor_row=cursor_row)

    def _cut_names(self, names: pa.ChunkedArray, width: int) -> pa.ChunkedArray | pa.Array:
        if not pa.types.is_dictionary(names.type):
            return middle_ellipsis_column(names, width)
        # a lazy slice (rows pointing into every cell): cut the cells it points into, once per width
        cells = names.chunk(0).dictionary if names.num_chunks else pa.array([], pa.string())
        if self._cut is None or not _same_storage(self._cut[0], cells) or self._cut[1] != width:
            self._cut = (cells, width, middle_ellipsis_column(cells, width))
        return pa.chunked_array([pa.DictionaryArray.from_arrays(chunk.indices, self._cut[2]) for chunk in names.chunks],
                                pa.dictionary(pa.int64(), pa.string()))

    def _label(self, key: str, label: str, *, arrow: bool = True) -> Text:
        if key == "cost" and self.currency:
            label = f"{label} {self.currency}"
        if arrow and key == self.sort_key:
            return Text(f"{label} {'▼' if self.sort_descending else '▲'}", style="bold")
        return Text(label)


def _same_storage(a: pa.Array, b: pa.Array) -> bool:
    """The same cells (pyarrow hands out a new wrapper each time; `a` is held, so its buffers are not reused)."""
    return (len(a) == len(b) and a.offset == b.offset
            and [x and x.address for x in a.buffers()] == [x and x.address for x in b.buffers()])
