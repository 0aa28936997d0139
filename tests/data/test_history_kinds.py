"""The history store across locations and snapshot kinds: `kind` and `location` on every observation,
one observation per location, and the once-only migration of a store written with the old (version 1) schema."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from explorer.client import models
from explorer.data.forecast import forecast
from explorer.data.history import SCHEMA_VERSION, HistoryStore
from explorer.data.inventory import Source
from explorer.data.load import build_inventory
from explorer.data.locations import combine
from explorer.data.partitioned import export_history
from explorer.errors import HistoryError

T0 = pd.Timestamp("2026-01-01 00:00", tz="UTC")
ZRH = Source("https://zrh.cloudsigma.com/api/2.0/", account="ops@example.com")
FRA = Source("https://fra.cloudsigma.com/api/2.0/", account="ops@example.com")
TS = "2025-12-01 00:00:00+00:00"


def _inv(day, local, remote=(), *, source=ZRH, location="ZRH"):
    """Local snapshots `{uuid: (drive, size)}` and remote ones (backups) at `location`, observed on `day`."""
    snaps = [models.Snapshot(uuid=u, status="available", allocated_size=s, timestamp=TS, drive=models.Ref(uuid=d))
             for u, (d, s) in local.items()]
    backups = [models.RemoteSnapshot(uuid=u, status="available", allocated_size=s, timestamp=TS,
                                     drive=models.Ref(uuid=d), location="GVA") for u, (d, s) in dict(remote).items()]
    return build_inventory(snapshots=snaps, remote_snapshots=backups, source=source, location=location,
                           loaded_at=T0 + pd.Timedelta(days=day))


def _stored(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def store(tmp_path):
    return HistoryStore(tmp_path / "h.duckdb", lock_timeout=5)


def test_each_observation_carries_its_kind_and_location_and_growth_separates_kinds(store):
    store.record(_inv(0, {"a": ("d1", 10), "b": ("d1", 5)}, {"r1": ("d1", 100)}))
    store.record(_inv(1, {"a": ("d1", 12), "b": ("d1", 5)}, {"r1": ("d1", 100), "r2": ("d1", 40)}))
    assert _stored(store.path, "select uuid, kind, location from observations where record_id = 2 order by uuid") == [
        ("a", "local", "ZRH"), ("b", "local", "ZRH"), ("r1", "remote", "ZRH"), ("r2", "remote", "ZRH")]
    assert store.records()["location"].tolist() == ["ZRH", "ZRH"]
    every = store.observed_growth()
    assert every["allocated_bytes"].tolist() == [115, 157] and every["snapshot_count"].tolist() == [3, 4]
    assert store.observed_growth(kind="local")["allocated_bytes"].tolist() == [15, 17]
    remote = store.observed_growth(kind="remote")
    assert remote["allocated_bytes"].tolist() == [100, 140] and remote["snapshot_count"].tolist() == [1, 2]
    with pytest.raises(HistoryError, match="unknown snapshot kind 'backup'"):
        store.observed_growth(kind="backup")
    # The forecast reads the observed series of every kind, like its own bytes (backups included).
    inv = _inv(1, {"a": ("d1", 12), "b": ("d1", 5)}, {"r1": ("d1", 100), "r2": ("d1", 40)})
    f = forecast(inv, observed=every)
    assert f.account["bytes_now"] == 157 and f.account["count_now"] == 2


def test_a_backup_deleted_and_one_grown_show_in_the_diff(store):
    store.record(_inv(0, {"a": ("d1", 10)}, {"r1": ("d1", 100), "r2": ("d1", 3)}))
    store.record(_inv(1, {"a": ("d1", 10)}, {"r1": ("d1", 150)}))
    d = store.diff(pd.Timedelta(days=1))
    assert d.deleted["uuid"].tolist() == ["r2"] and d.grown["uuid"].tolist() == ["r1"]
    assert d.grown["delta"].tolist() == [50] and d.new.empty


def test_several_locations_are_one_observation_each(store):
    zrh = _inv(0, {"a": ("d1", 10)}, {"r": ("d1", 1)})
    fra = _inv(0, {"a": ("d1", 20)}, source=FRA, location="FRA")  # the same uuids: identity is (location, uuid)
    both = combine([zrh, fra])
    with pytest.raises(HistoryError, match="record_locations"):
        store.record(both)
    results = store.record_locations(both)
    assert [r.snapshot_count for r in results] == [2, 1]
    assert store.records()[["location", "source_key"]].values.tolist() == [
        ["ZRH", "https://zrh.cloudsigma.com/api/2.0/|ops@example.com"],
        ["FRA", "https://fra.cloudsigma.com/api/2.0/|ops@example.com"]]
    assert store.observed_growth(source=FRA)["allocated_bytes"].tolist() == [20]
    # A location whose load failed (its cached rows, offline) is not a new observation.
    stale = combine([zrh, replace(fra, source=replace(fra.source, offline=True))])
    assert len(store.record_locations(stale)) == 1 and store.records()["location"].tolist()[-1] == "ZRH"


def test_the_demo_locations_are_filed_under_their_codes(store):
    demo = Source("http://127.0.0.1:5555/api/2.0/", demo=True, account="demo@example.com")
    parts = [_inv(0, {"a": ("d1", 1)}, source=replace(demo, location=code), location=code) for code in ("ZRH", "FRA")]
    store.record_locations(combine(parts))
    assert store.records()[["location", "source_key"]].values.tolist() == [["ZRH", "demo|ZRH"], ["FRA", "demo|FRA"]]


# The schema as version 1 wrote it (explorer/data/history.py before kinds and locations), and some rows.
_V1_DDL = """
create table meta (key varchar primary key, value varchar);
create table records (
    record_id bigint primary key, observed_at timestamptz not null, source_key varchar not null,
    endpoint varchar, account varchar, demo boolean, snapshot_count bigint, total_bytes bigint);
