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
    ViewColumn("location", "Loc", None),  # shown when the inventory has several locations
    ViewColumn("created", "Created", "timestamp"),
)
SORTABLE = tuple(c.key for c in COLUMNS if c.sort_by)
MARK = "●"
#: the name of a remote snapshot (a backup) starts with this; an orphaned one's (its drive is gone) with ORPHAN
BACKUP, ORPHAN = "⇄ ", "⇄! "
#: the snapshots shown by kind (`B` cycles them): every one, local snapshots only, backups only
KINDS: tuple[str | None, ...] = (None, "local", "remote")
#: widest a name or a drive name is shown in the table (the detail pane shows them whole); with these,
#: every column fits in 160 terminal columns next to the side pane
NAME_WIDTH = 28
DRIVE_WIDTH = 20
_CAPS = {"name": NAME_WIDTH, "drive": DRIVE_WIDTH}


def locations_of(frame: pd.DataFrame) -> np.ndarray:
    """Each row's location code, `""` where it is unknown (a location-less inventory)."""
    if "location" not in frame:
        return np.full(len(frame), "", dtype=object)
    return frame["location"].astype("string").fillna("").to_numpy(dtype=object)


def row_keys(frame: pd.DataFrame, uuid_column: str = "uuid") -> list[tuple[str, str]]:
    """The identity of each row: (location, uuid) — a uuid is unique within one location only."""
    return list(zip(locations_of(frame), frame[uuid_column].to_numpy(dtype=object), strict=True))


