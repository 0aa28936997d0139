"""delete_many says per uuid what happened (deleted / already gone / still there / unknown), never a blanket success.

The emulator's own fault injection drops exactly the requests a small ASGI wrapper picks,
before the emulator sees them, so the client meets the lost request it would meet on a
real network; the client and the emulator speak the real protocol to each other.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from explorer import errors
from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.deletion import ALREADY_GONE, DELETED, STILL_THERE, UNKNOWN
from explorer.emulator import create_app
from explorer.emulator.server import EmulatorServer
from tests.client.conftest import (
    DEMO_PASSWORD,
    DEMO_USER,
    FAST_RETRY,
    FLEET,
    read_body,
    replay_body,
    resolve,
    send_json,
)


class DropFirst:
    """Drops the first ``times`` requests ``match(method, path)`` picks, before the emulator acts on them
    (``after_write``: after it has)."""

    def __init__(self, app, match: Callable[[str, str], bool], times: float = 1, *, after_write: bool = False):
        self.app, self.match, self.times, self.after_write = app, match, times, after_write
        self.seen: list[str] = []  # "METHOD path" of every API request, dropped or not

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.seen.append(f"{scope['method']} {scope['path']}")
        if not (self.times > 0 and self.match(scope["method"], scope["path"])):
            return await self.app(scope, receive, send)
        self.times -= 1
        faults = self.app.state.faults
        faults.update(drop_rate=1.0, drop_after_write=self.after_write)  # requests are handled one at a time here
        try:
            return await self.app(scope, receive, send)
        finally:
            faults.update(drop_rate=0.0, drop_after_write=False)


def bulk_delete(method: str, path: str) -> bool:
    return method == "DELETE" and path == "/api/2.0/snapshots/"


@pytest.fixture(params=["async-asgi", "sync-loopback"])
def kind(request) -> str:
    return request.param


@asynccontextmanager
async def serve(kind: str, wrap: Callable):
    """A client of ``kind`` talking to a fresh emulator through ``wrap(app)``; yields (client, wrapper)."""
    app = create_app(**FLEET)
    outer = wrap(app)
    try:
        if kind == "async-asgi":
            async with AsyncCloudSigmaClient("http://emulator/api/2.0/", username=DEMO_USER, password=DEMO_PASSWORD,
                                             transport=httpx.ASGITransport(app=outer), retry=FAST_RETRY) as client:
                yield client, outer
            return
        server = EmulatorServer(outer)
        server.start()
        try:
            with CloudSigmaClient(f"{server.base_url}/api/2.0/", username=DEMO_USER, password=DEMO_PASSWORD,
                                  retry=FAST_RETRY) as client:
                yield client, outer
        finally:
            server.stop()
    finally:
        app.state.emu.close()


async def three_and_one_gone(client) -> tuple[list[str], str]:
    snaps = await resolve(client.snapshots.list())
    uuids = [s.uuid for s in snaps[:3]]
    await resolve(client.snapshots.delete(uuids[1]))  # out of band: someone else deleted it already
    return uuids, uuids[1]


async def listed(client, uuids) -> set[str]:
    return {s.uuid for s in await resolve(client.snapshots.list(uuid=list(uuids)))}


async def test_dropped_bulk_delete_then_404_is_not_reported_as_success(kind):
    """The issue's case: the bulk DELETE never reaches the server, its retry is a 404 for the one already gone."""
    async with serve(kind, lambda app: DropFirst(app, bulk_delete)) as (client, gate):
        uuids, gone = await three_and_one_gone(client)
        outcomes = await resolve(client.snapshots.delete_many(uuids))
        assert [(o.uuid, o.outcome) for o in outcomes] == [
            (uuids[0], DELETED), (gone, ALREADY_GONE), (uuids[2], DELETED)]
        assert "does not exist" in outcomes[1].detail
        assert await listed(client, uuids) == set(), "delete_many said deleted, the server still lists them"
        assert gate.seen.count("DELETE /api/2.0/snapshots/") == 2  # the dropped one, and the retry's 404


async def test_a_plain_404_on_the_bulk_call_deletes_the_rest_and_names_the_missing_one(kind):
    async with serve(kind, lambda app: app) as (client, _):
        uuids, gone = await three_and_one_gone(client)
        outcomes = await resolve(client.snapshots.delete_many(uuids))
        assert {o.uuid: o.outcome for o in outcomes} == {uuids[0]: DELETED, gone: ALREADY_GONE, uuids[2]: DELETED}
        assert f"Object with uuid {gone} does not exist" in outcomes[1].detail
        assert await listed(client, uuids) == set()


