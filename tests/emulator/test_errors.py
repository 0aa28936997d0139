"""Status codes and CloudSigma's error array: 400, 401, 403, 404, 405; account isolation."""

from __future__ import annotations

import pytest

from explorer.emulator import create_app
from tests.emulator.conftest import a_drive, all_of, make_client


def _one(r, status, etype, point="*"):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    errors = r.json()
    assert isinstance(errors, list) and errors
    assert set(errors[0]) == {"error_type", "error_point", "error_message"}
    assert errors[0]["error_type"] == etype
    if point != "*":
        assert errors[0]["error_point"] == point
    return errors[0]["error_message"]


async def test_missing_drive_is_validation_error(client):
    msg = _one(await client.post("snapshots/", json={"name": "x"}), 400, "validation", "drive")
    assert msg == "This field is required"


@pytest.mark.parametrize("meta", [{"k" * 33: "v"}, {"count": 3}, {"nested": {"a": "b"}}, ["not", "a", "dict"]])
async def test_bad_meta_is_validation_error(client, meta):
    drive = await a_drive(client)
    _one(await client.post("snapshots/", json={"drive": drive["uuid"], "meta": meta}), 400, "validation", "meta")
    snap = (await all_of(client, "snapshots/"))[0]
    _one(await client.put(f"snapshots/{snap['uuid']}/", json={"meta": meta}), 400, "validation", "meta")


async def test_meta_key_of_exactly_32_is_fine(client):
    drive = await a_drive(client)
    r = await client.post("snapshots/", json={"drive": drive["uuid"], "meta": {"k" * 32: "v"}})
    assert r.status_code == 201


async def test_malformed_uuid_and_bad_json(client):
    _one(await client.post("snapshots/", json={"drive": "not-a-uuid"}), 400, "validation", "drive")
    r = await client.post("snapshots/", content=b'{"drive": ', headers={"content-type": "application/json"})
    _one(r, 400, "validation", None)
    r = await client.request("DELETE", "snapshots/", json={"objects": [{"uuid": "nope"}]})
    _one(r, 400, "validation", "objects")


async def test_a_refused_item_creates_nothing(client):
    drive = await a_drive(client)
    r = await client.post("snapshots/", json={"objects": [{"drive": drive["uuid"]}, {"drive": "bad"}]})
    assert r.status_code == 400
    assert len(await all_of(client, "snapshots/")) == 240


async def test_401_without_or_with_wrong_credentials(app):
    async with make_client(app, auth=None) as anon:
        r = await anon.get("snapshots/")
        _one(r, 401, "permission")
        assert r.headers["www-authenticate"] == 'Basic realm="users"'
    async with make_client(app, auth=("demo@example.com", "wrong")) as bad:
        r = await bad.get("profile/")
        _one(r, 401, "permission")
        assert "wrong" not in r.text


async def test_403_not_snapshotable_quota_and_wrong_state(app, client):
    local = await a_drive(client, snapshotable=False)
    assert local["storage_type"] == "local_nvme"
    msg = _one(await client.post("snapshots/", json={"drive": local["uuid"]}), 403, "permission", "drive")
    assert "does not support snapshots" in msg
    drive = await a_drive(client)
    creating = (await client.post("snapshots/", json={"drive": drive["uuid"]})).json()["objects"][0]
    msg = _one(await client.post(f"snapshots/{creating['uuid']}/action/?do=clone"), 403, "permission")
    assert 'state "creating"' in msg
    caps = (await client.get("capabilities/")).json()["snapshots"]
    assert caps["current"] == 241
    app.state.emu.accounts["demo@example.com"].settings["quota_max"] = 241
    msg = _one(await client.post("snapshots/", json={"drive": drive["uuid"]}), 403, "permission")
    assert "limit" in msg
    app.state.emu.accounts["demo@example.com"].settings.update(quota_max=10_000, quota_per_drive=len(
        (await client.get(f"drives/{drive['uuid']}/")).json()["snapshots"]))
    _one(await client.post("snapshots/", json={"drive": drive["uuid"]}), 403, "permission")


async def test_quota_values_come_from_capabilities():
    app = create_app(drives=2, snapshots=4, transition_seconds=0.1)
    async with make_client(app) as c:
        caps = (await c.get("capabilities/")).json()["snapshots"]
        assert caps == {"current": 4, "max": 700, "max_per_drive": 90}


async def test_404_notexist_message(client):
    uuid = "4c1e4e36-8a49-4d93-a7ad-1c0d6ea4e8f0"
    msg = _one(await client.get(f"snapshots/{uuid}/"), 404, "notexist", None)
    assert msg == f"Object with uuid {uuid} does not exist"
    for method, path in (("PUT", f"snapshots/{uuid}/"), ("DELETE", f"snapshots/{uuid}/"),
                         ("GET", f"drives/{uuid}/"), ("GET", f"jobs/{uuid}/"), ("GET", f"tags/{uuid}/")):
        _one(await client.request(method, path, json={}), 404, "notexist")
    _one(await client.get("no-such-resource/"), 404, "notexist")


async def test_405_with_allow(client):
    r = await client.delete("profile/")
    _one(r, 405, "permission")
    assert r.headers["allow"] == "GET, PUT"
    r = await client.post("snapshots/detail/")
    assert r.status_code == 405 and r.headers["allow"] == "GET"


async def test_accounts_see_only_their_own_objects(client, other):
    mine = await all_of(client, "snapshots/")
    theirs = await all_of(other, "snapshots/")
    assert mine and theirs and not {s["uuid"] for s in mine} & {s["uuid"] for s in theirs}
    owner = mine[0]["owner"]["uuid"]
    assert all(s["owner"]["uuid"] != owner for s in theirs)
    # Another account's uuid is simply not there.
    _one(await other.get(f"snapshots/{mine[0]['uuid']}/"), 404, "notexist")
    _one(await other.delete(f"snapshots/{mine[0]['uuid']}/"), 404, "notexist")
    _one(await other.post("snapshots/", json={"drive": mine[0]["drive"]["uuid"]}), 404, "notexist", "drive")
    _one(await other.request("DELETE", "snapshots/", json={"objects": [{"uuid": mine[0]["uuid"]}]}), 404, "notexist")
    assert (await client.get(f"snapshots/{mine[0]['uuid']}/")).status_code == 200
    assert (await other.get("profile/")).json()["email"] == "other@example.com"


async def test_missing_trailing_slash_is_explained(client):
    msg = _one(await client.get("snapshots"), 404, "notexist")
    assert msg.endswith("end with a slash: /api/2.0/snapshots/")


async def test_head_and_options(client):
    assert (await client.head("snapshots/")).status_code == 200
    r = await client.options("snapshots/")
    assert r.status_code == 200 and r.headers["allow"] == "DELETE, GET, POST, PUT"  # as the schema lists


async def test_unavailable_drive_cannot_be_snapshotted():
    app = create_app(drives=20, snapshots=200, transition_seconds=0.1)
    async with make_client(app) as c:
        drive = await a_drive(c, status=("unavailable",))
        msg = _one(await c.post("snapshots/", json={"drive": drive["uuid"]}), 403, "permission", "drive")
        assert 'state "unavailable"' in msg
