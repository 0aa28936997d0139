"""The emulator answers in the shapes of the documented dumps and accepts what the official library sends."""

from __future__ import annotations

import httpx
import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app
from explorer.emulator.objects import STORAGE_TYPES
from tests.emulator.conftest import a_drive, advance, all_of, make_client

GIB = 1 << 30
TASTYPIE_KEYS = {"allowed_detail_http_methods", "allowed_list_http_methods", "default_format", "default_limit",
                 "fields"}
# Top-level keys of `dumps/response_capabilities` that say something about this emulator's account.
CAPABILITY_KEYS = {"backfilling", "currencies", "default_inactive_period", "default_storage_type", "drives", "hosts",
                   "hypervisors", "inactive_period_range", "remote_snapshots", "servers", "snapshots"}


@pytest.fixture
def app():
    return create_app(seed=5, drives=20, snapshots=100, transition_seconds=3600,
                      users=[(DEMO_USERNAME, DEMO_PASSWORD)])


@pytest.fixture
async def client(app):
    async with make_client(app) as c:
        yield c


async def test_drive_size_as_a_numeric_string_is_accepted_like_pycloudsigma_sends_it(app, client):
    r = await client.post("drives/", json={"objects": [{"name": "test_drive_1", "size": "1024000000",
                                                        "media": "disk"}]})
    assert r.status_code == 201, r.text
    drive = r.json()["objects"][0]
    assert drive["size"] == 1024000000  # an integer again, rounded up to 16 KiB as the backend does
    advance(app, hours=2)
    r = await client.put(f"drives/{drive['uuid']}/", json={"size": str(2 * GIB)})
    assert r.status_code == 200 and r.json()["size"] == 2 * GIB
    advance(app, hours=2)
    r = await client.post(f"drives/{drive['uuid']}/action/?do=clone", json={"size": str(3 * GIB)})
    assert r.status_code == 202 and r.json()["objects"][0]["size"] == 3 * GIB


@pytest.mark.parametrize("size", ["1e9", "1024000000.0", "-1024000000", " 1024000000", "0x40000000", "", "big",
                                  "9" * 30, 1024000000.0, True, None, [1024000000]])
async def test_other_sizes_are_still_refused(client, size):
    r = await client.post("drives/", json={"name": "x", "size": size, "media": "disk"})
    assert r.status_code == 400 and r.json()[0]["error_point"] == "size"


async def test_size_limits_are_the_ones_capabilities_states(client):
    limits = (await client.get("capabilities/")).json()["drives"]
    for stype, caps in limits.items():
        low, high = caps["size"]["min"], caps["size"]["max"]
        assert (caps["min_size"], caps["max_size"]) == (low, high)
        assert set(caps["iops"]) == {"base", "max", "min"}
        for size, ok in ((low - 1, False), (low, True), (high, True), (high + 1, False)):
            spec = {"name": "edge", "size": size, "media": "disk", "storage_type": stype}
            r = await client.post("drives/", json=spec)
            assert (r.status_code == 201) is ok, (stype, size, r.text)


async def test_pricing_honours_limit_and_offset(client):
    everything = (await client.get("pricing/")).json()
    total = everything["meta"]["total_count"]
    assert everything["meta"]["limit"] == 0 and len(everything["objects"]) == total  # default_limit 0: all
    five = (await client.get("pricing/", params={"limit": 5})).json()  # the documented request
    assert five["meta"] == {"limit": 5, "offset": 0, "total_count": total}
    assert five["objects"] == everything["objects"][:5] and set(five) == {"meta", "objects", "current", "next"}
    page = (await client.get("pricing/", params={"limit": 3, "offset": 4})).json()
    assert page["objects"] == everything["objects"][4:7] and page["meta"]["offset"] == 4
    assert (await client.get("pricing/", params={"limit": 0})).json()["objects"] == everything["objects"]
    chf = (await client.get("pricing/", params={"currency": "CHF", "limit": 2})).json()
    assert len(chf["objects"]) == 2 and chf["meta"]["total_count"] == total // 4
    assert (await client.get("pricing/", params={"limit": "x"})).status_code == 400


