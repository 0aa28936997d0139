"""`/remotesnapshots/`: backups in another location, their lifecycle on the simulated clock, and their billing."""

from __future__ import annotations

import asyncio

import httpx
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app
from tests.emulator.conftest import a_drive, advance, all_of, make_client
from tests.emulator.test_bad_bodies import fingerprint
from tests.emulator.test_fuzz import FUZZ, UNKNOWN, _check, _fill, _filled, _ids, bodies

PHASE = 60.0  # each of creating and transferring lasts this long on the simulated clock


@pytest.fixture
def app():
    return create_app(seed=7, drives=12, snapshots=240, transition_seconds=PHASE, location="FRA",
                      users=[(DEMO_USERNAME, DEMO_PASSWORD), ("other@example.com", "other-password")])


@pytest.fixture
async def client(app):
    async with make_client(app) as c:
        yield c


async def _fresh_drive(client) -> dict:
    """A snapshotable drive without backups yet (so the 30-minute rule does not apply to it)."""
    for d in await all_of(client, "drives/detail/"):
        if d["runtime"]["is_snapshotable"] and d["status"] in ("mounted", "unmounted") and not d["remote_snapshots"]:
            return d
    raise AssertionError("the fleet has no drive without backups")


async def _create(client, drive, **extra) -> httpx.Response:
    return await client.post("remotesnapshots/", json={"drive": drive["uuid"], "location": "ZRH", "meta": {},
                                                       "name": "nightly", "tags": [], **extra})


async def test_create_then_creating_transferring_available_on_the_clock(app, client):
    drive = await _fresh_drive(client)
    r = await _create(client, drive)
    assert r.status_code == 201, r.text
    obj = r.json()["objects"][0]
    assert r.headers["location"] == obj["resource_uri"] == f"/api/2.0/remotesnapshots/{obj['uuid']}/"
    assert (obj["status"], obj["allocated_size"], obj["location"], obj["name"]) == ("creating", 0, "ZRH", "nightly")
    assert obj["drive"]["uuid"] == drive["uuid"]
    assert obj["drive_meta"] == {"media": drive["media"], "name": drive["name"], "size": drive["size"],
                                 "src_uuid": drive["uuid"], "storage_type": drive["storage_type"]}
    assert set(obj) == {"allocated_size", "drive", "drive_meta", "grantees", "last_state_change", "location",
                        "meta", "name", "owner", "permissions", "resource_uri", "status", "tags", "timestamp", "uuid"}
    refs = (await client.get(f"drives/{drive['uuid']}/")).json()["remote_snapshots"]
    assert refs == [{"resource_uri": obj["resource_uri"], "uuid": obj["uuid"]}]
    # A remote snapshot is no local one: the drive's snapshots are unchanged.
    assert obj["uuid"] not in {s["uuid"] for s in await all_of(client, "snapshots/")}

    advance(app, seconds=PHASE + 1)
    moving = (await client.get(f"remotesnapshots/{obj['uuid']}/")).json()
    assert moving["status"] == "transferring" and moving["last_state_change"] > obj["last_state_change"]
    advance(app, seconds=PHASE + 1)
    done = (await client.get(f"remotesnapshots/{obj['uuid']}/")).json()
    assert done["status"] == "available" and isinstance(done["allocated_size"], int)
    assert done["last_state_change"] > moving["last_state_change"] and done["timestamp"] == obj["timestamp"]


async def test_no_second_one_while_in_progress_nor_within_30_minutes(app, client):
    drive = await _fresh_drive(client)
    first = (await _create(client, drive)).json()["objects"][0]
    busy = await _create(client, drive, name="again")
    assert busy.status_code == 403
    assert busy.json()[0]["error_type"] == "permission" and 'still in state "creating"' in busy.json()[0][
        "error_message"]
    for refused in (await client.put(f"remotesnapshots/{first['uuid']}/", json={"name": "x"}),
                    await client.delete(f"remotesnapshots/{first['uuid']}/"),
                    await client.post(f"remotesnapshots/{first['uuid']}/action/", params={"do": "clone"})):
        assert refused.status_code == 403, refused.text
        assert '"creating"' in refused.json()[0]["error_message"]
    advance(app, seconds=2 * PHASE + 2)  # available now, 2 minutes after it was taken
    soon = await _create(client, drive, name="again")
    assert soon.status_code == 403 and "within 30 minutes" in soon.json()[0]["error_message"]
    advance(app, seconds=30 * 60)
    later = await _create(client, drive, name="again")
    assert later.status_code == 201
    refs = (await client.get(f"drives/{drive['uuid']}/")).json()["remote_snapshots"]
    assert [r["uuid"] for r in refs] == [first["uuid"], later.json()["objects"][0]["uuid"]]


