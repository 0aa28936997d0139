"""Every resource call against the emulator, with the sync and the async client."""

from __future__ import annotations

import itertools
import json

import pytest

from explorer import errors
from explorer.client import WaitTimeoutError
from explorer.client.models import Balance, Capabilities, CurrentUsage, Drive, Pricing, Profile, Snapshot
from tests.client.conftest import collect


async def first_drive(api) -> Drive:
    drives = await api(api.client.drives.list())
    return next(d for d in drives if d.status in ("mounted", "unmounted") and d.runtime and d.runtime.is_snapshotable)


async def test_snapshot_list_is_complete_and_unique(api):
    progress = []
    snaps = await api(api.client.snapshots.list(progress=lambda done, total: progress.append((done, total))))
    uuids = [s.uuid for s in snaps]
    assert len(uuids) == len(set(uuids)) > 25  # more than one page
    assert progress[0] == (0, None) and progress[-1] == (len(snaps), len(snaps))
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(progress))
    assert all(isinstance(s, Snapshot) and s.drive is not None for s in snaps)


async def test_fields_and_filters(api):
    snaps = await api(api.client.snapshots.list())
    target = snaps[3]
    only = await api(api.client.snapshots.list(fields=["name"], uuid=target.uuid))
    assert [(s.uuid, s.name, s.drive) for s in only] == [(target.uuid, target.name, None)]
    pair = await api(api.client.snapshots.list(uuid=[snaps[0].uuid, snaps[1].uuid]))
    assert {s.uuid for s in pair} == {snaps[0].uuid, snaps[1].uuid}
    of_drive = await api(api.client.snapshots.list(drive=target.drive.uuid))
    assert of_drive and all(s.drive.uuid == target.drive.uuid for s in of_drive)
    assert {s.uuid for s in of_drive} == {s.uuid for s in snaps if s.drive.uuid == target.drive.uuid}
    part = target.name[5:12].upper()
    assert target.uuid in {s.uuid for s in await api(api.client.snapshots.list(name__contains=part))}


async def test_name_filter_escapes_commas(api):
    drive = await first_drive(api)
    odd = await api(api.client.snapshots.create(drive.uuid, name="weekly, before upgrade"))
    plain = await api(api.client.snapshots.create(drive.uuid, name="weekly"))
    try:
        found = await api(api.client.snapshots.list(name="weekly, before upgrade"))
        assert [s.uuid for s in found] == [odd.uuid]
        both = await api(api.client.snapshots.list(name=["weekly, before upgrade", "weekly"]))
        assert {s.uuid for s in both} == {odd.uuid, plain.uuid}
    finally:
        await api(api.client.snapshots.delete_many([odd.uuid, plain.uuid]))


async def test_iter_pages_yields_each_object_once(api):
    pages = await collect(api.client.snapshots.iter_pages(page_size=40))
    assert len(pages) >= 3 and all(len(p) <= 40 for p in pages)
    uuids = [s.uuid for p in pages for s in p]
    everything = await api(api.client.snapshots.list())
    assert len(uuids) == len(set(uuids)) and set(uuids) == {s.uuid for s in everything}


async def test_snapshot_lifecycle_create_update_wait_clone_delete(api):
    drive = await first_drive(api)
    snap = await api(api.client.snapshots.create(drive.uuid, meta={"why": "test"}))
    assert snap.name.startswith(f"{drive.uuid}__") and snap.drive.uuid == drive.uuid and snap.meta == {"why": "test"}
    ready = await api(api.client.snapshots.wait_for_status(snap.uuid, timeout=120, poll=0.05))
    assert ready.status == "available" and ready.allocated_size is not None
    renamed = await api(api.client.snapshots.update(snap.uuid, name="renamed", meta={"k": "v"}))
    assert (renamed.name, renamed.meta) == ("renamed", {"k": "v"})
    assert (await api(api.client.snapshots.get(snap.uuid))).name == "renamed"
    clone = await api(api.client.snapshots.clone(snap.uuid, name="restored", media="disk", avoid=[drive.uuid]))
    assert isinstance(clone, Drive) and clone.name == "restored" and clone.status == "cloning_dst"
    assert clone.jobs, "a clone answer carries its job"
    job = await api(api.client.jobs.wait(clone.jobs[0].uuid, timeout=120, poll=0.05))
    assert job.uuid == clone.jobs[0].uuid
    assert (await api(api.client.jobs.get(job.uuid))).uuid == job.uuid
    assert job.uuid in {j.uuid for j in await api(api.client.jobs.list())}
    assert (await api(api.client.drives.get(clone.uuid))).name == "restored"
    await api(api.client.snapshots.delete(snap.uuid))
    with pytest.raises(errors.NotFoundError, match="does not exist"):
        await api(api.client.snapshots.get(snap.uuid))


async def test_create_many_and_bulk_delete(api):
    drive = await first_drive(api)
    made = await api(api.client.snapshots.create_many([{"drive": drive.uuid, "name": f"bulk-{i}"} for i in range(3)]))
    assert [s.name for s in made] == ["bulk-0", "bulk-1", "bulk-2"]
    await api(api.client.snapshots.delete_many([s.uuid for s in made]))
    assert await api(api.client.snapshots.list(uuid=[s.uuid for s in made])) == []
    await api(api.client.snapshots.delete_many([]))  # nothing to do, nothing sent


