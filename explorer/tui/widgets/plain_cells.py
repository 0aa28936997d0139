"""Draw a table's plain-text body cells without Rich's render pipeline: the same segments, ~20x cheaper.

fastdatatable renders every cell through `console.render_lines(Styled(Padding(cell)))` (markup
escaping, Text layout, cropping): about 0.2 ms a cell, so 60-90 ms for each full repaint of a
180x44 snapshots table, which every keystroke of the filter pays once its rows change. A body cell
whose value is printable text that fits its column is just `" " + text + padding + " "` in the row's
style with the cursor's on top (the cell's `row`/`column` meta kept for the mouse); anything else —
headers, nulls, text that must be cut with `…`, control or zero-width characters — still goes
through the library's own path. tests/tui/test_typeahead_render.py checks the two agree segment
for segment.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.coordinate import Coordinate
from textual_fastdatatable.column import CELL_X_PADDING


class PlainCellsMixin:
    """Mixed in before fastdatatable's `DataTable`; overrides only `_render_cell`."""

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False, in_range: bool = False):
        plain = self._plain_cell(row_index, column_index, width)
        if plain is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover, in_range)
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, in_range, self.show_cursor, self._show_hover_cursor,
            self.cursor_type == "range", self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css")
        style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
        return [[Segment(plain, style + post_style)]]

    def _plain_cell(self, row_index: int, column_index: int, width: int) -> str | None:
        """The cell's whole line if the short path draws it exactly as the library would, else None."""
        if row_index < self.fixed_rows or column_index < self.fixed_columns:  # headers, labels, fixed cells
            return None
        value = self.get_cell_at(Coordinate(row_index, column_index))
        if not isinstance(value, str) or not value.isprintable():
            return None
        room = width - CELL_X_PADDING
        used = cell_len(value)
        if used > room:
            return None  # cut with an ellipsis: the library's path
        return f" {value}{' ' * (room - used)} "
