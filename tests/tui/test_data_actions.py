"""explorer.data.actions against the emulator: meta validation, bulk delete with verification and fallback, clone."""

from __future__ import annotations

import pytest

from explorer.data import actions
from explorer.errors import ValidationError


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
    ready = await actions.wait_available(client, snap.uuid, poll=0.05, timeout=20)
    assert ready.status == "available"
    edited = await actions.update_snapshot(client, snap.uuid, name="renamed", meta={"owner": "you"})
    assert (edited.name, edited.meta) == ("renamed", {"owner": "you"})
    with pytest.raises(ValidationError):
        await actions.update_snapshot(client, snap.uuid, meta={"x" * 40: "v"})
    new = await actions.clone_snapshot(client, snap.uuid, name="restored", avoid=[drive])
    assert new.status == "cloning_dst"
    statuses = []
    final = await actions.follow_job(client, new, poll=0.05, timeout=30,
                                     progress=lambda status, pct: statuses.append((status, pct)))
    assert final.status == "unmounted" and final.name == "restored"
    assert statuses[0][0] == "cloning_dst" and statuses[-1][0] == "unmounted"


async def test_preview_is_the_first_page_with_all_drives(client):
    inv = await actions.preview_inventory(client, page_size=7)
    assert len(inv.snapshots) == 7
    assert len(inv.drives) == len(await client.drives.list())
