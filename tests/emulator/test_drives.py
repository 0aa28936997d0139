"""Drives: create, PUT, resize, clone, delete (which takes the drive's snapshots with it)."""

from __future__ import annotations

from tests.emulator.conftest import a_drive, advance, all_of

GIB = 1 << 30


async def test_create_drive_then_ready_and_snapshotable(app, client):
    r = await client.post("drives/", json={"objects": [{"name": "new", "size": GIB, "media": "disk",
                                                        "storage_type": "nvme", "meta": {"purpose": "test"}}]})
    assert r.status_code == 201
    drive = r.json()["objects"][0]
    assert (drive["status"], drive["runtime"]["is_snapshotable"], drive["size"]) == ("creating", None, GIB)
    snap = await client.post("snapshots/", json={"drive": drive["uuid"]})
    assert snap.status_code == 403  # not while creating
    advance(app, seconds=1)
    ready = (await client.get(f"drives/{drive['uuid']}/")).json()
    assert (ready["status"], ready["runtime"]["is_snapshotable"]) == ("unmounted", True)
    assert (await client.post("snapshots/", json={"drive": drive["uuid"]})).status_code == 201


async def test_create_drive_validation(client):
    r = await client.post("drives/", json={"name": "x", "media": "disk"})
    assert r.status_code == 400 and r.json()[0]["error_point"] == "size"
    r = await client.post("drives/", json={"name": "x", "size": GIB, "media": "tape"})
    assert r.status_code == 400 and r.json()[0]["error_point"] == "media"
    r = await client.post("drives/", json={"size": GIB, "media": "disk"})
    assert r.status_code == 400 and r.json()[0]["error_point"] == "name"


async def test_put_renames_and_resizes_unmounted_drive(app, client):
    drive = await a_drive(client, status=("unmounted",))
    r = await client.put(f"drives/{drive['uuid']}/", json={"name": "renamed", "size": drive["size"] + GIB,
                                                           "meta": {"owner": "zed"}})
    assert r.status_code == 200
    got = r.json()
    assert (got["name"], got["size"], got["status"], got["meta"]) == (
        "renamed", drive["size"] + GIB, "resizing", {"owner": "zed"})
    advance(app, seconds=1)
    assert (await client.get(f"drives/{drive['uuid']}/")).json()["status"] == "unmounted"


async def test_mounted_drive_ignores_size_and_refuses_delete(client):
    drive = await a_drive(client, status=("mounted",))
    got = (await client.put(f"drives/{drive['uuid']}/", json={"size": drive["size"] * 2})).json()
    assert got["size"] == drive["size"]
    r = await client.delete(f"drives/{drive['uuid']}/")
    assert r.status_code == 403 and r.json()[0]["error_type"] == "permission"


async def test_deleting_a_drive_deletes_its_snapshots(client):
    drive = next(d for d in await all_of(client, "drives/detail/") if d["status"] == "unmounted" and d["snapshots"])
    ids = [r["uuid"] for r in drive["snapshots"]]
    r = await client.delete(f"drives/{drive['uuid']}/")
    assert r.status_code == 204 and r.content == b""
    assert (await client.get(f"drives/{drive['uuid']}/")).status_code == 404
    assert await all_of(client, "snapshots/detail/", drive=drive["uuid"]) == []
    assert (await client.get(f"snapshots/{ids[0]}/")).status_code == 404
    caps = (await client.get("capabilities/")).json()["snapshots"]
    assert caps["current"] == 240 - len(ids)


async def test_drive_clone_action(app, client):
    drive = await a_drive(client)
    r = await client.post(f"drives/{drive['uuid']}/action/?do=clone", json={"name": "copy"})
    assert r.status_code == 202
    new = r.json()["objects"][0]
    assert (new["name"], new["status"], new["size"]) == ("copy", "cloning_dst", drive["size"])
    advance(app, seconds=1)
    job = (await client.get(f"jobs/{new['jobs'][0]['uuid']}/")).json()
    assert job["state"] == "success"
    small = await client.post(f"drives/{drive['uuid']}/action/?do=clone", json={"size": drive["size"] - GIB})
    assert small.status_code == 400


async def test_drive_schema_and_unknown_action(client):
    schema = (await client.get("drives/schema/")).json()
    assert schema["ordering"] == ["uuid", "name"] and schema["default_limit"] == 20
    drive = await a_drive(client)
    r = await client.post(f"drives/{drive['uuid']}/action/?do=explode")
    assert r.status_code == 400 and r.json()[0]["error_point"] == "do"


async def test_completed_jobs_are_kept_three_days(app, client):
    drive = await a_drive(client)
    new = (await client.post(f"drives/{drive['uuid']}/action/?do=clone")).json()["objects"][0]
    job = new["jobs"][0]["uuid"]
    advance(app, days=2)
    assert (await client.get(f"jobs/{job}/")).json()["state"] == "success"
    advance(app, days=2)
    assert (await client.get(f"jobs/{job}/")).status_code == 404


async def test_fields_on_short_list_pick_from_the_full_object(client):
    objs = await all_of(client, "drives/", fields="uuid,name")
    assert all(set(o) == {"uuid", "name"} for o in objs)


async def test_xml_is_not_acceptable(client):
    r = await client.get("drives/", headers={"accept": "application/xml"})
    assert r.status_code == 406 and r.json()[0]["error_type"] == "validation"
    assert (await client.get("drives/", params={"format": "xml"})).status_code == 406
    assert (await client.get("drives/", headers={"accept": "application/json"})).status_code == 200
