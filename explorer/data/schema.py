"""The declared schema of every frame: one table per frame, dtypes explicit.

These tables are the shared language of the TUI and the notebooks, and they are
rendered into the README (a test keeps the two in step). Never let pandas guess:
build frames through :func:`empty_frame` / :func:`conform`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from explorer.client.models import DRIVE_STATUSES, SNAPSHOT_STATUSES, STORAGE_TYPES

UTC_TIME = "datetime64[ns, UTC]"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    dtype: str  # "string", "Int64", "Float64", "boolean", "category", UTC_TIME, "timedelta64[ns]"
    doc: str
    categories: tuple[str, ...] = ()

    def pandas_dtype(self):
        if self.dtype == "category":
            return pd.CategoricalDtype(list(self.categories))
        return self.dtype


SNAPSHOT_COLUMNS: tuple[Column, ...] = (
    Column("uuid", "string", "Snapshot uuid."),
    Column("name", "string", "Snapshot name (default form `{drive_uuid}__{YYYY-MM-DD}__{HH_MM_SS}`)."),
    Column(
        "status",
        "category",
        "`creating`, `available`, `cloning_dst`; unknown API values are added as categories.",
        SNAPSHOT_STATUSES,
    ),
    Column("allocated_size", "Int64", "Occupied bytes (what is billed); null while `creating`."),
    Column("timestamp", UTC_TIME, "When the snapshot was taken."),
    Column("age", "timedelta64[ns]", "Inventory time minus `timestamp`."),
    Column("drive_uuid", "string", "Uuid of the snapshot's drive."),
    Column("drive_name", "string", "The drive's name; null when the drive is missing."),
    Column("drive_size", "Int64", "The drive's provisioned size in bytes."),
    Column("drive_status", "category", "The drive's status.", DRIVE_STATUSES),
    Column("storage_type", "category", "The drive's storage type (what the snapshot is billed as).", STORAGE_TYPES),
    Column("drive_mounted", "boolean", "Whether the drive is mounted on a server."),
    Column(
        "drive_missing",
        "boolean",
        "True when the snapshot's drive is not in the drives list (deleted or not visible); drive columns are null.",
    ),
    Column("share_of_drive", "Float64", "`allocated_size / drive_size`."),
    Column("meta", "string", "The snapshot's meta as compact JSON (`{}` when empty)."),
    Column("tags", "string", "Tag names, comma-separated."),
)

DRIVE_COLUMNS: tuple[Column, ...] = (
    Column("uuid", "string", "Drive uuid."),
    Column("name", "string", "Drive name."),
    Column("status", "category", "Drive status.", DRIVE_STATUSES),
    Column("storage_type", "category", "Storage type.", STORAGE_TYPES),
    Column("media", "category", "`disk` or `cdrom`.", ("disk", "cdrom")),
    Column("size", "Int64", "Provisioned size in bytes."),
    Column("mounted", "boolean", "Mounted on at least one server."),
    Column("is_snapshotable", "boolean", "From `runtime.is_snapshotable`; null while transitional."),
    Column("snapshot_count", "Int64", "Number of snapshots in the inventory for this drive."),
    Column("snapshots_allocated", "Int64", "Sum of its snapshots' `allocated_size` (nulls count as 0)."),
    Column("runtime_snapshots_allocated_size", "Int64", "The API's own `runtime.snapshots_allocated_size`."),
    Column("newest_snapshot", UTC_TIME, "Timestamp of the newest snapshot; null when none."),
    Column("scheduler_uuid", "string", "Uuid of the attached backup scheduler, if any."),
    Column("meta", "string", "The drive's meta as compact JSON."),
    Column("tags", "string", "Tag names, comma-separated."),
)

PRICE_COLUMNS: tuple[Column, ...] = (
    Column("resource", "string", "Billing resource (`dssd`, `zadara`, `nvme`, ...)."),
    Column("level", "Int64", "Burst level; 0 is the subscription price."),
    Column("currency", "string", "EUR, USD, GBP, CHF."),
    Column("price", "Float64", "Price per `unit` (per GiB per 30 days for storage)."),
    Column("unit", "string", "Price unit, e.g. `GB/month`."),
    Column("multiplier", "Int64", "Divide `price` by this to get the price per byte-second."),
)

SUBSCRIPTION_COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "Subscription id."),
    Column("resource", "string", "Subscribed resource."),
    Column("amount", "Int64", "Amount (bytes for storage)."),
    Column("status", "string", "`active`, `inactive`, `expired`."),
    Column("start_time", UTC_TIME, "Start."),
    Column("end_time", UTC_TIME, "End."),
)

USAGE_COLUMNS: tuple[Column, ...] = (
    Column("resource", "string", "Billing resource."),
    Column("subscribed", "Int64", "Subscribed amount (bytes for storage)."),
    Column("using", "Int64", "Amount in use now."),
    Column("burst", "Int64", "Amount above the subscription, charged at the burst price."),
)

SCHEMAS: dict[str, tuple[Column, ...]] = {
    "snapshots": SNAPSHOT_COLUMNS,
    "drives": DRIVE_COLUMNS,
    "prices": PRICE_COLUMNS,
    "subscriptions": SUBSCRIPTION_COLUMNS,
    "usage": USAGE_COLUMNS,
}


def dtypes(columns: tuple[Column, ...]) -> dict[str, object]:
    return {c.name: c.pandas_dtype() for c in columns}


def empty_frame(columns: tuple[Column, ...]) -> pd.DataFrame:
    """A frame with every declared column and no rows."""
    return pd.DataFrame({c.name: pd.Series([], dtype=c.pandas_dtype()) for c in columns})


def conform(frame: pd.DataFrame, columns: tuple[Column, ...]) -> pd.DataFrame:
    """Return `frame` with exactly the declared columns, in order, with their dtypes.

    Category columns keep values outside the declared list by adding them as extra
    categories (an unknown API status must not turn into NaN).
    """
    out = {}
    for c in columns:
        s = frame[c.name] if c.name in frame else pd.Series(pd.NA, index=frame.index)
        if c.dtype == "category":
            declared = list(c.categories)
            extra = sorted(set(s.dropna().astype(str)) - set(declared))
            s = s.astype(pd.CategoricalDtype(declared + extra))
        elif c.dtype == UTC_TIME:
            s = pd.to_datetime(s, utc=True, format="ISO8601") if s.dtype != UTC_TIME else s
            s = s.astype(UTC_TIME)
        else:
            s = s.astype(c.dtype)
        out[c.name] = s
    return pd.DataFrame(out, index=frame.index)


def schema_markdown(name: str) -> str:
    """The schema of one frame as a Markdown table (rendered into the README)."""
    rows = ["| column | dtype | meaning |", "|---|---|---|"]
    for c in SCHEMAS[name]:
        dtype = c.dtype if c.dtype != "category" else "category(" + ", ".join(c.categories) + ")"
        rows.append(f"| `{c.name}` | `{dtype}` | {c.doc} |")
    return "\n".join(rows)
