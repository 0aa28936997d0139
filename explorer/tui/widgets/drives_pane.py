"""The drives pane: one row per drive with its snapshot count, bytes and cost; choosing one narrows the table."""

from __future__ import annotations

import pandas as pd
from textual.message import Message
from textual.widgets import DataTable

from explorer.tui.formatting import human_bytes

ALL_DRIVES = "__all__"


class DrivesPane(DataTable):
    """A small stock DataTable (drives are few); Enter posts :class:`DriveChosen`."""

    class DriveChosen(Message):
        def __init__(self, drive_uuid: str | None) -> None:
            super().__init__()
            self.drive_uuid = drive_uuid

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.border_title = "Drives (enter narrows)"

    def show(self, drives: pd.DataFrame, costs: pd.Series | None, currency: str) -> None:
        """`costs`: monthly cost at subscription price per drive uuid (may be missing)."""
        chosen = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value if self.row_count else None
        self.clear(columns=True)
        self.add_columns("Drive", "Status", "Type", "Snaps", "Allocated", f"Monthly {currency}")
        self.add_row("(all drives)", "", "", f"{int(drives['snapshot_count'].fillna(0).sum()):,}", "", "",
                     key=ALL_DRIVES)
        ordered = drives.sort_values(["snapshots_allocated", "name"], ascending=[False, True], na_position="last")
        for row in ordered.itertuples(index=False):
            cost = costs.get(row.uuid) if costs is not None else None
            self.add_row(
                row.name if isinstance(row.name, str) else row.uuid,
                str(row.status) if pd.notna(row.status) else "",
                str(row.storage_type) if pd.notna(row.storage_type) else "",
                f"{int(row.snapshot_count) if pd.notna(row.snapshot_count) else 0:,}",
                human_bytes(row.snapshots_allocated if pd.notna(row.snapshots_allocated) else 0),
                f"{cost:.2f}" if cost is not None and pd.notna(cost) else "—",
                key=row.uuid,
            )
        if chosen is not None and chosen in self.rows:
            self.move_cursor(row=self.get_row_index(chosen))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        self.post_message(self.DriveChosen(None if key == ALL_DRIVES else key))
