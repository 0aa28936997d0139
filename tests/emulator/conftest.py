"""Fixtures for emulator tests: a small in-process app and an async client on it."""

from __future__ import annotations

import httpx
import pytest

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app

BASE = "http://emulator/api/2.0/"


def make_client(app, auth=(DEMO_USERNAME, DEMO_PASSWORD)) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE, auth=auth)


@pytest.fixture
def app():
    return create_app(seed=7, drives=12, snapshots=240, transition_seconds=0.2,
                      users=[(DEMO_USERNAME, DEMO_PASSWORD), ("other@example.com", "other-password")])


@pytest.fixture
async def client(app):
    async with make_client(app) as c:
        yield c


@pytest.fixture
async def other(app):
    async with make_client(app, auth=("other@example.com", "other-password")) as c:
        yield c


SEED_SNAPSHOT_KEYS = {"allocated_size", "drive", "grantees", "meta", "name", "owner", "permissions", "resource_uri",
                      "status", "tags", "timestamp", "uuid"}
SEED_CLONE_KEYS = {"affinities", "allow_multimount", "grantees", "jobs", "licenses", "media", "meta", "mounted_on",
                   "name", "owner", "permissions", "resource_uri", "runtime", "size", "snapshots", "status",
                   "storage_type", "tags", "uuid"}


async def all_of(client, path, **params) -> list[dict]:
    r = await client.get(path, params={"limit": 0, **params})
    assert r.status_code == 200, r.text
    return r.json()["objects"]


async def a_drive(client, *, snapshotable=True, status=("mounted", "unmounted")) -> dict:
    for d in await all_of(client, "drives/detail/"):
        if d["runtime"]["is_snapshotable"] is snapshotable and d["status"] in status:
            return d
    raise AssertionError("the fleet has no such drive")


def advance(app, **kw) -> None:
    """Move the simulated clock (what a test would otherwise do through /_emulator/clock/advance)."""
    app.state.emu.advance(**kw)
