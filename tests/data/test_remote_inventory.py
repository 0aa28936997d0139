"""Remote snapshots (backups) in the inventory, against the emulator over loopback: rows, orphans, filters, writes.

The ZRH emulator seeds a week of nightly backups of about a quarter of its drives, kept in
another location (GVA), plus two orphans whose drive was decommissioned.
"""

from __future__ import annotations

import asyncio

import httpx
import pandas as pd
import pytest

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.data import actions, schema
from explorer.data.cache import load_cached_inventory, save_cached_inventory
from explorer.data.load import load_inventory, load_inventory_async
from explorer.data.retention import RetentionRules, plan_retention
from explorer.emulator import running_emulator


@pytest.fixture(scope="module")
def shared():
    """A read-only emulator for the tests that only load."""
    with running_emulator(seed=3, drives=20, snapshots=120, location="ZRH") as handle:
        yield handle


@pytest.fixture
def fresh():
    """An emulator of the test's own, for the tests that write."""
    with running_emulator(seed=4, drives=16, snapshots=80, location="ZRH") as handle:
        yield handle


def _client(h, **kw) -> CloudSigmaClient:
    return CloudSigmaClient(h.url, username=h.username, password=h.password, **kw)


def _aclient(h) -> AsyncCloudSigmaClient:
    return AsyncCloudSigmaClient(h.url, username=h.username, password=h.password)


def _load(h):
    with _client(h) as c:
        return load_inventory(c, cache=False)


def _api_remotes(h) -> list:
    with _client(h) as c:
        return c.remotesnapshots.list()


def test_remote_snapshots_are_rows_of_kind_remote_with_where_they_are_kept(shared):
    inv = _load(shared)
    schema.check(inv.snapshots, schema.SNAPSHOT_COLUMNS)
    s = inv.snapshots
    api = {r.uuid: r for r in _api_remotes(shared)}
    remote = s[s["kind"] == "remote"]
    assert len(api) > 2 and set(remote["uuid"]) == set(api)
    assert (s["kind"] == "local").sum() == 120
    # where each is kept: its own `location` field (not the API's location, ZRH)
    assert remote.set_index("uuid")["backup_location"].astype(str).to_dict() == {u: r.location for u, r in api.items()}
    assert set(remote["backup_location"].astype(str)) == {"GVA"}
    assert s.loc[s["kind"] == "local", "backup_location"].isna().all()
    assert s.loc[s["kind"] == "local", "orphan_reason"].isna().all() and not s.loc[s["kind"] == "local", "orphan"].any()
    # a live drive's backups carry the drive's own columns, as its local snapshots do
    live = remote[~remote["orphan"]]
    drives = inv.drives.set_index("uuid")
    assert len(live) and live["drive_uuid"].isin(drives.index).all()
    for col, dcol in (("drive_name", "name"), ("drive_size", "size"), ("storage_type", "storage_type")):
        assert live[col].astype(object).tolist() == drives.loc[live["drive_uuid"], dcol].astype(object).tolist()
    # drives count their local snapshots only (their backups are billed apart)
    assert int(inv.drives["snapshot_count"].sum()) == 120


def test_the_async_load_has_the_same_rows(shared):
    async def main():
        async with _aclient(shared) as c:
            return await load_inventory_async(c, cache=False)

    a, b = asyncio.run(main()), _load(shared)
    cols = ["uuid", "kind", "backup_location", "drive_uuid", "drive_name", "orphan", "orphan_reason"]
    key = ["kind", "uuid"]
    pd.testing.assert_frame_equal(a.snapshots[cols].sort_values(key).reset_index(drop=True),
                                  b.snapshots[cols].sort_values(key).reset_index(drop=True))


def test_an_orphan_keeps_its_source_drive_meta_and_says_why(shared):
    s = _load(shared).snapshots
    orphans = s[s["orphan"].fillna(False)]
    assert len(orphans) == 2 and (orphans["kind"] == "remote").all()
    assert set(orphans["orphan_reason"]) == {"source drive deleted"}
    assert set(orphans["drive_name"]) == {"legacy-01 data"}  # from drive_meta: the drive is gone
    assert (orphans["drive_size"] == 200 << 30).all() and set(orphans["storage_type"].astype(str)) == {"dssd"}
    assert orphans["drive_missing"].all() and orphans["drive_uuid"].notna().all()  # drive_meta.src_uuid


def test_deleting_a_drive_makes_its_backups_orphans(fresh):
    inv = _load(fresh)
    d = inv.drives
    drive = d.loc[(d["status"] == "unmounted") & d["is_snapshotable"].fillna(False), "uuid"].iloc[0]
    name = d.set_index("uuid").at[drive, "name"]
    with _client(fresh) as c:
        made = c.remotesnapshots.create(drive, location="GVA", name="before the drive goes")
        fresh.advance(hours=1)  # creating -> transferring -> available
        fresh.advance(hours=1)
        assert c.remotesnapshots.get(made.uuid).status == "available"
    with httpx.Client(auth=(fresh.username, fresh.password)) as raw:
        assert raw.delete(f"{fresh.url}drives/{drive}/").status_code == 204
    after = _load(fresh).snapshots
    mine = after[after["drive_uuid"] == drive]
    assert mine["uuid"].tolist() == [made.uuid]  # its local snapshots went with the drive, the backup stayed
    row = mine.iloc[0]
    assert row["kind"] == "remote" and row["orphan"] and row["orphan_reason"] == "source drive deleted"
    assert row["drive_name"] == name and row["drive_missing"] and row["backup_location"] == "GVA"
    assert set(_load(fresh).where("orphan")["uuid"]) >= {made.uuid}


