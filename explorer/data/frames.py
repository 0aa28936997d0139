"""Build the typed frames from decoded API structs, column by column (never row dicts).

100k snapshots must cost well under a second here (benchmarks/data.md), so each column is
one C-speed pass where possible: a list comprehension over the structs at most, then Arrow
or numpy for everything vectorisable (string arrays, tag joins, drive lookups, aggregates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from itertools import chain
from operator import attrgetter
from typing import Any

import msgspec
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from explorer.client import models
from explorer.data import schema

_encode = msgspec.json.Encoder(order="sorted").encode
_decode = msgspec.json.decode
_EMPTY = msgspec.Raw(b"{}")
_uuid = attrgetter("uuid")


class _Uuid(msgspec.Struct, gc=False):
    uuid: str


class SnapshotRow(msgspec.Struct, gc=False):
    """A snapshot decoded with only what the frame reads (`client.snapshots.list(item_type=...)`).

    Against models.Snapshot it skips owner, permissions, grantees and resource URIs, keeps
    meta as the JSON it arrived as and refs as bare uuids: 25% less to decode and to free.
    """

    uuid: str
    name: str | None = None
    status: str | None = None
    allocated_size: int | None = None
    drive: _Uuid | None = None
    timestamp: str | None = None
    meta: msgspec.Raw = _EMPTY
    tags: list[_Uuid] = []


class _SourceDrive(msgspec.Struct, gc=False):
    src_uuid: str | None = None
    name: str | None = None
    size: int | None = None
    storage_type: str | None = None


class RemoteSnapshotRow(SnapshotRow, gc=False):
    """A remote snapshot (backup) decoded with only what the frame reads: a SnapshotRow plus where and of what."""

    location: str | None = None
    drive_meta: _SourceDrive | None = None


def parse_times(values: Sequence[str | None]) -> pd.Series:
    """API timestamps to UTC; both the space form (snapshots) and the ISO `T` form (jobs, billing)."""
    parsed = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601", errors="coerce")
    return parsed.astype(schema.UTC_TIME)


def _strings(values: Sequence[str | bytes | None] | pa.Array | pa.ChunkedArray) -> pd.arrays.ArrowStringArray:
    """A `string` column straight from Arrow (pd.array(..., dtype="string") checks every value in Python first)."""
    if not isinstance(values, pa.Array | pa.ChunkedArray):
        values = pa.array(values, pa.large_string())
    return pd.arrays.ArrowStringArray(values)


def _category(values: Sequence[str | None] | pa.Array | pa.ChunkedArray, categories: tuple[str, ...]) -> pd.Categorical:
    """Declared categories first; unknown API values become extra categories instead of NaN (see schema.conform)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    elif not isinstance(values, pa.Array):
        values = pa.array(values, pa.large_string())
    encoded = values.dictionary_encode()
    seen = encoded.dictionary.to_pylist()
    cats = [*categories, *sorted(set(seen) - set(categories))]
    code_of_seen = np.array([cats.index(v) for v in seen] + [-1], dtype=np.int32)  # the last one: null
    return pd.Categorical.from_codes(code_of_seen[pc.fill_null(encoded.indices, len(seen)).to_numpy()], categories=cats)


def _ints(values: pa.Array | pa.ChunkedArray) -> pd.arrays.IntegerArray:
    """An Arrow int64 column (nulls allowed) as `Int64`."""
    return pd.arrays.IntegerArray(pc.fill_null(values, 0).to_numpy(), values.is_null().to_numpy(zero_copy_only=False))


def _meta_json(metas: Sequence[Mapping[str, Any] | msgspec.Raw]) -> list[bytes]:
    """Compact JSON with sorted keys; a `Raw` meta (SnapshotRow) is re-encoded only when not empty."""
    return [b"{}" if not m or m == _EMPTY else _encode(m if isinstance(m, dict) else _decode(m) or {}) for m in metas]


