"""SQLite state: a restart with the same --db serves identical state; parallel writes lose nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from explorer.emulator import create_app, running_emulator
from explorer.emulator.state import EmulatorState
from tests.emulator.conftest import make_client


def _snapshot_of_state(c: httpx.Client) -> dict:
    return {path: c.get(path, params={"limit": 0}).content
            for path in ("snapshots/detail/", "drives/detail/", "jobs/", "tags/", "profile/", "subscriptions/")}


def test_restart_serves_identical_state(tmp_path):
    db = tmp_path / "emu.sqlite"
    with running_emulator(seed=2, drives=6, snapshots=40, db=db, transition_seconds=0.1) as emu, httpx.Client(
            base_url=emu.url, auth=(emu.username, emu.password)) as c:
        snaps = c.get("snapshots/detail/", params={"limit": 0}).json()["objects"]
        drive = snaps[0]["drive"]["uuid"]
        made = c.post("snapshots/", json={"drive": drive, "name": "kept", "meta": {"a": "b"}}).json()["objects"][0]
        c.put(f"snapshots/{snaps[1]['uuid']}/", json={"name": "renamed"})
        c.delete(f"snapshots/{snaps[2]['uuid']}/")
        c.put("profile/", json={"clone_naming": "COUNTER"})
        c.post(f"snapshots/{snaps[3]['uuid']}/action/?do=clone")
        c.post("tags/", json={"name": "persisted"})
        emu.advance(days=1)  # completes every transition and grows the newest snapshots
        before = _snapshot_of_state(c)
        pending = c.post("snapshots/", json={"drive": drive, "name": "pending"}).json()["objects"][0]
        clock_before = emu.now()
    # A different seed and sizes must not matter: the stored state wins.
    with running_emulator(seed=99, drives=1, snapshots=1, db=db, transition_seconds=0.1) as emu, httpx.Client(
            base_url=emu.url, auth=(emu.username, emu.password)) as c:
        assert emu.now() >= clock_before  # the clock offset survived
        assert httpx.get(emu.base_url + "/_emulator/info").json()["seed"] == 2
        got = c.get(f"snapshots/{made['uuid']}/").json()
        assert (got["name"], got["meta"], got["status"]) == ("kept", {"a": "b"}, "available")
        assert c.get(f"snapshots/{pending['uuid']}/").status_code == 200
        c.delete(f"snapshots/{pending['uuid']}/")
        after = _snapshot_of_state(c)
    assert after == before


def test_parallel_creates_lose_nothing_and_persist(tmp_path):
    db = tmp_path / "emu.sqlite"
    with running_emulator(seed=4, drives=4, snapshots=8, db=db, transition_seconds=0.1) as emu:
        auth = (emu.username, emu.password)
        drives = [d["uuid"] for d in httpx.get(emu.url + "drives/detail/", auth=auth).json()["objects"]
                  if d["runtime"]["is_snapshotable"]]

        def create(i: int) -> str:
            with httpx.Client(base_url=emu.url, auth=auth) as c:
                r = c.post("snapshots/", json={"drive": drives[i % len(drives)], "name": f"p{i}"})
                assert r.status_code == 201, r.text
                return r.json()["objects"][0]["uuid"]

        with ThreadPoolExecutor(max_workers=8) as pool:
            made = list(pool.map(create, range(48)))
        assert len(set(made)) == 48
    with running_emulator(db=db) as emu, httpx.Client(base_url=emu.url, auth=(emu.username, emu.password)) as c:
        listed = c.get("snapshots/", params={"limit": 0, "name__contains": "p"}).json()["objects"]
        assert {s["uuid"] for s in listed} >= set(made)
        refs = [r["uuid"] for d in c.get("drives/detail/").json()["objects"] for r in d["snapshots"]]
        assert set(made) <= set(refs) and len(refs) == len(set(refs)) == 8 + 48


def test_db_holds_no_plain_password_and_flags_update_it(tmp_path):
    db = tmp_path / "emu.sqlite"
    with running_emulator(drives=2, snapshots=4, db=db, users=["ops@example.com:first-secret"]):
        pass
    assert b"first-secret" not in db.read_bytes()
    assert db.stat().st_mode & 0o077 == 0
    with running_emulator(db=db, users=["ops@example.com:second-secret"]) as emu:
        assert httpx.get(emu.url + "balance/", auth=("ops@example.com", "second-secret")).status_code == 200
        assert httpx.get(emu.url + "balance/", auth=("ops@example.com", "first-secret")).status_code == 401


async def test_a_clone_in_progress_finishes_after_restart(tmp_path):
    db = tmp_path / "emu.sqlite"
    state = EmulatorState(seed=3, drives=3, snapshots=6, db=db, transition_seconds=60)
    async with make_client(create_app(state=state)) as c:
        snap = (await c.get("snapshots/")).json()["objects"][0]
        drive = (await c.post(f"snapshots/{snap['uuid']}/action/?do=clone")).json()
    state.close()
    state = EmulatorState(db=db, transition_seconds=60)
    async with make_client(create_app(state=state)) as c:
        job = drive["jobs"][0]["uuid"]
        assert (await c.get(f"jobs/{job}/")).json()["state"] == "started"
        state.advance(seconds=30)
        assert 40 <= (await c.get(f"jobs/{job}/")).json()["data"]["progress"] < 100
        state.advance(seconds=31)
        assert (await c.get(f"jobs/{job}/")).json()["state"] == "success"
        assert (await c.get(f"drives/{drive['uuid']}/")).json()["status"] == "unmounted"
    state.close()
