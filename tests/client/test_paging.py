"""Loading every object exactly once while snapshots are created and deleted between pages."""

from __future__ import annotations

import pytest

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.paging import dedupe
from tests.client.conftest import FAST_RETRY


def server_set(other: CloudSigmaClient) -> set[str]:
    # One limit=0 request is atomic on the server: the reference answer.
    return {s.uuid for s in other.snapshots.list()} if other.page_size <= 0 else set()


@pytest.fixture
def clients(loopback):
    def make(cls, **kw):
        return cls(loopback.url, username=loopback.username, password=loopback.password, retry=FAST_RETRY, **kw)

    with make(CloudSigmaClient, page_size=0) as reference, make(CloudSigmaClient) as writer:
        yield make, reference, writer


def mutator(writer: CloudSigmaClient, every: int = 1, limit: int = 3):
    """A progress callback that deletes an early snapshot and creates a new one while pages load."""
    calls = {"n": 0, "changes": 0}
    drive = next(d for d in writer.drives.list() if d.status in ("mounted", "unmounted") and d.runtime.is_snapshotable)

    def progress(done, total):
        if total is None or done == 0 or done >= total:  # mutate only while loading
            return
        calls["n"] += 1
        if calls["n"] % every or calls["changes"] >= limit:
            return
        calls["changes"] += 1
        victim = writer.snapshots.iter_pages(page_size=1)
        writer.snapshots.delete(next(victim)[0].uuid)  # the first object: shifts every later page
        writer.snapshots.create(drive.uuid, name=f"made-while-paging-{calls['changes']}")

    return progress, calls


@pytest.mark.parametrize("concurrency", [1, 4])
def test_sync_paging_while_objects_change_gives_the_current_set_once(clients, concurrency):
    make, reference, writer = clients
    progress, calls = mutator(writer)
    with make(CloudSigmaClient, page_size=10, concurrency=concurrency) as client:
        loaded = client.snapshots.list(progress=progress)
    uuids = [s.uuid for s in loaded]
    assert calls["changes"] >= 1, "the test must really change the set while paging"
    assert len(uuids) == len(set(uuids))
    assert set(uuids) == server_set(reference)


async def test_async_paging_while_objects_change_gives_the_current_set_once(clients):
    make, reference, writer = clients
    progress, calls = mutator(writer, every=2)
    async with make(AsyncCloudSigmaClient, page_size=10, concurrency=3) as client:
        loaded = await client.snapshots.list(progress=progress)
    uuids = [s.uuid for s in loaded]
    assert calls["changes"] >= 1
    assert len(uuids) == len(set(uuids)) and set(uuids) == server_set(reference)


def test_a_set_that_never_settles_falls_back_to_one_atomic_request(clients):
    make, reference, writer = clients
    progress, calls = mutator(writer, limit=10**6)
    assert calls["changes"] == 0
    requests = []
    with make(CloudSigmaClient, page_size=10, concurrency=1) as client:
        client._http.event_hooks["request"].append(lambda r: requests.append(dict(r.url.params)))
        loaded = client.snapshots.list(progress=progress)
    assert calls["changes"] >= 2
    assert requests[-1].get("limit") == "0", "the last request is the atomic limit=0 one"
    assert {s.uuid for s in loaded} == server_set(reference)


def test_dedupe_keeps_first_of_each_uuid():
    class Obj:
        def __init__(self, uuid, tag):
            self.uuid, self.tag = uuid, tag

    out = dedupe([Obj("a", 1), Obj("b", 2), Obj("a", 3)])
    assert [(o.uuid, o.tag) for o in out] == [("a", 1), ("b", 2)]
