"""The observation history: an embedded DuckDB file with one row per snapshot per `record`.

DuckDB lets one process write a file at a time. Every operation opens the file, works
inside one transaction and closes it again, so a second recorder waits for the lock (up
to `lock_timeout`) and then fails with a clear HistoryError; a half-written record is
rolled back by DuckDB's WAL, never left in the file.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from explorer.data import paths, private, schema
from explorer.data.inventory import Inventory, Source
from explorer.errors import ExplorerError, HistoryError

#: 1: records and observations without location or kind. 2: `records.location`, and `observations.location`
#: and `observations.kind` (`local` | `remote`); a version-1 store is migrated once, when opened for writing.
SCHEMA_VERSION = 2

_DDL = """
create table if not exists meta (key varchar primary key, value varchar);
create table if not exists records (
    record_id bigint primary key, observed_at timestamptz not null, source_key varchar not null,
    endpoint varchar, account varchar, demo boolean, snapshot_count bigint, total_bytes bigint,
    location varchar);
create table if not exists observations (
    record_id bigint not null, observed_at timestamptz not null, uuid varchar not null,
    drive_uuid varchar, allocated_size bigint, status varchar, kind varchar default 'local',
    location varchar);
"""

#: The demo's records name their location in their source key (`demo|ZRH`); the oldest demo ones are `demo`.
_DEMO_LOCATION_SQL = "coalesce(nullif(split_part(source_key, '|', 2), ''), 'demo')"

# What a version-1 store (read-only: never migrated) reads as: every old observation is of a local snapshot.
_V1_RECORDS = f"(select *, case when demo then {_DEMO_LOCATION_SQL} end as location from records)"
_V1_OBSERVATIONS = (f"(select o.*, 'local' as kind, r.location from observations o "
                    f"join {_V1_RECORDS} r using (record_id))")

# One full outer join of two observations, done inside DuckDB (100k rows in milliseconds).
_DIFF_SQL = """
select coalesce(n.uuid, o.uuid) as uuid, coalesce(n.drive_uuid, o.drive_uuid) as drive_uuid,
       o.allocated_size as allocated_before, n.allocated_size as allocated_after,
       coalesce(n.allocated_size, 0) - coalesce(o.allocated_size, 0) as delta,
       o.uuid is not null as in_old, n.uuid is not null as in_new
from (select * from {obs} where record_id = ?) o
full outer join (select * from {obs} where record_id = ?) n
  on o.uuid = n.uuid and o.kind = n.kind and o.location is not distinct from n.location
