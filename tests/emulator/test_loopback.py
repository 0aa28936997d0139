"""The emulator over real loopback HTTP: start, serve, lifecycle with the clock, stop."""

from __future__ import annotations

import time

import httpx

from explorer.emulator import running_emulator


def _wait_for(fn, timeout=120.0):  # a hang guard only: returns as soon as fn() holds
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")


def test_running_emulator_serves_demo_fleet_and_lifecycle():
    with running_emulator(seed=3, drives=8, snapshots=80, transition_seconds=0.2) as emu:
        assert emu.url.startswith("http://127.0.0.1:") and emu.url.endswith("/api/2.0/")
        assert emu.base_url + "/api/2.0/" == emu.url
        assert (emu.username, emu.password) == ("demo@example.com", "demo-password")
        assert "demo-password" not in repr(emu)
        with httpx.Client(base_url=emu.url, auth=(emu.username, emu.password)) as c:
            listing = c.get("snapshots/detail/", params={"limit": 0}).json()
            assert listing["meta"] == {"limit": 0, "offset": 0, "total_count": 80}
            drive = next(d for d in c.get("drives/detail/", params={"limit": 0}).json()["objects"]
                         if d["runtime"]["is_snapshotable"])
            r = c.post("snapshots/", json={"drive": drive["uuid"], "name": "loopback"})
            assert r.status_code == 201
            snap = r.json()["objects"][0]
            assert snap["status"] == "creating" and snap["allocated_size"] is None
            done = _wait_for(lambda: (s := c.get(f"snapshots/{snap['uuid']}/").json())["status"] == "available" and s)
            assert isinstance(done["allocated_size"], int)
            before = emu.now()
            emu.advance(days=1)
            assert (emu.now() - before).total_seconds() >= 86400
            assert httpx.get(emu.base_url + "/_emulator/clock").json()["offset_seconds"] >= 86400


def test_unauthenticated_request_gets_basic_challenge():
    with running_emulator(drives=2, snapshots=4) as emu:
        r = httpx.get(emu.url + "snapshots/")
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == 'Basic realm="users"'
        assert r.json()[0]["error_type"] == "permission"


def test_several_accounts_and_an_empty_start():
    users = ["ann@example.com:pw-ann", ("bob@example.com", "pw-bob")]
    with running_emulator(drives=4, snapshots=20, users=users, demo=False) as emu:
        assert (emu.username, emu.password) == ("ann@example.com", "pw-ann")
        assert emu.users == [("ann@example.com", "pw-ann"), ("bob@example.com", "pw-bob")]
        for email, password in emu.users:
            body = httpx.get(emu.url + "snapshots/", auth=(email, password)).json()
            assert body["meta"]["total_count"] == 0
        info = httpx.get(emu.base_url + "/_emulator/info").json()
        assert [a["email"] for a in info["accounts"]] == ["ann@example.com", "bob@example.com"]
        assert "pw-ann" not in str(info)
