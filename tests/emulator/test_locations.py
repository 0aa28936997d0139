"""Two emulators on loopback are two CloudSigma locations: own currency, prices, `/locations/` entry, backups."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from explorer.client import CloudSigmaClient
from explorer.emulator import running_emulator

HANG_GUARD = 120  # only a guard against a hang: each wait ends on the process's own output or exit
SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))


def _get(emu, path, **params):
    r = httpx.get(emu.url + path, params=params, auth=(emu.username, emu.password), timeout=HANG_GUARD)
    assert r.status_code == 200, r.text
    return r.json()


def _level0(emu, resource="dssd", currency="EUR") -> Decimal:
    objs = _get(emu, "pricing/", resource=resource, currency=currency, level=0)["objects"]
    assert len(objs) == 1
    return Decimal(objs[0]["price"])


def test_two_emulators_are_two_locations():
    with running_emulator(seed=5, drives=6, snapshots=30, location="zrh") as zrh, \
            running_emulator(seed=5, drives=6, snapshots=30, location="FRA") as fra:
        assert (zrh.location, fra.location) == ("ZRH", "FRA")
        assert _get(zrh, "balance/")["currency"] == "CHF" and _get(fra, "balance/")["currency"] == "EUR"
        assert _get(zrh, "profile/")["currency"] == "CHF"
        assert _get(zrh, "currentusage/")["balance"]["currency"] == "CHF"
        # Each location has its own prices (the same table shape, another level).
        assert _level0(zrh) != _level0(fra)
        assert _level0(zrh, "backup") != _level0(fra, "backup")
        # /locations/ lists the documented ones; its own entry is the emulator itself.
        for emu, other in ((zrh, fra), (fra, zrh)):
            locs = {o["id"]: o for o in _get(emu, "locations/", limit=0)["objects"]}
            assert len(locs) == 16 and {"ZRH", "FRA", "DUB", "WDC"} <= set(locs)
            assert locs[emu.location]["api_endpoint"] == emu.url
            assert locs[other.location]["api_endpoint"] == f"https://{other.location.lower()}.cloudsigma.com/api/2.0/"
            assert locs["DUB"]["api_endpoint"] == "https://ec.servecentric.com/api/2.0/"
            caps = _get(emu, "capabilities/")["remote_snapshots"]
            assert emu.location not in caps["remote_locations"] and other.location in caps["remote_locations"]
            # Its demo backups are kept in another location.
            backups = _get(emu, "remotesnapshots/", limit=0)["objects"]
            assert backups and {b["location"] for b in backups} == {caps["remote_locations"][0]}
            info = httpx.get(emu.base_url + "/_emulator/info", timeout=HANG_GUARD).json()
            assert info["location"] == emu.location
        # The explorer's client reads both, each in its own currency.
        for emu, currency in ((zrh, "CHF"), (fra, "EUR")):
            with CloudSigmaClient(emu.url, username=emu.username, password=emu.password) as client:
                assert client.balance().currency == currency


def test_without_a_location_it_stays_the_location_less_demo():
    with running_emulator(seed=5, drives=6, snapshots=30) as emu:
        assert emu.location is None
        assert _get(emu, "balance/")["currency"] == "EUR"
        assert _get(emu, "remotesnapshots/")["objects"] == []  # no demo backups, and no backup subscription
        assert {s["resource"] for s in _get(emu, "subscriptions/")["objects"]} == {"dssd"}
        locs = {o["id"]: o for o in _get(emu, "locations/", limit=0)["objects"]}
        assert locs["ZRH"]["api_endpoint"] == "https://zrh.cloudsigma.com/api/2.0/"
        assert _get(emu, "capabilities/")["remote_snapshots"]["remote_locations"] == [
            "GVA", "ZRH", "FRA", "CWL", "LON", "DUB"]


def test_a_database_keeps_its_location(tmp_path):
    from explorer.emulator import create_app
    from explorer.errors import EmulatorError

    db = tmp_path / "fra.sqlite"
    create_app(seed=2, drives=3, snapshots=6, db=db, location="FRA").state.emu.close()
    with pytest.raises(EmulatorError, match="holds location FRA; it cannot serve as ZRH"):
        create_app(seed=2, drives=3, snapshots=6, db=db, location="ZRH")


def test_cli_location_flag_names_it_and_refuses_an_unknown_code():
    bad = subprocess.run([SCRIPT, "emulator", "--location", "XYZ"], capture_output=True, text=True,
                         timeout=HANG_GUARD)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "snapshot-explorer: unknown location 'XYZ'; the documented locations are: PER, DUS, FRA, DUB, TYO, CRK, "
        "MNL, MNL2, RUH, GVA, ZRH, ADB, CWL, LON, HNL, WDC"]
    proc = subprocess.Popen([SCRIPT, "emulator", "--location", "lon", "--drives", "4", "--snapshots", "8"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert "emulator as location LON (London, GBP) listening on" in first
        url = re.search(r"(http://127\.0\.0\.1:\d+/api/2\.0/)", first).group(1)
        lines = [proc.stdout.readline() for _ in range(3)]
        assert any("remote snapshots" in line for line in lines)
        r = httpx.get(url + "balance/", auth=("demo@example.com", "demo-password"), timeout=HANG_GUARD)
        assert r.json()["currency"] == "GBP"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
