"""Fault injection: each kind in-process and over loopback; controls are never affected."""

from __future__ import annotations

import time

import httpx
import msgspec
import pytest

from explorer.emulator import running_emulator
from tests.emulator.conftest import a_drive, all_of


async def _faults(app, **kw):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as ctl:
        r = await ctl.put("/_emulator/faults", json=kw)
        assert r.status_code == 200, r.text
        return r.json()


async def test_error_rate_gives_5xx_error_arrays_and_controls_stay_clean(app, client):
    settings = await _faults(app, error_rate=1.0)
    assert settings["error_rate"] == 1.0
    statuses = set()
    for _ in range(12):
        r = await client.get("snapshots/")
        statuses.add(r.status_code)
        assert r.json()[0]["error_type"] in ("backend", "concurrency")
    assert statuses <= {500, 502, 503} and len(statuses) > 1
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as ctl:
        assert (await ctl.get("/_emulator/info")).status_code == 200
        assert (await ctl.delete("/_emulator/faults")).json()["error_rate"] == 0.0
    assert (await client.get("snapshots/")).status_code == 200


async def test_rate_limit_gives_429_with_retry_after(app, client):
    await _faults(app, rate_limit_rate=1.0, retry_after=7)
    r = await client.get("drives/")
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert r.json()[0]["error_message"]


async def test_latency_delays_api_requests(app, client):
    await _faults(app, latency_ms=150)
    t0 = time.perf_counter()
    assert (await client.get("balance/")).status_code == 200
    assert time.perf_counter() - t0 >= 0.15


async def test_drop_before_or_after_write(app, client):
    drive = await a_drive(client)
    n = len(await all_of(client, "snapshots/"))
    await _faults(app, drop_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("snapshots/", json={"drive": drive["uuid"], "name": "lost-before"})
    await _faults(app, drop_rate=1.0, drop_after_write=True)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("snapshots/", json={"drive": drive["uuid"], "name": "lost-after"})
    await _faults(app, drop_rate=0.0)
    names = [s["name"] for s in await all_of(client, "snapshots/")]
    assert len(names) == n + 1 and "lost-after" in names and "lost-before" not in names


async def test_truncate_cuts_the_body(app, client):
    await _faults(app, truncate_rate=1.0)
    r = await client.get("snapshots/")
    assert r.status_code == 200 and len(r.content) < int(r.headers["content-length"])
    with pytest.raises(msgspec.DecodeError):
        msgspec.json.decode(r.content)


async def test_bad_fault_settings_are_refused(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as ctl:
        for body in ({"error_rate": 2}, {"nonsense": 1}, {"latency_ms": -5}):
            r = await ctl.put("/_emulator/faults", json=body)
            assert r.status_code == 400 and r.json()[0]["error_type"] == "validation"


def test_faults_over_loopback():
    with running_emulator(drives=3, snapshots=6, fail_rate=1.0) as emu, httpx.Client(
            base_url=emu.url, auth=(emu.username, emu.password)) as c:
        assert c.get("snapshots/").status_code in (500, 502, 503)
        emu.set_faults(error_rate=0.0, drop_rate=1.0)
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("snapshots/")
        emu.set_faults(drop_rate=0.0, truncate_rate=1.0)
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("snapshots/")
        emu.clear_faults()
        drive = next(d for d in c.get("drives/detail/").json()["objects"] if d["runtime"]["is_snapshotable"])
        emu.set_faults(drop_rate=1.0, drop_after_write=True)
        with pytest.raises(httpx.RemoteProtocolError):
            c.post("snapshots/", json={"drive": drive["uuid"], "name": "answer-lost"})
        emu.clear_faults()
        listed = c.get("snapshots/", params={"limit": 0}).json()
        assert listed["meta"]["total_count"] == 7  # the server survived every fault and kept the write
        assert "answer-lost" in [s["name"] for s in listed["objects"]]
