"""`fields=` projections are encoded once per object and follow every change to it."""

from __future__ import annotations

import httpx

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app

AUTH = (DEMO_USERNAME, DEMO_PASSWORD)


async def test_projection_follows_a_rename_and_a_delete():
    app = create_app(seed=5, drives=4, snapshots=12)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator/api/2.0/",
                                 auth=AUTH) as http:
        async def names():
            body = (await http.get("snapshots/", params={"fields": "uuid,name", "limit": 0})).json()
            return {o["uuid"]: o["name"] for o in body["objects"]}

        first = await names()
        assert await names() == first  # served from the projection cache the second time
        target, other = list(first)[:2]
        r = await http.put(f"snapshots/{target}/", json={"name": "renamed-in-between"})
        assert r.status_code == 200
        assert (await http.delete(f"snapshots/{other}/")).status_code == 204
        after = await names()
        assert after[target] == "renamed-in-between"
        assert other not in after
        assert {k: v for k, v in after.items() if k != target} == {
            k: v for k, v in first.items() if k not in (target, other)
        }