async def test_wait_for_status_times_out_clearly(api):
    snaps = await api(api.client.snapshots.list())
    with pytest.raises(WaitTimeoutError, match="still 'available'"):
        await api(api.client.snapshots.wait_for_status(snaps[0].uuid, "cloning_dst", timeout=0.1, poll=0.05))


async def test_drives_short_and_detail(api):
    detail = await api(api.client.drives.list())
    short = await api(api.client.drives.list(detail=False))
    assert {d.uuid for d in detail} == {d.uuid for d in short}
    assert all(d.name for d in detail) and all(d.name is None for d in short)
    one = await api(api.client.drives.get(detail[0].uuid))
    assert one.uuid == detail[0].uuid and one.runtime is not None
    named = await api(api.client.drives.list(name=detail[0].name))
    assert detail[0].uuid in {d.uuid for d in named}


async def test_tags_crud(api):
    drive = await first_drive(api)
    tag = await api(api.client.tags.create("keep, forever", resources=[drive.uuid], meta={"a": "b"}))
    assert tag.name == "keep, forever"
    assert (await api(api.client.tags.get(tag.uuid))).uuid == tag.uuid
    assert tag.uuid in {t.uuid for t in await api(api.client.tags.list())}
    updated = await api(api.client.tags.update(tag.uuid, name="keep"))
    assert updated.name == "keep"
    await api(api.client.tags.delete(tag.uuid))
    with pytest.raises(errors.NotFoundError):
        await api(api.client.tags.get(tag.uuid))


async def test_billing_and_account_calls(api):
    pricing = await api(api.client.pricing())
    assert isinstance(pricing, Pricing) and pricing.objects and "dssd" in pricing.current
    assert any(p.resource == "dssd" and p.level == 0 for p in pricing.objects)
    subs = await api(api.client.subscriptions())
    active = await api(api.client.subscriptions(status="active", resource=["dssd", "cpu"]))
    assert {s.id for s in active} <= {s.id for s in subs}
    assert all(s.resource in ("dssd", "cpu") for s in active)
    assert isinstance(await api(api.client.current_usage()), CurrentUsage)
    balance = await api(api.client.balance())
    assert isinstance(balance, Balance) and balance.currency
    caps = await api(api.client.capabilities())
    assert isinstance(caps, Capabilities) and caps.snapshots.max > 0 and "drives" in caps.extra
    profile = await api(api.client.profile())
    assert isinstance(profile, Profile) and profile.email == api.client.username
    changed = await api(api.client.update_profile(clone_naming="COUNTER"))
    assert changed.clone_naming == "COUNTER"
    await api(api.client.update_profile(clone_naming=profile.clone_naming))


async def test_errors_quote_cloudsigma_and_carry_request_id(api):
    with pytest.raises(errors.NotFoundError) as info:
        await api(api.client.snapshots.get("00000000-0000-4000-8000-000000000000"))
    assert "Object with uuid 00000000-0000-4000-8000-000000000000 does not exist" in str(info.value)
    assert info.value.errors[0].error_type == "notexist" and info.value.request_id
    assert f"X-REQUEST-ID {info.value.request_id}" in str(info.value)
    with pytest.raises(errors.ValidationError):
        await api(api.client.snapshots.update("x"))  # nothing to change: refused before sending
    with pytest.raises(errors.ApiError) as bad:
        await api(api.client.snapshots.create("00000000-0000-4000-8000-000000000000"))
    assert bad.value.status_code in (400, 404) and bad.value.errors


async def test_user_agent_names_the_explorer(api):
    seen = []
    api.client._http.event_hooks = {"request": [lambda r: seen.append(r.headers["user-agent"])]}
    if api.kind.startswith("async"):
        async def hook(r):
            seen.append(r.headers["user-agent"])
        api.client._http.event_hooks = {"request": [hook]}
    await api(api.client.balance())
    assert seen and seen[0].startswith("snapshot-explorer/")


async def test_update_sends_the_snapshots_drive_as_the_documented_edit_request_does(api):
    sent = []

    def record(request):
        sent.append((request.method, request.url.path, json.loads(request.content) if request.content else None))

    async def record_async(request):
        record(request)

    api.client._http.event_hooks = {"request": [record_async if api.kind.startswith("async") else record]}
    snap = (await api(api.client.snapshots.list()))[5]
    path = f"/api/2.0/snapshots/{snap.uuid}/"
    sent.clear()
    renamed = await api(api.client.snapshots.update(snap.uuid, name="edited"))
    # Without the drive it is looked up first, then sent with the change.
    assert sent == [("GET", path, None), ("PUT", path, {"drive": snap.drive.uuid, "name": "edited"})]
    assert renamed.name == "edited" and renamed.drive.uuid == snap.drive.uuid
    sent.clear()
    await api(api.client.snapshots.update(snap.uuid, meta={"k": "v"}, drive=snap.drive))
    assert sent == [("PUT", path, {"drive": snap.drive.uuid, "meta": {"k": "v"}})]  # no GET when the caller knows
    sent.clear()
    await api(api.client.snapshots.update(snap.uuid, name=snap.name, drive=snap.drive.uuid))
    assert sent == [("PUT", path, {"drive": snap.drive.uuid, "name": snap.name})]
