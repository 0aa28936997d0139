"""The snapshots view model: pandas is the source of truth; this turns filter, drive,
sort and marks into row positions and hands the table an Arrow slice of pre-formatted cells.

Everything costly (formatting every cell, one sort order per column) is done once per
inventory and cached, so a keystroke costs a vectorised mask plus an Arrow `take`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from explorer.data.query import SEARCH_COLUMN, Query
from explorer.tui import formatting
from explorer.tui.widgets.summary import Summary


@dataclass(frozen=True, slots=True)
class ViewColumn:
    key: str
    label: str
    sort_by: str | None  # frame column the sort uses (raw values, not the text shown)


COLUMNS: tuple[ViewColumn, ...] = (
    ViewColumn("mark", " ", None),
    ViewColumn("name", "Name", "name"),
    ViewColumn("drive", "Drive", "drive_name"),
    ViewColumn("status", "Status", "status"),
    ViewColumn("size", "Size", "allocated_size"),
    ViewColumn("age", "Age", "age"),
    ViewColumn("cost", "Value/mo", "monthly_cost_subscription"),  # value at subscription price per month
    ViewColumn("created", "Created", "timestamp"),
)
SORTABLE = tuple(c.key for c in COLUMNS if c.sort_by)
MARK = "●"
#: widest a name or a drive name is shown in the table (the detail pane shows them whole); with these,
#: every column fits in 160 terminal columns next to the side pane
NAME_WIDTH = 28
DRIVE_WIDTH = 20
_CAPS = {"name": NAME_WIDTH, "drive": DRIVE_WIDTH}


class SnapshotView:
    """Rows of one inventory's snapshots frame, with cached display text and sort orders."""

    def __init__(self, snapshots: pd.DataFrame, costs: pd.DataFrame | None = None):
        frame = snapshots.reset_index(drop=True)
        if costs is not None and len(costs):
            per_uuid = costs.set_index("uuid")["monthly_cost_subscription"]
            frame = frame.assign(monthly_cost_subscription=frame["uuid"].map(per_uuid).astype("Float64"))
        else:
            frame = frame.assign(monthly_cost_subscription=pd.Series(pd.NA, index=frame.index, dtype="Float64"))
        search = frame["name"].fillna("") + "\n" + frame["drive_name"].fillna("") + "\n" + frame["uuid"].fillna("")
        frame[SEARCH_COLUMN] = search.str.lower()
        self.frame = frame
        self.uuids = frame["uuid"].to_numpy(dtype=object)
        self.position = {u: i for i, u in enumerate(self.uuids)}
        self._orders: dict[tuple[str, bool], np.ndarray] = {}
        self.cells = pa.table(
            {
                "name": formatting.middle_ellipsis_column(
                    pa.array(frame["name"].fillna(frame["uuid"]).to_numpy(dtype=object), pa.string()), NAME_WIDTH
                ),
                "drive": pa.array(frame["drive_name"].fillna("(missing)").to_numpy(dtype=object), pa.string()),
                "status": pa.array(frame["status"].astype("string").fillna("?").to_numpy(dtype=object), pa.string()),
                "size": pa.array(formatting.human_bytes_column(frame["allocated_size"]), pa.string()),
                "age": pa.array(formatting.human_age_column(frame["age"]), pa.string()),
                "cost": pa.array(formatting.money_column(frame["monthly_cost_subscription"]), pa.string()),
                "created": pa.array(formatting.time_column(frame["timestamp"]), pa.string()),
            }
        )

        #: display width of each column over all rows (capped), so the columns do not jump while filtering
        self.widths = [1] + [
            min(int(pc.max(pc.utf8_length(col)).as_py() or 0) if len(col) else 0, _CAPS.get(name, 1 << 16))
            for name, col in zip(self.cells.column_names, self.cells.columns, strict=True)
        ]

    def __len__(self) -> int:
        return len(self.frame)

    def order(self, key: str, descending: bool = False) -> np.ndarray:
        """Row positions sorted by a view column; nulls last either way; stable, so ties keep load order."""
        cache_key = (key, descending)
        if cache_key not in self._orders:
            column = next(c for c in COLUMNS if c.key == key).sort_by
            values = self.frame[column]
            if key == "status":
                values = values.astype("string")
            if values.dtype == "string":
                values = values.str.lower()
            ordered = values.sort_values(ascending=not descending, kind="stable", na_position="last")
            self._orders[cache_key] = ordered.index.to_numpy(dtype=np.int64)
        return self._orders[cache_key]

    def select(
        self, query: Query | None = None, drive_uuid: str | None = None, sort: str = "created", descending: bool = True
    ) -> np.ndarray:
        """Positions of the rows that pass the filter and drive, in sort order."""
        keep = query.mask(self.frame) if query is not None and query.terms else np.ones(len(self), dtype=bool)
        if drive_uuid is not None:
            keep &= self.frame["drive_uuid"].eq(drive_uuid).fillna(False).to_numpy(dtype=bool)
        order = self.order(sort, descending)
        return order[keep[order]]

    def marked_mask(self, marks: set[str]) -> np.ndarray:
        """A boolean per row: is it marked (marks are uuids, so they survive a refresh)."""
        mask = np.zeros(len(self), dtype=bool)
        idx = [self.position[u] for u in marks if u in self.position]
        mask[idx] = True
        return mask

    def arrow(self, positions: np.ndarray, marked: np.ndarray) -> pa.Table:
        """The table's rows for these positions: the mark column plus the cached cells."""
        indices = pa.array(positions, pa.int64())
        mark = pa.array(np.where(marked[positions], MARK, ""), pa.string())
        return self.cells.take(indices).add_column(0, "mark", mark)

    def row(self, position: int) -> pd.Series:
        return self.frame.iloc[position]


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything the screen shows for one inventory, computed off the event loop by the load worker."""

    view: SnapshotView
    drive_costs: pd.Series  # monthly cost at subscription price per drive uuid
    summary: Summary


def prepare(inventory) -> Prepared:
    """Build the view model, costs and summary of an inventory (0.1-1 s at 100k rows: run it in a thread)."""
    from explorer.data import account_cost_summary, drive_costs, snapshot_costs, snapshot_resources_bursting

    costs = snapshot_costs(inventory)
    account = account_cost_summary(inventory)
    summary = Summary(
        count=len(inventory.snapshots),
        allocated=int(inventory.snapshots["allocated_size"].fillna(0).sum()),
        currency=inventory.currency,
        # min_count: with no price list the cost is unknown, not zero
        cost_subscription=_sum(costs["monthly_cost_subscription"]),
        cost_burst=_sum(costs["monthly_cost_burst"]),
        bursting=bool(snapshot_resources_bursting(account)) if len(account) else None,
        burst_now=_sum(costs["burst_now_from_snapshots"]) if len(account) else None,
    )
    # Its local snapshots' row, as the drives pane's counts (a drive's backups are a `backup` row of their own).
    local = drive_costs(inventory).query("resource != 'backup'")
    per_drive = local.set_index("drive_uuid")["monthly_cost_subscription"]
    from explorer.data.owners import owner_column

    snapshots = inventory.snapshots.assign(owner=owner_column(inventory.snapshots, inventory.drives))  # for owner:
    return Prepared(SnapshotView(snapshots, costs), per_drive, summary)


def _sum(values: pd.Series) -> float | None:
    total = values.sum(min_count=1)
    return None if pd.isna(total) else float(total)
