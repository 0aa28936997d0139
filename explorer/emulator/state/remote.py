"""Remote snapshots (backups) on the simulated clock: creating -> transferring -> available, orphans, demo backups.

As documented (remote_snapshots.rst, cloudsigma-api.md §2.10): a remote snapshot keeps the
source drive's `drive_meta` (with `src_uuid`) and survives the drive's deletion (its `drive`
then reads null: the emulator's choice, `drive_meta.src_uuid` still names the drive); no
second one of a drive within 30 minutes, nor while one is `creating`/`transferring`; none
can be edited, deleted or cloned in those states. Its size, like a local snapshot's, is the
data written since it was taken. Each phase lasts `transition_seconds`.
"""

from __future__ import annotations

import random
from datetime import datetime

from explorer.emulator.clock import default_snapshot_name, iso_time, snapshot_time
from explorer.emulator.objects import SNAPSHOTABLE_TYPES
from explorer.emulator.state.lifecycle import deletion_key, transition_key, write_rate
from explorer.emulator.state.model import Account
from explorer.emulator.wire import new_uuid, ref

MIN_GAP_SECONDS = 30 * 60
BUSY = ("creating", "transferring")
TRANSITIONS = ("remote_creating", "remote_transfer")
DEFAULT_QUOTA = 600  # capabilities' documented example `remote_snapshots.max`
DAY = 86400.0


def drive_meta(drive: dict) -> dict:
    return {"media": drive["media"], "name": drive["name"], "size": drive["size"], "src_uuid": drive["uuid"],
            "storage_type": drive["storage_type"]}


def make_remote_snapshot(*, uuid: str, drive: dict, owner: dict, name: str, epoch: float, location: str,
                         meta: dict, tags: list[str], status: str = "creating", allocated_size: int = 0,
                         changed: float | None = None) -> dict:
    """The documented object (`dumps/remote_snapshots/response_snapshot_create`), keys in its order."""
    return {
        "allocated_size": allocated_size,  # 0 while creating, as in the dump (a local one has null)
        "drive": ref("drives", drive["uuid"]),
        "drive_meta": drive_meta(drive),
        "grantees": [],
        "last_state_change": snapshot_time(epoch if changed is None else changed),
        "location": location,
        "meta": meta,
        "name": name,
        "owner": owner,
        "permissions": [],
        "resource_uri": f"/api/2.0/remotesnapshots/{uuid}/",
        "status": status,
        "tags": [ref("tags", t) for t in tags],
        "timestamp": snapshot_time(epoch),
        "uuid": uuid,
    }


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def refusal(acct: Account, drive: dict, now: float) -> str | None:
    """Why another remote snapshot of `drive` cannot be taken now (None: it can)."""
    newest = None
    for r in drive["remote_snapshots"]:
        obj = acct.remotesnapshots.get(r["uuid"])
        if obj is None:
            continue
        if obj["status"] in BUSY:
            return (f"Cannot create a remote snapshot of drive {drive['uuid']}: remote snapshot {obj['uuid']} is "
                    f'still in state "{obj["status"]}"')
        newest = max(newest or 0.0, _epoch(obj["timestamp"]))
    if newest is not None and now - newest < MIN_GAP_SECONDS:
        return (f"Cannot create more than one remote snapshot of drive {drive['uuid']} within 30 minutes; "
                f"the next one may be taken from {iso_time(newest + MIN_GAP_SECONDS)}")
    return None


def complete(state, acct: Account, data: dict) -> None:
    """creating -> transferring (and the next phase scheduled), transferring -> available with its size."""
    obj = acct.remotesnapshots.get(data["uuid"])
    if obj is None:
        return
    due = data["due"]
    if data["type"] == "remote_creating" and obj["status"] == "creating":
        acct.remotesnapshots.put({**obj, "status": "transferring", "last_state_change": snapshot_time(due)})
        state.schedule(acct, transition_key(obj["uuid"]), {"type": "remote_transfer", "uuid": obj["uuid"],
                                                            "taken": data.get("taken", data["start"]),
                                                            "start": due, "due": due + state.transition_seconds})
    elif data["type"] == "remote_transfer" and obj["status"] == "transferring":
        drive = acct.drives.get((obj["drive"] or {}).get("uuid", ""))
        written = int(write_rate(acct, drive["uuid"]) * max(0.0, due - data["taken"])) if drive else 0
        acct.remotesnapshots.put({**obj, "status": "available", "last_state_change": snapshot_time(due),
                                  "allocated_size": min(written, obj["drive_meta"]["size"])})