def _tag_lists(objs: Sequence[models.Snapshot | models.Drive]) -> pa.ListArray:
    """Each object's tag uuids, as an Arrow list column (names are looked up later, once per distinct tag)."""
    tags = [o.tags for o in objs]
    offsets = np.zeros(len(tags) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, tags), dtype=np.int32, count=len(tags)), out=offsets[1:])
    uuids = pa.array(list(map(_uuid, chain.from_iterable(tags))), pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets), uuids)


def _tag_column(lists: pa.ListArray | pa.ChunkedArray, names: Mapping[str, str]) -> pd.arrays.ArrowStringArray:
    """Comma-joined tag names per object; Arrow joins the lists in C (a Python join per row was the slowest part)."""
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False)
    offsets = np.zeros(len(lists) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    uuids = pc.list_flatten(lists).dictionary_encode()
    # A tag we could not resolve (not listed, or shared) still shows, by uuid.
    shown = pa.array([names.get(u, u) for u in uuids.dictionary.to_pylist()], pa.string())
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), shown.take(uuids.indices)), ",")
    return _strings(joined)


def _positions(keys: pd.arrays.ArrowStringArray, uuids: pd.arrays.ArrowStringArray) -> np.ndarray:
    """Row of each key in `uuids` (unique), -1 where absent or null."""
    if not len(keys) or not len(uuids):
        return np.full(len(keys), -1, dtype=np.int64)
    found = pc.index_in(pa.array(keys), value_set=pa.array(uuids))
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