async def test_bad_creates_are_refused_and_create_nothing(app, client):
    drive = await _fresh_drive(client)
    before = (await client.get("remotesnapshots/")).json()["meta"]["total_count"]
    cases = [
        ({"drive": drive["uuid"]}, 400, "location"),  # where to keep it is required
        ({"drive": drive["uuid"], "location": "TYO"}, 400, "location"),  # no backups in Tokyo
        ({"drive": drive["uuid"], "location": "FRA"}, 400, "location"),  # not in its own location
        ({"location": "ZRH"}, 400, "drive"),
        ({"drive": "00000000-0000-4000-8000-000000000000", "location": "ZRH"}, 404, "drive"),
        ([{"drive": drive["uuid"], "location": "ZRH"}, {"drive": drive["uuid"], "location": "GVA"}], 403, "drive"),
    ]
    local_nvme = await a_drive(client, snapshotable=False)
    cases.append(({"drive": local_nvme["uuid"], "location": "ZRH"}, 403, "drive"))
    for body, status, point in cases:
        r = await client.post("remotesnapshots/", json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()[0]["error_point"] == point
    assert (await client.get("remotesnapshots/")).json()["meta"]["total_count"] == before


async def test_they_survive_the_drive_and_can_still_be_edited_cloned_and_deleted(app, client):
    drive = await _fresh_drive(client)
    if drive["status"] == "mounted":  # a mounted drive cannot be deleted: take one that is not
        drive = next(d for d in await all_of(client, "drives/detail/")
                     if d["status"] == "unmounted" and d["runtime"]["is_snapshotable"] and not d["remote_snapshots"])
    obj = (await _create(client, drive)).json()["objects"][0]
    advance(app, seconds=2 * PHASE + 2)
    assert (await client.delete(f"drives/{drive['uuid']}/")).status_code == 204
    assert (await client.get(f"drives/{drive['uuid']}/")).status_code == 404
    kept = (await client.get(f"remotesnapshots/{obj['uuid']}/")).json()
    assert kept["status"] == "available" and kept["drive"] is None
    assert kept["drive_meta"]["src_uuid"] == drive["uuid"]
    assert obj["uuid"] in {o["uuid"] for o in await all_of(client, "remotesnapshots/detail/")}
    # Editing an orphan works, with its source drive named or not.
    for body in ({"name": "orphan"}, {"name": "orphan", "drive": drive["uuid"]}):
        r = await client.put(f"remotesnapshots/{obj['uuid']}/", json=body)
        assert r.status_code == 200 and r.json()["name"] == "orphan"
    # Restoring it makes a drive like the one that is gone.
    r = await client.post(f"remotesnapshots/{obj['uuid']}/action/", params={"do": "clone"})
    assert r.status_code == 202, r.text
    clone = r.json()
    assert (clone["status"], clone["name"], clone["size"], clone["storage_type"]) == (
        "cloning_dst", "orphan", drive["size"], drive["storage_type"])
    assert (await client.delete(f"remotesnapshots/{obj['uuid']}/")).status_code == 204
    assert (await client.get(f"remotesnapshots/{obj['uuid']}/")).status_code == 404


async def test_same_envelope_filters_fields_and_errors_as_snapshots(app, client, other):
    objs = await all_of(client, "remotesnapshots/")
    assert len(objs) > 2  # the demo account of a location keeps backups elsewhere
    page = (await client.get("remotesnapshots/")).json()
    assert page["meta"] == {"limit": 20, "offset": 0, "total_count": len(objs)}
    only = (await client.get("remotesnapshots/", params={"fields": "uuid,status", "limit": 0})).json()["objects"]
    assert all(set(o) == {"uuid", "status"} for o in only)
    one_drive = next(o["drive"]["uuid"] for o in objs if o["drive"])
    by_drive = await all_of(client, "remotesnapshots/detail/", drive=one_drive)
    assert by_drive and all(o["drive"]["uuid"] == one_drive for o in by_drive)
    assert await all_of(client, "remotesnapshots/", name__contains="DECOMMISSION")  # case-insensitive
    two = f"{objs[0]['uuid']},{objs[1]['uuid']}"
    assert {o["uuid"] for o in await all_of(client, "remotesnapshots/", uuid=two)} == set(two.split(","))
    schema = (await client.get("remotesnapshots/schema/")).json()
    assert {"location", "drive_meta", "last_state_change", "drive"} <= set(schema["fields"])
    assert schema["allowed_list_http_methods"] == ["get", "put", "delete", "post"]
    assert (await client.patch("remotesnapshots/")).status_code == 405
    # Another account sees none of them.
    assert (await other.get(f"remotesnapshots/{objs[0]['uuid']}/")).status_code == 404
    # Bulk delete is all or nothing: one unknown uuid deletes none.
    unknown = "00000000-0000-4000-8000-000000000000"
    body = {"objects": [{"uuid": objs[0]["uuid"]}, {"uuid": unknown}]}
    r = await client.request("DELETE", "remotesnapshots/", json=body)
    assert r.status_code == 404 and unknown in r.json()[0]["error_message"]
    assert (await client.get(f"remotesnapshots/{objs[0]['uuid']}/")).status_code == 200
    r = await client.request("DELETE", "remotesnapshots/", json={"objects": [{"uuid": o["uuid"]} for o in objs[:2]]})
    assert r.status_code == 204 and r.content == b""
    assert len(await all_of(client, "remotesnapshots/")) == len(objs) - 2
    # Bulk PUT edits exactly the listed ones.
    r = await client.put("remotesnapshots/", json={"objects": [{"uuid": objs[2]["uuid"], "meta": {"k": "v"}}]})
    assert r.status_code == 200 and r.json()["objects"][0]["meta"] == {"k": "v"}


async def test_billed_as_backup_with_its_own_subscription_and_burst_level(app, client):
    objs = await all_of(client, "remotesnapshots/")
    usage = (await client.get("currentusage/")).json()["usage"]
    assert usage["backup"]["using"] == sum(o["allocated_size"] for o in objs)
    subs = [s for s in await all_of(client, "subscriptions/") if s["resource"] == "backup"]
    assert len(subs) == 1 and usage["backup"]["subscribed"] == int(subs[0]["amount"])
    assert usage["backup"]["burst"] == max(0, usage["backup"]["using"] - usage["backup"]["subscribed"])
    # Not counted as drive storage: each storage type's usage is drive sizes plus local snapshots only.
    drives = await all_of(client, "drives/detail/")
    assert usage["dssd"]["using"] == sum(d["size"] + d["runtime"]["snapshots_allocated_size"]
                                         for d in drives if d["storage_type"] == "dssd")
    pricing = (await client.get("pricing/", params={"resource": "backup", "currency": "EUR"})).json()
    levels = {p["level"] for p in pricing["objects"]}
    assert 0 in levels and pricing["current"]["backup"] in levels and "backup" in pricing["next"]
    caps = (await client.get("capabilities/")).json()["remote_snapshots"]
    assert caps["current"] == len(objs) and caps["max"] == 600
    assert "FRA" not in caps["remote_locations"] and "ZRH" in caps["remote_locations"]


async def test_the_newest_backup_of_a_drive_grows_as_the_drive_writes(app, client):
    objs = await all_of(client, "remotesnapshots/detail/")
    newest = {}
    for o in objs:
        if o["drive"]:
            newest[o["drive"]["uuid"]] = o  # creation order: the last one of each drive is its newest
    before = sum(o["allocated_size"] for o in newest.values())
    advance(app, days=2)
    after = {o["uuid"]: o for o in await all_of(client, "remotesnapshots/detail/")}
    assert sum(after[o["uuid"]]["allocated_size"] for o in newest.values()) > before
    older = [o for o in objs if o["drive"] and newest[o["drive"]["uuid"]]["uuid"] != o["uuid"]]
    assert all(after[o["uuid"]]["allocated_size"] == o["allocated_size"] for o in older)


async def test_deletion_delay_applies_to_remote_snapshots_too(app, client):
    app.state.faults.update(deletion_delay_seconds=600)
    obj = (await all_of(client, "remotesnapshots/"))[0]
    assert (await client.delete(f"remotesnapshots/{obj['uuid']}/")).status_code == 204
    assert (await client.get(f"remotesnapshots/{obj['uuid']}/")).status_code == 200  # deletion started
    advance(app, seconds=601)
    assert (await client.get(f"remotesnapshots/{obj['uuid']}/")).status_code == 404


def test_they_persist_across_a_restart(tmp_path):
    db = tmp_path / "remote.sqlite"
    first = create_app(seed=3, drives=6, snapshots=30, db=db, location="LON")
    state = first.state.emu
    acct = state.accounts[DEMO_USERNAME]
    saved = dict(acct.remotesnapshots.raw)
    state.close()
    again = create_app(seed=3, drives=6, snapshots=30, db=db)  # the stored location is kept
    assert again.state.emu.location.code == "LON"
    assert dict(again.state.emu.accounts[DEMO_USERNAME].remotesnapshots.raw) == saved
    again.state.emu.close()


REMOTE_WRITES = [("POST", "remotesnapshots/"), ("PUT", "remotesnapshots/"), ("DELETE", "remotesnapshots/"),
                 ("PUT", "remotesnapshots/{s}/"), ("DELETE", "remotesnapshots/{s}/"),
                 ("POST", "remotesnapshots/{s}/action/?do=clone"), ("POST", "remotesnapshots/{s}/action/"),
                 ("PATCH", "remotesnapshots/{s}/")]
_remote_items = st.fixed_dictionaries({}, optional={
    "drive": st.sampled_from(["{d}", UNKNOWN, 7, None]), "location": st.sampled_from(["ZRH", "zrh", "FRA", "TYO", 7]),
    "uuid": st.sampled_from(["{s}", "{d}", UNKNOWN]), "name": st.text(max_size=8) | st.just("n" * 256),
    "meta": st.dictionaries(st.text(max_size=40), st.text(max_size=4) | st.integers(), max_size=2),
    "tags": st.lists(st.sampled_from(["{t}", UNKNOWN, "bad"]), max_size=2)})
_remote_bodies = st.one_of(bodies, _remote_items.map(lambda v: ("json", v)),
                           st.lists(_remote_items, min_size=1, max_size=3).map(lambda v: ("json", {"objects": v})))


@FUZZ
@given(route=st.sampled_from(REMOTE_WRITES), body=_remote_bodies, who=st.sampled_from(["own", "other", "broken"]))
def test_every_remote_write_answers_2xx_or_a_documented_4xx_and_a_refusal_changes_nothing(route, body, who):
    async def run():
        app = create_app(seed=3, drives=4, snapshots=16, transition_seconds=3600, location="FRA",
                         users=[(DEMO_USERNAME, DEMO_PASSWORD), ("other@example.com", "other-password")])
        async with make_client(app) as client, make_client(app, auth=("other@example.com", "other-password")) as other:
            ids = await _ids(other if who == "other" else client, who)
            if who == "own":
                ids["s"] = (await client.get("remotesnapshots/", params={"limit": 1})).json()["objects"][0]["uuid"]
            method, path = route
            kind, value = body
            content = msgspec.json.encode(_filled(value, ids)) if kind == "json" else value
            before = fingerprint(app)
            r = await client.request(method, _fill(path, ids), content=content,
                                     headers={"content-type": "application/json"})
            _check(r, app, before)

    asyncio.run(run())


async def test_tags_on_remote_snapshots_are_listed_and_removed_with_the_tag(app, client):
    obj = (await all_of(client, "remotesnapshots/"))[0]
    tag = (await client.post("tags/", json={"name": "offsite", "resources": [obj["uuid"]]})).json()["objects"][0]
    assert [(r["res_type"], r["uuid"]) for r in tag["resources"]] == [("remotesnapshots", obj["uuid"])]
    tagged = (await client.get(f"remotesnapshots/{obj['uuid']}/")).json()["tags"]
    assert [t["uuid"] for t in tagged] == [tag["uuid"]]
    assert [o["uuid"] for o in await all_of(client, "remotesnapshots/", tag__name="offsite")] == [obj["uuid"]]
    assert (await client.delete(f"tags/{tag['uuid']}/")).status_code == 204
    assert (await client.get(f"remotesnapshots/{obj['uuid']}/")).json()["tags"] == []