def remove(acct: Account, uuids: list[str]) -> None:
    """Remove remote snapshots for good, with their pending transitions, and drop their drives' refs."""
    by_drive: dict[str, set[str]] = {}
    for uuid in uuids:
        obj = acct.remotesnapshots.remove(uuid)
        if obj is not None and obj["drive"] is not None:
            by_drive.setdefault(obj["drive"]["uuid"], set()).add(uuid)
        for key in (transition_key(uuid), deletion_key(uuid)):
            if key in acct.aux:
                acct.set_aux(key, None)
    for duuid, gone in by_drive.items():
        drive = acct.drives.get(duuid)
        if drive is not None:
            drive["remote_snapshots"] = [r for r in drive["remote_snapshots"] if r["uuid"] not in gone]
            acct.drives.put(drive)


def orphan(acct: Account, drive: dict) -> None:
    """The drive is being deleted: its remote snapshots stay, no longer pointing at it."""
    for r in drive.get("remote_snapshots", ()):
        obj = acct.remotesnapshots.get(r["uuid"])
        if obj is not None:
            acct.remotesnapshots.put({**obj, "drive": None})


def grow(acct: Account, drive: dict, written: int) -> None:
    """The drive wrote `written` bytes: its newest available remote snapshot holds them too."""
    if written <= 0 or not drive.get("remote_snapshots"):
        return
    newest = acct.remotesnapshots.get(drive["remote_snapshots"][-1]["uuid"])
    if newest is not None and newest["status"] == "available":
        grown = min(newest["drive_meta"]["size"], newest["allocated_size"] + written)
        if grown != newest["allocated_size"]:
            acct.remotesnapshots.put({**newest, "allocated_size": grown})


def populate_backups(acct: Account, *, seed: int, now: float, location) -> None:
    """Demo backups: a week of nightly remote snapshots of about a quarter of the drives, and two orphans."""
    from explorer.emulator.locations import remote_locations

    rng = random.Random(f"{seed}/backups")  # its own stream: the local fleet stays exactly as without backups
    target = remote_locations(location)[0]
    acct.settings["remote_quota_max"] = DEFAULT_QUOTA
    drives = [d for d in acct.drives if d["storage_type"] in SNAPSHOTABLE_TYPES
              and d["status"] in ("mounted", "unmounted")]
    chosen = [d for d in drives if rng.random() < 0.25] or drives[:1]
    for drive in chosen:
        rate = write_rate(acct, drive["uuid"])
        times = [now - k * DAY - rng.uniform(3600, 5 * 3600) for k in range(6, -1, -1)]
        refs = []
        for k, t in enumerate(times):
            span = (times[k + 1] if k + 1 < len(times) else now) - t
            size = min(drive["size"], int(rate * span * rng.lognormvariate(0, 0.5)))
            uuid = new_uuid(rng)
            acct.remotesnapshots.put(make_remote_snapshot(
                uuid=uuid, drive=drive, owner=acct.owner_ref, name=default_snapshot_name(drive["uuid"], t),
                epoch=t, location=target, meta={}, tags=[], status="available", allocated_size=size,
                changed=t + 900))
            refs.append(ref("remotesnapshots", uuid))
        drive["remote_snapshots"] = refs
        acct.drives.put(drive)
    # A decommissioned drive's last backups: they outlived it (billed as backup until someone deletes them).
    gone = {"media": "disk", "name": "legacy-01 data", "size": 200 << 30, "uuid": new_uuid(rng),
            "storage_type": "dssd"}
    for k in range(2):
        t = now - (120 - k) * DAY
        acct.remotesnapshots.put({**make_remote_snapshot(
            uuid=new_uuid(rng), drive=gone, owner=acct.owner_ref, name=f"before-decommission-{k + 1}", epoch=t,
            location=target, meta={"reason": "decommission"}, tags=[], status="available",
            allocated_size=int(rng.uniform(2, 9) * (1 << 30)), changed=t + 1800), "drive": None})
