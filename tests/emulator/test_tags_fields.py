"""Tag lists: `fields=` without `resources` is answered without building resource lists, with the same tags."""

from __future__ import annotations

import httpx

from explorer.client import AsyncCloudSigmaClient
from explorer.emulator import create_app


async def test_tag_list_with_fields_matches_full_list():
    app = create_app(seed=3, drives=12, snapshots=60)
    async with AsyncCloudSigmaClient(
        "http://emulator/api/2.0/",
        username="demo@example.com",
        password="demo-password",
        transport=httpx.ASGITransport(app=app),
    ) as client:
        full = await client.tags.list()
        slim = await client.tags.list(fields=("uuid", "name"))
    assert full, "the demo fleet has tags"
    assert any(t.resources for t in full)
    assert sorted((t.uuid, t.name) for t in slim) == sorted((t.uuid, t.name) for t in full)
    assert all(t.resources == [] for t in slim)
