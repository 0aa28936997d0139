"""Fuzz every write and list route: only 2xx or a documented 4xx error array, and a refused write changes nothing."""

from __future__ import annotations

import asyncio
import os

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app
from tests.emulator.conftest import make_client
from tests.emulator.test_bad_bodies import fingerprint

# The 4xx statuses docs/emulator.md documents, and the error types of errors.rst.
DOCUMENTED_4XX = {400, 403, 404, 405, 406, 413}
ERROR_TYPES = {"validation", "notexist", "backend", "permission", "database", "concurrency", "billing", "payment"}
FIELDS = ["name", "drive", "meta", "tags", "size", "media", "storage_type", "uuid", "objects", "resources",
          "affinities", "allow_multimount", "clone_naming", "first_name", "mailing_list", "autotopup_amount",
          "my_notes", "email", "status", "avoid", "x"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"
# "{s}", "{d}", "{t}" become a real snapshot, drive and tag uuid of the account (or a foreign or broken one).
WRITES = [
    ("POST", "snapshots/"), ("PUT", "snapshots/"), ("DELETE", "snapshots/"), ("PUT", "snapshots/{s}/"),
    ("DELETE", "snapshots/{s}/"), ("POST", "snapshots/{s}/action/?do=clone"), ("POST", "snapshots/{s}/action/"),
    ("POST", "drives/"), ("PUT", "drives/"), ("DELETE", "drives/"), ("PUT", "drives/{d}/"), ("DELETE", "drives/{d}/"),
    ("POST", "drives/{d}/action/?do=clone"), ("POST", "drives/{d}/action/?do=resize"),
    ("POST", "drives/{d}/action/?do=explode"), ("POST", "tags/"), ("PUT", "tags/{t}/"), ("DELETE", "tags/{t}/"),
    ("PUT", "profile/"), ("DELETE", "profile/"), ("POST", "jobs/"), ("PATCH", "snapshots/{s}/"),
]
LISTS = ["snapshots/", "snapshots/detail/", "drives/", "drives/detail/", "tags/", "tags/detail/", "tags/{t}/drives/",
         "tags/{t}/snapshots/", "jobs/", "pricing/", "subscriptions/", "snapshots/{s}/", "drives/{d}/", "tags/{t}/",
         "capabilities/", "currentusage/", "balance/", "profile/"]
PARAMS = ["limit", "offset", "fields", "uuid", "name", "name__contains", "tag", "tag__name", "drive", "status",
          "level", "currency", "resource", "state", "format", "avoid"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from(["{s}", "{d}", "{t}", UNKNOWN, "1024000000", "disk",
                                                           "dssd", "local_nvme", "x" * 300, "COUNTER"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=40), inner, max_size=5),
                           max_leaves=25)
# Plausible items get past the first checks and into the deeper ones.
items = st.fixed_dictionaries({}, optional={
    "uuid": st.sampled_from(["{s}", "{d}", "{t}", UNKNOWN]), "drive": st.sampled_from(["{d}", UNKNOWN, 7]),
    "name": st.text(max_size=8) | st.just("n" * 256), "size": st.sampled_from([1 << 30, "1073741824", "1e9", -1]),
    "media": st.sampled_from(["disk", "cdrom", "tape"]), "storage_type": st.sampled_from(["dssd", "local_nvme", "x"]),
    "meta": st.dictionaries(st.text(max_size=40), st.text(max_size=4) | st.integers(), max_size=2),
    "tags": st.lists(st.sampled_from(["{t}", UNKNOWN, "bad"]), max_size=2),
    "resources": st.lists(st.sampled_from(["{s}", "{d}", UNKNOWN]), max_size=2),
    "affinities": st.sampled_from([["ssd"], ["x"], "ssd"]), "allow_multimount": st.sampled_from([True, "yes"]),
    "clone_naming": st.sampled_from(["COUNTER", "BOGUS"]), "mailing_list": st.sampled_from([False, 1]),
    "autotopup_amount": st.sampled_from(["1.5", "NaN", 2, "x" * 70]), "my_notes": st.none() | st.text(max_size=4),
})
deep = st.tuples(st.sampled_from([b"[", b'{"a":']), st.sampled_from([40, 2000, 100_000]), st.booleans()).map(
    lambda t: ("raw", t[0] * t[1] + ((b"]" if t[0] == b"[" else b"}") * t[1] if t[2] else b"")))
bodies = st.one_of(
    json_values.map(lambda v: ("json", v)),
    items.map(lambda v: ("json", v)),
    st.lists(items, min_size=1, max_size=3).map(lambda v: ("json", {"objects": v})),
    st.binary(max_size=60).map(lambda b: ("raw", b)),
    deep,
    st.just(("raw", b"")),
)
query_values = st.one_of(st.text(max_size=12), st.sampled_from(["0", "5", "-1", "99999999999999999999", "{s}", "{d}",
                                                                "{t}", "uuid,name", "a\\,b", "xml", "json"]))


def _app():
    return create_app(seed=3, drives=4, snapshots=16, transition_seconds=3600,
                      users=[(DEMO_USERNAME, DEMO_PASSWORD), ("other@example.com", "other-password")])


def _fill(text: str, ids: dict[str, str]) -> str:
    for key, value in ids.items():
        text = text.replace("{" + key + "}", value)
    return text


def _filled(value, ids):
    if isinstance(value, str):
        return _fill(value, ids)
    if isinstance(value, list):
        return [_filled(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, ids) for k, v in value.items()}
    return value


def _check(r, app, before) -> None:
    assert r.status_code < 300 or r.status_code in DOCUMENTED_4XX, (r.status_code, r.text[:300])
    if r.status_code >= 400 and r.request.method != "HEAD":  # HEAD answers carry no body
        errors = r.json()
        assert isinstance(errors, list) and errors, r.text[:300]
        for e in errors:
            assert set(e) == {"error_type", "error_point", "error_message"} and e["error_type"] in ERROR_TYPES
    if r.status_code >= 400:
        assert fingerprint(app) == before, "a refused request changed the state"


async def _ids(client, who: str) -> dict[str, str]:
    """Uuids to put into paths and bodies: the account's own, another account's, or a broken one."""
    if who == "broken":
        return {"s": "not-a-uuid", "d": UNKNOWN, "t": "x" * 40}
    out = {}
    for key, kind in (("s", "snapshots"), ("d", "drives"), ("t", "tags")):
        objs = (await client.get(f"{kind}/", params={"limit": 1})).json()["objects"]
        out[key] = objs[0]["uuid"] if objs else UNKNOWN
    return out


def _run(coro) -> None:
    asyncio.run(coro)


# Bounded for the suite (a few seconds per test); EMULATOR_FUZZ_EXAMPLES=5000 runs a deeper search by hand.
FUZZ = settings(max_examples=int(os.environ.get("EMULATOR_FUZZ_EXAMPLES", "120")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(route=st.sampled_from(WRITES), body=bodies, who=st.sampled_from(["own", "other", "broken"]))
def test_every_write_route_answers_2xx_or_a_documented_4xx(route, body, who):
    async def run():
        app = _app()
        async with make_client(app) as client, make_client(app, auth=("other@example.com", "other-password")) as other:
            ids = await _ids(other if who == "other" else client, who)
            method, path = route
            kind, value = body
            content = msgspec.json.encode(_filled(value, ids)) if kind == "json" else value
            before = fingerprint(app)
            r = await client.request(method, _fill(path, ids), content=content,
                                     headers={"content-type": "application/json"})
            _check(r, app, before)

    _run(run())


@FUZZ
@given(path=st.sampled_from(LISTS), params=st.dictionaries(st.sampled_from(PARAMS), query_values, max_size=4),
       method=st.sampled_from(["GET", "HEAD", "OPTIONS"]))
def test_every_list_route_answers_2xx_or_a_documented_4xx(path, params, method):
    async def run():
        app = _app()
        async with make_client(app) as client:
            ids = await _ids(client, "own")
            before = fingerprint(app)
            r = await client.request(method, _fill(path, ids), params={k: _fill(v, ids) for k, v in params.items()})
            _check(r, app, before)
            if r.status_code < 300:  # reads never change anything either
                assert fingerprint(app) == before
            if r.status_code == 200 and method == "GET":
                body = r.json()
                if isinstance(body, dict) and "objects" in body:
                    assert body["meta"]["total_count"] >= len(body["objects"])

    _run(run())
