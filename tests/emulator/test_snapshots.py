"""Snapshots: the seed page's examples reproduced in shape, and the lifecycle rules around them."""

from __future__ import annotations

import re

from tests.emulator.conftest import SEED_CLONE_KEYS, SEED_SNAPSHOT_KEYS, a_drive, advance, all_of

TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00:00$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$")


async def test_list_and_detail_have_the_documented_shape(client):
    r = await client.get("snapshots/", params={"limit": 0})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    body = r.json()
    assert set(body) == {"meta", "objects"}
    assert body["meta"] == {"limit": 0, "offset": 0, "total_count": 240}
    snap = body["objects"][0]
    assert set(snap) == SEED_SNAPSHOT_KEYS
    assert snap["resource_uri"] == f"/api/2.0/snapshots/{snap['uuid']}/"
    assert snap["drive"] == {"resource_uri": f"/api/2.0/drives/{snap['drive']['uuid']}/", "uuid": snap["drive"]["uuid"]}
    assert snap["owner"]["resource_uri"] == f"/api/2.0/user/{snap['owner']['uuid']}/"
    assert TS.match(snap["timestamp"])
    detail = (await client.get("snapshots/detail/", params={"limit": 0})).json()
    assert detail == body  # for snapshots the plain list and detail are identical


async def test_create_returns_201_objects_creating_then_available(app, client):
    drive = await a_drive(client)
    r = await client.post("snapshots/", json={"drive": drive["uuid"], "meta": {"key": "val"}, "name": "first_snapshot"})
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"objects"}
    snap = body["objects"][0]
    assert r.headers["location"] == snap["resource_uri"]
    assert set(snap) == SEED_SNAPSHOT_KEYS
    assert (snap["status"], snap["allocated_size"], snap["name"], snap["meta"]) == (
        "creating", None, "first_snapshot", {"key": "val"})
    assert snap["drive"]["uuid"] == drive["uuid"]
    got = (await client.get(f"snapshots/{snap['uuid']}/")).json()
    assert got["status"] == "creating" and got["allocated_size"] is None
    advance(app, seconds=1)
    got = (await client.get(f"snapshots/{snap['uuid']}/")).json()
    assert got["status"] == "available" and isinstance(got["allocated_size"], int)
    d = (await client.get(f"drives/{drive['uuid']}/")).json()
    assert d["snapshots"][-1]["uuid"] == snap["uuid"]
    owned = await all_of(client, "snapshots/detail/", drive=drive["uuid"])
    assert d["runtime"]["snapshots_allocated_size"] == sum(s["allocated_size"] for s in owned)


async def test_default_name_and_many_at_once_in_all_accepted_body_forms(client):
    drive = await a_drive(client)
    one = (await client.post("snapshots/", json={"drive": drive["uuid"]})).json()["objects"][0]
    assert re.match(rf"^{drive['uuid']}__\d{{4}}-\d{{2}}-\d{{2}}__\d{{2}}_\d{{2}}_\d{{2}}$", one["name"])
    specs = [{"drive": drive["uuid"], "name": f"n{i}"} for i in range(3)]
    many = await client.post("snapshots/", json={"objects": specs})
    assert many.status_code == 201 and [s["name"] for s in many.json()["objects"]] == ["n0", "n1", "n2"]
    bare = await client.post("snapshots/", json=[{"drive": drive["uuid"], "name": "bare"}])
    assert bare.status_code == 201 and bare.json()["objects"][0]["name"] == "bare"


async def test_put_renames_and_replaces_meta(client):
    drive = await a_drive(client)
    snap = (await client.post("snapshots/", json={"drive": drive["uuid"], "meta": {"key": "val", "old": "x"},
                                                   "name": "first_snapshot"})).json()["objects"][0]
    r = await client.put(f"snapshots/{snap['uuid']}/", json={
        "drive": drive["uuid"], "meta": {"key": "val_changed", "new_key": "new_key_value"},
        "name": "first_snapshot_renamed"})
    assert r.status_code == 200
    got = r.json()
    assert set(got) == SEED_SNAPSHOT_KEYS
    assert got["name"] == "first_snapshot_renamed"
    assert got["meta"] == {"key": "val_changed", "new_key": "new_key_value"}  # "old" is gone: PUT replaces meta
    assert (await client.get(f"snapshots/{snap['uuid']}/")).json() == got


async def test_delete_one_is_204_empty_text_html_and_then_404(client):
    snaps = await all_of(client, "snapshots/detail/")
    r = await client.delete(f"snapshots/{snaps[0]['uuid']}/")
    assert r.status_code == 204
    assert r.content == b""
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert (await client.get(f"snapshots/{snaps[0]['uuid']}/")).status_code == 404
    drive = (await client.get(f"drives/{snaps[0]['drive']['uuid']}/")).json()
    assert snaps[0]["uuid"] not in {s["uuid"] for s in drive["snapshots"]}


