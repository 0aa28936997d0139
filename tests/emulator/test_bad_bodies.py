"""Hostile bodies get a 4xx error array and change nothing: deep nesting, oversized bodies, over-long names."""

from __future__ import annotations

import httpx
import pytest

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app, running_emulator
from explorer.emulator.routes.fields import NAME_MAX
from explorer.emulator.wire import MAX_BODY_BYTES, MAX_DEPTH
from tests.emulator.conftest import a_drive, all_of, make_client

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def app():
    # Transitions far in the future: nothing changes between two requests unless a request writes.
    return create_app(seed=11, drives=6, snapshots=60, transition_seconds=3600,
                      users=[(DEMO_USERNAME, DEMO_PASSWORD)])


@pytest.fixture
async def client(app):
    async with make_client(app) as c:
        yield c


def fingerprint(app) -> dict:
    """Everything a write could change, as the bytes the API serves."""
    out = {}
    for email, acct in app.state.emu.accounts.items():
        out[email] = ({kind: dict(coll.raw) for kind, coll in acct.collections.items()},
                      repr(acct.profile), repr(acct.balance), repr(acct.settings), repr(acct.aux))
    return out


async def write_endpoints(client) -> list[tuple[str, str]]:
    """(method, path) of every endpoint that takes a body, on real objects of the account."""
    snap = (await all_of(client, "snapshots/"))[0]["uuid"]
    drive = (await a_drive(client))["uuid"]
    tag = (await all_of(client, "tags/"))[0]["uuid"]
    return [
        ("POST", "snapshots/"), ("PUT", "snapshots/"), ("DELETE", "snapshots/"),
        ("PUT", f"snapshots/{snap}/"), ("DELETE", f"snapshots/{snap}/"), ("POST", f"snapshots/{snap}/action/?do=clone"),
        ("POST", "drives/"), ("DELETE", "drives/"), ("PUT", f"drives/{drive}/"), ("DELETE", f"drives/{drive}/"),
        ("POST", f"drives/{drive}/action/?do=clone"), ("POST", f"drives/{drive}/action/?do=resize"),
        ("POST", "tags/"), ("PUT", f"tags/{tag}/"), ("DELETE", f"tags/{tag}/"), ("PUT", "profile/"),
    ]


def assert_error_array(r, status: int, etype: str) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    errors = r.json()
    assert isinstance(errors, list) and errors
    assert set(errors[0]) == {"error_type", "error_point", "error_message"} and errors[0]["error_type"] == etype
    return errors[0]


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"objects":' * 50_000, b"[" * 500 + b"]" * 500],
                         ids=["open-lists", "open-objects", "closed-500-deep"])
async def test_deep_nesting_is_a_400_on_every_write_endpoint_and_changes_nothing(app, client, body):
    before = fingerprint(app)
    for method, path in await write_endpoints(client):
        r = await client.request(method, path, content=body, headers={"content-type": "application/json"})
        error = assert_error_array(r, 400, "validation")
        assert "nested" in error["error_message"] or "Malformed" in error["error_message"], (method, path)
    assert fingerprint(app) == before


async def test_nesting_up_to_the_limit_is_an_ordinary_answer(app, client):
    drive = await a_drive(client)

    def body(depth: int) -> list:
        value = "leaf"
        for _ in range(depth - 2):  # the list of objects and the object are two levels already
            value = [value]
        return [{"drive": drive["uuid"], "extra": value}]

    before = fingerprint(app)
    r = await client.post("snapshots/", json=body(MAX_DEPTH + 1))
    assert_error_array(r, 400, "validation")
    assert fingerprint(app) == before
    assert (await client.post("snapshots/", json=body(MAX_DEPTH))).status_code == 201


async def test_a_body_over_the_limit_is_a_413_and_changes_nothing(app, client):
    before = fingerprint(app)
    drive = await a_drive(client)
    big = b'{"drive": "%s", "name": "' % drive["uuid"].encode() + b"x" * MAX_BODY_BYTES + b'"}'
    for method, path in await write_endpoints(client):
        r = await client.request(method, path, content=big, headers={"content-type": "application/json"})
        error = assert_error_array(r, 413, "validation")
        assert f"{MAX_BODY_BYTES}" in error["error_message"]
    assert fingerprint(app) == before


async def test_a_chunked_body_over_the_limit_is_a_413(app, client):
    before = fingerprint(app)

    async def chunks():  # no Content-Length: the limit must hold while the body streams in
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    r = await client.post("snapshots/", content=chunks(), headers={"content-type": "application/json"})
    assert_error_array(r, 413, "validation")
    assert fingerprint(app) == before