order by uuid
"""


def source_key(source: Source) -> str:
    """Which account a record belongs to; the demo's endpoint changes port every run, so it is just 'demo'."""
    if source.demo:  # each of the demo's locations (explorer.session.DEMO_LOCATIONS) is its own series
        return f"demo|{source.location}" if getattr(source, "location", None) else "demo"
    return f"{source.endpoint}|{source.account or ''}"


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What one `record` stored."""

    record_id: int
    observed_at: pd.Timestamp
    snapshot_count: int
    drive_count: int
    total_bytes: int
    path: Path


@dataclass(frozen=True, slots=True)
class HistoryDiff:
    """Changes between the baseline observation and the latest one (frames per `schema.HISTORY_DIFF_COLUMNS`)."""

    baseline_at: pd.Timestamp
    current_at: pd.Timestamp
    new: pd.DataFrame
    deleted: pd.DataFrame
    grown: pd.DataFrame


class HistoryStore:
    """Observations of an account's snapshots over time, in `path` (default: the user data directory)."""

    read_only = False
    version = SCHEMA_VERSION  # the file's schema version (below SCHEMA_VERSION only for an old read-only store)
    _own_folder = False  # set for the default location: the data directory is then kept 0700 too

    def __init__(self, path: str | Path | None = None, *, lock_timeout: float = 10.0, read_only: bool = False):
        """`read_only=True` is for viewers: the file must exist, and nothing (schema, lock) is ever written."""
        self.path = Path(path) if path is not None else paths.history_path(create=not read_only)
        self._own_folder = path is None  # a folder you chose is never changed
        self.lock_timeout = lock_timeout
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise HistoryError(f"there is no history store at {self.path} yet (`snapshot-explorer record` makes one)")
        with self._connect() as con:
            self._check_schema(con)

    def __repr__(self) -> str:
        return f"HistoryStore({str(self.path)!r})"

    @contextlib.contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.read_only:
            private.private_dir(self.path.parent)
        fresh = not self.path.exists()
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=self.read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise HistoryError(f"cannot open the history store {self.path}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise HistoryError(
                        f"the history store {self.path} is in use by another process "
                        f"(waited {self.lock_timeout:g} s); try again when it has finished"
                    ) from exc
                time.sleep(0.05)  # poll the OS file lock until the deadline
            except duckdb.Error as exc:
                raise HistoryError(f"cannot open the history store {self.path}: {exc}") from exc
        wal = self.path.with_name(self.path.name + ".wal")
        if fresh and self.path.exists():
            private.private_file(self.path)  # just created by DuckDB with the umask's mode
        # An older, looser file (or a WAL left by a crash) is tightened now, with a notice.
        private.secure([self.path, wal], folders=[self.path.parent] if self._own_folder else [])
        try:
            yield con
        except duckdb.Error as exc:
            raise HistoryError(f"history store {self.path} failed: {exc}") from exc
        finally:
            if wal.exists():
                private.private_file(wal)  # written during this connection
            con.close()

    def _check_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if tables and "meta" not in tables:
            raise HistoryError(f"{self.path} is a DuckDB file but not a snapshot-explorer history store")
        version = SCHEMA_VERSION
        if "meta" in tables:
            row = con.execute("select value from meta where key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise HistoryError(
                    f"the history store {self.path} has schema version {version}, written by a newer "
                    f"snapshot-explorer; this one reads up to version {SCHEMA_VERSION}. Upgrade to use it."
                )
        if self.read_only:
            if "meta" not in tables:
                raise HistoryError(f"the history store {self.path} is empty")
            self.version = version  # an older store is read as it is (see _tables), never migrated here
            return
        con.execute("begin")
        if "observations" in tables and version < 2:
            _migrate_to_2(con)
        con.execute(_DDL)
        con.execute("insert or replace into meta values ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute("commit")
        self.version = SCHEMA_VERSION

    def _tables(self) -> tuple[str, str]:
        """(records, observations) as SQL: the tables, or for a read-only version-1 store the same columns
        derived (location from the record, kind `local`)."""
        if self.version < 2:
            return _V1_RECORDS, _V1_OBSERVATIONS
        return "records", "observations"

    def record(self, inv: Inventory) -> RecordResult:
        """Append one observation of every snapshot (local and remote) in `inv` (at `inv.loaded_at`), filed
        under its location. A combined inventory of several locations is recorded with `record_locations`."""
        if inv.parts:
            raise HistoryError("an inventory of several locations is one observation per location: "
                               "use record_locations(inv)")
        if inv.source.offline:
            raise HistoryError("refusing to record a cached (offline) inventory: it is not a new observation")
        if self.read_only:
            raise HistoryError(f"the history store {self.path} was opened read-only")
        s = inv.snapshots
        observed_at = inv.loaded_at
        location = observation_location(inv)
        rows = pa.table({
            "uuid": pa.array(s["uuid"].astype(object), pa.string()),
            "drive_uuid": pa.array(s["drive_uuid"].astype(object), pa.string()),
            "allocated_size": pa.array(s["allocated_size"].astype(object).where(s["allocated_size"].notna(), None),
                                       pa.int64()),
            "status": pa.array(s["status"].astype(object).where(s["status"].notna(), None), pa.string()),
            "kind": pa.array(_column(s, "kind", "local"), pa.string()),
            "location": pa.array(_column(s, "location", location), pa.string()),
        })
        total = int(s["allocated_size"].sum())
        with self._connect() as con:
            con.execute("begin")
            rid = con.execute("select coalesce(max(record_id), 0) + 1 from records").fetchone()[0]
            src = inv.source
            con.execute(
                "insert into records (record_id, observed_at, source_key, endpoint, account, demo, snapshot_count, "
                "total_bytes, location) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [rid, observed_at.to_pydatetime(), source_key(src), src.endpoint, src.account, src.demo, len(s), total,
                 location],
            )
            con.register("new_rows", rows)
            con.execute(
                "insert into observations (record_id, observed_at, uuid, drive_uuid, allocated_size, status, kind, "
                "location) select ?, ?, uuid, drive_uuid, allocated_size, status, kind, location from new_rows",
                [rid, observed_at.to_pydatetime()],
            )
            con.unregister("new_rows")
            con.execute("commit")
        return RecordResult(rid, observed_at, len(s), int(s["drive_uuid"].nunique()), total, self.path)

    def record_locations(self, inv: Inventory) -> list[RecordResult]:
        """One observation per freshly loaded location of `inv` (each of `inv.parts`, or `inv` itself); a failed
        location's cached rows are not a new observation and are skipped."""
        parts = [p for p in inv.parts if not p.source.offline] if inv.parts else [inv]
        if not parts:
            raise HistoryError("nothing to record: no location was loaded fresh")
        return [self.record(p) for p in parts]

    def records(self, *, source: Source | None = None) -> pd.DataFrame:
        """One row per `record`: record_id, observed_at, source_key, endpoint, account, demo, counts, location."""
        where, params = self._where(source)
        with self._connect() as con:
            frame = con.execute(f"select * from {self._tables()[0]} {where} order by record_id", params).df()
        frame["observed_at"] = frame["observed_at"].astype(schema.UTC_TIME)
        return self._located(frame)

    def _located(self, recs: pd.DataFrame) -> pd.DataFrame:
        """`recs` with every location filled: a read-only version-1 store's accounts are located by endpoint."""
        if self.version >= 2 or recs.empty:
            return recs
        from explorer.data.partitioned import location_of

        recs = recs.assign(location=recs["location"].astype(object))
        for i in recs.index[recs["location"].isna()]:
            recs.at[i, "location"] = location_of(recs.at[i, "endpoint"], False)
        return recs

    @staticmethod
    def _where(source: Source | None, alias: str = "") -> tuple[str, list]:
        if source is None:
            return "", []
        return f"where {alias}source_key = ?", [source_key(source)]

    def observed_growth(self, drive_uuids: Iterable[str] | None = None, *, source: Source | None = None,
                        kind: str | None = None) -> pd.DataFrame:
        """Long frame (`drive_uuid`, `observed_at`, `allocated_bytes`, `snapshot_count`) across observations.

        Every snapshot counts (local ones and backups, as the forecast's bytes do); `kind="local"` or
        `kind="remote"` keeps one kind (observations recorded before kinds were stored are `local`).
        """
        if kind is not None and kind not in schema.SNAPSHOT_KINDS:
            raise HistoryError(f"unknown snapshot kind {kind!r}: one of {', '.join(schema.SNAPSHOT_KINDS)}")
        records, observations = self._tables()
        where, params = self._where(source, "r.")
        clauses = [where.removeprefix("where ")] if where else []
        clauses.append("o.drive_uuid is not null")
        if kind is not None:
            clauses.append("o.kind = ?")
            params.append(kind)
        if drive_uuids is not None:
            clauses.append("list_contains(?, o.drive_uuid)")
            params.append(list(drive_uuids))
        sql = (
            "select o.drive_uuid, o.observed_at, sum(coalesce(o.allocated_size, 0)) as allocated_bytes, "
            f"count(*) as snapshot_count from {observations} o join {records} r using (record_id) "
            f"where {' and '.join(clauses)} group by o.record_id, o.drive_uuid, o.observed_at "
            "order by o.drive_uuid, o.observed_at, o.record_id"
        )
        with self._connect() as con:
            frame = con.execute(sql, params).df()
        return schema.conform(frame, schema.OBSERVED_GROWTH_COLUMNS)

    def diff(self, since: pd.Timestamp | datetime | str | pd.Timedelta, *, source: Source | None = None
             ) -> HistoryDiff:
        """New, deleted and grown snapshots between the last observation at or before `since` and the latest.

        `since` may be a time, or a Timedelta counted back from the latest observation.
        With no observation before `since`, the first one is the baseline.
        """
        recs = self.records(source=source)
        if recs.empty:
            raise HistoryError("the history store has no observations yet; run `snapshot-explorer record` first")
        current = recs.iloc[-1]
        cutoff = current["observed_at"] - since if isinstance(since, pd.Timedelta) else _utc(since)
        before = recs[recs["observed_at"] <= cutoff]
        base = before.iloc[-1] if len(before) else recs.iloc[0]
        with self._connect() as con:
            raw = con.execute(_DIFF_SQL.format(obs=self._tables()[1]),
                              [int(base["record_id"]), int(current["record_id"])]).df()
        in_old, in_new = raw.pop("in_old").to_numpy(bool), raw.pop("in_new").to_numpy(bool)
        frame = schema.conform(raw, schema.HISTORY_DIFF_COLUMNS)
        grown = in_old & in_new & (frame["delta"] > 0).to_numpy(bool)
        return HistoryDiff(
            baseline_at=base["observed_at"],
            current_at=current["observed_at"],
            new=frame[~in_old].reset_index(drop=True),
            deleted=frame[~in_new].reset_index(drop=True),
            grown=frame[grown].reset_index(drop=True),
        )


    def record_tables(self, *, source: Source | None = None, record_id: int | None = None
                      ) -> Iterator[tuple[pd.Series, pa.Table]]:
        """Each record (a `records()` row; or just `record_id`) with its observations as Arrow, oldest first.

        For exports. The table's columns: record_id, observed_at, source_key, endpoint, account,
        demo, uuid, drive_uuid, allocated_size, status, kind; rows in uuid order. One connection for all.
        """
        records, observations = self._tables()
        where, params = self._where(source)
        if record_id is not None:
            where = f"{where} and record_id = ?" if where else "where record_id = ?"
            params.append(record_id)
        with self._connect() as con:  # one connection: opening the file costs more than a record's rows
            recs = con.execute(f"select * from {records} {where} order by record_id", params).df()
            recs["observed_at"] = recs["observed_at"].astype(schema.UTC_TIME)
            recs = self._located(recs)
            sql = _RECORD_ROWS_SQL.format(records=records, observations=observations)
            for _, rec in recs.iterrows():
                rel = con.sql(sql, params=[int(rec["record_id"])])
                # DuckDB 2 names it to_arrow_table, 1.x arrow (pyproject allows both).
                table = (getattr(rel, "to_arrow_table", None) or rel.arrow)()
                yield rec, table


