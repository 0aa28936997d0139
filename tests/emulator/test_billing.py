"""Pricing, subscriptions, currentusage computed from state, balance, capabilities, profile, tags."""

from __future__ import annotations

from decimal import Decimal

from tests.emulator.conftest import a_drive, advance, all_of


async def test_pricing_has_levels_currencies_current_next_and_multiplier(client):
    r = await client.get("pricing/")
    body = r.json()
    assert set(body) == {"meta", "objects", "current", "next"}
    assert body["meta"]["limit"] == 0 and body["meta"]["total_count"] == len(body["objects"])
    dssd = [p for p in body["objects"] if p["resource"] == "dssd"]
    assert {p["currency"] for p in dssd} == {"EUR", "USD", "GBP", "CHF"}
    assert len({p["level"] for p in dssd}) >= 4
    assert all(p["multiplier"] == 2783138807808000 == (1 << 30) * 2592000 for p in dssd)
    assert all(p["unit"] == "GB/month" and isinstance(p["id"], str) for p in dssd)
    for res in ("dssd", "zadara", "nvme"):
        assert res in body["current"] and res in body["next"]
    eur = {p["level"]: Decimal(p["price"]) for p in dssd if p["currency"] == "EUR"}
    assert eur[body["current"]["dssd"]] > eur[0]  # bursting costs more than the subscription price
    only = (await client.get("pricing/", params={"currency": "CHF", "level": "0"})).json()["objects"]
    assert only and all(p["currency"] == "CHF" and p["level"] == 0 for p in only)


async def test_subscription_covers_part_of_dssd_so_the_account_bursts(client):
    subs = (await client.get("subscriptions/")).json()
    assert "price" in subs
    dssd = [s for s in subs["objects"] if s["resource"] == "dssd"]
    assert len(dssd) == 1 and dssd[0]["status"] == "active"
    assert dssd[0]["resource_uri"] == f"/api/2.0/subscriptions/{dssd[0]['id']}/"
    usage = (await client.get("currentusage/")).json()
    u = usage["usage"]["dssd"]
    assert u["subscribed"] == int(dssd[0]["amount"])
    assert u["using"] > u["subscribed"] and u["burst"] == u["using"] - u["subscribed"]
    assert usage["balance"]["currency"] == "EUR"
    assert (await client.get("subscriptions/", params={"status": "expired"})).json()["objects"] == []
    for params in ({"status": "active"}, {"status": "notexpired"}, {"resource": "dssd,cpu"}):
        assert len((await client.get("subscriptions/", params=params)).json()["objects"]) == 1
    assert (await client.get("subscriptions/", params={"resource": "cpu"})).json()["objects"] == []
    assert (await client.get("subscriptions/", params={"status": "bogus"})).status_code == 400
    one = (await client.get(f"subscriptions/{dssd[0]['id']}/")).json()
    assert one["amount"] == dssd[0]["amount"]


async def test_currentusage_is_computed_from_state(app, client):
    drives = await all_of(client, "drives/detail/")
    for stype in ("dssd", "nvme"):
        expected = sum(d["size"] + d["runtime"]["snapshots_allocated_size"] for d in drives
                       if d["storage_type"] == stype)
        assert (await client.get("currentusage/")).json()["usage"][stype]["using"] == expected
    before = (await client.get("currentusage/")).json()["usage"]
    advance(app, days=3)  # drives keep writing: newest snapshots grow
    after = (await client.get("currentusage/")).json()["usage"]
    assert sum(v["using"] for v in after.values()) > sum(v["using"] for v in before.values())


async def test_balance_and_profile(client):
    balance = (await client.get("balance/")).json()
    assert set(balance) == {"balance", "credit_limit", "currency"} and balance["currency"] == "EUR"
    Decimal(balance["balance"])
    profile = (await client.get("profile/")).json()
    assert profile["email"] == "demo@example.com" and profile["clone_naming"] == "NONE"
    r = await client.put("profile/", json={"first_name": "Ada", "email": "evil@example.com", "currency": "USD"})
    assert r.status_code == 200
    assert (r.json()["first_name"], r.json()["email"], r.json()["currency"]) == ("Ada", "demo@example.com", "EUR")
    bad = await client.put("profile/", json={"clone_naming": "SOMETIMES"})
    assert bad.status_code == 400 and bad.json()[0]["error_point"] == "clone_naming"


async def test_other_accounts_have_their_own_currency(other):
    assert (await other.get("balance/")).json()["currency"] != "EUR"


async def test_tags_crud_and_resources(client):
    drive = await a_drive(client)
    snap = (await all_of(client, "snapshots/"))[0]
    spec = {"name": "to-review", "resources": [drive["uuid"], snap["uuid"]]}
    r = await client.post("tags/", json={"objects": [spec]})
    assert r.status_code == 201
    tag = r.json()["objects"][0]
    assert {(x["res_type"], x["uuid"]) for x in tag["resources"]} == {("drives", drive["uuid"]),
                                                                       ("snapshots", snap["uuid"])}
    assert [s["uuid"] for s in await all_of(client, "snapshots/", tag__name="to-review")] == [snap["uuid"]]
    assert [d["uuid"] for d in await all_of(client, f"tags/{tag['uuid']}/drives/")] == [drive["uuid"]]
    r = await client.put(f"tags/{tag['uuid']}/", json={"name": "reviewed", "resources": [drive["uuid"]]})
    assert r.json()["name"] == "reviewed" and len(r.json()["resources"]) == 1
    assert await all_of(client, "snapshots/", tag=tag["uuid"]) == []
    snap_put = await client.put(f"snapshots/{snap['uuid']}/", json={"tags": [tag["uuid"]]})
    assert snap_put.json()["tags"] == [{"resource_uri": f"/api/2.0/tags/{tag['uuid']}/", "uuid": tag["uuid"]}]
    assert (await client.delete(f"tags/{tag['uuid']}/")).status_code == 204
    assert (await client.get(f"snapshots/{snap['uuid']}/")).json()["tags"] == []
    assert (await client.get(f"tags/{tag['uuid']}/")).status_code == 404
