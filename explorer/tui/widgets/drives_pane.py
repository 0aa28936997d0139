"""The drives pane: one row per drive with its snapshot count, bytes and cost; choosing one narrows the table."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from textual.message import Message
from textual_fastdatatable import DataTable

from explorer.tui.formatting import human_bytes_column, money_column
from explorer.tui.view import locations_of
from explorer.tui.widgets.arrow_table import ArrowTable, fit_columns, width_of

ALL_DRIVES = "(all drives)"
LABELS = ("Drive", "Loc", "Status", "Type", "Snaps", "Allocated", "Monthly")
#: what a narrow pane keeps, most wanted first (status and type are in the detail pane of each snapshot);
#: Loc only when there are several locations
PRIORITY = ("Drive", "Allocated", "Loc", "Snaps", "Monthly", "Status", "Type")
ESSENTIAL = ("Drive", "Allocated")
NAME_WIDTH = 20
NAME_MIN = 10


class DrivesPane(ArrowTable):
    """Arrow-backed like the snapshots table (thousands of drives must not stall a refresh); Enter chooses."""

    class DriveChosen(Message):
        def __init__(self, drive: tuple[str, str] | None) -> None:
            super().__init__()
            #: the drive's key, (location, uuid); None: all drives
            self.drive = drive

    def __init__(self, **kwargs) -> None:
        super().__init__(list(LABELS), max_column_content_width=NAME_WIDTH, **kwargs)
        self.border_title = "[1] Drives"
        self.border_subtitle = "enter narrows"
        self.uuids: list[tuple[str, str] | None] = [None]  # row -> drive key (location, uuid); row 0: all drives
        #: the columns shown and the drive name's width (set by `fit` when the pane's width is known)
        self.shown_columns: tuple[tuple[str, ...], int] = (LABELS, NAME_WIDTH)
        self._available: int | None = None
        #: cells the pane needs to show every column (set by `show`)
        self.full_width = 0
        self._rows: pa.Table | None = None
        self._currency = ""

    def show(self, drives: pd.DataFrame, costs: pd.Series | None, currency: str,
             currencies: dict[str, str] | None = None) -> None:
        """`costs`: monthly cost at subscription price per drive key (location, uuid) (may be missing);
        `currencies`: each location's currency when they differ (each cost cell then names its own)."""
        chosen = self.uuids[self.cursor_row] if 0 <= self.cursor_row < len(self.uuids) else None
        ordered = drives.sort_values(["snapshots_allocated", "name"], ascending=[False, True], na_position="last")
        locations = locations_of(ordered)
        keys = list(zip(locations, ordered["uuid"].to_numpy(dtype=object), strict=True))
        cost = pd.Series(costs.reindex(pd.MultiIndex.from_tuples(keys)).to_numpy() if costs is not None and keys
                         else pd.NA, index=ordered.index, dtype="Float64")
        money = money_column(cost)
        if currencies:
            money = [f"{m} {currencies.get(loc, '')}".strip() for m, loc in zip(money, locations, strict=True)]
        several = len(set(locations) - {""}) > 1
        # local snapshots (a gone drive's row counts its backups: not in the total)
        total = int(drives.loc[drives["status"].astype("string").ne("gone").fillna(True).to_numpy(bool),
                               "snapshot_count"].fillna(0).sum())
        columns = {
            "Drive": [ALL_DRIVES, *ordered["name"].fillna(ordered["uuid"]).astype(str)],
            "Loc": ["", *(locations if several else [""] * len(ordered))],
            "Status": ["", *ordered["status"].astype("string").fillna("")],
            "Type": ["", *ordered["storage_type"].astype("string").fillna("")],
            "Snaps": [f"{total:,}", *(f"{n:,}" for n in ordered["snapshot_count"].fillna(0).to_numpy("int64"))],
            "Allocated": ["", *human_bytes_column(ordered["snapshots_allocated"].fillna(0))],
            "Monthly": ["", *money],
        }
        self.uuids = [None, *keys]
        self._rows = pa.table({k: pa.array(list(v), pa.string()) for k, v in columns.items()})
        self._currency = "" if currencies else currency
        self.full_width = width_of(self._widths(self._here()))
        self._swap_rows(self.uuids.index(chosen) if chosen in self.uuids else 0)

    @property
    def compact(self) -> bool:
        """True when some columns are left out for want of room."""
        return len(self.shown_columns[0]) < len(self._here())

    def fit(self, available: int) -> None:
        """Show the columns that fit in `available` cells (the pane's width), in PRIORITY order."""
        self._available = available
        if self._rows is not None and self._choose() != self.shown_columns:
            self._swap_rows(self.cursor_row)

    def _choose(self) -> tuple[tuple[str, ...], int]:
        labels = self._here()
        natural = dict(zip(labels, self._widths(labels), strict=True))
        if self._available is None:
            return labels, natural["Drive"]
        keep, name = fit_columns(natural, PRIORITY, self._available, essential=ESSENTIAL, shrink="Drive",
                                 minimum=NAME_MIN)
        return tuple(n for n in LABELS if n in keep), name

    def _here(self) -> tuple[str, ...]:
        """The columns this inventory has: Loc only for several locations."""
        several = self._rows is not None and int(pc.max(pc.utf8_length(self._rows.column("Loc"))).as_py() or 0)
        return LABELS if several else tuple(n for n in LABELS if n != "Loc")

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
        self.shown_columns = names, name_width = self._choose()
        widths = [name_width if n == "Drive" else w for n, w in zip(names, self._widths(names), strict=True)]
        self.swap(self._rows.select(list(names)), self._labels(names), column_widths=widths, cursor_row=cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.DriveChosen(self.uuids[event.cursor_row]))
