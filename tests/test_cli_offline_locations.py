"""`--offline` with several locations configured: every location's own last cache, combined as an online load
combines them, a location without a cache named, no credentials asked for, nothing contacted or written.

The real console script in a subprocess; two emulators on loopback as ZRH and FRA write the cache in a first
online run, then are stopped before the offline runs (an offline run that tried to connect would fail).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.emulator import running_emulator

SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))


def _section(code: str, url: str, password: str | None = "demo-password") -> str:
    secret = f"password = {password}\n" if password else ""
    return f"[{code}]\napi_endpoint = {url}\nusername = demo@example.com\n{secret}"


class Runner:
    """The console script with a private HOME, data directory and config file; stdin is a pipe, never a tty."""

    def __init__(self, home: Path):
        self.home, self.conf, self.data = home, home / "locations.conf", home / "data"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDSIGMA_", "SNAPSHOT_EXPLORER_"))}
        self.env.update(HOME=str(home), SNAPSHOT_EXPLORER_DATA_DIR=str(self.data), CLOUDSIGMA_CONFIG=str(self.conf))
        self.config("")  # an empty file: the locations come from flags or the environment

    def config(self, text: str) -> None:
        self.conf.write_text(text)
        os.chmod(self.conf, 0o600)

    def __call__(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env={**self.env, **(env or {})},
                              timeout=300, input="", cwd=self.home)

    def cache_files(self) -> dict[str, int]:
        """Every file under the cache, with its modification time: what a read-only run leaves as it was."""
        root = self.data / "inventory-cache"
        return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """A first online run over ZRH and FRA wrote each one's cache; the emulators are gone afterwards."""
    run = Runner(tmp_path_factory.mktemp("home"))
    with running_emulator(location="ZRH", seed=3, drives=3, snapshots=24) as zrh, \
            running_emulator(location="FRA", seed=8, drives=3, snapshots=18) as fra:
        urls = {"ZRH": zrh.url, "FRA": fra.url}
        run.config(_section("ZRH", zrh.url) + _section("FRA", fra.url))
        done = run("cost", "--format", "json")
    assert done.returncode == 0, done.stderr
    run.urls, run.online = urls, json.loads(done.stdout)
    # the offline runs have no password anywhere: resolving credentials would have to prompt (and fail: no tty)
    run.config(_section("ZRH", urls["ZRH"], None) + _section("FRA", urls["FRA"], None))
    return run


def _locations(doc: dict) -> list[tuple]:
    """(location, currency, snapshots) in order; each location here bills in its own currency (a total each)."""
    counts = {code: t["snapshots"] for t in doc["totals"] for code in t["locations"]}
    return [(loc["location"], loc["currency"], counts.get(loc["location"])) for loc in doc["locations"]]


def test_offline_combines_every_configured_locations_cache_as_the_online_load(cached):
    before = cached.cache_files()
    done = cached("cost", "--offline", "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert _locations(doc) == _locations(cached.online) and [c for c, _, _ in _locations(doc)] == ["ZRH", "FRA"]
    assert [(t["currency"], t["locations"]) for t in doc["totals"]] == [("CHF", ["ZRH"]), ("EUR", ["FRA"])]
    assert doc["totals"] == cached.online["totals"] and doc["failures"] == []
    assert "password" not in done.stderr.lower()
    assert cached.cache_files() == before  # read-only: no slot rewritten, none added


def test_offline_export_has_both_locations_rows(cached, tmp_path):
    out = tmp_path / "snaps.json"
    done = cached("export", "--offline", "--format", "json", "--output", str(out))
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text())
    by_location = {code: sum(r["location"] == code for r in rows) for code in ("ZRH", "FRA")}
    online = {code: n for code, _, n in _locations(cached.online)}
    assert by_location == online and len(rows) == sum(online.values())


def test_a_location_without_a_cache_is_named_and_the_others_shown(cached, tmp_path):
    never = "http://127.0.0.1:9/api/2.0/"  # never loaded (and never contacted: nothing listens there)
    cached.config(_section("ZRH", cached.urls["ZRH"], None) + _section("GVA", never, None)
                  + _section("FRA", cached.urls["FRA"], None))
    try:
        done = cached("cost", "--offline", "--format", "json")
        table = cached("cost", "--offline")
    finally:
        cached.config(_section("ZRH", cached.urls["ZRH"], None) + _section("FRA", cached.urls["FRA"], None))
    assert done.returncode == 3, done.stderr  # ran, but a location is missing from the output
    doc = json.loads(done.stdout)
    assert [c for c, _, _ in _locations(doc)] == ["ZRH", "FRA"]
    (failure,) = doc["failures"]
    assert failure["location"] == "GVA" and failure["stale_since"] is None
    assert "no cached inventory" in failure["reason"]
    assert "location GVA FAILED" in done.stderr and "no cached inventory" in done.stderr
    assert table.returncode == 3 and "GVA" in table.stdout and "no cached inventory" in table.stdout


def test_offline_with_region_codes_reads_each_regions_account_cache(tmp_path):
    """`--region ZRH,FRA` names real endpoints: their caches are written here directly (no real API in tests)."""
    from explorer.client.regions import region_endpoint
    from explorer.data.cache import save_cached_inventory
    from explorer.data.inventory import Source
    from explorer.data.locations import _located
    from tests.tui.factory import make_inventory

    run = Runner(tmp_path)
    root = run.data / "inventory-cache"
    for code, currency, n in (("ZRH", "CHF", 12), ("FRA", "EUR", 7)):
        inv = dataclasses.replace(make_inventory(n, seed=n), currency=currency,
                                  source=Source(region_endpoint(code), account="someone@example.com"))
        save_cached_inventory(_located(inv, code), root)
    before = run.cache_files()
    # a username and no password: resolving it would prompt; offline nothing does
    done = run("cost", "--offline", "--region", "ZRH,FRA", "--format", "json",
               env={"CLOUDSIGMA_USERNAME": "someone@example.com"})
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert _locations(doc) == [("ZRH", "CHF", 12), ("FRA", "EUR", 7)]
    assert run.cache_files() == before
    # another account's caches are not this one's: both named as having none
    other = run("cost", "--offline", "--region", "ZRH,FRA", "--format", "json",
                env={"CLOUDSIGMA_USERNAME": "other@example.com"})
    assert other.returncode != 0 and "no cached inventory of any configured location yet (ZRH, FRA)" in other.stderr