@pytest.mark.parametrize("resource", ["pricing", "balance", "currentusage", "profile", "subscriptions", "tags",
                                      "jobs", "snapshots", "drives"])
async def test_schema_endpoints_describe_the_objects_served(client, resource):
    r = await client.get(f"{resource}/schema/")
    assert r.status_code == 200, r.text
    schema = r.json()
    assert set(schema) >= TASTYPIE_KEYS
    fields = set(schema["fields"])
    if resource == "jobs":  # a clone makes a job to describe
        drive = await a_drive(client)
        assert (await client.post(f"drives/{drive['uuid']}/action/?do=clone")).status_code == 202
    if resource in ("balance", "currentusage", "profile"):
        served = [(await client.get(f"{resource}/")).json()]
    else:  # the detailed list: drives' short list is not what the schema describes
        served = (await client.get(f"{resource}/detail/" if resource != "pricing" else "pricing/",
                                   params={"limit": 3})).json()["objects"]
    assert served
    for obj in served:
        assert fields <= set(obj), (resource, fields - set(obj))
    assert schema["default_limit"] == (0 if resource == "pricing" else 20)


async def test_capabilities_schema_and_shape(client):
    assert (await client.get("capabilities/schema/")).json() == {
        "allowed_methods": ["get"], "help_text": "Various API capabilities. Check documentation for reference"}
    caps = (await client.get("capabilities/")).json()
    assert set(caps) >= CAPABILITY_KEYS
    assert caps["default_storage_type"] == "dssd"
    assert {"EUR", "USD", "GBP", "CHF"} <= {c["id"] for c in caps["currencies"]}
    assert set(caps["snapshots"]) == {"current", "max", "max_per_drive"}
    assert caps["snapshots"]["current"] == len(await all_of(client, "snapshots/"))
    assert {"amd", "intel"} <= set(caps["hosts"]) and caps["hypervisors"] == {"kvm": ["intel", "amd"]}


async def test_the_client_reads_the_documented_capabilities(app):
    async with AsyncCloudSigmaClient("http://emulator/api/2.0/", username=DEMO_USERNAME, password=DEMO_PASSWORD,
                                     transport=httpx.ASGITransport(app=app)) as api:
        caps = await api.capabilities()
        usage = await api.current_usage()
    assert caps.snapshots.max == 700 and caps.snapshots.max_per_drive == 90
    assert caps.extra["default_storage_type"] == "dssd" and "iops" in caps.extra["drives"]["zadara"]
    assert usage.usage["dssd"].using > 0


async def test_drive_runtime_and_schema_choices(app, client):
    schema = (await client.get("drives/schema/")).json()["fields"]
    assert schema["media"]["choices"] == ["cdrom", "disk"] and schema["affinities"]["choices"] == ["ssd"]
    assert set(schema["storage_type"]["choices"]) == set(STORAGE_TYPES)
    assert schema["iops"]["type"] == "integer"
    assert {"is_downloadable", "is_ephemeral", "is_snapshotable"} <= set(schema["runtime"]["fields"])
    for stype in ("dssd", "local_nvme"):
        new = (await client.post("drives/", json={"name": stype, "size": GIB, "media": "disk",
                                                  "storage_type": stype})).json()["objects"][0]
        runtime = new["runtime"]
        assert (runtime["is_downloadable"], runtime["is_snapshotable"]) == (None, None)  # still creating
        assert runtime["is_ephemeral"] is (stype == "local_nvme")
        advance(app, hours=2)
        ready = (await client.get(f"drives/{new['uuid']}/")).json()["runtime"]
        assert (ready["is_downloadable"], ready["is_snapshotable"], ready["is_ephemeral"]) == (
            (True, True, False) if stype == "dssd" else (False, False, True))
    for d in await all_of(client, "drives/detail/"):
        assert {"is_downloadable", "is_ephemeral"} <= set(d["runtime"])
    r = await client.post("drives/", json={"name": "x", "size": GIB, "media": "disk", "affinities": ["fast"]})
    assert r.status_code == 400 and r.json()[0]["error_point"] == "affinities"


