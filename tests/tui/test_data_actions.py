"""explorer.data.actions against the emulator: meta validation, bulk delete with verification and fallback, clone."""

from __future__ import annotations

import pytest

from explorer.data import actions
from explorer.errors import (
    ApiError,
    ApiErrorDetail,
    AuthenticationError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TransportError,
    ValidationError,
)
from tests.tui.conftest import HANG_GUARD


def test_validate_meta_accepts_text_and_refuses_long_keys_and_non_strings():
    assert actions.validate_meta({"a": "1", " b ": "x"}) == {"a": "1", "b": "x"}
    with pytest.raises(ValidationError, match="33 characters; the limit is 32"):
        actions.validate_meta({"k" * 33: "v"})
    with pytest.raises(ValidationError, match="must be text, not int"):
        actions.validate_meta({"n": 1})
    with pytest.raises(ValidationError, match="non-empty"):
        actions.validate_meta([("", "v")])
    with pytest.raises(ValidationError, match="given twice"):
        actions.validate_meta([("a", "1"), ("a", "2")])


def test_parse_meta_lines():
    assert actions.parse_meta_lines("a=1\n\n b = two words \nurl=http://x/?q=1") == {
        "a": "1", "b": "two words", "url": "http://x/?q=1"}
    with pytest.raises(ValidationError, match="line 2 needs the form key=value"):
        actions.parse_meta_lines("a=1\nnonsense")


async def test_bulk_delete_is_verified_per_item(client):
    snaps = await client.snapshots.list()
    items = {s.uuid: s.name for s in snaps[:3]}
    seen = []
    results = await actions.delete_snapshots(client, items, poll=0.05, on_item=seen.append)
    assert [(r.uuid, r.ok, r.message) for r in results] == [(u, True, "deleted") for u in items]
    assert seen == results
    left = {s.uuid for s in await client.snapshots.list()}
    assert not set(items) & left and len(left) == 27


async def test_refused_bulk_falls_back_to_one_by_one(client):
    snaps = await client.snapshots.list()
    items = {s.uuid: s.name for s in snaps[:3]}
    gone = snaps[1].uuid
    await client.snapshots.delete(gone)
    results = {r.uuid: r for r in await actions.delete_snapshots(client, items, poll=0.05)}
    assert not results[gone].ok and results[gone].message.startswith("not found: ")
    assert "does not exist" in results[gone].message
    assert all(results[u].ok for u in items if u != gone)


async def test_create_update_and_clone_followed_to_the_end(client):
    drive = (await client.snapshots.list())[0].drive.uuid
    snap = await actions.create_snapshot(client, drive, name="from-actions", meta={"owner": "me"})
    assert snap.status in ("creating", "available")
    ready = await actions.wait_available(client, snap.uuid, poll=0.05, timeout=HANG_GUARD)
    assert ready.status == "available"
    edited = await actions.update_snapshot(client, snap.uuid, name="renamed", meta={"owner": "you"})
    assert (edited.name, edited.meta) == ("renamed", {"owner": "you"})
    with pytest.raises(ValidationError):
        await actions.update_snapshot(client, snap.uuid, meta={"x" * 40: "v"})
    new = await actions.clone_snapshot(client, snap.uuid, name="restored", avoid=[drive])
    assert new.status == "cloning_dst"
    statuses = []
    final = await actions.follow_job(client, new, poll=0.05, timeout=HANG_GUARD,
                                     progress=lambda status, pct: statuses.append((status, pct)))
    assert final.status == "unmounted" and final.name == "restored"
    assert statuses[0][0] == "cloning_dst" and statuses[-1][0] == "unmounted"


async def test_preview_is_the_first_page_with_all_drives(client):
    inv = await actions.preview_inventory(client, page_size=7)
    assert len(inv.snapshots) == 7
    assert len(inv.drives) == len(await client.drives.list())


class _Faulty:
    """The client with chosen snapshot calls failing: `faults[name]` is an exception or a callable returning one."""

    def __init__(self, client, **faults):
        self._client = client
        self.snapshots = self
        self.faults = faults
        self.calls: list[str] = []

    def __getattr__(self, name):
        real = getattr(self._client.snapshots, name)

        async def call(*args, **kwargs):
            self.calls.append(name)
            fault = self.faults.get(name)
            if callable(fault) and not isinstance(fault, Exception):
                fault = fault()
            if fault is not None:
                raise fault
            return await real(*args, **kwargs)

        return call


def _api_error(cls, status):
    return cls(f"HTTP {status}", status_code=status, errors=(ApiErrorDetail("x", None, f"refused with {status}"),))


async def test_lost_connection_while_verifying_reports_each_item_not_verified(client):
    items = {s.uuid: s.name for s in (await client.snapshots.list())[:3]}
    faulty = _Faulty(client, list=TransportError("connection reset"))
    results = await actions.delete_snapshots(faulty, items, poll=0.05)
    assert [(r.uuid, r.ok, r.message) for r in results] == [
        (u, False, "deletion started, not verified: connection reset") for u in items]
    assert not set(items) & {s.uuid for s in await client.snapshots.list()}  # they were deleted all the same


@pytest.mark.parametrize(("cls", "status"), [(AuthenticationError, 401), (RateLimitedError, 429), (ServerError, 503)])
async def test_bulk_refused_for_the_account_sends_no_single_deletes(client, cls, status):
    items = {s.uuid: s.name for s in (await client.snapshots.list())[:3]}
    faulty = _Faulty(client, delete_many=_api_error(cls, status))
    results = await actions.delete_snapshots(faulty, items, poll=0.05)
    assert [(r.ok, r.message) for r in results] == [(False, f"refused with {status}")] * 3
    assert "delete" not in faulty.calls and "list" not in faulty.calls
    assert set(items) <= {s.uuid for s in await client.snapshots.list()}


async def test_bulk_refused_for_an_item_falls_back_to_single_deletes(client):
    items = {s.uuid: s.name for s in (await client.snapshots.list())[:3]}
    faulty = _Faulty(client, delete_many=_api_error(ApiError, 400))
    results = await actions.delete_snapshots(faulty, items, poll=0.05)
    assert faulty.calls.count("delete") == 3 and all(r.ok for r in results)


async def test_lost_connection_on_the_bulk_call_is_an_unknown_outcome_not_a_resend(client):
    items = {s.uuid: s.name for s in (await client.snapshots.list())[:3]}
    faulty = _Faulty(client, delete_many=TransportError("connection reset"))
    seen = []
    results = await actions.delete_snapshots(faulty, items, poll=0.05, on_item=seen.append)
    assert [(r.uuid, r.ok, r.message) for r in results] == [
        (u, False, "outcome unknown, refresh to check (connection reset)") for u in items]
    assert seen == results and "delete" not in faulty.calls


async def test_single_deletes_stop_at_an_account_wide_refusal(client):
    items = {s.uuid: s.name for s in (await client.snapshots.list())[:3]}
    faulty = _Faulty(client, delete_many=_api_error(NotFoundError, 404), delete=_api_error(AuthenticationError, 401))
    results = await actions.delete_snapshots(faulty, items, poll=0.05)
    assert faulty.calls.count("delete") == 1
    assert [r.message for r in results] == ["refused with 401"] + ["not attempted: refused with 401"] * 2
