"""Setting a meta key on many snapshots: other keys kept, each one reported, a failure never stops the rest."""

from __future__ import annotations

import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.data.meta_actions import check_key_value, set_meta_key
from explorer.emulator import running_emulator
from explorer.errors import ValidationError


@pytest.fixture
async def client():
    with running_emulator(seed=4, drives=3, snapshots=8) as fleet:
        c = AsyncCloudSigmaClient(fleet.url, username=fleet.username, password=fleet.password)
        yield c
        await c.aclose()


async def test_each_snapshot_is_merged_and_reported_in_order(client):
    snaps = (await client.snapshots.list())[:3]
    await client.snapshots.update(snaps[0].uuid, meta={"owner": "old", "ticket": "OPS-1"})
    items = {s.uuid: s.name for s in snaps} | {"00000000-0000-4000-8000-00000000dead": "gone-one"}
    seen = []
    results = await set_meta_key(client, items, "owner", " web-team ", on_item=seen.append)
    assert [r.uuid for r in results] == list(items)  # the order given, whatever finished first
    assert sorted(r.uuid for r in seen) == sorted(items)
    assert [r.ok for r in results] == [True, True, True, False]
    assert results[0].message == "owner=web-team (was old)" and results[1].message == "owner=web-team"
    assert results[3].name == "gone-one" and "not found" in results[3].message
    assert (await client.snapshots.get(snaps[0].uuid)).meta == {"owner": "web-team", "ticket": "OPS-1"}
    for s in snaps[1:]:
        assert (await client.snapshots.get(s.uuid)).meta["owner"] == "web-team"


@pytest.mark.parametrize(("key", "value", "message"), [("owner", "  ", "type a value for owner"),
                                                       ("", "x", "the meta key is empty"),
                                                       ("k" * 33, "x", "the limit is 32")])
def test_bad_input_is_refused_before_any_request(key, value, message):
    with pytest.raises(ValidationError, match=message):
        check_key_value(key, value)
