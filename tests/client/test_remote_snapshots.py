"""`client.remotesnapshots`: backups through the same safe paths as snapshots, against a location's emulator."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from explorer import errors
from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.deletion import ALREADY_GONE, DELETED
from explorer.client.models import Drive, RemoteSnapshot
from explorer.emulator import create_app
from explorer.emulator.server import EmulatorServer
from tests.client.conftest import DEMO_PASSWORD, DEMO_USER, FAST_RETRY, resolve
from tests.client.test_delete_honesty import DropFirst

# transition_seconds=0: a new backup is creating in the POST's answer, available by the next request.
LOCATION_FLEET = dict(seed=7, drives=8, snapshots=120, transition_seconds=0, location="FRA")


@pytest.fixture(params=["async-asgi", "sync-loopback"])
def kind(request) -> str:
    return request.param


@asynccontextmanager
async def serve(kind: str, wrap: Callable = lambda app: app):
    """A client of ``kind`` on a fresh FRA emulator seen through ``wrap(app)``; yields (client, wrapper, app)."""
    app = create_app(**LOCATION_FLEET)
    outer = wrap(app)
    try:
        if kind == "async-asgi":
            async with AsyncCloudSigmaClient("http://emulator/api/2.0/", username=DEMO_USER, password=DEMO_PASSWORD,
                                             transport=httpx.ASGITransport(app=outer), retry=FAST_RETRY) as client:
                yield client, outer, app
            return
        server = EmulatorServer(outer)
        server.start()
        try:
            with CloudSigmaClient(f"{server.base_url}/api/2.0/", username=DEMO_USER, password=DEMO_PASSWORD,
                                  retry=FAST_RETRY) as client:
                yield client, outer, app
        finally:
            server.stop()
    finally:
        app.state.emu.close()


async def a_drive_without_backups(client) -> Drive:
    drives = await resolve(client.drives.list())
    return next(d for d in drives if d.runtime and d.runtime.is_snapshotable and not d.remote_snapshots
                and d.status in ("mounted", "unmounted"))


async def test_create_get_update_list_clone_and_delete(kind):
    async with serve(kind) as (client, _, _app):
        drive = await a_drive_without_backups(client)
        made = await resolve(client.remotesnapshots.create(drive.uuid, location="zrh", name="before-upgrade",
                                                           meta={"ticket": "OPS-1"}))
        assert isinstance(made, RemoteSnapshot)
        assert (made.status, made.location, made.name, made.meta) == ("creating", "ZRH", "before-upgrade",
                                                                      {"ticket": "OPS-1"})
        assert made.drive.uuid == drive.uuid == made.drive_meta.src_uuid and made.drive_meta.size == drive.size
        done = await resolve(client.remotesnapshots.wait_for_status(made.uuid, timeout=120, poll=0.01))
        assert done.status == "available" and isinstance(done.allocated_size, int)
        edited = await resolve(client.remotesnapshots.update(made.uuid, name="kept", meta={"keep": "yes"}))
        assert (edited.name, edited.meta) == ("kept", {"keep": "yes"})
        listed = await resolve(client.remotesnapshots.list(drive=drive.uuid))
        assert [r.uuid for r in listed] == [made.uuid] and all(isinstance(r, RemoteSnapshot) for r in listed)
        assert made.uuid not in {s.uuid for s in await resolve(client.snapshots.list(drive=drive.uuid))}
        clone = await resolve(client.remotesnapshots.clone(made.uuid, name="restored"))
        assert isinstance(clone, Drive) and (clone.name, clone.status) == ("restored", "cloning_dst")
        await resolve(client.remotesnapshots.delete(made.uuid))
        with pytest.raises(errors.NotFoundError):
            await resolve(client.remotesnapshots.get(made.uuid))


async def test_a_second_backup_within_30_minutes_is_the_apis_refusal(kind):
    async with serve(kind) as (client, _, _app):
        drive = await a_drive_without_backups(client)
        await resolve(client.remotesnapshots.create(drive.uuid, location="ZRH"))
        with pytest.raises(errors.ApiError, match="within 30 minutes") as caught:
            await resolve(client.remotesnapshots.create(drive.uuid, location="ZRH"))
        assert caught.value.status_code == 403


async def test_a_create_without_location_is_refused_before_anything_is_sent(kind):
    seen: list[str] = []

    def record(app):
        async def asgi(scope, receive, send):
            if scope["type"] == "http":
                seen.append(f"{scope['method']} {scope['path']}")
            return await app(scope, receive, send)
        return asgi

    async with serve(kind, record) as (client, _, _app):
        with pytest.raises(errors.ValidationError, match="location"):
            await resolve(client.remotesnapshots.create_many([{"drive": "00000000-0000-4000-8000-000000000001"}]))
        assert not any(s.startswith("POST") for s in seen)


async def test_a_lost_create_answer_adopts_the_backup_instead_of_making_a_second(kind):
    def lost_post(method: str, path: str) -> bool:
        return method == "POST" and path == "/api/2.0/remotesnapshots/"

    async with serve(kind, lambda app: DropFirst(app, lost_post, after_write=True)) as (client, gate, _app):
        drive = await a_drive_without_backups(client)
        made = await resolve(client.remotesnapshots.create(drive.uuid, location="GVA", name="nightly"))
        assert made.name == "nightly" and made.location == "GVA"
        assert [r.uuid for r in await resolve(client.remotesnapshots.list(drive=drive.uuid))] == [made.uuid]
        assert gate.seen.count("POST /api/2.0/remotesnapshots/") == 1  # adopted, never sent again


async def test_delete_many_says_per_uuid_what_happened(kind):
    async with serve(kind) as (client, _, _app):
        backups = await resolve(client.remotesnapshots.list())
        uuids = [b.uuid for b in backups[:3]]
        await resolve(client.remotesnapshots.delete(uuids[1]))  # someone else deleted it already
        outcomes = await resolve(client.remotesnapshots.delete_many(uuids))
        assert {o.uuid: o.outcome for o in outcomes} == {uuids[0]: DELETED, uuids[1]: ALREADY_GONE,
                                                         uuids[2]: DELETED}
        left = {b.uuid for b in await resolve(client.remotesnapshots.list())}
        assert not left & set(uuids) and len(left) == len(backups) - 3


async def test_an_orphan_backup_can_still_be_renamed(kind):
    async with serve(kind) as (client, _, _app):
        orphan = next(b for b in await resolve(client.remotesnapshots.list()) if b.drive is None)
        assert orphan.drive_meta.src_uuid  # the deleted drive is still named
        renamed = await resolve(client.remotesnapshots.update(orphan.uuid, name="legacy kept"))
        assert renamed.name == "legacy kept" and renamed.drive is None