create table observations (
    record_id bigint not null, observed_at timestamptz not null, uuid varchar not null,
    drive_uuid varchar, allocated_size bigint, status varchar);
insert into meta values ('schema_version', '1');
insert into records values
    (1, '2026-01-01 00:00:00+00', 'https://fra.cloudsigma.com/api/2.0/|ops@example.com',
     'https://fra.cloudsigma.com/api/2.0/', 'ops@example.com', false, 2, 15),
    (2, '2026-01-01 00:00:00+00', 'demo|ZRH', 'http://127.0.0.1:4242/api/2.0/', 'demo@example.com', true, 1, 7),
    (3, '2026-01-02 00:00:00+00', 'demo', 'http://127.0.0.1:4343/api/2.0/', null, true, 1, 9),
    (4, '2026-01-02 00:00:00+00', 'http://127.0.0.1:8080/api/2.0/|me@x', 'http://127.0.0.1:8080/api/2.0/', 'me@x',
     false, 1, 4);
insert into observations values
    (1, '2026-01-01 00:00:00+00', 'a', 'd1', 10, 'available'), (1, '2026-01-01 00:00:00+00', 'b', 'd1', 5, 'available'),
    (2, '2026-01-01 00:00:00+00', 'z', 'dz', 7, 'available'), (3, '2026-01-02 00:00:00+00', 'y', 'dy', 9, 'available'),
    (4, '2026-01-02 00:00:00+00', 'w', 'dw', 4, 'available');
"""
_WANT_LOCATIONS = {1: "FRA", 2: "ZRH", 3: "demo", 4: "127.0.0.1-8080"}


@pytest.fixture
def old_store(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(_V1_DDL)
    path.chmod(0o600)
    return path


def test_a_version_1_store_is_migrated_once_when_opened_for_writing(old_store):
    store = HistoryStore(old_store)
    assert _stored(old_store, "select value from meta where key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    assert dict(_stored(old_store, "select record_id, location from records")) == _WANT_LOCATIONS
    rows = _stored(old_store, "select record_id, uuid, kind, location from observations order by record_id, uuid")
    assert rows == [(1, "a", "local", "FRA"), (1, "b", "local", "FRA"), (2, "z", "local", "ZRH"),
                    (3, "y", "local", "demo"), (4, "w", "local", "127.0.0.1-8080")]
    migrated_at = _stored(old_store, "select value from meta where key = 'migrated_to_2_at'")
    assert len(migrated_at) == 1
    # Opened again (and recorded into): nothing is migrated a second time, the old rows are unchanged.
    again = HistoryStore(old_store)
    again.record(_inv(2, {"a": ("d1", 11), "b": ("d1", 5)}, {"r": ("d1", 30)}, source=FRA, location="FRA"))
    assert _stored(old_store, "select value from meta where key = 'migrated_to_2_at'") == migrated_at
    assert _stored(old_store, "select record_id, uuid, kind, location from observations order by record_id, uuid"
                   )[:5] == rows
    fra = store.observed_growth(source=FRA)
    assert fra["allocated_bytes"].tolist() == [15, 46]
    assert store.observed_growth(source=FRA, kind="local")["allocated_bytes"].tolist() == [15, 16]
    assert store.observed_growth(source=FRA, kind="remote")["allocated_bytes"].tolist() == [30]
    cols = _stored(old_store, "select column_name from information_schema.columns where table_name = 'observations'")
    assert [c for (c,) in cols].count("kind") == 1


def test_a_version_1_store_is_read_as_it_is_by_a_viewer(old_store, tmp_path):
    before = old_store.read_bytes()
    viewer = HistoryStore(old_store, read_only=True)
    assert viewer.version == 1
    assert viewer.records()["location"].tolist() == list(_WANT_LOCATIONS.values())
    assert viewer.observed_growth(source=FRA)["allocated_bytes"].tolist() == [15]
    assert viewer.observed_growth(kind="remote").empty and len(viewer.observed_growth(kind="local")) == 4
    assert viewer.diff(pd.Timestamp("2026-01-01"), source=FRA).new.empty
    # `history export` opens the store read-only: an old store exports with its locations and kind `local`.
    out = tmp_path / "parquet"
    export_history(viewer, out)
    assert sorted(p.name for p in out.iterdir()) == [f"location={v}" for v in sorted(_WANT_LOCATIONS.values())]
    back = duckdb.sql(f"select location, kind, count(*) from read_parquet('{out}/**/*.parquet', "
                      "hive_partitioning=true) group by all order by all").fetchall()
    assert back == [("127.0.0.1-8080", "local", 1), ("FRA", "local", 2), ("ZRH", "local", 1), ("demo", "local", 1)]
    assert old_store.read_bytes() == before  # never migrated by a viewer
