"""The DuckDB history store: observations, growth across them, diffs, versions and locking."""

from __future__ import annotations

import subprocess
import sys
import threading

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from explorer.data import schema
from explorer.data.history import HistoryStore
from explorer.data.inventory import Source
from explorer.data.load import build_inventory
from explorer.errors import HistoryError

T0 = pd.Timestamp("2026-01-01 00:00", tz="UTC")
SRC = Source("http://api/2.0/", account="me@x")


def _inv(make, day, sizes, source=SRC):
    snaps = [make.snap(u, d, s, "2025-12-01 00:00:00+00:00") for u, (d, s) in sizes.items()]
    return build_inventory(snapshots=snaps, loaded_at=T0 + pd.Timedelta(days=day), source=source)


@pytest.fixture
def store(tmp_path):
    return HistoryStore(tmp_path / "h.duckdb", lock_timeout=5)


def test_record_and_observed_growth(store, make):
    r1 = store.record(_inv(make, 0, {"a": ("d1", 10), "b": ("d1", 5), "c": ("d2", 7)}))
    r2 = store.record(_inv(make, 1, {"a": ("d1", 10), "b": ("d1", 25), "c": ("d2", None)}))
    assert (r1.record_id, r2.record_id) == (1, 2)
    assert (r1.snapshot_count, r1.drive_count, r1.total_bytes) == (3, 2, 22)
    got = store.observed_growth()
    want = pd.DataFrame(
        {
            "drive_uuid": ["d1", "d1", "d2", "d2"],
            "observed_at": [T0, T0 + pd.Timedelta(days=1)] * 2,
            "allocated_bytes": [15, 35, 7, 0],
            "snapshot_count": [2, 2, 1, 1],
        }
    )
    assert_frame_equal(got, schema.conform(want, schema.OBSERVED_GROWTH_COLUMNS))
    assert store.observed_growth(["d2"])["drive_uuid"].unique().tolist() == ["d2"]


def test_diff_new_deleted_grown(store, make):
    store.record(_inv(make, 0, {"a": ("d1", 10), "b": ("d1", 5)}))
    store.record(_inv(make, 1, {"a": ("d1", 10), "b": ("d1", 8), "c": ("d2", 1)}))
    store.record(_inv(make, 2, {"b": ("d1", 9), "c": ("d2", 1), "e": ("d2", 2)}))
    d = store.diff(T0 + pd.Timedelta(hours=12))  # baseline: the day-0 observation
    assert d.baseline_at == T0 and d.current_at == T0 + pd.Timedelta(days=2)
    assert sorted(d.new["uuid"]) == ["c", "e"]
    assert d.deleted["uuid"].tolist() == ["a"]
    assert d.grown["uuid"].tolist() == ["b"] and d.grown["delta"].tolist() == [4]
    schema.check(d.grown, schema.HISTORY_DIFF_COLUMNS)
    one_day = store.diff(pd.Timedelta(days=1))  # relative to the latest: baseline is day 1
    assert one_day.new["uuid"].tolist() == ["e"] and one_day.grown["delta"].tolist() == [1]


def test_sources_are_kept_apart(store, make):
    store.record(_inv(make, 0, {"a": ("d1", 1)}))
    store.record(_inv(make, 0, {"z": ("dz", 1)}, source=Source("http://127.0.0.1:5/api/2.0/", demo=True)))
    demo = Source("http://127.0.0.1:9/api/2.0/", demo=True)  # another demo run, another port: same history
    assert store.observed_growth(source=demo)["drive_uuid"].tolist() == ["dz"]
    assert len(store.records()) == 2 and len(store.records(source=SRC)) == 1


def test_empty_store_diff_is_clear(store):
    with pytest.raises(HistoryError, match="no observations"):
        store.diff(pd.Timedelta(days=1))


def test_offline_inventory_is_not_recorded(store, make):
    inv = _inv(make, 0, {}, source=Source("x", offline=True))
    with pytest.raises(HistoryError, match="offline"):
        store.record(inv)


