"""Asynchronous deletion: with `deletion_delay_seconds` a deleted snapshot stays listed and gettable until it passes.

The delay runs on the simulated clock, so the tests move the clock instead of waiting.
"""

from __future__ import annotations

import re
import subprocess

import httpx

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app, running_emulator
from tests.emulator.conftest import make_client


async def _controls(app, method: str, **body) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as ctl:
        return await ctl.request(method, "/_emulator/faults", json=body or None)


async def _two_snapshots(client) -> list[dict]:
    r = await client.get("snapshots/detail/", params={"limit": 2})
    return r.json()["objects"]


async def test_deleted_snapshots_stay_listed_until_the_delay_passes(app, client):
    r = await _controls(app, "PUT", deletion_delay_seconds=30)
    assert r.status_code == 200 and r.json()["deletion_delay_seconds"] == 30.0
    one, two = await _two_snapshots(client)
    total = (await client.get("snapshots/")).json()["meta"]["total_count"]
    assert (await client.delete(f"snapshots/{one['uuid']}/")).status_code == 204
    bulk = await client.request("DELETE", "snapshots/", json={"objects": [{"uuid": two["uuid"]}]})
    assert bulk.status_code == 204 and bulk.content == b""
    # "deletion started": both are still there, as they were
    assert (await client.get(f"snapshots/{one['uuid']}/")).json()["status"] == one["status"]
    listed = (await client.get("snapshots/", params={"uuid": f"{one['uuid']},{two['uuid']}"})).json()
    assert listed["meta"]["total_count"] == 2
    # deleting again meanwhile is accepted and does not restart the wait
    assert (await client.delete(f"snapshots/{one['uuid']}/")).status_code == 204
    app.state.emu.advance(seconds=29)
    assert (await client.get(f"snapshots/{two['uuid']}/")).status_code == 200
    app.state.emu.advance(seconds=2)
    for snap in (one, two):
        gone = await client.get(f"snapshots/{snap['uuid']}/")
        assert gone.status_code == 404 and gone.json()[0]["error_type"] == "notexist"
    assert (await client.get("snapshots/")).json()["meta"]["total_count"] == total - 2
    drive = (await client.get(f"drives/{one['drive']['uuid']}/")).json()
    assert one["uuid"] not in {r["uuid"] for r in drive["snapshots"]}


async def test_without_a_delay_deletion_is_immediate_and_clearing_faults_resets_it(app, client):
    assert (await _controls(app, "GET")).json()["deletion_delay_seconds"] == 0.0
    await _controls(app, "PUT", deletion_delay_seconds=5)
    assert (await _controls(app, "DELETE")).json()["deletion_delay_seconds"] == 0.0
    one, _ = await _two_snapshots(client)
    assert (await client.delete(f"snapshots/{one['uuid']}/")).status_code == 204
    assert (await client.get(f"snapshots/{one['uuid']}/")).status_code == 404


async def test_bad_delays_are_refused_with_the_error_array(app):
    for bad in (-1, "5", True, 1e9):
        r = await _controls(app, "PUT", deletion_delay_seconds=bad)
        assert r.status_code == 400, bad
        assert "deletion_delay_seconds" in r.json()[0]["error_message"]
    assert (await _controls(app, "GET")).json()["deletion_delay_seconds"] == 0.0


async def test_a_pending_deletion_survives_a_restart(tmp_path):
    db = tmp_path / "emu.sqlite"
    app = create_app(seed=3, drives=2, snapshots=6, db=db, faults={"deletion_delay_seconds": 60})
    async with make_client(app) as client:
        one, _ = await _two_snapshots(client)
        assert (await client.delete(f"snapshots/{one['uuid']}/")).status_code == 204
    app.state.emu.close()
    again = create_app(seed=3, drives=2, snapshots=6, db=db)
    try:
        async with make_client(again) as client:
            assert (await client.get(f"snapshots/{one['uuid']}/")).status_code == 200
            again.state.emu.advance(seconds=61)
            assert (await client.get(f"snapshots/{one['uuid']}/")).status_code == 404
    finally:
        again.state.emu.close()


def test_running_emulator_takes_the_delay():
    with running_emulator(drives=2, snapshots=4, deletion_delay_seconds=12.5) as emu:
        assert emu.set_faults()["deletion_delay_seconds"] == 12.5
        with httpx.Client(base_url=emu.url, auth=(DEMO_USERNAME, DEMO_PASSWORD)) as http:
            snap = http.get("snapshots/", params={"limit": 1}).json()["objects"][0]
            assert http.delete(f"snapshots/{snap['uuid']}/").status_code == 204
            assert http.get(f"snapshots/{snap['uuid']}/").status_code == 200
            emu.advance(seconds=13)
            assert http.get(f"snapshots/{snap['uuid']}/").status_code == 404


def test_the_cli_flag_sets_the_delay_and_bad_values_are_one_line():
    from tests.emulator.test_exposure import HANG_GUARD, SCRIPT, _env, _serve, _stop

    proc, out = _serve(["--port", "0", "--deletion-delay", "45"], _env())
    try:
        base = re.search(r"(http://127\.0\.0\.1:\d+)/api/2\.0/", out).group(1)
        assert httpx.get(f"{base}/_emulator/faults").json()["deletion_delay_seconds"] == 45.0
    finally:
        _stop(proc)
    bad = subprocess.run([SCRIPT, "emulator", "--deletion-delay", "-3"], env=_env(), capture_output=True, text=True,
                         timeout=HANG_GUARD)
    assert bad.returncode == 2
    assert bad.stderr == "snapshot-explorer: --deletion-delay must be between 0 and 86400 seconds\n"
