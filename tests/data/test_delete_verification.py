"""The TUI's delete (explorer.data.actions) against an emulator whose deletion is asynchronous, as the real API's is.

A deleted snapshot stays listed for `deletion_delay_seconds` after its 204: the report says
"deleted" only once the list no longer shows it, and "deletion started" when it is still
listed at the end of the verification window; never "deleted" early, never "refused".
"""

from __future__ import annotations

import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.data import actions
from explorer.emulator import running_emulator


@pytest.fixture(scope="module")
def emu():
    with running_emulator(seed=5, drives=4, snapshots=40, transition_seconds=0) as handle:
        yield handle


@pytest.fixture
async def client(emu):
    async with AsyncCloudSigmaClient(emu.url, username=emu.username, password=emu.password) as c:
        yield c
    emu.set_faults(deletion_delay_seconds=0)


async def _items(client, count: int) -> dict[str, str]:
    return {s.uuid: s.name for s in (await client.snapshots.list())[:count]}


@pytest.mark.parametrize("count", [1, 3])
async def test_deleted_is_reported_once_the_list_no_longer_shows_it(emu, client, count):
    emu.set_faults(deletion_delay_seconds=0.8)
    items = await _items(client, count)
    results = await actions.delete_snapshots(client, items, poll=0.05, verify_timeout=60)
    assert [(r.uuid, r.ok, r.message) for r in results] == [(u, True, "deleted") for u in items]
    assert await client.snapshots.list(uuid=list(items)) == []  # the report waited for the deletion itself


async def test_still_listed_at_the_end_of_the_window_is_deletion_started(emu, client):
    emu.set_faults(deletion_delay_seconds=3600)
    items = await _items(client, 2)
    results = await actions.delete_snapshots(client, items, poll=0.05, verify_timeout=0.3)
    assert [(r.uuid, r.ok, r.message) for r in results] == [
        (u, False, "deletion started, still listed after 0.3 s; refresh to check") for u in items]
    assert {s.uuid for s in await client.snapshots.list(uuid=list(items))} == set(items)
    emu.advance(seconds=3601)
    assert await client.snapshots.list(uuid=list(items)) == []