def _by_key(frame: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """`values` (rows with uuid and, for several locations, location) lined up with `frame`'s rows by key."""
    if len(values) == len(frame) and np.array_equal(values["uuid"].to_numpy(dtype=object),
                                                   frame["uuid"].to_numpy(dtype=object)) \
            and np.array_equal(locations_of(values), locations_of(frame)):
        return values.set_axis(frame.index)  # already in the frame's order (snapshot_costs' rows are)
    index = pd.MultiIndex.from_arrays([locations_of(values), values["uuid"].to_numpy(dtype=object)])
    want = pd.MultiIndex.from_arrays([locations_of(frame), frame["uuid"].to_numpy(dtype=object)])
    return values.set_axis(index).reindex(want).set_axis(frame.index)


class SnapshotView:
    """Rows of one inventory's snapshots frame, with cached display text and sort orders."""

    def __init__(self, snapshots: pd.DataFrame, costs: pd.DataFrame | None = None):
        frame = snapshots.reset_index(drop=True)
        if costs is not None and len(costs):
            costs = costs.assign(**{c: pd.NA for c in ("location", "currency") if c not in costs})
            lined = _by_key(frame, costs[["uuid", "location", "monthly_cost_subscription", "currency"]])
            frame = frame.assign(monthly_cost_subscription=lined["monthly_cost_subscription"].astype("Float64"),
                                 currency=lined["currency"].astype("string"))
        else:
            frame = frame.assign(monthly_cost_subscription=pd.Series(pd.NA, index=frame.index, dtype="Float64"),
                                 currency=pd.Series(pd.NA, index=frame.index, dtype="string"))
        search = frame["name"].fillna("") + "\n" + frame["drive_name"].fillna("") + "\n" + frame["uuid"].fillna("")
        frame[SEARCH_COLUMN] = search.str.lower()
        self.frame = frame
        self.uuids = frame["uuid"].to_numpy(dtype=object)
        self.locations = locations_of(frame)
        #: row keys, (location, uuid): what marks, the cursor and writes hold on to
        self.keys = np.empty(len(frame), dtype=object)
        self.keys[:] = list(zip(self.locations, self.uuids, strict=True))
        self.position = {k: i for i, k in enumerate(self.keys)}
        #: the inventory has several locations: the table shows a location column
        self.several_locations = len(set(self.locations) - {""}) > 1
        currencies = set(frame["currency"].dropna())
        #: money of several currencies: each cost cell names its own (the header names none)
        self.currency = currencies.pop() if len(currencies) == 1 else ("" if currencies else None)
        self._orders: dict[tuple[str, bool], np.ndarray] = {}
        kind = frame["kind"].astype("string") if "kind" in frame else pd.Series(pd.NA, index=frame.index)
        remote = kind.eq("remote").fillna(False).to_numpy(dtype=bool)
        orphan = frame["orphan"].fillna(False).to_numpy(dtype=bool) if "orphan" in frame else np.zeros(len(frame), bool)
        #: the rows' kind for the `B` toggle: True for a remote snapshot (a backup)
        self.remote = remote
        names = frame["name"].fillna(frame["uuid"]).to_numpy(dtype=object)
        if remote.any():  # only the backups' names get the mark (100k string concatenations cost ~0.1 s)
            names = names.copy()
            at = np.flatnonzero(remote)
            names[at] = [(ORPHAN if o else BACKUP) + n for n, o in zip(names[at], orphan[at], strict=True)]
        cost = formatting.money_column(frame["monthly_cost_subscription"])
        if self.currency == "":
            cost = np.char.add(np.char.add(cost.astype(str), " "), frame["currency"].fillna("").to_numpy(dtype=str))
        self.cells = pa.table(
            {
                "name": formatting.middle_ellipsis_column(
                    pa.array(names, pa.string()), NAME_WIDTH
                ),
                "drive": pa.array(frame["drive_name"].fillna("(missing)").to_numpy(dtype=object), pa.string()),
                "status": pa.array(frame["status"].astype("string").fillna("?").to_numpy(dtype=object), pa.string()),
                "size": pa.array(formatting.human_bytes_column(frame["allocated_size"]), pa.string()),
                "age": pa.array(formatting.human_age_column(frame["age"]), pa.string()),
                "cost": pa.array(np.asarray(cost, dtype=object), pa.string()),
                "location": pa.array(self.locations if self.several_locations else np.full(len(frame), "", object),
                                     pa.string()),
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
        self, query: Query | None = None, drive: tuple[str, str] | None = None, sort: str = "created",
        descending: bool = True, kind: str | None = None,
    ) -> np.ndarray:
        """Positions of the rows that pass the filter, drive ((location, uuid)) and kind, in sort order."""
        keep = query.mask(self.frame) if query is not None and query.terms else np.ones(len(self), dtype=bool)
        if drive is not None:
            keep &= self.frame["drive_uuid"].eq(drive[1]).fillna(False).to_numpy(dtype=bool)
            keep &= self.locations == drive[0]
        if kind is not None:
            keep &= self.remote == (kind == "remote")
        order = self.order(sort, descending)
        return order[keep[order]]

    def marked_mask(self, marks: set[tuple[str, str]]) -> np.ndarray:
        """A boolean per row: is it marked (marks are (location, uuid) keys, so they survive a refresh)."""
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
    drive_costs: pd.Series  # monthly cost at subscription price per drive key (location, drive uuid)
    summary: Summary
    #: several locations: each one's summary, in location order (the bar shows a line per location)
    locations: tuple[tuple[str, Summary], ...] = ()
    #: the drives pane's rows: the drives, and the gone drives that still have backups (None: the drives)
    drives: pd.DataFrame | None = None


def _summary(snapshots: pd.DataFrame, costs: pd.DataFrame, account: pd.DataFrame, currency: str) -> Summary:
    from explorer.data import snapshot_resources_bursting

    return Summary(
        count=len(snapshots),
        allocated=int(snapshots["allocated_size"].fillna(0).sum()),
        currency=currency,
        # min_count: with no price list the cost is unknown, not zero
        cost_subscription=_sum(costs["monthly_cost_subscription"]),
        cost_burst=_sum(costs["monthly_cost_burst"]),
        bursting=bool(snapshot_resources_bursting(account)) if len(account) else None,
        burst_now=_sum(costs["burst_now_from_snapshots"]) if len(account) else None,
    )


def _of(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame[locations_of(frame) == code]


def gone_drives(snapshots: pd.DataFrame, drives: pd.DataFrame) -> pd.DataFrame:
    """The drives pane's rows for drives that are gone but still have backups (orphans), with their counts."""
    gone = snapshots[snapshots["drive_missing"].fillna(False).to_numpy(dtype=bool) & snapshots["drive_uuid"].notna()]
    if not len(gone):
        return drives.iloc[:0]
    rows = gone.assign(location=locations_of(gone)).groupby(["location", "drive_uuid"], sort=False).agg(
        name=("drive_name", "first"), snapshot_count=("uuid", "size"),
        snapshots_allocated=("allocated_size", lambda v: int(v.fillna(0).sum())),
        storage_type=("storage_type", "first")).reset_index()
    return pd.DataFrame({"uuid": rows["drive_uuid"].astype("string"), "name": rows["name"].astype("string"),
                         "status": "gone", "storage_type": rows["storage_type"].astype("string"),
                         "snapshot_count": rows["snapshot_count"], "snapshots_allocated": rows["snapshots_allocated"],
                         "location": rows["location"].replace("", pd.NA)})


def prepare(inventory) -> Prepared:
    """Build the view model, costs and summary of an inventory (0.1-1 s at 100k rows: run it in a thread)."""
    from explorer.data import account_cost_summary, drive_costs, snapshot_costs

    costs = snapshot_costs(inventory)
    account = account_cost_summary(inventory)
    summary = _summary(inventory.snapshots, costs, account, inventory.currency)
    located = ()
    if inventory.parts:  # several locations: each with its own currency, never added up
        located = tuple((p.location, _summary(_of(inventory.snapshots, p.location), _of(costs, p.location),
                                              _of(account, p.location), p.currency)) for p in inventory.parts)
    # Its local snapshots' row, as the drives pane's counts (a drive's backups are a `backup` row of their own;
    # a gone drive's are its only row).
    per = drive_costs(inventory)
    gone = gone_drives(inventory.snapshots, inventory.drives)
    per = per[(per["resource"] != "backup").to_numpy(dtype=bool) | per["drive_uuid"].isin(gone["uuid"]).to_numpy(bool)]
    per_drive = pd.Series(per["monthly_cost_subscription"].to_numpy(),
                          index=pd.MultiIndex.from_arrays([locations_of(per), per["drive_uuid"].to_numpy(object)]))
    per_drive = per_drive.groupby(level=[0, 1], sort=False).sum(min_count=1)
    from explorer.data.owners import owner_column

    snapshots = inventory.snapshots.assign(owner=owner_column(inventory.snapshots, inventory.drives))  # for owner:
    drives = pd.concat([inventory.drives, gone], ignore_index=True) if len(gone) else None
    return Prepared(SnapshotView(snapshots, costs), per_drive, summary, located, drives)


def _sum(values: pd.Series) -> float | None:
    total = values.sum(min_count=1)
    return None if pd.isna(total) else float(total)
