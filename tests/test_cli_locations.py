"""The commands over several locations, run as the real console script against emulators on loopback."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.client import CloudSigmaClient
from explorer.emulator import running_emulator

SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))


@pytest.fixture(scope="module")
def zrh():
    with running_emulator(location="ZRH", seed=3, drives=3, snapshots=24) as handle:
        yield handle


@pytest.fixture(scope="module")
def fra():
    with running_emulator(location="FRA", seed=8, drives=3, snapshots=18) as handle:
        yield handle


@pytest.fixture(scope="module")
def dead_url():
    """A location that is down: a loopback port held bound but never listening, so connecting is refused
    (and no other emulator can take the port meanwhile)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}/api/2.0/"


def _section(code: str, emu=None, url: str | None = None, password: str = "demo-password") -> str:
    url = url or emu.url
    return f"[{code}]\napi_endpoint = {url}\nusername = demo@example.com\npassword = {password}\n"


def _runner(tmp_path_factory, text: str):
    home = tmp_path_factory.mktemp("home")
    conf = home / "locations.conf"
    conf.write_text(text)
    os.chmod(conf, 0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDSIGMA_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), CLOUDSIGMA_CONFIG=str(conf))

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=300, input=stdin,
                              cwd=home)

    run.home = home
    return run


@pytest.fixture(scope="module")
def run(zrh, fra, tmp_path_factory):
    return _runner(tmp_path_factory, _section("ZRH", zrh) + _section("FRA", fra))


