"""The partitioned Parquet history of several locations: one `location=CODE/` partition per real location
(the demo's ZRH and FRA too), the snapshot kind as a column, and the same rows read back by DuckDB."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from explorer.client import models
from explorer.data.history import HistoryStore
from explorer.data.inventory import Source
from explorer.data.load import build_inventory
from explorer.data.locations import combine
from explorer.data.partitioned import PARQUET_SCHEMA, append_latest, export_history
from explorer.emulator import running_emulator

HANG_GUARD = 300  # a guard against a hang only: each command ends on its own
SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))
T0 = pd.Timestamp("2026-03-01 12:00", tz="UTC")
TS = "2026-02-01 00:00:00+00:00"
COLUMNS = [*PARQUET_SCHEMA.names, "location"]
ORDER = "order by location, observed_at, uuid, kind"


def _part(code, day, local, remote=(), *, demo=False):
    endpoint = "http://127.0.0.1:4242/api/2.0/" if demo else f"https://{code.lower()}.cloudsigma.com/api/2.0/"
    source = Source(endpoint, demo=demo, account="ops@example.com", location=code)
    snaps = [models.Snapshot(uuid=u, status="available" if s is not None else "creating", allocated_size=s,
                             timestamp=TS, drive=models.Ref(uuid=d)) for u, (d, s) in local.items()]
    backups = [models.RemoteSnapshot(uuid=u, status="available", allocated_size=s, timestamp=TS,
                                     drive=models.Ref(uuid=d), location="GVA") for u, (d, s) in dict(remote).items()]
    return build_inventory(snapshots=snaps, remote_snapshots=backups, source=source, location=code,
                           loaded_at=T0 + pd.Timedelta(days=day))


def _read(folder: Path) -> pd.DataFrame:
    return duckdb.sql(f"select * from read_parquet('{folder}/**/*.parquet', hive_partitioning=true) {ORDER}").df()


def _stored(path: Path) -> pd.DataFrame:
    """The store's rows as an export has them, `location` being the record's (the partition key)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select r.record_id, o.observed_at, r.source_key, r.endpoint, r.account, r.demo, o.uuid, o.drive_uuid, "
            f"o.allocated_size, o.status, o.kind, r.location from observations o join records r using (record_id) "
            f"{ORDER}").df()


@pytest.mark.parametrize("demo", [False, True], ids=["account", "demo"])
def test_a_two_location_inventory_exports_one_partition_per_location_with_the_same_rows(tmp_path, demo):
    store = HistoryStore(tmp_path / "h.duckdb", lock_timeout=5)
    # The same uuids at both locations: identity is (location, uuid), and each location is its own partition.
    for day, grown in ((0, 10), (1, 12)):
        zrh = _part("ZRH", day, {"a": ("d1", grown), "b": ("d1", None)}, {"r": ("d1", 100)}, demo=demo)
        fra = _part("FRA", day, {"a": ("d1", 3)}, {"q": ("d2", 50 + day)}, demo=demo)
        store.record_locations(combine([zrh, fra]))
    out = tmp_path / "parquet"
    written = export_history(store, out)
    assert len(written) == 4 and sum(w.rows for w in written) == 10
    assert sorted(str(p.relative_to(out)) for p in out.glob("*/*")) == [
        "location=FRA/date=2026-03-01", "location=FRA/date=2026-03-02",
        "location=ZRH/date=2026-03-01", "location=ZRH/date=2026-03-02"]
    back = _read(out)
    assert_frame_equal(back[COLUMNS], _stored(store.path), check_dtype=False)
    assert back.groupby(["location", "kind"]).size().to_dict() == {
        ("FRA", "local"): 2, ("FRA", "remote"): 2, ("ZRH", "local"): 4, ("ZRH", "remote"): 2}
    keys = {"ZRH": "demo|ZRH", "FRA": "demo|FRA"} if demo else {
        c: f"https://{c.lower()}.cloudsigma.com/api/2.0/|ops@example.com" for c in ("ZRH", "FRA")}
    assert back.groupby("location")["source_key"].unique().map(list).to_dict() == {c: [k] for c, k in keys.items()}
    # `record --parquet-dir` appends the same files, record by record.
    appended = tmp_path / "appended"
    for rid in store.records()["record_id"]:
        append_latest(store, appended, int(rid))
    assert_frame_equal(_read(appended), back)


def test_a_failed_locations_cached_rows_are_not_exported_as_an_observation(tmp_path):
    store = HistoryStore(tmp_path / "h.duckdb", lock_timeout=5)
    fra = _part("FRA", 0, {"a": ("d1", 3)})
    store.record_locations(combine([_part("ZRH", 0, {"a": ("d1", 1)}),
                                    replace(fra, source=replace(fra.source, offline=True))]))
    export_history(store, tmp_path / "parquet")
    assert [p.name for p in (tmp_path / "parquet").iterdir()] == ["location=ZRH"]


def _cli(*args, env):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=HANG_GUARD)


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDSIGMA_")}
    return {**env, "HOME": str(tmp_path), "SNAPSHOT_EXPLORER_DATA_DIR": str(tmp_path / "data"), **extra}


def _record_then_export(env, tmp_path, *flags):
    appended, exported = tmp_path / "appended", tmp_path / "exported"
    for _ in (1, 2):
        r = _cli("record", *flags, "--parquet-dir", str(appended), env=env)
        assert r.returncode == 0, r.stderr
        assert r.stdout.count("recorded observation #") == 2 and r.stdout.count("appended ") == 2
    r = _cli("history", "export", "--output", str(exported), env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("wrote 4 record(s), ") and f"to {exported} in " in r.stdout
    back = _read(exported)
    assert_frame_equal(_read(appended), back)
    assert_frame_equal(back[COLUMNS], _stored(tmp_path / "data" / "history.duckdb"), check_dtype=False)
    return exported, back


def test_record_over_two_locations_appends_one_partition_per_location(tmp_path):
    with running_emulator(location="ZRH", seed=3, drives=3, snapshots=24) as zrh, \
            running_emulator(location="FRA", seed=8, drives=3, snapshots=18) as fra:
        conf = tmp_path / "locations.conf"
        conf.write_text("".join(f"[{code}]\napi_endpoint = {e.url}\nusername = {e.username}\npassword = {e.password}\n"
                                for code, e in (("ZRH", zrh), ("FRA", fra))))
        conf.chmod(0o600)
        exported, back = _record_then_export(_env(tmp_path, CLOUDSIGMA_CONFIG=str(conf)), tmp_path)
    assert sorted(p.name for p in exported.iterdir()) == ["location=FRA", "location=ZRH"]
    assert set(back.groupby("location")["endpoint"].unique().map(list).map(tuple)) == {(zrh.url,), (fra.url,)}
    assert set(back["kind"]) <= {"local", "remote"} and back["kind"].notna().all()


@pytest.mark.slow
def test_record_on_the_demo_files_each_demo_location_under_its_code(tmp_path):
    exported, back = _record_then_export(_env(tmp_path), tmp_path, "--demo")
    assert sorted(p.name for p in exported.iterdir()) == ["location=FRA", "location=ZRH"]  # never location=demo
    assert back.groupby("location")["source_key"].unique().map(list).to_dict() == {
        "FRA": ["demo|FRA"], "ZRH": ["demo|ZRH"]}
    kinds = back.groupby(["location", "kind"]).size()
    assert kinds[("ZRH", "remote")] > 0 and kinds[("FRA", "remote")] > 0  # the demo's backups, as their kind