def _to_int(value: str | int | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    try:
        return int(Decimal(value))
    except (InvalidOperation, ValueError):
        return None


def _ratio(num: pd.api.extensions.ExtensionArray, den: pd.api.extensions.ExtensionArray) -> pd.arrays.FloatingArray:
    """num / den as Float64, null where either is null or den is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = num.astype("Float64") / den.astype("Float64")
    share[(den == 0).fillna(False)] = pd.NA
    return share


def _location(location: str | None, n: int) -> pd.Categorical:
    """One location code for every row (an inventory is loaded from one location's API)."""
    codes = pa.nulls(n, pa.large_string()) if location is None else pa.repeat(location, n).cast(pa.large_string())
    return _category(codes, schema.LOCATION_CODES)


def drives_base_frame(drives: Sequence[models.Drive], tag_names: Mapping[str, str],
                      location: str | None = None) -> pd.DataFrame:
    """The drives frame without the columns aggregated from snapshots (those come from `attach_snapshot_stats`)."""
    runtimes = [d.runtime for d in drives]
    status = [d.status for d in drives]
    cols = {
        "uuid": _strings([d.uuid for d in drives]),
        "name": _strings([d.name for d in drives]),
        "status": _category(status, models.DRIVE_STATUSES),
        "storage_type": _category(
            [d.storage_type or (r.storage_type if r else None) for d, r in zip(drives, runtimes, strict=True)],
            models.STORAGE_TYPES,
        ),
        "media": _category([d.media for d in drives], ("disk", "cdrom")),
        "size": pd.array([d.size for d in drives], dtype="Int64"),
        # The short list form has no mounted_on, so the status counts too.
        "mounted": pd.array(
            [bool(d.mounted_on) or s == "mounted" for d, s in zip(drives, status, strict=True)], dtype="boolean"
        ),
        "is_snapshotable": pd.array([r.is_snapshotable if r else None for r in runtimes], dtype="boolean"),
        "runtime_snapshots_allocated_size": pd.array(
            [r.snapshots_allocated_size if r else None for r in runtimes], dtype="Int64"
        ),
        "scheduler_uuid": _strings([d.backup_scheduler.uuid if d.backup_scheduler else None for d in drives]),
        "meta": _strings(_meta_json([d.meta for d in drives])),
        "tags": _tag_column(_tag_lists(drives), tag_names),
        "location": _location(location, len(drives)),
    }
    frame = pd.DataFrame(cols)
    if not frame["uuid"].is_unique:  # a list that shifted while paging; the later copy is newer
        frame = frame.drop_duplicates("uuid", keep="last").reset_index(drop=True)
    return frame


#: The snapshot values the frame is built from, one Arrow column each (`snapshot_batch`).
SNAPSHOT_BATCH = pa.schema([
    ("uuid", pa.large_string()),
    ("name", pa.large_string()),
    ("status", pa.large_string()),
    ("allocated_size", pa.int64()),
    ("drive_uuid", pa.large_string()),
    ("timestamp", pa.timestamp("ns", tz="UTC")),
    ("meta", pa.large_string()),
    ("tags", pa.list_(pa.string())),
])


def snapshot_batch(snapshots: Sequence[models.Snapshot | SnapshotRow]) -> pa.RecordBatch:
    """The per-snapshot columns of some decoded snapshots (a page, or the whole list), before any join.

    This is the only per-object Python work of the snapshots frame; batches of pages can be
    built while later pages are still loading and are then joined with `pa.Table.from_batches`.
    """
    return pa.record_batch([
        pa.array([s.uuid for s in snapshots], pa.large_string()),
        pa.array([s.name for s in snapshots], pa.large_string()),
        pa.array([s.status for s in snapshots], pa.large_string()),
        pa.array([s.allocated_size for s in snapshots], pa.int64()),
        pa.array([s.drive.uuid if s.drive is not None else None for s in snapshots], pa.large_string()),
        pa.array(parse_times([s.timestamp for s in snapshots])),
        pa.array(_meta_json([s.meta for s in snapshots]), pa.large_string()),
        _tag_lists(snapshots),
    ], schema=SNAPSHOT_BATCH)


def snapshot_table(snapshots: Sequence[models.Snapshot | SnapshotRow], chunk: int = 5000) -> pa.Table:
    """`snapshot_batch` over slices: passes over a few thousand structs stay in the CPU cache (1.7x faster at 100k)."""
    batches = [snapshot_batch(snapshots[i: i + chunk]) for i in range(0, len(snapshots), chunk)]
    return pa.Table.from_batches(batches, schema=SNAPSHOT_BATCH)


#: What a remote snapshot adds: where it is kept, its source drive's meta, whether the API's drive ref is null.
REMOTE_EXTRA = pa.schema([
    ("backup_location", pa.large_string()),
    ("source_name", pa.large_string()),
    ("source_size", pa.int64()),
    ("source_storage_type", pa.large_string()),
    ("drive_deleted", pa.bool_()),
])
REMOTE_BATCH = pa.schema([*SNAPSHOT_BATCH, *REMOTE_EXTRA])
ORPHAN_REASONS = ("source drive deleted", "source drive not in the drives list")


def remote_snapshot_table(remotes: Sequence[models.RemoteSnapshot | RemoteSnapshotRow]) -> pa.Table:
    """The columns of some remote snapshots: `snapshot_batch`'s, with `drive_uuid` from `drive_meta.src_uuid`
    when the API's drive ref is null (the drive was deleted), plus `REMOTE_EXTRA`."""
    base = snapshot_table(remotes)
    metas = [r.drive_meta for r in remotes]
    ref = base.column("drive_uuid")
    src = pa.array([m.src_uuid if m else None for m in metas], pa.large_string())
    cols = [base.column(f.name) for f in SNAPSHOT_BATCH]
    cols[SNAPSHOT_BATCH.get_field_index("drive_uuid")] = pc.coalesce(ref, src)
    cols += [
        pa.array([r.location for r in remotes], pa.large_string()),
        pa.array([m.name if m else None for m in metas], pa.large_string()),
        pa.array([m.size if m else None for m in metas], pa.int64()),
        pa.array([m.storage_type if m else None for m in metas], pa.large_string()),
        pc.is_null(ref),
    ]
    return pa.Table.from_arrays(cols, schema=REMOTE_BATCH)


def _with_remote(snapshots: pa.Table | pa.RecordBatch, remote: Any) -> pa.Table:
    """Local rows then remote rows in one table (the local ones with `REMOTE_EXTRA` null)."""
    if not isinstance(remote, pa.Table):
        remote = remote_snapshot_table(remote)
    if isinstance(snapshots, pa.RecordBatch):
        snapshots = pa.Table.from_batches([snapshots])
    for f in REMOTE_EXTRA:
        snapshots = snapshots.append_column(f, pa.nulls(len(snapshots), f.type))
    return pa.concat_tables([snapshots, remote])


def _fill(joined: pd.api.extensions.ExtensionArray, values: pa.ChunkedArray) -> pa.Array:
    """A joined drive column, filled from the source drive's meta where the drive is not listed."""
    arrow = pa.array(joined)
    if pa.types.is_dictionary(arrow.type):
        arrow = arrow.dictionary_decode()
    return pc.coalesce(arrow.cast(values.type), values.combine_chunks())


def snapshots_frame(
    snapshots: Sequence[models.Snapshot | SnapshotRow] | pa.Table | pa.RecordBatch,
    drives: pd.DataFrame,
    tag_names: Mapping[str, str],
    loaded_at: pd.Timestamp,
    location: str | None = None,
    remote: Sequence[models.RemoteSnapshot | RemoteSnapshotRow] | pa.Table = (),
) -> pd.DataFrame:
    """The snapshots frame, with each snapshot's drive columns joined in by position (no merge).

    `snapshots` are decoded structs or their columns already extracted (`snapshot_batch`).
    `remote` (remote snapshots, or `remote_snapshot_table`) become rows of kind `remote` after
    the local ones; where their drive is not listed the drive columns come from `drive_meta`.
    """
    if not isinstance(snapshots, pa.Table | pa.RecordBatch):
        snapshots = snapshot_table(snapshots)
    n_local = len(snapshots)
    if len(remote):
        snapshots = _with_remote(snapshots, remote)
    allocated = _ints(snapshots.column("allocated_size"))
    drive_uuid = _strings(snapshots.column("drive_uuid"))
    timestamp = snapshots.column("timestamp").to_pandas()
    pos = _positions(drive_uuid, drives["uuid"].array)

    def joined(column: str):
        return drives[column].array.take(pos, allow_fill=True)

    drive_name, drive_size, storage_type = joined("name"), joined("size"), joined("storage_type")
    n = len(snapshots)
    kind = np.zeros(n, dtype=np.int8)
    kind[n_local:] = 1
    orphan = np.zeros(n, dtype=bool)
    reason = pa.nulls(n, pa.large_string())
    backup_location = reason
    if n > n_local:
        drive_name = _strings(_fill(drive_name, snapshots.column("source_name")))
        drive_size = _ints(_fill(drive_size, snapshots.column("source_size")))
        storage_type = _category(_fill(storage_type, snapshots.column("source_storage_type")), models.STORAGE_TYPES)
        orphan[n_local:] = pos[n_local:] == -1
        deleted = snapshots.column("drive_deleted").to_numpy(zero_copy_only=False)
        which = np.where(orphan, np.where(deleted == True, 0, 1), -1)  # noqa: E712 (nulls for local rows)
        reason = pa.array(ORPHAN_REASONS, pa.large_string()).take(pa.array(which, mask=which < 0))
        backup_location = snapshots.column("backup_location")
    cols = {
        "uuid": _strings(snapshots.column("uuid")),
        "name": _strings(snapshots.column("name")),
        "status": _category(snapshots.column("status"), models.SNAPSHOT_STATUSES),
        "allocated_size": allocated,
        "timestamp": timestamp.array,
        "age": (loaded_at - timestamp).astype("timedelta64[ns]").array,
        "drive_uuid": drive_uuid,
        "drive_name": drive_name,
        "drive_size": drive_size,
        "drive_status": joined("status"),
        "storage_type": storage_type,
        "drive_mounted": joined("mounted"),
        "drive_missing": pd.array(pos == -1, dtype="boolean"),
        "share_of_drive": _ratio(allocated, drive_size),
        "meta": _strings(snapshots.column("meta")),
        "tags": _tag_column(snapshots.column("tags"), tag_names),
        "location": _location(location, len(snapshots)),
        "kind": pd.Categorical.from_codes(kind, categories=schema.SNAPSHOT_KINDS),
        "backup_location": _category(backup_location, schema.LOCATION_CODES),
        "orphan": pd.array(orphan, dtype="boolean"),
        "orphan_reason": _strings(reason),
    }
    return pd.DataFrame(cols)


def attach_snapshot_stats(drives: pd.DataFrame, snapshots: pd.DataFrame) -> pd.DataFrame:
    """Add snapshot_count, snapshots_allocated, snapshot_share and newest_snapshot per drive (local snapshots only)."""
    pos = _positions(snapshots["drive_uuid"].array, drives["uuid"].array)
    known = pos >= 0
    if "kind" in snapshots:  # a drive's backups are billed as `backup`, not in its storage: not counted here
        known &= snapshots["kind"].cat.codes.to_numpy() == 0
    at, n = pos[known], len(drives)
    total = np.zeros(n, dtype=np.int64)
    np.add.at(total, at, snapshots["allocated_size"].array.to_numpy(dtype=np.int64, na_value=0)[known])  # nulls: 0
    newest = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    stamps = snapshots["timestamp"].array.asi8  # NaT is the smallest int64, so max skips it
    np.maximum.at(newest, at, stamps[known])
    out = drives.copy()
    out["snapshot_count"] = pd.array(np.bincount(at, minlength=n), dtype="Int64")
    out["snapshots_allocated"] = pd.array(total, dtype="Int64")
    out["newest_snapshot"] = pd.DatetimeIndex(newest.view("datetime64[ns]")).tz_localize("UTC").array
    out["snapshot_share"] = _ratio(out["snapshots_allocated"].array, out["size"].array)
    return out[[c.name for c in schema.DRIVE_COLUMNS]]


def prices_frame(pricing: models.Pricing | None) -> pd.DataFrame:
    objs = pricing.objects if pricing else []
    return pd.DataFrame(
        {
            "resource": pd.array([p.resource for p in objs], dtype="string"),
            "level": pd.array([p.level for p in objs], dtype="Int64"),
            "currency": pd.array([p.currency for p in objs], dtype="string"),
            # Decimal strings; float is plenty for money shown to 2-8 places.
            "price": pd.array([float(p.price) for p in objs], dtype="Float64"),
            "unit": pd.array([p.unit for p in objs], dtype="string"),
            "multiplier": pd.array([p.multiplier for p in objs], dtype="Int64"),
        }
    )


def subscriptions_frame(subs: Sequence[models.Subscription]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.array([s.id if s.id is not None else s.uuid for s in subs], dtype="string"),
            "resource": pd.array([s.resource for s in subs], dtype="string"),
            "amount": pd.array([_to_int(s.amount) for s in subs], dtype="Int64"),
            "status": pd.array([s.status for s in subs], dtype="string"),
            "start_time": parse_times([s.start_time for s in subs]).array,
            "end_time": parse_times([s.end_time for s in subs]).array,
        }
    )


def usage_frame(usage: models.CurrentUsage | None) -> pd.DataFrame:
    items = sorted((usage.usage if usage else {}).items())
    return pd.DataFrame(
        {
            "resource": pd.array([k for k, _ in items], dtype="string"),
            "subscribed": pd.array([u.subscribed for _, u in items], dtype="Int64"),
            "using": pd.array([u.using for _, u in items], dtype="Int64"),
            "burst": pd.array([u.burst for _, u in items], dtype="Int64"),
        }
    )
