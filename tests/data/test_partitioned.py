"""The history as Hive-partitioned Parquet: it reads back in DuckDB as it is, with the same rows."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from explorer.data.history import HistoryStore
from explorer.data.inventory import Source
from explorer.data.load import build_inventory
from explorer.data.partitioned import PARQUET_SCHEMA, export_history, location_of
from explorer.emulator import running_emulator

HANG_GUARD = 300  # a guard against a hang only: each command ends on its own
SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))
T0 = pd.Timestamp("2026-01-01 23:30", tz="UTC")
ZRH = Source("https://zrh.cloudsigma.com/api/2.0/", account="ops@example.com")
DEMO = Source("http://127.0.0.1:5555/api/2.0/", demo=True)
COLUMNS = list(PARQUET_SCHEMA.names)


def _inv(make, hours, sizes, source):
    snaps = [make.snap(u, d, s, "2025-12-01 00:00:00+00:00", status="creating" if s is None else "available")
             for u, (d, s) in sizes.items()]
    return build_inventory(snapshots=snaps, loaded_at=T0 + pd.Timedelta(hours=hours), source=source)


def _read(folder: Path) -> pd.DataFrame:
    sql = (f"select * from read_parquet('{folder}/**/*.parquet', hive_partitioning=true) "
           "order by observed_at, source_key, uuid")
    return duckdb.sql(sql).df()


def _stored(store: HistoryStore) -> pd.DataFrame:
    with duckdb.connect(str(store.path), read_only=True) as con:
        return con.execute(
            "select r.record_id, o.observed_at, r.source_key, r.endpoint, r.account, r.demo, o.uuid, o.drive_uuid, "
            "o.allocated_size, o.status, o.kind from observations o join records r using (record_id) "
            "order by o.observed_at, r.source_key, o.uuid").df()


@pytest.fixture
def store(tmp_path, make):
    s = HistoryStore(tmp_path / "h.duckdb", lock_timeout=5)
    s.record(_inv(make, 0, {"a": ("d1", 10), "b": ("d1", 5), "c": ("d2", None)}, ZRH))
    s.record(_inv(make, 1, {"a": ("d1", 12), "b": ("d1", 5), "c": ("d2", 7), "d": ("d2", 0)}, ZRH))  # next day
    s.record(_inv(make, 1, {"x": ("d9", 1 << 40)}, DEMO))
    return s


def test_export_reads_back_with_the_same_rows(store, tmp_path):
    out = tmp_path / "parquet"
    written = export_history(store, out)
    assert len(written) == 3 and sum(w.rows for w in written) == 8
    back = _read(out)
    assert_frame_equal(back[COLUMNS], _stored(store), check_dtype=False)
    # The partition keys come from the folder names alone.
    assert sorted(str(p.relative_to(out)) for p in out.glob("*/*")) == [
        "location=ZRH/date=2026-01-01", "location=ZRH/date=2026-01-02", "location=demo/date=2026-01-02"]
    assert back.groupby(["location", "date"]).size().to_dict() == {
        ("ZRH", pd.Timestamp("2026-01-01")): 3, ("ZRH", pd.Timestamp("2026-01-02")): 4,
        ("demo", pd.Timestamp("2026-01-02")): 1}
    # Typed, not guessed: UTC times, nullable byte counts (null while creating).
    kinds = dict(duckdb.sql(f"describe select * from read_parquet('{out}/**/*.parquet', hive_partitioning=true)")
                 .fetchall()[i][:2] for i in range(len(COLUMNS) + 2))
    assert kinds["observed_at"] == "TIMESTAMP WITH TIME ZONE" and kinds["allocated_size"] == "BIGINT"
    assert kinds["date"] == "DATE" and kinds["location"] == "VARCHAR"
    assert back.loc[back["uuid"] == "c", "allocated_size"].isna().tolist() == [True, False]


def test_exporting_again_replaces_instead_of_duplicating_and_files_are_private(store, tmp_path):
    out = tmp_path / "parquet"
    first = export_history(store, out)
    again = export_history(store, out)
    assert [w.path for w in first] == [w.path for w in again]
    assert len(_read(out)) == 8
    files = list(out.rglob("*.parquet"))
    assert len(files) == 3 and not list(out.rglob(".*.tmp"))
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    assert {stat.S_IMODE(d.stat().st_mode) for d in [out, *out.glob("*"), *out.glob("*/*")]} == {0o700}


def test_only_one_accounts_records(store, tmp_path):
    out = tmp_path / "zrh-only"
    export_history(store, out, source=ZRH)
    assert set(_read(out)["source_key"]) == {"https://zrh.cloudsigma.com/api/2.0/|ops@example.com"}


def test_location_of_an_endpoint():
    assert location_of("https://ec.servecentric.com/api/2.0/", False) == "DUB"
    assert location_of("https://fra.cloudsigma.com/api/2.0", False) == "FRA"
    assert location_of("http://127.0.0.1:8080/api/2.0/", False) == "127.0.0.1-8080"
    assert location_of("http://[::1]:8080/api/2.0/", False) == "1-8080"
    assert location_of("https://zrh.cloudsigma.com/api/2.0/", True) == "demo"


def _cli(*args, env):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=HANG_GUARD)


def test_record_appends_and_history_export_writes_the_same_rows(tmp_path):
    appended, exported = tmp_path / "appended", tmp_path / "exported"
    with running_emulator(seed=5, drives=6, snapshots=40) as emu:
        env = {**os.environ, "CLOUDSIGMA_API_ENDPOINT": emu.url, "CLOUDSIGMA_USERNAME": emu.username,
               "CLOUDSIGMA_PASSWORD": emu.password, "SNAPSHOT_EXPLORER_DATA_DIR": str(tmp_path / "data")}
        for n in (1, 2):
            r = _cli("record", "--parquet-dir", str(appended), env=env)
            assert r.returncode == 0, r.stderr
            assert f"recorded observation #{n}" in r.stdout and "appended 40 rows to " in r.stdout
        location = f"location=127.0.0.1-{emu.url.split(':')[2].split('/')[0]}"
    r = _cli("history", "export", "--output", str(exported), env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"wrote 2 record(s), 80 rows, to {exported} in 1 partition(s)")
    assert f"read_parquet('{exported}/**/*.parquet', hive_partitioning=true)" in r.stdout
    assert [p.name for p in exported.iterdir()] == [location]
    assert_frame_equal(_read(appended), _read(exported))
    assert emu.password not in r.stdout + r.stderr


def test_history_export_errors_are_one_line(tmp_path):
    env = {**os.environ, "SNAPSHOT_EXPLORER_DATA_DIR": str(tmp_path / "data")}
    r = _cli("history", "export", "--output", str(tmp_path / "out"), env=env)
    assert r.returncode == 2 and "there is no history store at" in r.stderr and "Traceback" not in r.stderr
    r = _cli("history", env=env)
    assert r.returncode == 2 and "ACTION" in r.stderr