async def test_bulk_delete_all_or_nothing(client):
    snaps = await all_of(client, "snapshots/detail/")
    victims = [s["uuid"] for s in snaps[:3]]
    unknown = "00000000-0000-4000-8000-000000000000"
    r = await client.request("DELETE", "snapshots/", json={"objects": [{"uuid": u} for u in [*victims, unknown]]})
    assert r.status_code == 404
    assert r.json() == [{"error_point": "objects", "error_type": "notexist",
                         "error_message": f"Object with uuid {unknown} does not exist"}]
    assert len(await all_of(client, "snapshots/")) == 240  # nothing was deleted
    r = await client.request("DELETE", "snapshots/", json={"objects": [{"uuid": u} for u in victims]})
    assert r.status_code == 204 and r.content == b""
    left = {s["uuid"] for s in await all_of(client, "snapshots/")}
    assert len(left) == 237 and not left & set(victims)


async def test_clone_gives_drive_in_cloning_dst_and_job_to_success(app, client):
    # An hour-long clone on the simulated clock: real time passing on a busy machine moves it < 1%.
    app.state.emu.transition_seconds = 3600
    snap = next(s for s in await all_of(client, "snapshots/detail/") if s["status"] == "available")
    source = (await client.get(f"drives/{snap['drive']['uuid']}/")).json()
    r = await client.post(f"snapshots/{snap['uuid']}/action/", params={"do": "clone", "avoid": source["uuid"]},
                          json={})
    assert r.status_code == 202
    drive = r.json()
    assert set(drive) >= SEED_CLONE_KEYS
    assert drive["status"] == "cloning_dst" and drive["runtime"]["is_snapshotable"] is None
    assert (drive["name"], drive["size"], drive["media"], drive["storage_type"]) == (
        snap["name"], source["size"], source["media"], source["storage_type"])
    assert drive["snapshots"] == [] and drive["resource_uri"] == f"/api/2.0/drives/{drive['uuid']}/"
    job_uuid = drive["jobs"][0]["uuid"]
    job = (await client.get(f"jobs/{job_uuid}/")).json()
    assert (job["operation"], job["state"], job["data"]["progress"]) == ("drive_clone", "started", 0)
    assert ISO.match(job["created"])
    advance(app, seconds=1800)
    mid = (await client.get(f"jobs/{job_uuid}/")).json()["data"]["progress"]
    assert 50 <= mid < 100
    advance(app, seconds=1800)
    job = (await client.get(f"jobs/{job_uuid}/")).json()
    assert (job["state"], job["data"]["progress"]) == ("success", 100)
    done = (await client.get(f"drives/{drive['uuid']}/")).json()
    assert done["status"] == "unmounted" and done["runtime"]["is_snapshotable"] is True
    assert job_uuid in {j["uuid"] for j in await all_of(client, "jobs/")}


async def test_clone_body_name_and_media_and_clone_naming(client):
    snap = (await all_of(client, "snapshots/detail/"))[0]
    named = (await client.post(f"snapshots/{snap['uuid']}/action/?do=clone",
                               json={"name": "restored", "media": "cdrom"})).json()
    assert (named["name"], named["media"]) == ("restored", "cdrom")
    await client.put(f"snapshots/{snap['uuid']}/", json={"name": "test_drive_x"})
    plain = (await client.post(f"snapshots/{snap['uuid']}/action/?do=clone")).json()
    assert plain["name"] == "test_drive_x"  # default strategy NONE keeps the name
    assert (await client.put("profile/", json={"clone_naming": "COUNTER"})).status_code == 200
    counted = (await client.post(f"snapshots/{snap['uuid']}/action/?do=clone")).json()
    assert counted["name"] == "test_drive_x_1"
    await client.put("profile/", json={"clone_naming": "DATE"})
    dated = (await client.post(f"snapshots/{snap['uuid']}/action/?do=clone")).json()
    assert re.match(r"^test_drive_x-\d{4}-\d{2}-\d{2}$", dated["name"])


async def test_schema(client):
    schema = (await client.get("snapshots/schema/")).json()
    assert schema["default_limit"] == 20
    assert schema["allowed_detail_http_methods"] == ["get", "put", "delete"]
    assert set(schema["fields"]) == SEED_SNAPSHOT_KEYS
    assert schema["filtering"] == {"name": "exact", "name__contains": "exact", "tag": "exact", "uuid": "exact"}