class RefuseOne:
    """The API refuses any DELETE naming ``uuid`` with 403 (as it does for an object in a state that forbids it)."""

    BODY = b'[{"error_point": null, "error_type": "permission", "error_message": "Cannot delete: snapshot is locked"}]'

    def __init__(self, app):
        self.app, self.uuid = app, None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "DELETE" or self.uuid is None:
            return await self.app(scope, receive, send)
        body = await read_body(receive)
        if self.uuid in scope["path"] or self.uuid.encode() in body:
            return await send_json(send, 403, self.BODY)
        return await self.app(scope, replay_body(body), send)


async def test_a_refused_item_is_still_there_and_check_raises_naming_it(kind):
    async with serve(kind, RefuseOne) as (client, gate):
        uuids = [s.uuid for s in (await resolve(client.snapshots.list()))[:3]]
        gate.uuid = uuids[2]
        with pytest.raises(errors.IncompleteDeletionError) as info:
            await resolve(client.snapshots.delete_many(uuids))
        assert uuids[2] in str(info.value) and "still there" in str(info.value) and "locked" in str(info.value)
        by_uuid = {o.uuid: o for o in info.value.outcomes}
        assert [by_uuid[u].outcome for u in uuids] == [DELETED, DELETED, STILL_THERE]
        assert "locked" in by_uuid[uuids[2]].detail
        assert await listed(client, uuids) == {uuids[2]}
        # check=False hands the same report back instead of raising
        again = await resolve(client.snapshots.delete_many([uuids[2]], check=False))
        assert [(o.uuid, o.outcome) for o in again] == [(uuids[2], STILL_THERE)]


async def test_when_nothing_can_be_checked_every_item_is_unknown(kind):
    """Every request is dropped: the client cannot know what happened and says so for each uuid."""
    async with serve(kind, lambda app: DropFirst(app, lambda m, p: True, times=0)) as (client, gate):
        uuids = [s.uuid for s in (await resolve(client.snapshots.list()))[:2]]
        gate.times = float("inf")
        with pytest.raises(errors.IncompleteDeletionError, match="unknown") as info:
            await resolve(client.snapshots.delete_many(uuids))
        assert [(o.uuid, o.outcome) for o in info.value.outcomes] == [(u, UNKNOWN) for u in uuids]
        assert all("check" in o.detail for o in info.value.outcomes)
        gate.times = 0
        assert await listed(client, uuids) == set(uuids)  # nothing reached the server


async def test_nothing_to_delete_sends_nothing(kind):
    async with serve(kind, lambda app: DropFirst(app, lambda m, p: False)) as (client, gate):
        assert await resolve(client.snapshots.delete_many([])) == []
        assert gate.seen == []


async def test_still_listed_right_after_a_204_is_deleted_not_refused(kind):
    """Deletion is asynchronous: the answer to the first bulk DELETE is lost after the write, the snapshots
    are still listed while their deletion runs, and the retry's 204 is taken for what it is."""
    def wrap(app):
        app.state.faults.update(deletion_delay_seconds=3600)
        return DropFirst(app, bulk_delete, after_write=True)

    async with serve(kind, wrap) as (client, gate):
        uuids = [s.uuid for s in (await resolve(client.snapshots.list()))[:3]]
        outcomes = await resolve(client.snapshots.delete_many(uuids))
        assert [(o.uuid, o.outcome) for o in outcomes] == [(u, DELETED) for u in uuids]
        assert gate.seen.count("DELETE /api/2.0/snapshots/") == 2
        assert await listed(client, uuids) == set(uuids)  # deletion started, not finished
        gate.app.state.emu.advance(seconds=3601)
        assert await listed(client, uuids) == set()


async def test_listed_after_two_lost_deletes_is_unknown_not_still_there(kind):
    """Every DELETE is lost, every GET works: listed afterwards, but a lost DELETE may have started an
    asynchronous deletion, so the honest answer is "unknown", with what to check."""
    async with serve(kind, lambda app: DropFirst(app, lambda m, p: m == "DELETE", times=float("inf"))) as (client, _):
        uuids = [s.uuid for s in (await resolve(client.snapshots.list()))[:2]]
        outcomes = await resolve(client.snapshots.delete_many(uuids, check=False))
        assert [(o.uuid, o.outcome) for o in outcomes] == [(u, UNKNOWN) for u in uuids]
        assert all("failed twice" in o.detail and "list it again" in o.detail for o in outcomes)
        assert await listed(client, uuids) == set(uuids)
