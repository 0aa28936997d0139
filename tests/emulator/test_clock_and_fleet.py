"""The simulated clock (growth, transitions) and the demo fleet (deterministic, realistic mix)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import httpx

from explorer.emulator import create_app
from explorer.emulator.clock import SimClock
from explorer.emulator.state import EmulatorState
from tests.emulator.conftest import a_drive, all_of, make_client


def _fixed_clock(t0: float) -> SimClock:
    return SimClock(real=itertools.repeat(t0).__next__)


def test_same_seed_same_fleet_different_seed_different_fleet():
    a = EmulatorState(seed=5, drives=10, snapshots=100, clock=_fixed_clock(1.7e9))
    b = EmulatorState(seed=5, drives=10, snapshots=100, clock=_fixed_clock(1.7e9))
    c = EmulatorState(seed=6, drives=10, snapshots=100, clock=_fixed_clock(1.7e9))
    raw = lambda s, kind: list(s.accounts["demo@example.com"].collections[kind].raw.values())  # noqa: E731
    assert raw(a, "snapshots") == raw(b, "snapshots") and raw(a, "drives") == raw(b, "drives")
    assert raw(a, "snapshots") != raw(c, "snapshots")
    # Generated relative to the clock's start: a later start shifts times, not uuids or sizes.
    later = EmulatorState(seed=5, drives=10, snapshots=100, clock=_fixed_clock(1.7e9 + 3600))
    sa, sl = a.accounts["demo@example.com"].snapshots, later.accounts["demo@example.com"].snapshots
    assert list(sa.objs) == list(sl.objs)
    assert [s["allocated_size"] for s in sa] == [s["allocated_size"] for s in sl]
    ts = lambda s: datetime.fromisoformat(s["timestamp"]).timestamp()  # noqa: E731
    assert all(abs(ts(y) - ts(x) - 3600) < 1e-3 for x, y in zip(sa, sl, strict=True))


def test_default_fleet_looks_like_a_real_account():
    state = EmulatorState(seed=1)
    acct = state.accounts["demo@example.com"]
    drives, snaps = list(acct.drives), list(acct.snapshots)
    assert len(drives) == 50 and 2000 <= len(snaps) <= 5000
    types = {d["storage_type"] for d in drives}
    assert {"dssd", "zadara", "nvme", "local_nvme"} <= types
    local = [d for d in drives if d["storage_type"] == "local_nvme"]
    assert all(d["runtime"]["is_snapshotable"] is False and d["snapshots"] == [] for d in local)
    mounted = [d for d in drives if d["status"] == "mounted"]
    assert mounted and all(d["mounted_on"][0]["resource_uri"].startswith("/api/2.0/servers/") for d in mounted)
    assert any(d["status"] == "unmounted" for d in drives)
    assert all({"owner", "environment", "purpose"} <= set(d["meta"]) for d in drives)
    default_named = [s for s in snaps if s["name"].startswith(s["drive"]["uuid"] + "__")]
    assert 0 < len(default_named) < len(snaps)
    stamps = sorted(datetime.fromisoformat(s["timestamp"]).timestamp() for s in snaps)
    assert 300 * 86400 < stamps[-1] - stamps[0] <= 366 * 86400  # about a year of history
    sizes = sorted(s["allocated_size"] for s in snaps)
    assert sizes[-1] > 20 * sizes[len(sizes) // 2]  # heavy tail
    for d in drives:
        assert d["runtime"]["snapshots_allocated_size"] == sum(acct.snapshots.get(r["uuid"])["allocated_size"]
                                                               for r in d["snapshots"])


async def test_advance_continues_the_schedule_and_keeps_writing(app, client):
    drive = max(await all_of(client, "drives/detail/"), key=lambda d: len(d["snapshots"]))
    before = {s["uuid"]: s for s in await all_of(client, "snapshots/detail/", drive=drive["uuid"])}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as ctl:
        clock0 = (await ctl.get("/_emulator/clock")).json()
        r = await ctl.post("/_emulator/clock/advance", json={"days": 2, "hours": 1})
        assert r.status_code == 200 and r.json()["epoch"] - clock0["epoch"] >= 2 * 86400 + 3600
        assert (await ctl.post("/_emulator/clock/advance", json={"days": -1})).status_code == 400
    after = {s["uuid"]: s for s in await all_of(client, "snapshots/detail/", drive=drive["uuid"])}
    newest = drive["snapshots"][-1]["uuid"]
    # The busiest drive is on a daily schedule: two days bring two new snapshots, a day apart, after the newest.
    new = sorted((s for u, s in after.items() if u not in before), key=lambda s: s["timestamp"])
    assert len(new) == 2 and all(s["status"] == "available" for s in new)
    stamps = [datetime.fromisoformat(s["timestamp"]).timestamp() for s in [before[newest], *new]]
    assert [round((b - a) / 86400, 3) for a, b in itertools.pairwise(stamps)] == [1.0, 1.0]
    assert all(s["name"] == f"{drive['uuid']}__" + datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d__%H_%M_%S")
               for s, t in zip(new, stamps[1:], strict=True))
    # What the drive wrote went into the snapshot that was newest at the time; older ones are unchanged.
    assert after[newest]["allocated_size"] >= before[newest]["allocated_size"]
    assert sum(s["allocated_size"] for s in after.values()) > sum(s["allocated_size"] for s in before.values())
    assert {u: after[u] for u in before if u != newest} == {u: s for u, s in before.items() if u != newest}
    d = (await client.get(f"drives/{drive['uuid']}/")).json()
    assert d["runtime"]["snapshots_allocated_size"] == sum(s["allocated_size"] for s in after.values())
    assert [r["uuid"] for r in d["snapshots"]][-2:] == [s["uuid"] for s in new]


def test_schedules_stop_at_the_quota_and_are_deterministic():
    states = [EmulatorState(seed=3, drives=8, snapshots=80, clock=_fixed_clock(1.7e9)) for _ in range(2)]
    for state in states:
        acct = state.accounts["demo@example.com"]
        acct.settings["quota_max"] = len(acct.snapshots) + 5
        state.advance(days=60)
    a, b = (s.accounts["demo@example.com"] for s in states)
    assert len(a.snapshots) == len(b.snapshots) == a.settings["quota_max"]
    assert list(a.snapshots.raw.values()) == list(b.snapshots.raw.values())
    states[0].advance(days=30)  # full: time passes, data is written, nothing more is taken
    assert len(a.snapshots) == a.settings["quota_max"]
    assert sum(s["allocated_size"] for s in a.snapshots) > sum(s["allocated_size"] for s in b.snapshots)


async def test_new_snapshot_becomes_the_growing_one(app, client):
    drive = await a_drive(client)
    old_newest = drive["snapshots"][-1]["uuid"] if drive["snapshots"] else None
    snap = (await client.post("snapshots/", json={"drive": drive["uuid"]})).json()["objects"][0]
    app.state.emu.advance(seconds=1)
    first = (await client.get(f"snapshots/{snap['uuid']}/")).json()["allocated_size"]
    old = (await client.get(f"snapshots/{old_newest}/")).json()["allocated_size"] if old_newest else None
    app.state.emu.advance(days=1)
    assert (await client.get(f"snapshots/{snap['uuid']}/")).json()["allocated_size"] > first
    if old_newest:
        assert (await client.get(f"snapshots/{old_newest}/")).json()["allocated_size"] == old


async def test_transitions_complete_with_real_time_too():
    # transition_seconds=0: due immediately, on the next request, without touching the clock.
    app = create_app(drives=3, snapshots=6, transition_seconds=0.0)
    async with make_client(app) as c:
        drive = await a_drive(c)
        snap = (await c.post("snapshots/", json={"drive": drive["uuid"]})).json()["objects"][0]
        assert snap["status"] == "creating"
        assert (await c.get(f"snapshots/{snap['uuid']}/")).json()["status"] == "available"