async def test_drive_iops_is_null_or_within_the_types_range(client):
    iops = (await client.get("capabilities/")).json()["drives"]["zadara"]["iops"]
    assert all(d["iops"] is None for d in await all_of(client, "drives/detail/"))
    spec = {"name": "io", "size": 2 * GIB, "media": "disk", "storage_type": "zadara"}
    for value in (iops["max"] + 1, 0, "100", True):
        r = await client.post("drives/", json={**spec, "iops": value})
        assert r.status_code == 400 and r.json()[0]["error_point"] == "iops", value
    drive = (await client.post("drives/", json={**spec, "iops": iops["max"]})).json()["objects"][0]
    assert drive["iops"] == iops["max"]
    r = await client.put(f"drives/{drive['uuid']}/", json={"iops": None})
    assert r.status_code == 200 and r.json()["iops"] is None


async def test_profile_and_subscriptions_have_the_documented_nulls_and_fields(client):
    profile = (await client.get("profile/")).json()
    assert profile["tax_rate"] is None and profile["tax_name"] is None
    assert profile["has_tx_autotopup"] is False and isinstance(profile["network_restrictions"], str)
    assert {"tx_autotopup_amount", "tx_autotopup_threshold"} <= set(profile)
    assert set(profile) == set((await client.get("profile/schema/")).json()["fields"])
    for sub in (await client.get("subscriptions/")).json()["objects"]:
        assert sub["discount_amount"] is None and sub["discount_percent"] is None


@pytest.mark.parametrize("kind", ["snapshots", "drives"])
async def test_put_on_the_list_edits_the_listed_objects_as_the_schema_says(app, client, kind):
    schema = (await client.get(f"{kind}/schema/")).json()
    allow = (await client.options(f"{kind}/")).headers["allow"]
    assert {m.strip().lower() for m in allow.split(",")} == set(schema["allowed_list_http_methods"])
    assert {m.strip().lower() for m in (await client.options(f"{kind}/{(await all_of(client, kind + '/'))[0]['uuid']}/")
                                        ).headers["allow"].split(",")} == set(schema["allowed_detail_http_methods"])
    before = await all_of(client, f"{kind}/detail/")
    a, b, untouched = before[0], before[1], before[2:]
    r = await client.put(f"{kind}/", json={"objects": [{"uuid": a["uuid"], "name": "first"},
                                                       {"uuid": b["uuid"], "meta": {"k": "v"}}]})
    assert r.status_code == 200, r.text
    assert [(o["uuid"], o["name"], o["meta"]) for o in r.json()["objects"]] == [
        (a["uuid"], "first", a["meta"]), (b["uuid"], b["name"], {"k": "v"})]
    after = await all_of(client, f"{kind}/detail/")
    assert after[2:] == untouched and (after[0]["name"], after[1]["meta"]) == ("first", {"k": "v"})
    # One refused item refuses the whole PUT.
    for body, status in (({"objects": [{"uuid": a["uuid"], "name": "second"},
                                       {"uuid": "00000000-0000-4000-8000-000000000000", "name": "x"}]}, 404),
                         ({"objects": [{"uuid": a["uuid"], "name": "second"}, {"uuid": b["uuid"], "meta": 5}]}, 400),
                         ({"objects": [{"name": "no uuid"}]}, 400),
                         ({"objects": [{"uuid": a["uuid"], "name": "x"}, {"uuid": a["uuid"], "name": "y"}]}, 400)):
        r = await client.put(f"{kind}/", json=body)
        assert r.status_code == status, (body, r.text)
    assert await all_of(client, f"{kind}/detail/") == after
