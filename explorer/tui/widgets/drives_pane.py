"""The drives pane: one row per drive with its snapshot count, bytes and cost; choosing one narrows the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from textual.message import Message
from textual_fastdatatable import DataTable

from explorer.tui.formatting import human_bytes_column, money_column
from explorer.tui.widgets.arrow_table import ArrowTable, width_of

ALL_DRIVES = "(all drives)"
LABELS = ("Drive", "Status", "Type", "Snaps", "Allocated", "Monthly")
#: what a narrow pane keeps (status and type are in the detail pane of each snapshot)
COMPACT = ("Drive", "Snaps", "Allocated", "Monthly")
NAME_WIDTH = 20


class DrivesPane(ArrowTable):
    """Arrow-backed like the snapshots table (thousands of drives must not stall a refresh); Enter chooses."""

    class DriveChosen(Message):
        def __init__(self, drive_uuid: str | None) -> None:
            super().__init__()
            self.drive_uuid = drive_uuid

    def __init__(self, **kwargs) -> None:
        super().__init__(list(LABELS), max_column_content_width=NAME_WIDTH, **kwargs)
        self.border_title = "Drives (enter narrows)"
        self.uuids: list[str | None] = [None]  # row -> drive uuid; row 0 is "all drives"
        #: show only the COMPACT columns (set by the screen when the pane is narrow)
        self.compact = False
        #: cells the pane needs to show every column (set by `show`)
        self.full_width = 0
        self._rows: pa.Table | None = None
        self._currency = ""

    def show(self, drives: pd.DataFrame, costs: pd.Series | None, currency: str) -> None:
        """`costs`: monthly cost at subscription price per drive uuid (may be missing)."""
        chosen = self.uuids[self.cursor_row] if 0 <= self.cursor_row < len(self.uuids) else None
        ordered = drives.sort_values(["snapshots_allocated", "name"], ascending=[False, True], na_position="last")
        cost = ordered["uuid"].map(costs).astype("Float64") if costs is not None else pd.Series(
            pd.NA, index=ordered.index, dtype="Float64")
        total = int(drives["snapshot_count"].fillna(0).sum())
        columns = {
            "Drive": [ALL_DRIVES, *ordered["name"].fillna(ordered["uuid"]).astype(str)],
            "Status": ["", *ordered["status"].astype("string").fillna("")],
            "Type": ["", *ordered["storage_type"].astype("string").fillna("")],
            "Snaps": [f"{total:,}", *np.char.mod("%d", ordered["snapshot_count"].fillna(0).to_numpy("int64"))],
            "Allocated": ["", *human_bytes_column(ordered["snapshots_allocated"].fillna(0))],
            "Monthly": ["", *money_column(cost)],
        }
        self.uuids = [None, *ordered["uuid"]]
        self._rows = pa.table({k: pa.array(list(v), pa.string()) for k, v in columns.items()})
        self._currency = currency
        self.full_width = width_of(self._widths(LABELS))
        self._swap_rows(self.uuids.index(chosen) if chosen in self.uuids else 0)

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            if self._rows is not None:
                self._swap_rows(self.cursor_row)

    def _labels(self, names: tuple[str, ...]) -> list[str]:
        # "Monthly" is the value at subscription price per month (the help screen says so)
        return [f"Value/mo {self._currency}".strip() if n == "Monthly" else n for n in names]

    def _widths(self, names: tuple[str, ...]) -> list[int]:
        widths = []
        for name, label in zip(names, self._labels(names), strict=True):
            content = int(pc.max(pc.utf8_length(self._rows.column(name))).as_py() or 0)
            widths.append(max(min(content, NAME_WIDTH), len(label)))
        return widths

    def _swap_rows(self, cursor_row: int) -> None:
        names = COMPACT if self.compact else LABELS
        self.swap(self._rows.select(list(names)), self._labels(names), column_widths=self._widths(names),
                  cursor_row=cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.DriveChosen(self.uuids[event.cursor_row]))