def test_read_only_store_reads_and_never_writes(tmp_path, make):
    path = tmp_path / "h.duckdb"
    with pytest.raises(HistoryError, match="no history store"):
        HistoryStore(path, read_only=True)
    assert not path.exists()  # a viewer never creates one
    HistoryStore(path).record(_inv(make, 0, {"a": ("d1", 10)}))
    before = path.read_bytes()
    viewer = HistoryStore(path, read_only=True)
    assert viewer.observed_growth()["allocated_bytes"].tolist() == [10]
    with pytest.raises(HistoryError, match="read-only"):
        viewer.record(_inv(make, 1, {"a": ("d1", 20)}))
    assert path.read_bytes() == before


def test_newer_schema_version_is_refused(tmp_path):
    path = tmp_path / "h.duckdb"
    HistoryStore(path)
    con = duckdb.connect(str(path))
    con.execute("update meta set value = '99' where key = 'schema_version'")
    con.close()
    with pytest.raises(HistoryError, match="newer"):
        HistoryStore(path)


def test_foreign_files_are_refused(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database" * 500)
    with pytest.raises(HistoryError, match="cannot open"):
        HistoryStore(junk)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table t (x int)")
    con.close()
    with pytest.raises(HistoryError, match="not a snapshot-explorer history store"):
        HistoryStore(other)


_HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.readline()
con.close()
print("released", flush=True)
"""


def _hold_lock(path):
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"  # blocks until the other process holds the file
    return proc


def test_other_process_holding_the_file_gives_a_clear_error_then_works(tmp_path, make):
    path = tmp_path / "h.duckdb"
    HistoryStore(path)
    proc = _hold_lock(path)
    try:
        impatient = HistoryStore.__new__(HistoryStore)
        impatient.path, impatient.lock_timeout = path, 0.2
        with pytest.raises(HistoryError, match="in use by another process"):
            impatient.record(_inv(make, 0, {"a": ("d1", 1)}))
    finally:
        proc.communicate("go\n", timeout=30)
    store = HistoryStore(path)
    store.record(_inv(make, 0, {"a": ("d1", 1)}))
    assert len(store.records()) == 1  # the failed attempt left nothing behind


def test_a_waiting_recorder_proceeds_when_the_lock_is_released(tmp_path, make):
    path = tmp_path / "h.duckdb"
    HistoryStore(path)
    proc = _hold_lock(path)
    store = HistoryStore.__new__(HistoryStore)
    store.path, store.lock_timeout = path, 120  # a hang guard: the holder lets go right after the check below
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("r", store.record(_inv(make, 0, {"a": ("d1", 3)}))))
    worker.start()
    worker.join(0.5)  # not a sync sleep: half a second in which it must stay blocked on the other process
    assert worker.is_alive() and "r" not in result
    proc.communicate("go\n", timeout=120)
    worker.join(120)
    assert result["r"].total_bytes == 3


_RECORDER = """
import sys, pandas as pd, msgspec
from explorer.client import models
from explorer.data.history import HistoryStore
from explorer.data.inventory import Source
from explorer.data.load import build_inventory
tag = sys.argv[2]
snaps = [msgspec.convert({"uuid": f"{tag}{i}", "allocated_size": i, "drive": {"uuid": tag}}, models.Snapshot)
         for i in range(200)]
store = HistoryStore(sys.argv[1], lock_timeout=60)
for n in range(3):
    store.record(build_inventory(snapshots=snaps, source=Source("e", account=tag)))
print("ok", flush=True)
"""


def test_two_processes_recording_at_once_both_succeed(tmp_path):
    path = tmp_path / "h.duckdb"
    procs = [subprocess.Popen([sys.executable, "-c", _RECORDER, str(path), tag], stdout=subprocess.PIPE, text=True)
             for tag in ("p", "q")]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [o.strip() for o in outs] == ["ok", "ok"]
    store = HistoryStore(path)
    recs = store.records()
    assert sorted(recs["record_id"]) == [1, 2, 3, 4, 5, 6]
    assert sorted(store.observed_growth()["snapshot_count"].unique()) == [200]


def test_recording_the_same_inventory_twice_does_not_double_count(store, make):
    inv = _inv(make, 0, {"a": ("d1", 10), "b": ("d1", 5)})
    store.record(inv)
    store.record(inv)
    got = store.observed_growth()
    assert got["allocated_bytes"].tolist() == [15, 15] and got["snapshot_count"].tolist() == [2, 2]
