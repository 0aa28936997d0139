"""Each fault kind at 20% with latency: exactly the server's set or a clear error; no duplicate from a lost POST."""

from __future__ import annotations

import contextlib
import logging

import pytest

from explorer import errors
from explorer.client.reconcile import clone_name_stem

FAULTS = {
    "error": {"error_rate": 0.2},
    "rate_limit": {"rate_limit_rate": 0.2, "retry_after": 0},
    "drop": {"drop_rate": 0.2},
    "truncate": {"truncate_rate": 0.2},
}


@pytest.mark.parametrize("kind", sorted(FAULTS))
async def test_listing_under_faults_gives_exactly_the_servers_set(socket_api, kind):
    api = socket_api
    reference = {s.uuid for s in await api(api.client.snapshots.list())}
    drives = {d.uuid for d in await api(api.client.drives.list())}
    api.set_faults(latency_ms=2, **FAULTS[kind])
    try:
        for _ in range(3):
            snaps = await api(api.client.snapshots.list())
            uuids = [s.uuid for s in snaps]
            assert len(uuids) == len(set(uuids)) and set(uuids) == reference
            assert {d.uuid for d in await api(api.client.drives.list())} == drives
            assert (await api(api.client.balance())).currency
    finally:
        api.clear_faults()


@pytest.mark.parametrize("kind", sorted(FAULTS))
async def test_creates_under_faults_never_duplicate(socket_api, kind, caplog):
    api = socket_api
    drive = next(d for d in await api(api.client.drives.list()) if d.status in ("mounted", "unmounted")
                 and d.runtime.is_snapshotable)
    api.client.reconcile_grace = 0.05
    settings = {**FAULTS[kind], "drop_after_write": True} if kind == "drop" else FAULTS[kind]
    lossy = kind in ("drop", "truncate")
    names: list[str] = []
    api.set_faults(latency_ms=2, **settings)
    made, refused = [], []
    try:
        with caplog.at_level(logging.INFO, logger="explorer.client.reconcile"):
            # Which request a 20% fault hits depends on timing, so a lossy kind keeps creating until a POST's
            # answer really was lost (bounded: 0.8**60 makes running out a one-in-a-million event).
            while len(names) < 12 or (lossy and "answer lost" not in caplog.text and len(names) < 60):
                name = f"fault-{kind}-{api.kind}-{len(names)}"
                names.append(name)
                try:
                    made.append(await api(api.client.snapshots.create(drive.uuid, name=name)))
                except errors.ExplorerError as exc:  # a clear error is an allowed outcome
                    refused.append(exc)
    finally:
        api.clear_faults()
    existing = await api(api.client.snapshots.list(name=names))
    counts = {n: sum(s.name == n for s in existing) for n in names}
    assert all(c <= 1 for c in counts.values()), f"duplicates: {counts}"
    assert {s.uuid for s in made} <= {s.uuid for s in existing}
    assert len(made) >= 2 * len(names) // 3, f"too many failures surfaced: {refused}"
    for exc in refused:
        assert str(exc)
    if lossy:
        assert "answer lost" in caplog.text, "the fault must really have hit a POST"
    await api(api.client.snapshots.delete_many([s.uuid for s in existing]))


async def test_dropped_clone_answer_is_reconciled_to_the_one_new_drive(socket_api, caplog):
    api = socket_api
    snap = next(s for s in await api(api.client.snapshots.list()) if s.status == "available")
    api.client.reconcile_grace = 0.05
    before = {d.uuid for d in await api(api.client.drives.list())}
    api.set_faults(drop_rate=0.5, drop_after_write=True)
    clones = []
    try:
        with caplog.at_level(logging.INFO, logger="explorer.client.reconcile"):
            for i in range(6):
                try:
                    clones.append(await api(api.client.snapshots.clone(snap.uuid, name=f"restore-{api.kind}-{i}")))
                except errors.OutcomeUnknownError as exc:
                    assert "before cloning again" in str(exc)
    finally:
        api.clear_faults()
    after = await api(api.client.drives.list())
    new = [d for d in after if d.uuid not in before]
    names = [d.name for d in new]
    assert len(names) == len(set(names)), f"two drives for one clone request: {sorted(names)}"
    assert {d.uuid for d in clones} <= {d.uuid for d in new} and len(clones) >= 4
    assert "clone answer lost" in caplog.text, "the fault must really have hit a clone"


async def test_retries_are_bounded_and_the_error_is_clear(socket_api):
    api = socket_api
    api.set_faults(error_rate=1.0)
    try:
        with pytest.raises(errors.ServerError, match=r"gave up after \d+ attempts"):
            await api(api.client.balance())
    finally:
        api.clear_faults()


async def test_rate_limit_honours_retry_after(socket_api):
    api = socket_api
    api.set_faults(rate_limit_rate=1.0, retry_after=60)
    try:
        with pytest.raises(errors.RateLimitedError) as info:
            await api(api.client.balance())
    finally:
        api.clear_faults()
    # Waiting 60 s would exceed the retry budget: surface at once rather than sleep.
    assert info.value.retry_after == 60 and "Too many requests" in str(info.value)


async def test_unnamed_clone_with_counter_naming_is_reconciled(socket_api, caplog):
    api = socket_api
    snap = next(s for s in await api(api.client.snapshots.list()) if s.status == "available")
    profile = await api(api.client.profile())
    await api(api.client.update_profile(clone_naming="COUNTER"))
    api.client.reconcile_grace = 0.05
    before = {d.uuid for d in await api(api.client.drives.list())}
    api.set_faults(drop_rate=0.4, drop_after_write=True)
    clones = []
    try:
        with caplog.at_level(logging.INFO, logger="explorer.client.reconcile"):
            for _ in range(5):
                with contextlib.suppress(errors.OutcomeUnknownError):  # allowed: it says what to check
                    clones.append(await api(api.client.snapshots.clone(snap.uuid)))
    finally:
        api.clear_faults()
        await api(api.client.update_profile(clone_naming=profile.clone_naming))
    new = [d for d in await api(api.client.drives.list()) if d.uuid not in before]
    assert len(clones) >= 3 and {d.uuid for d in clones} <= {d.uuid for d in new}
    assert all(d.name.startswith(clone_name_stem(snap.name)) for d in new), [d.name for d in new]
    assert len(new) <= 5, "more drives than clone requests: a lost answer was resent blindly"
    assert "clone answer lost" in caplog.text