_RECORD_ROWS_SQL = """
select r.record_id, o.observed_at, r.source_key, r.endpoint, r.account, r.demo,
       o.uuid, o.drive_uuid, o.allocated_size, o.status, o.kind
from {observations} o join {records} r using (record_id) where o.record_id = ? order by o.uuid, o.kind
"""


def _column(frame: pd.DataFrame, name: str, default: str | None) -> list:
    """`frame[name]` as Python strings, `default` where it is null (or the column is missing)."""
    if name not in frame:
        return [default] * len(frame)
    col = frame[name].astype(object)
    return col.where(col.notna(), default).tolist()


def observation_location(inv: Inventory) -> str:
    """The location a record of `inv` is filed under: its code (`ZRH`; for the demo, each demo location's),
    else the documented code of its endpoint, `demo` for a location-less demo, else the endpoint's host[:port]."""
    from explorer.data.partitioned import location_of

    return inv.location or getattr(inv.source, "location", None) or location_of(inv.source.endpoint,
                                                                                 inv.source.demo)


def _migrate_to_2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1 -> 2, inside the caller's transaction: every record gets its location (the demo's from its
    source key, an account's from its endpoint) and every old observation that location and kind `local`
    (version 1 never told the kinds apart)."""
    from explorer.data.partitioned import location_of

    con.execute("alter table records add column location varchar")
    con.execute("alter table observations add column kind varchar default 'local'")
    con.execute("alter table observations add column location varchar")
    con.execute(f"update records set location = {_DEMO_LOCATION_SQL} where demo")
    accounts = "not coalesce(demo, false)"
    for (endpoint,) in con.execute(f"select distinct endpoint from records where {accounts}").fetchall():
        con.execute(f"update records set location = ? where {accounts} and endpoint is not distinct from ?",
                    [location_of(endpoint, False), endpoint])
    con.execute("update observations set location = r.location from records r "
                "where observations.record_id = r.record_id")
    con.execute("insert or replace into meta values ('migrated_to_2_at', ?)",
                [pd.Timestamp.now(tz="UTC").isoformat()])


def recorded_growth(source: Source, drive_uuids: Iterable[str] | None = None, *,
                    history: HistoryStore | None = None) -> tuple[pd.DataFrame | None, str | None]:
    """Observed growth of `source`'s account (optionally of some drives) for a chart, read-only.

    `history` defaults to the user's store, and only when its file exists: viewing never
    creates a store (or the data directory). Returns (the `observed_growth` frame, or None
    without a store; a note to show when the store could not be read, else None). A locked
    or newer-version store gives the note instead of an exception, so a chart still draws.
    Blocking (DuckDB, and waiting for a recorder's lock): call it off an event loop.
    """
    try:
        if history is None:
            if not paths.history_path(create=False).exists():
                return None, None
            history = HistoryStore(read_only=True)
        return history.observed_growth(drive_uuids, source=source), None
    except ExplorerError as exc:
        return None, f"history not shown: {exc}"


def _utc(when: pd.Timestamp | datetime | str) -> pd.Timestamp:
    ts = pd.Timestamp(when)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
