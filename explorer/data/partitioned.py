"""The history as Hive-partitioned Parquet (`location=CODE/date=YYYY-MM-DD/*.parquet`), for fleets and any engine.

One file per `record` (one observation of one account), named by its time and a hash of
the account, so exporting again or appending with `record --parquet-dir` replaces that
file instead of duplicating its rows, and folders from many accounts and machines merge by
copying. DuckDB reads a folder as it is:
``read_parquet('DIR/**/*.parquet', hive_partitioning=true)`` (Spark and Trino read the same
layout). Files are 0600 in 0700 folders, like the rest of the data directory: they name the
account and its snapshots. Columns in `PARQUET_SCHEMA`; `location` (the record's location code:
`ZRH`, `FRA`, ... also for each of the demo's locations) and `date` (UTC day of `observed_at`) are the
partition keys, in the folder names only. `kind` (`local` | `remote`) is a column: a location's backups
are observed with its local snapshots. Files written before `kind` existed lack it: read old and new
folders together with ``union_by_name=true`` (their rows read with a null kind: it was not recorded).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from explorer.data import private
from explorer.errors import ExplorerError, HistoryError

PARQUET_SCHEMA = pa.schema([
    pa.field("record_id", pa.int64(), nullable=False),  # per history store: with source_key, names the record
    pa.field("observed_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("source_key", pa.string(), nullable=False),  # "demo|CODE" (a demo location) or "endpoint|account"
    pa.field("endpoint", pa.string()),
    pa.field("account", pa.string()),  # the e-mail, never a password or token
    pa.field("demo", pa.bool_()),
    pa.field("uuid", pa.string(), nullable=False),  # the snapshot
    pa.field("drive_uuid", pa.string()),
    pa.field("allocated_size", pa.int64()),  # bytes; null while the snapshot was creating
    pa.field("status", pa.string()),
    pa.field("kind", pa.string(), nullable=False),  # "local" (a drive snapshot) or "remote" (a backup)
])
PARTITION_KEYS = ("location", "date")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def location_of(endpoint: str | None, demo: bool) -> str:
    """A record's location without a stored code: the documented code of the endpoint, `demo`, or the endpoint's
    host (and port)."""
    from explorer.client.regions import LOCATIONS

    if demo:
        return "demo"
    url = (endpoint or "").rstrip("/") + "/"
    for code, loc in LOCATIONS.items():
        if url == loc.endpoint:
            return code
    netloc = urlsplit(url).netloc or "unknown"
    return _UNSAFE.sub("-", netloc).strip("-") or "unknown"  # a folder name: nothing Hive would need to escape


def partition_location(rec: pd.Series) -> str:
    """The `location=` folder of a record (a `HistoryStore.records()` row): its stored location, as a folder name
    (`ZRH`; a host:port code becomes `host-port`), else what its endpoint names (`location_of`)."""
    code = rec.get("location")
    if code is None or pd.isna(code) or not str(code):
        return location_of(rec["endpoint"], bool(rec["demo"]))
    return _UNSAFE.sub("-", str(code)).strip("-") or "unknown"


def _file_name(observed_at: pd.Timestamp, source_key: str) -> str:
    account = hashlib.sha256(source_key.encode()).hexdigest()[:12]
    return f"record-{observed_at.tz_convert('UTC'):%Y%m%dT%H%M%S%fZ}-{account}.parquet"


@dataclass(frozen=True, slots=True)
class WrittenFile:
    path: Path
    rows: int


def write_record(root: str | Path, rec: pd.Series, table: pa.Table) -> WrittenFile:
    """Write one record's observations (a `HistoryStore.record_tables` pair) under `root`; replaces its file."""
    observed_at = pd.Timestamp(rec["observed_at"])
    location = partition_location(rec)
    folder = Path(root) / f"location={location}" / f"date={observed_at.tz_convert('UTC'):%Y-%m-%d}"
    try:
        private.private_dir(folder)
        target = folder / _file_name(observed_at, str(rec["source_key"]))
        tmp = target.with_name(f".{target.name}.tmp")
        with private.open_private(tmp, "wb") as fh:  # 0600 from the start, renamed into place whole
            pq.write_table(table.select(PARQUET_SCHEMA.names).cast(PARQUET_SCHEMA), fh)
        os.replace(tmp, target)
    except OSError as exc:
        raise ExplorerError(f"cannot write the Parquet history under {root}: {exc.strerror or exc}") from exc
    return WrittenFile(target, table.num_rows)


def export_history(store, root: str | Path, *, source=None) -> list[WrittenFile]:
    """Write every record of `store` (a HistoryStore; optionally one account's) under `root`."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise HistoryError(f"{root} is not a folder: the Parquet history is a folder of partitions")
    return [write_record(root, rec, table) for rec, table in store.record_tables(source=source)]


def append_latest(store, root: str | Path, record_id: int) -> WrittenFile:
    """After `record`: write the record just taken (`record_id`) under `root`."""
    for rec, table in store.record_tables(record_id=record_id):
        return write_record(root, rec, table)
    raise HistoryError(f"record {record_id} is not in the history store {store.path}")


def run(args) -> int:
    """`snapshot-explorer history export --output DIR [--store PATH]`."""
    import sys

    from explorer.data.history import HistoryStore

    store = HistoryStore(args.store, read_only=True) if args.store else HistoryStore(read_only=True)
    written = export_history(store, args.output)
    rows = sum(w.rows for w in written)
    partitions = sorted({str(w.path.parent.relative_to(args.output)) for w in written})
    print(f"wrote {len(written):,} record(s), {rows:,} rows, to {args.output} in {len(partitions)} partition(s) "
          f"(location=…/date=…); read it with DuckDB: "
          f"read_parquet('{args.output}/**/*.parquet', hive_partitioning=true)", file=sys.stdout)
    return 0