def _without_remotesnapshots(h) -> httpx.MockTransport:
    """The emulator as an API without `/remotesnapshots/` (404 there, everything else passed through)."""
    real = httpx.Client(auth=(h.username, h.password))

    def handle(request: httpx.Request) -> httpx.Response:
        if "/remotesnapshots/" in request.url.path:
            return httpx.Response(404, json=[{"error_type": "notexist", "error_point": None,
                                              "error_message": "The requested resource does not exist"}])
        got = real.send(request)
        headers = {k: v for k, v in got.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        return httpx.Response(got.status_code, headers=headers, content=got.content)

    return httpx.MockTransport(handle)


def test_an_api_without_remotesnapshots_loads_without_them(shared):
    with _client(shared, transport=_without_remotesnapshots(shared)) as c:
        inv = load_inventory(c, cache=False)
    assert len(inv.snapshots) == 120 and (inv.snapshots["kind"] == "local").all()


def test_kind_and_orphan_filters(shared):
    inv = _load(shared)
    s = inv.snapshots
    assert inv.where("kind:remote")["uuid"].tolist() == s.loc[s["kind"] == "remote", "uuid"].tolist()
    assert inv.where("kind:local")["uuid"].tolist() == s.loc[s["kind"] == "local", "uuid"].tolist()
    assert set(inv.where("orphan")["uuid"]) == set(s.loc[s["orphan"].fillna(False), "uuid"])
    assert set(inv.where("kind:remote -orphan")["uuid"]) == set(s.loc[(s["kind"] == "remote") & ~s["orphan"], "uuid"])
    assert inv.where("name:before-decommission")["uuid"].tolist() == inv.where("orphan")["uuid"].tolist()


def test_the_offline_cache_keeps_remote_rows(shared, tmp_path):
    inv = _load(shared)
    save_cached_inventory(inv, tmp_path)
    back = load_cached_inventory(tmp_path, source=inv.source)
    cols = ["uuid", "kind", "backup_location", "orphan", "orphan_reason", "drive_name"]
    pd.testing.assert_frame_equal(back.snapshots[cols].reset_index(drop=True),
                                  inv.snapshots[cols].reset_index(drop=True), check_categorical=False)


async def _delete(h, inv, uuids):
    items = dict.fromkeys(uuids, "x")
    async with _aclient(h) as c:
        return await actions.delete_snapshots(c, items, kinds=actions.kinds_of(inv.snapshots, uuids), poll=0.05)


def test_delete_routes_remote_snapshots_to_remotesnapshots(fresh):
    inv = _load(fresh)
    s = inv.snapshots
    remote = s.loc[s["kind"] == "remote", "uuid"].tolist()[:2]
    local = s.loc[s["kind"] == "local", "uuid"].tolist()[:1]
    results = asyncio.run(_delete(fresh, inv, [local[0], *remote]))
    assert [r.uuid for r in results] == [local[0], *remote] and all(r.ok for r in results), results
    after = _load(fresh).snapshots
    assert not after["uuid"].isin([*local, *remote]).any()
    assert len(after) == len(s) - 3
    assert {r.uuid for r in _api_remotes(fresh)}.isdisjoint(remote)


def test_a_remote_snapshot_without_its_kind_is_not_deleted_as_a_local_one(fresh):
    inv = _load(fresh)
    uuid = inv.snapshots.loc[inv.snapshots["kind"] == "remote", "uuid"].iloc[0]

    async def main():
        async with _aclient(fresh) as c:
            return await actions.delete_snapshots(c, {uuid: "x"}, poll=0.05)

    (result,) = asyncio.run(main())
    assert not result.ok and result.message.startswith("not found")  # /snapshots/ does not know it
    assert uuid in {r.uuid for r in _api_remotes(fresh)}


def test_clone_of_a_remote_snapshot_makes_a_drive(fresh):
    inv = _load(fresh)
    row = inv.snapshots[(inv.snapshots["kind"] == "remote") & ~inv.snapshots["orphan"]].iloc[0]

    async def main():
        async with _aclient(fresh) as c:
            drive = await actions.clone_snapshot(c, row["uuid"], name="restored from backup", kind="remote")
            fresh.advance(hours=1)
            return await actions.follow_job(c, drive, poll=0.05, timeout=60)

    final = asyncio.run(main())
    assert final.name == "restored from backup" and final.status == "unmounted"
    assert final.size == row["drive_size"]
    assert final.uuid in set(_load(fresh).drives["uuid"])


def test_the_planner_plans_a_drives_backups_as_their_own_set(shared):
    inv = _load(shared)
    plan = plan_retention(inv, RetentionRules(last=1))
    p = plan.snapshots
    s = inv.snapshots
    avail = s[s["status"] == "available"]
    for kind in ("local", "remote"):
        part = p[p["kind"] == kind]
        # exactly the newest of each drive's set is kept
        assert part["keep"].sum() == avail.loc[avail["kind"] == kind, "drive_uuid"].nunique()
    both = set(avail.loc[avail["kind"] == "remote", "drive_uuid"]) & set(avail.loc[avail["kind"] == "local",
                                                                                     "drive_uuid"])
    assert both  # drives with both: one of each kept
    d = next(iter(both))
    kept = p[(p["drive_uuid"] == d) & p["keep"]]
    assert sorted(kept["kind"].astype(str)) == ["local", "remote"]
    kinds = plan.delete_kinds()
    assert set(kinds) == set(plan.delete_items()) and "remote" in kinds.values()