async def test_a_body_just_under_the_limit_is_read(client):
    drive = await a_drive(client)
    body = b'{"drive": "%s"}' % drive["uuid"].encode()
    r = await client.post("snapshots/", content=body + b" " * (MAX_BODY_BYTES - len(body)))
    assert r.status_code == 201


@pytest.mark.parametrize("kind", ["snapshots", "drives", "tags"])
async def test_names_over_the_limit_are_refused_on_create_and_put(app, client, kind):
    drive = await a_drive(client)
    spec = {"snapshots": {"drive": drive["uuid"]}, "drives": {"size": 1 << 30, "media": "disk"}, "tags": {}}[kind]
    existing = (await all_of(client, f"{kind}/"))[0]["uuid"]
    before = fingerprint(app)
    for name in ("x" * (NAME_MAX + 1), "é" * (NAME_MAX + 1), "x" * 20_000_000):
        for r in (await client.post(f"{kind}/", json={**spec, "name": name}),
                  await client.put(f"{kind}/{existing}/", json={"name": name})):
            error = assert_error_array(r, 413 if len(name) > MAX_BODY_BYTES else 400, "validation")
            if r.status_code == 400:
                assert error["error_point"] == "name" and str(NAME_MAX) in error["error_message"]
                assert len(error["error_message"]) < 300  # the name is not echoed back
    assert fingerprint(app) == before
    r = await client.post(f"{kind}/", json={**spec, "name": "y" * NAME_MAX})
    assert r.status_code == 201 and r.json()["objects"][0]["name"] == "y" * NAME_MAX


async def test_clone_names_over_the_limit_are_refused(app, client):
    snap = (await all_of(client, "snapshots/"))[0]
    drive = await a_drive(client)
    before = fingerprint(app)
    for path in (f"snapshots/{snap['uuid']}/action/?do=clone", f"drives/{drive['uuid']}/action/?do=clone"):
        r = await client.post(path, json={"name": "n" * (NAME_MAX + 1)})
        assert assert_error_array(r, 400, "validation")["error_point"] == "name"
    assert fingerprint(app) == before


async def test_error_messages_never_echo_a_huge_value(client):
    r = await client.post("snapshots/", json={"drive": "u" * 1_000_000})
    error = assert_error_array(r, 400, "validation")
    assert error["error_point"] == "drive" and len(error["error_message"]) < 300
    r = await client.request("DELETE", "snapshots/", json={"objects": [{"uuid": ["x" * 100_000]}]})
    assert len(assert_error_array(r, 400, "validation")["error_message"]) < 300


async def test_profile_fields_keep_their_documented_types(app, client):
    before = fingerprint(app)
    for body, point in (({"first_name": ["a"]}, "first_name"), ({"first_name": "x" * 100_000}, "first_name"),
                        ({"mailing_list": "yes"}, "mailing_list"), ({"meta": {"k": 1}}, "meta"),
                        ({"meta": "text"}, "meta"), ({"autotopup_amount": "lots"}, "autotopup_amount"),
                        ({"my_notes": {"a": "b"}}, "my_notes")):
        r = await client.put("profile/", json={"last_name": "Changed", **body})
        assert assert_error_array(r, 400, "validation")["error_point"] == point, body
    assert fingerprint(app) == before
    r = await client.put("profile/", json={"mailing_list": True, "autotopup_amount": "10.5", "my_notes": None})
    assert r.status_code == 200 and r.json()["mailing_list"] is True


async def test_the_controls_refuse_deep_nesting_too():
    app = create_app(seed=1, drives=1, snapshots=1)
    async with make_client(app) as c:
        r = await c.put("http://emulator/_emulator/faults", content=b"[" * 100_000)
        assert r.status_code == 400 and r.json()[0]["error_type"] == "validation"


def test_over_loopback_the_client_reads_the_413_and_the_server_keeps_serving():
    with running_emulator(seed=2, drives=2, snapshots=4) as emu, \
            httpx.Client(base_url=emu.url, auth=(emu.username, emu.password), timeout=60) as c:
        drive = c.get("drives/", params={"limit": 1}).json()["objects"][0]["uuid"]
        r = c.post("snapshots/", json={"drive": drive, "name": "x" * 20_000_000})  # the 20 MB name
        assert r.status_code == 413 and r.json()[0]["error_type"] == "validation"
        assert c.get("snapshots/", params={"limit": 0}).json()["meta"]["total_count"] == 4
