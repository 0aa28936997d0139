"""Bulk deletes go in chunks (a body limit is met long before 100k uuids), each chunk settled on its own:
every uuid is reported once, and a failed chunk never loses or changes the other chunks' outcomes.

A small chunk size is injected (`delete_many(chunk_size=3)`) so the emulator fleet stays small; the
wrappers below act on the n-th bulk DELETE the emulator would receive.
"""

from __future__ import annotations

import msgspec
import pytest

from explorer import errors
from explorer.client.deletion import BULK_CHUNK, DELETED, STILL_THERE, UNKNOWN, _bulk
from explorer.emulator.wire import MAX_BODY_BYTES
from tests.client.conftest import read_body, replay_body, resolve, send_json
from tests.client.test_delete_honesty import RefuseOne, bulk_delete, listed, serve

CHUNK = 3


@pytest.fixture(params=["async-asgi", "sync-loopback"])
def kind(request) -> str:
    return request.param


class OnBulk:
    """Counts the bulk DELETEs (and their uuids); the `nth` one (1-based) and every later one up to `until` is
    answered by `act`: "drop" (lost before the emulator acts), "refuse401" or "drop-all" (every request from
    then on is lost, GETs too)."""

    def __init__(self, app, nth: int | None = None, act: str = "drop", until: int | None = None,
                 max_body: int | None = None):
        self.app, self.nth, self.act, self.until = app, nth, act, until or nth
        self.max_body = max_body  # a bulk body above this many bytes is refused unread (413), as a proxy would
        self.refused: list[list[str]] = []
        self.bulks: list[list[str]] = []  # the uuids of every bulk DELETE that reached the wrapper
        self.dead = False

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.dead:
            return await self._drop(scope, receive, send)
        if not bulk_delete(scope["method"], scope["path"]):
            return await self.app(scope, receive, send)
        body = await read_body(receive)
        named = [o["uuid"] for o in msgspec.json.decode(body)["objects"]]
        if self.max_body is not None and len(body) > self.max_body:
            self.refused.append(named)
            return await send_json(send, 413, b'[{"error_point": null, "error_type": "validation", '
                                              b'"error_message": "Request body too large"}]')
        self.bulks.append(named)
        n = len(self.bulks)
        if self.nth is not None and self.nth <= n <= self.until:
            if self.act == "refuse401":
                return await send_json(send, 401, b'[{"error_point": null, "error_type": "auth", '
                                                  b'"error_message": "Authorization required"}]')
            self.dead = self.act == "drop-all"
            return await self._drop(scope, receive, send)
        return await self.app(scope, replay_body(body), send)

    async def _drop(self, scope, receive, send):
        faults = self.app.state.faults
        faults.update(drop_rate=1.0)  # requests are handled one at a time here
        try:
            return await self.app(scope, receive, send)
        finally:
            faults.update(drop_rate=0.0)


async def _ten(client) -> list[str]:
    uuids = [s.uuid for s in (await resolve(client.snapshots.list()))[:10]]
    assert len(uuids) == 10
    return uuids


def _chunks(uuids: list[str]) -> list[list[str]]:
    return [uuids[i:i + CHUNK] for i in range(0, len(uuids), CHUNK)]


def test_the_default_chunk_stays_far_below_the_emulators_body_limit():
    uuids = [f"{i:08d}-0000-4000-8000-{i:012d}" for i in range(BULK_CHUNK)]
    body = msgspec.json.encode(_bulk(uuids, "snapshots").body)
    assert 1000 <= BULK_CHUNK <= 5000 and len(body) * 20 < MAX_BODY_BYTES  # 100k uuids in one body would not fit
    assert len(msgspec.json.encode(_bulk(uuids * 200, "snapshots").body)) > MAX_BODY_BYTES


async def test_ten_uuids_go_in_chunks_of_three_and_each_is_reported_once(kind):
    async with serve(kind, OnBulk) as (client, gate):
        uuids = await _ten(client)
        outcomes = await resolve(client.snapshots.delete_many(uuids, chunk_size=CHUNK))
        assert [(o.uuid, o.outcome) for o in outcomes] == [(u, DELETED) for u in uuids]
        assert gate.bulks == _chunks(uuids)  # four requests, in order, each uuid in exactly one
        assert await listed(client, uuids) == set()


