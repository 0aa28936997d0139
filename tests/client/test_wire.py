"""The sans-IO core: filters, error answers, malformed bodies (incl. hypothesis-generated ones)."""

from __future__ import annotations

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import errors
from explorer.client import wire
from explorer.client.models import Drive, Objects, Page, Snapshot
from explorer.client.reconcile import clone_name_stem, decode_clone_answer
from explorer.client.retry import NO_RETRY, RetryState

URL = "http://emulator/api/2.0/snapshots/"


def answer(call: wire.Call, status: int, body: bytes, headers: dict | None = None):
    response = httpx.Response(status, content=body, headers=headers or {"content-type": "application/json"},
                              request=httpx.Request(call.method, URL))
    state = RetryState(NO_RETRY, call)
    state.begin()
    verdict = state.answered(response)
    assert verdict.done, "NO_RETRY never asks for another attempt"
    return verdict.value


LIST = wire.Call("GET", "snapshots/detail/", decode=wire.typed(Page[Snapshot]))


def test_filters_escape_commas_and_join_lists_with_or():
    assert wire.encode_filters({"name": ["a,b", "c\\,d"], "uuid": "u1", "tag": None}) == {
        "name": "a\\,b,c\\\\\\,d", "uuid": "u1"}
    with pytest.raises(TypeError):
        wire.encode_filters({"colour": "red"})
    with pytest.raises(errors.ValidationError):
        wire.encode_filters({"uuid": []})


def test_tolerant_decoding_of_real_api_shapes():
    body = (b'{"meta": {"limit": 0, "offset": 0, "total_count": 2}, "objects": ['
            b'{"uuid": "s1", "allocated_size": null, "status": "creating", "new_field": [1],'
            b' "drive": {"uuid": "d1", "resource_uri": "/api/2.0/drives/d1/"},'
            b' "timestamp": "2014-06-05 09:53:28.851859+00:00", "resource_uri": "/api/2.0/snapshots/s1/"},'
            b'{"uuid": "s2", "allocated_size": 5, "status": "frozen", "timestamp": "2014-06-05T09:45:08+00:00",'
            b' "resource_uri": {"resource_uri": "/api/2.0/snapshots/s2/", "uuid": "s2"}}]}')
    page = answer(LIST, 200, body)
    assert [s.status for s in page.objects] == ["creating", "frozen"]
    assert page.objects[0].allocated_size is None and page.objects[1].grantees == []
    assert page.meta.total_count == 2


def test_clone_answer_bare_or_wrapped():
    bare = b'{"uuid": "d9", "status": "cloning_dst", "jobs": [{"uuid": "j1"}]}'
    assert decode_clone_answer(bare).uuid == "d9"
    assert decode_clone_answer(b'{"objects": [' + bare + b"]}").jobs[0].uuid == "j1"


def test_error_array_becomes_typed_error_quoting_cloudsigma():
    call = wire.Call("GET", "snapshots/x/", decode=wire.typed(Snapshot))
    body = b'[{"error_point": null, "error_type": "notexist", "error_message": "Object with uuid x does not exist"}]'
    with pytest.raises(errors.NotFoundError) as info:
        answer(call, 404, body, {"content-type": "application/json", "X-REQUEST-ID": "req-42"})
    exc = info.value
    assert '"Object with uuid x does not exist"' in str(exc) and "req-42" in str(exc)
    assert exc.request_id == "req-42" and exc.status_code == 404 and exc.errors[0].error_type == "notexist"


@pytest.mark.parametrize(("status", "cls"), [
    (401, errors.AuthenticationError), (402, errors.PaymentRequiredError), (403, errors.PermissionDeniedError),
    (429, errors.RateLimitedError), (500, errors.ServerError), (503, errors.ServerError), (400, errors.ApiError)])
def test_status_classes(status, cls):
    body = b'[{"error_point": "name", "error_type": "validation", "error_message": "bad"}]'
    with pytest.raises(cls) as info:
        answer(wire.Call("PUT", "snapshots/x/", decode=wire.typed(Snapshot)), status, body,
               {"content-type": "application/json", "retry-after": "3"})
    assert '"bad" (name)' in str(info.value)
    if cls is errors.RateLimitedError:
        assert info.value.retry_after == 3.0


@pytest.mark.parametrize("body,ctype,what", [
    (b"<html><body>502 Bad Gateway</body></html>", "text/html", "HTML"),
    (b'{"meta": {"total_count": 1}, "objects": [{"uu', "application/json", "truncated"),
    (b"", "application/json", "empty"),
    (b'{"objects": "nope"}', "application/json", "unexpected shape"),
    (b"[1, 2]", "application/json", "unexpected shape"),
])
def test_malformed_success_bodies_raise_decode_error(body, ctype, what):
    with pytest.raises(errors.DecodeError, match=what):
        answer(LIST, 200, body, {"content-type": ctype})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["uuid", "objects", "meta", "total_count", "name", "drive", "status", "allocated_size",
                         "error_message", "error_type", "x"]), inner, max_size=5),
    max_leaves=20,
)
BODIES = st.one_of(JSON.map(msgspec.json.encode), st.binary(max_size=64),
                   JSON.map(msgspec.json.encode).map(lambda b: b[: len(b) // 2]))
CALLS = [LIST, wire.Call("GET", "snapshots/s/", decode=wire.typed(Snapshot)),
         wire.Call("POST", "snapshots/", decode=wire.typed(Objects[Snapshot])),
         wire.Call("POST", "snapshots/s/action/", decode=decode_clone_answer),
         wire.Call("GET", "drives/d/", decode=wire.typed(Drive))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, status=st.sampled_from([200, 201, 202, 400, 401, 403, 404, 429, 500, 502]),
       index=st.integers(0, len(CALLS) - 1))
def test_any_body_only_ever_raises_explorer_errors(body, status, index):
    call = CALLS[index]
    try:
        answer(call, status, body)
    except errors.ExplorerError as exc:
        assert str(exc)


def test_gc_is_paused_only_while_decoding_large_bodies_and_always_restored():
    import gc

    big = b'{"meta": {"total_count": 1}, "objects": [{"uuid": "' + b"x" * 300_000 + b'"}]}'
    seen = []
    call = wire.Call("GET", "snapshots/detail/", decode=lambda body: seen.append(gc.isenabled()) or
                     wire.typed(Page[Snapshot])(body))
    assert gc.isenabled()
    answer(call, 200, big)
    answer(call, 200, b'{"objects": []}')
    assert seen == [False, True] and gc.isenabled()
    with pytest.raises(errors.DecodeError):
        answer(call, 200, big[:-3])
    assert gc.isenabled()
    with wire.gc_paused(10**6), wire.gc_paused(10**6):
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.parametrize(("name", "stem"), [
    ("5c90a958-7403-4430-ac66-a78795e761d1__2026-10-01__21_08_16", "5c90a958-7403-4430-ac66-a78795e761d"),
    ("test_drive_x-2014-06-05 09:45:56", "test_drive_x"), ("restore_3", "restore"), ("web", "web"), ("2024", "")])
def test_clone_name_stem_ignores_what_clone_naming_changes(name, stem):
    assert clone_name_stem(name) == stem
