"""List envelope, pagination, fields and filters (comma = OR with escaping, repeated = AND)."""

from __future__ import annotations

from tests.emulator.conftest import a_drive, all_of


async def test_default_limit_is_20_and_offset_pages_through_everything(client):
    first = (await client.get("snapshots/")).json()
    assert first["meta"] == {"limit": 20, "offset": 0, "total_count": 240}
    assert len(first["objects"]) == 20
    seen = []
    for offset in range(0, 240, 100):
        page = (await client.get("snapshots/detail/", params={"limit": 100, "offset": offset})).json()
        assert page["meta"] == {"limit": 100, "offset": offset, "total_count": 240}
        seen += [s["uuid"] for s in page["objects"]]
    assert len(seen) == len(set(seen)) == 240
    assert seen == [s["uuid"] for s in await all_of(client, "snapshots/")]
    tail = (await client.get("snapshots/", params={"limit": 0, "offset": 230})).json()
    assert len(tail["objects"]) == 10


async def test_fields_restricts_keys(client):
    objs = await all_of(client, "drives/", fields="uuid,status")
    assert objs and all(set(o) == {"uuid", "status"} for o in objs)
    snaps = await all_of(client, "snapshots/detail/", fields="uuid,allocated_size")
    assert all(set(o) == {"uuid", "allocated_size"} for o in snaps)


async def test_drive_list_is_short_form_detail_is_full(client):
    short = await all_of(client, "drives/")
    assert all(set(d) == {"owner", "resource_uri", "status", "uuid"} for d in short)
    full = await all_of(client, "drives/detail/")
    assert [d["uuid"] for d in full] == [d["uuid"] for d in short]
    assert {"name", "size", "runtime", "snapshots", "storage_type"} <= set(full[0])


async def test_uuid_and_name_filters_or_by_comma(client):
    snaps = await all_of(client, "snapshots/detail/")
    a, b = snaps[0]["uuid"], snaps[5]["uuid"]
    got = await all_of(client, "snapshots/detail/", uuid=f"{a},{b}")
    assert {s["uuid"] for s in got} == {a, b}
    named = await all_of(client, "snapshots/", name=snaps[0]["name"])
    assert snaps[0]["uuid"] in {s["uuid"] for s in named}


async def test_name_contains_is_case_insensitive(client):
    drive = await a_drive(client)
    await client.post("snapshots/", json={"drive": drive["uuid"], "name": "Before-Upgrade-XYZ"})
    got = await all_of(client, "snapshots/", name__contains="before-upgrade-xyz")
    assert [s["name"] for s in got] == ["Before-Upgrade-XYZ"]


async def test_escaped_comma_is_literal_and_repeated_parameter_is_and(client):
    drive = await a_drive(client)
    await client.post("snapshots/", json={"objects": [{"drive": drive["uuid"], "name": "zq,b"},
                                                      {"drive": drive["uuid"], "name": "zq"},
                                                      {"drive": drive["uuid"], "name": "ZQ-b"}]})
    literal = await all_of(client, "snapshots/", name="zq\\,b")
    assert [s["name"] for s in literal] == ["zq,b"]
    either = await all_of(client, "snapshots/", name="zq,nothing-like-this")
    assert [s["name"] for s in either] == ["zq"]
    r = await client.get("snapshots/", params=[("limit", "0"), ("name__contains", "zq"), ("name__contains", "b")])
    assert sorted(s["name"] for s in r.json()["objects"]) == ["ZQ-b", "zq,b"]


async def test_drive_filter_matches_drive_snapshot_refs(client):
    drive = next(d for d in await all_of(client, "drives/detail/") if len(d["snapshots"]) > 1)
    got = await all_of(client, "snapshots/detail/", drive=drive["uuid"])
    assert {s["uuid"] for s in got} == {r["uuid"] for r in drive["snapshots"]}
    assert all(s["drive"]["uuid"] == drive["uuid"] for s in got)


async def test_tag_and_tag_name_filters(client):
    tags = await all_of(client, "tags/")
    prod = next(t for t in tags if t["name"] == "production")
    by_id = await all_of(client, "drives/detail/", tag=prod["uuid"])
    by_name = await all_of(client, "drives/detail/", tag__name="production")
    assert by_id and by_id == by_name
    assert all(prod["uuid"] in {t["uuid"] for t in d["tags"]} for d in by_id)
    assert {d["uuid"] for d in by_id} == {r["uuid"] for r in prod["resources"] if r["res_type"] == "drives"}
    both = await all_of(client, "drives/detail/", tag__name="production,staging")
    assert len(both) > len(by_id)


async def test_bad_limit_is_a_validation_error(client):
    r = await client.get("snapshots/", params={"limit": "many"})
    assert r.status_code == 400 and r.json()[0]["error_point"] == "limit"