async def test_a_lost_chunk_is_verified_and_retried_alone_the_others_stay_deleted(kind):
    async with serve(kind, lambda app: OnBulk(app, nth=2)) as (client, gate):
        uuids = await _ten(client)
        outcomes = await resolve(client.snapshots.delete_many(uuids, chunk_size=CHUNK))
        assert [(o.uuid, o.outcome) for o in outcomes] == [(u, DELETED) for u in uuids]
        chunks = _chunks(uuids)
        # the lost second chunk is sent once more (only its still-listed uuids); no other chunk is repeated
        assert gate.bulks == [chunks[0], chunks[1], chunks[1], chunks[2], chunks[3]]
        assert await listed(client, uuids) == set()


async def test_a_refused_item_in_one_chunk_leaves_the_other_chunks_deleted(kind):
    async with serve(kind, RefuseOne) as (client, gate):
        uuids = await _ten(client)
        gate.uuid = uuids[4]  # in the second chunk
        with pytest.raises(errors.IncompleteDeletionError) as info:
            await resolve(client.snapshots.delete_many(uuids, chunk_size=CHUNK))
        outcomes = info.value.outcomes
        assert [o.uuid for o in outcomes] == uuids  # each once, in the order given
        assert [o.outcome for o in outcomes] == [DELETED] * 4 + [STILL_THERE] + [DELETED] * 5
        assert "locked" in outcomes[4].detail
        assert await listed(client, uuids) == {uuids[4]}


async def test_an_account_refusal_on_a_later_chunk_keeps_the_earlier_outcomes(kind):
    async with serve(kind, lambda app: OnBulk(app, nth=3, act="refuse401")) as (client, gate):
        uuids = await _ten(client)
        outcomes = await resolve(client.snapshots.delete_many(uuids, chunk_size=CHUNK, check=False))
        assert [o.uuid for o in outcomes] == uuids
        assert [o.outcome for o in outcomes] == [DELETED] * 6 + [STILL_THERE] * 4
        assert all("refused for the account" in o.detail for o in outcomes[6:9])
        assert "not attempted" in outcomes[9].detail and "refused for the account" in outcomes[9].detail
        assert len(gate.bulks) == 3  # the fourth chunk is not sent after the account was refused
        assert await listed(client, uuids) == set(uuids[6:])


async def test_an_account_refusal_on_the_first_chunk_is_raised_as_it_is(kind):
    async with serve(kind, lambda app: OnBulk(app, nth=1, act="refuse401")) as (client, gate):
        uuids = await _ten(client)
        with pytest.raises(errors.AuthenticationError):
            await resolve(client.snapshots.delete_many(uuids, chunk_size=CHUNK))
        assert len(gate.bulks) == 1 and await listed(client, uuids) == set(uuids)


async def test_a_lost_connection_makes_that_chunk_unknown_never_deleted_and_the_rest_unsent(kind):
    async with serve(kind, lambda app: OnBulk(app, nth=2, act="drop-all")) as (client, gate):
        uuids = await _ten(client)
        with pytest.raises(errors.IncompleteDeletionError) as info:
            await resolve(client.snapshots.delete_many(uuids, chunk_size=CHUNK))
        outcomes = info.value.outcomes
        assert [o.uuid for o in outcomes] == uuids
        assert [o.outcome for o in outcomes] == [DELETED] * 3 + [UNKNOWN] * 3 + [STILL_THERE] * 4
        assert all("list it to check" in o.detail for o in outcomes[3:6])
        assert all(o.detail.startswith("not attempted") for o in outcomes[6:])
        assert len(gate.bulks) == 2  # nothing after the connection was lost and could not be checked
        gate.dead = False
        assert await listed(client, uuids) == set(uuids[3:])


async def test_a_chunk_refused_as_too_large_is_sent_again_in_halves_until_it_fits(kind):
    """A server that takes smaller bodies than a chunk (413, nothing done): halves, each uuid deleted once."""
    per_uuid = len(msgspec.json.encode(_bulk(["x" * 36], "snapshots").body))
    async with serve(kind, lambda app: OnBulk(app, max_body=3 * per_uuid)) as (client, gate):
        uuids = await _ten(client)
        outcomes = await resolve(client.snapshots.delete_many(uuids, chunk_size=10))
        assert [(o.uuid, o.outcome) for o in outcomes] == [(u, DELETED) for u in uuids]
        sent = [u for bulk in gate.bulks for u in bulk]
        assert sorted(sent) == sorted(uuids) and len(sent) == len(set(sent))  # each in exactly one accepted body
        assert all(len(b) <= 3 for b in gate.bulks) and gate.refused[0] == uuids  # the whole chunk was refused first
        assert await listed(client, uuids) == set()
