"""The drives pane: one row per drive with its snapshot count, bytes and cost; choosing one narrows the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from textual.message import Message
from textual_fastdatatable import DataTable

from explorer.tui.formatting import human_bytes_column, money_column
from explorer.tui.widgets.arrow_table import ArrowTable

ALL_DRIVES = "(all drives)"
LABELS = ("Drive", "Status", "Type", "Snaps", "Allocated", "Monthly")


class DrivesPane(ArrowTable):
    """Arrow-backed like the snapshots table (thousands of drives must not stall a refresh); Enter chooses."""

    class DriveChosen(Message):
        def __init__(self, drive_uuid: str | None) -> None:
            super().__init__()
            self.drive_uuid = drive_uuid

    def __init__(self, **kwargs) -> None:
        super().__init__(list(LABELS), max_column_content_width=20, **kwargs)
        self.border_title = "Drives (enter narrows)"
        self.uuids: list[str | None] = [None]  # row -> drive uuid; row 0 is "all drives"

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
        rows = pa.table({k: pa.array(list(v), pa.string()) for k, v in columns.items()})
        row = self.uuids.index(chosen) if chosen in self.uuids else 0
        self.swap(rows, [*LABELS[:-1], f"Monthly {currency}"], cursor_row=row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.DriveChosen(self.uuids[event.cursor_row]))
