"""The declared schema of every frame: one table per frame, dtypes explicit.

These tables are the shared language of the TUI and the notebooks, and they are
rendered into the README (a test keeps the two in step). Never let pandas guess:
build frames through :func:`empty_frame` / :func:`conform`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from explorer.client.models import DRIVE_STATUSES, SNAPSHOT_STATUSES, STORAGE_TYPES
from explorer.client.regions import LOCATIONS

#: Documented location codes (cloudsigma-api.md §1.1); another code a server names is added as a category.
LOCATION_CODES: tuple[str, ...] = tuple(LOCATIONS)
SNAPSHOT_KINDS: tuple[str, ...] = ("local", "remote")

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
        "`creating`, `available`, `cloning_dst` (remote snapshots also `transferring`); unknown API values are "
        "added as categories.",
        SNAPSHOT_STATUSES,
    ),
    Column("allocated_size", "Int64", "Occupied bytes (what is billed); null while `creating`."),
    Column("timestamp", UTC_TIME, "When the snapshot was taken."),
    Column("age", "timedelta64[ns]",
           "Inventory time minus `timestamp`; `export` writes it in seconds to CSV and JSON."),
    Column("drive_uuid", "string", "Uuid of the snapshot's drive (a remote snapshot's source drive, even deleted)."),
    Column("drive_name", "string",
           "The drive's name; null when the drive is missing (a remote snapshot's comes from its `drive_meta`)."),
    Column("drive_size", "Int64", "The drive's provisioned size in bytes (remote: from `drive_meta` when missing)."),
    Column("drive_status", "category", "The drive's status.", DRIVE_STATUSES),
    Column("storage_type", "category",
           "The drive's storage type (what a local snapshot is billed as; remote: from `drive_meta` when missing).",
           STORAGE_TYPES),
    Column("drive_mounted", "boolean", "Whether the drive is mounted on a server."),
    Column(
        "drive_missing",
        "boolean",
        "True when the snapshot's drive is not in the drives list (deleted or not visible); drive columns are null "
        "(a remote snapshot's name, size and storage type come from its `drive_meta`).",
    ),
    Column("share_of_drive", "Float64", "`allocated_size / drive_size`."),
    Column("meta", "string", "The snapshot's meta as compact JSON (`{}` when empty)."),
    Column("tags", "string", "Tag names, comma-separated."),
    Column("location", "category",
           "Location of the API the snapshot was listed at (where writes to it go); null when the endpoint "
           "names no known location.", LOCATION_CODES),
    Column("kind", "category",
           "`local` (a drive snapshot, billed as drive storage) or `remote` (a backup kept in another location, "
           "billed as `backup`).", SNAPSHOT_KINDS),
    Column("backup_location", "category",
           "Where a remote snapshot is kept (its own `location` field); null for a local snapshot.", LOCATION_CODES),
    Column("orphan", "boolean",
           "True for a remote snapshot whose source drive is gone (it survives the drive's deletion)."),
    Column("orphan_reason", "string",
           "Why it is an orphan: `source drive deleted` (the API's drive ref is null) or `source drive not in the "
           "drives list`; null otherwise."),
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
    Column("snapshot_count", "Int64", "Number of local snapshots in the inventory for this drive (not backups)."),
    Column("snapshots_allocated", "Int64", "Sum of its local snapshots' `allocated_size` (nulls count as 0)."),
    Column("runtime_snapshots_allocated_size", "Int64", "The API's own `runtime.snapshots_allocated_size`."),
    Column("newest_snapshot", UTC_TIME, "Timestamp of the newest snapshot; null when none."),
    Column("snapshot_share", "Float64", "`snapshots_allocated / size`: the snapshots' weight against the drive."),
    Column("scheduler_uuid", "string", "Uuid of the attached backup scheduler, if any."),
    Column("meta", "string", "The drive's meta as compact JSON."),
    Column("tags", "string", "Tag names, comma-separated."),
    Column("location", "category", "Location of the API the drive was listed at.", LOCATION_CODES),
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

SNAPSHOT_COST_COLUMNS: tuple[Column, ...] = (
    Column("uuid", "string", "Snapshot uuid."),
    Column("location", "category", "The snapshot's location (its prices and currency).", LOCATION_CODES),
    Column("drive_uuid", "string", "Its drive."),
    Column("resource", "string", "Billing resource: the drive's storage type (`dssd` when the drive is unknown)."),
    Column("allocated_size", "Int64", "Billed bytes (null while `creating`, costed as 0)."),
    Column("currency", "string", "Currency of the cost columns."),
    Column("burst_level", "Int64", "The resource's current burst level (from `/pricing/` `current`)."),
    Column("monthly_cost_subscription", "Float64", "Value at subscription price: 30-day cost at the level-0 price."),
    Column("monthly_cost_burst", "Float64", "At burst price: 30-day cost if none of it were subscribed."),
    Column("burst_now_from_snapshots", "Float64",
           "Its share of the burst charge snapshots cause now (see the cost vocabulary in the README)."),
    Column("price_missing", "boolean", "True when a price for this resource/currency/level is not in the price list."),
)

DRIVE_COST_COLUMNS: tuple[Column, ...] = (
    Column("drive_uuid", "string", "Drive uuid."),
    Column("location", "category", "The drive's location (its prices and currency).", LOCATION_CODES),
    Column("drive_name", "string", "Drive name; null when the drive is missing."),
    Column("resource", "string", "Billing resource of its snapshots."),
    Column("snapshot_count", "Int64", "Snapshots of this drive."),
    Column("snapshots_allocated", "Int64", "Their billed bytes."),
    Column("currency", "string", "Currency of the cost columns."),
    Column("monthly_cost_subscription", "Float64", "Sum of its snapshots' cost at the subscription price."),
    Column("monthly_cost_burst", "Float64", "Sum of its snapshots' cost at the current burst price."),
    Column("burst_now_from_snapshots", "Float64", "Sum of its snapshots' burst now from snapshots."),
    Column("price_missing", "boolean", "Some price was missing."),
)

OWNER_COST_COLUMNS: tuple[Column, ...] = (
    Column("owner", "string", "Owner by the chosen rule; `unattributed` when none is found."),
    Column("snapshot_count", "Int64", "Snapshots of this owner."),
    Column("snapshot_bytes", "Int64", "Their billed bytes."),
    Column("currency", "string", "Currency of the cost columns."),
    Column("value_at_subscription", "Float64", "Their value at subscription price per 30 days."),
    Column("burst_now_from_snapshots", "Float64", "Their share of the burst charge snapshots cause now."),
    Column("at_burst_price", "Float64", "Their cost at the current burst price, if none of it were subscribed."),
    Column("price_missing", "boolean", "Some price was missing."),
)

ACCOUNT_COST_COLUMNS: tuple[Column, ...] = (
    Column("location", "category", "The location (one row per location and resource for several).",
           LOCATION_CODES),
    Column("resource", "string", "Storage resource."),
    Column("subscribed", "Int64", "Subscribed bytes."),
    Column("using", "Int64", "Bytes in use (drives and snapshots)."),
    Column("burst", "Int64", "Bytes above the subscription, charged at the burst price."),
    Column("usage_estimated", "boolean", "True when `/currentusage/` had no entry and usage was estimated."),
    Column("snapshot_bytes", "Int64", "Bytes held by snapshots of this resource."),
    Column("snapshot_share", "Float64", "`snapshot_bytes / using`."),
    Column("bursting", "boolean", "Whether usage is above the subscription now."),
    Column("currency", "string", "Currency of the cost columns."),
    Column("burst_level", "Int64", "Current burst level."),
    Column("price_subscription", "Float64", "Price per GiB per 30 days at level 0."),
    Column("price_burst", "Float64", "Price per GiB per 30 days at the current burst level."),
    Column("burst_monthly_cost", "Float64", "30-day cost of the burst bytes at the current burst price."),
    Column("snapshots_burst_monthly_cost", "Float64",
           "Burst now from snapshots: the part snapshots cause, `min(snapshot_bytes, burst)` at the burst price."),
    Column("snapshots_monthly_cost_subscription", "Float64", "Value at subscription price of all snapshot bytes."),
    Column("price_missing", "boolean", "True when a needed price is not in the price list."),
)

SAVINGS_COLUMNS: tuple[Column, ...] = (
    Column("resource", "string", "Storage resource."),
    Column("snapshot_count", "Int64", "Snapshots in the set billed as this resource."),
    Column("bytes_freed", "Int64", "Their billed bytes."),
    Column("currency", "string", "Currency of the cost columns."),
    Column("monthly_cost_subscription", "Float64", "Their 30-day cost at the subscription price."),
    Column("monthly_cost_burst", "Float64", "Their 30-day cost at the current burst price."),
    Column("burst_bytes", "Int64", "The account's burst bytes for this resource now."),
    Column("burst_bytes_reduced", "Int64", "`min(bytes_freed, burst_bytes)`: the part that stops bursting."),
    Column("saves_now_monthly", "Float64", "What deleting saves now, per 30 days (burst reduction at burst price)."),
    Column("frees_subscription_bytes", "Int64", "The rest: subscription room freed, no money saved today."),
    Column("price_missing", "boolean", "True when a needed price is not in the price list."),
)

GROWTH_COLUMNS: tuple[Column, ...] = (
    Column("drive_uuid", "string", "Drive uuid."),
    Column("timestamp", UTC_TIME, "Snapshot time."),
    Column("cumulative_bytes", "Int64", "Sum of the drive's snapshots' `allocated_size` up to this time (nulls as 0)."),
    Column("snapshot_count", "Int64", "Number of this drive's snapshots up to this time."),
)

OBSERVED_GROWTH_COLUMNS: tuple[Column, ...] = (
    Column("drive_uuid", "string", "Drive uuid."),
    Column("observed_at", UTC_TIME, "When the observation was recorded."),
    Column("allocated_bytes", "Int64", "Sum of the drive's snapshots' `allocated_size` at that observation."),
    Column("snapshot_count", "Int64", "Number of its snapshots at that observation."),
)

HISTORY_DIFF_COLUMNS: tuple[Column, ...] = (
    Column("uuid", "string", "Snapshot uuid."),
    Column("drive_uuid", "string", "Its drive."),
    Column("allocated_before", "Int64", "`allocated_size` at the baseline observation (null when new)."),
    Column("allocated_after", "Int64", "`allocated_size` at the latest observation (null when deleted)."),
    Column("delta", "Int64", "`allocated_after - allocated_before` (nulls as 0)."),
)

SCHEMAS: dict[str, tuple[Column, ...]] = {
    "snapshots": SNAPSHOT_COLUMNS,
    "drives": DRIVE_COLUMNS,
    "prices": PRICE_COLUMNS,
    "subscriptions": SUBSCRIPTION_COLUMNS,
    "usage": USAGE_COLUMNS,
    "snapshot_costs": SNAPSHOT_COST_COLUMNS,
    "drive_costs": DRIVE_COST_COLUMNS,
    "account_costs": ACCOUNT_COST_COLUMNS,
    "owner_costs": OWNER_COST_COLUMNS,
    "deletion_savings": SAVINGS_COLUMNS,
    "growth": GROWTH_COLUMNS,
    "observed_growth": OBSERVED_GROWTH_COLUMNS,
    "history_diff": HISTORY_DIFF_COLUMNS,
}


def check(frame: pd.DataFrame, columns: tuple[Column, ...]) -> None:
    """Raise AssertionError unless `frame` has exactly the declared columns and dtypes (used by tests)."""
    assert list(frame.columns) == [c.name for c in columns], (list(frame.columns), [c.name for c in columns])
    for c in columns:
        got = frame[c.name].dtype
        if c.dtype == "category":
            assert isinstance(got, pd.CategoricalDtype), (c.name, got)
            assert list(got.categories[: len(c.categories)]) == list(c.categories), (c.name, list(got.categories))
        else:
            assert got == c.pandas_dtype() or str(got) == c.dtype, (c.name, got, c.dtype)


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
            extra = sorted(set(s.dropna().unique().astype(str)) - set(declared))  # unique first: 100k rows in ms
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


_MARKER = re.compile(r"(<!-- schema:(\w+) -->\n)(.*?)(\n<!-- /schema:\2 -->)", re.S)


def schema_sections(text: str) -> dict[str, str]:
    """The tables between `<!-- schema:NAME -->` and `<!-- /schema:NAME -->` markers in a Markdown text."""
    return {m.group(2): m.group(3) for m in _MARKER.finditer(text)}


def update_markdown(text: str) -> str:
    """Re-render every marked schema table in `text` (how the README's tables are kept in step)."""
    return _MARKER.sub(lambda m: m.group(1) + schema_markdown(m.group(2)) + m.group(4), text)