@pytest.fixture(scope="module")
def cost_doc(run):
    done = run("cost", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cost_json_gives_a_total_per_currency_and_names_every_entrys_location(cost_doc):
    doc = cost_doc
    assert [(t["currency"], t["locations"]) for t in doc["totals"]] == [("CHF", ["ZRH"]), ("EUR", ["FRA"])]
    assert doc["currency"] is None and doc["account"] is None  # two currencies: no single account total
    assert [(loc["location"], loc["currency"], loc["stale_since"]) for loc in doc["locations"]] == [
        ("ZRH", "CHF", None), ("FRA", "EUR", None)]
    assert doc["failures"] == []
    for key in ("storage_types", "drives", "owners"):
        assert {(e["location"], e["currency"]) for e in doc[key]} == {("ZRH", "CHF"), ("FRA", "EUR")}, key
    for total in doc["totals"]:
        mine = [d for d in doc["drives"] if d["currency"] == total["currency"]]
        assert sum(d["snapshots"] for d in mine) == total["snapshots"]
        assert sum(d["value_at_subscription"] for d in mine) == pytest.approx(total["value_at_subscription"])


def test_cost_table_has_the_totals_per_currency_then_each_location(run):
    done = run("cost")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Totals per currency" in out and "never added across currencies" in out
    assert out.index("=== Location ZRH (CHF) ===") < out.index("=== Location FRA (EUR) ===")
    totals = out[:out.index("=== Location ZRH")]
    assert " CHF " in totals + " " and " EUR" in totals


def test_export_writes_every_locations_rows_with_their_location(run, zrh, fra):
    target = run.home / "all.csv"
    done = run("export", "--format", "csv", "--output", str(target))
    assert done.returncode == 0, done.stderr
    with target.open() as fh:
        rows = list(csv.DictReader(fh))
    counts = {code: sum(r["location"] == code for r in rows) for code in ("ZRH", "FRA")}
    for code, emu in (("ZRH", zrh), ("FRA", fra)):
        with CloudSigmaClient(emu.url, username=emu.username, password=emu.password) as c:
            listed = len(c.snapshots.list()) + len(c.remotesnapshots.list())
        assert counts[code] == listed, code
    assert len(rows) == counts["ZRH"] + counts["FRA"]


def test_record_takes_one_observation_per_location(run):
    done = run("record")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("recorded observation #") == 2


def test_a_location_that_is_down_is_named_on_stderr_and_exits_3(zrh, dead_url, tmp_path_factory):
    run = _runner(tmp_path_factory, _section("ZRH", zrh) + _section("GVA", url=dead_url))
    done = run("cost", "--format", "json")
    assert done.returncode == 3, done.stderr
    line = next(x for x in done.stderr.splitlines() if "location GVA FAILED" in x)
    assert dead_url in line and "could not connect" in line and "no cached rows" in line
    doc = json.loads(done.stdout)
    assert [f["location"] for f in doc["failures"]] == ["GVA"] and [t["currency"] for t in doc["totals"]] == ["CHF"]
    table = run("cost")
    assert table.returncode == 3 and "location GVA FAILED" in table.stdout


def test_prune_apply_deletes_each_snapshot_at_its_own_location(zrh, fra, tmp_path_factory):
    with running_emulator(location="ZRH", seed=11, drives=2, snapshots=12) as a, \
            running_emulator(location="FRA", seed=12, drives=2, snapshots=10) as b:
        run = _runner(tmp_path_factory, _section("ZRH", a) + _section("FRA", b))
        plan = json.loads(run("prune", "--keep-last", "2", "--format", "json").stdout)
        planned = {code: {d["uuid"] for d in plan["delete"] if d["location"] == code} for code in ("ZRH", "FRA")}
        assert planned["ZRH"] and planned["FRA"]
        assert {d["kind"] for d in plan["delete"]} == {"local", "remote"}  # backups go by their own path
        done = run("prune", "--keep-last", "2", "--apply", "--yes", "--format", "json")
        assert done.returncode == 0, done.stderr
        outcome = json.loads(done.stdout)["outcome"]
        assert all(o["ok"] for o in outcome)
        assert {code: {o["uuid"] for o in outcome if o["location"] == code} for code in ("ZRH", "FRA")} == planned
        for code, emu in (("ZRH", a), ("FRA", b)):
            with CloudSigmaClient(emu.url, username=emu.username, password=emu.password) as c:
                left = {s.uuid for s in c.snapshots.list()} | {s.uuid for s in c.remotesnapshots.list()}
            assert not left & planned[code], code


def test_offline_shows_every_demo_location_from_its_own_cache(tmp_path_factory):
    run = _runner(tmp_path_factory, "")
    assert run("cost", "--demo", "--format", "json").returncode == 0
    done = run("cost", "--demo", "--offline", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [(loc["location"], loc["currency"]) for loc in doc["locations"]] == [("ZRH", "CHF"), ("FRA", "EUR")]
    assert [t["currency"] for t in doc["totals"]] == ["CHF", "EUR"] and doc["failures"] == []


def test_a_location_refusing_the_password_shows_its_cached_rows_as_stale(zrh, tmp_path_factory):
    with running_emulator(location="GVA", seed=5, drives=2, snapshots=8) as gva:
        run = _runner(tmp_path_factory, _section("ZRH", zrh) + _section("GVA", gva))
        before = json.loads(run("cost", "--format", "json").stdout)
        # the GVA password changes (the same account: its cache is the one written above)
        conf = run.home / "locations.conf"
        conf.write_text(_section("ZRH", zrh) + _section("GVA", gva, password="not-any-more"))
        done = run("cost", "--format", "json")
        table = run("cost")
    assert done.returncode == 3, done.stderr
    assert "location GVA FAILED" in done.stderr and "401" in done.stderr and "marked stale" in done.stderr
    assert "not-any-more" not in done.stderr + done.stdout
    doc = json.loads(done.stdout)
    (failure,) = doc["failures"]
    assert failure["location"] == "GVA" and failure["stale_since"] is not None
    gva_now = next(loc for loc in doc["locations"] if loc["location"] == "GVA")
    gva_then = next(loc for loc in before["locations"] if loc["location"] == "GVA")
    assert gva_now["stale_since"] == failure["stale_since"] == gva_then["loaded_at"]
    assert gva_now["account"] == gva_then["account"]  # the cached rows, costed as they were
    assert [(t["currency"], t["locations"]) for t in doc["totals"]] == [("CHF", ["ZRH", "GVA"])]
    assert table.returncode == 3 and "=== Location GVA (CHF) - STALE" in table.stdout


def test_cost_csv_names_each_drives_currency_and_location(run, cost_doc):
    done = run("cost", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert list(rows[0])[-2:] == ["currency", "location"]
    assert {(r["location"], r["currency"]) for r in rows} == {("ZRH", "CHF"), ("FRA", "EUR")}
    assert len(rows) == len(cost_doc["drives"])


def test_forecast_and_report_cover_each_location(run):
    done = run("forecast", "--days", "14", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [(loc["location"], loc["currency"], loc["stale"]) for loc in doc["locations"]] == [
        ("ZRH", "CHF", False), ("FRA", "EUR", False)]
    assert doc["days"] == 14 and doc["failures"] == [] and all(loc["days"] == 14 for loc in doc["locations"])
    page = run.home / "report.html"
    done = run("report", "--output", str(page))
    assert done.returncode == 0, done.stderr
    html = page.read_text()
    assert html.index("Totals per currency") < html.index("Location ZRH (CHF)") < html.index("Location FRA (EUR)")
