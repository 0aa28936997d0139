"""Simulated time keeps going: demo drives keep their snapshot schedule and keep writing as the clock advances.

Each demo drive carries hidden data (`acct.aux[drive_uuid]`): its write `rate` (bytes/s),
its `schedule` (`daily`, `weekly`, `adhoc`), the `step` between scheduled snapshots (or the
mean gap of ad-hoc ones), when the `next` one is due, and the `noise` factor of the
interval being written now. The fleet generator drew every past snapshot's size as
rate x span x noise (noise log-normal, 4% empty); time going forward uses the same process,
so the future looks statistically like the past (what a forecast is checked against).
Scheduled snapshots respect the quota and the drive's state, as the API does; one that
cannot be taken is skipped and the schedule moves on. Everything random is seeded by the
drive and the time, so the same advance gives the same snapshots.
"""

from __future__ import annotations

import heapq
import random

from explorer.emulator.clock import default_snapshot_name
from explorer.emulator.objects import make_snapshot
from explorer.emulator.state import remote
from explorer.emulator.state.lifecycle import sync_drive
from explorer.emulator.state.model import Account
from explorer.emulator.wire import new_uuid, ref

DAY = 86400.0
EMPTY_SHARE = 0.04  # the share of snapshots that captured no change (as in the fleet generator)


def noise(rng: random.Random) -> float:
    """One interval's write factor, drawn as the fleet generator draws a snapshot's size."""
    return 0.0 if rng.random() < EMPTY_SHARE else rng.lognormvariate(0, 0.9)


def _rng(drive_uuid: str, when: float) -> random.Random:
    return random.Random(f"{drive_uuid}/{when!r}")


def next_due(info: dict, drive_uuid: str, after: float) -> float:
    """When the snapshot after one at `after` is due: a fixed step, or an exponential gap for ad hoc."""
    if info["schedule"] == "adhoc":
        return after + _rng(drive_uuid, after).expovariate(1.0 / info["step"])
    return after + info["step"]


def _write(acct: Account, drive: dict, info: dict, seconds: float) -> None:
    """The drive writes for `seconds`: its newest available snapshot holds what changed since it was taken."""
    rate = float(info.get("rate", 0.0)) * float(info.get("noise", 1.0))
    if rate <= 0 or seconds <= 0:
        return
    remote.grow(acct, drive, int(rate * seconds))  # its newest backup holds what changed since, too
    if not drive["snapshots"]:
        return
    newest = acct.snapshots.get(drive["snapshots"][-1]["uuid"])
    if newest is None or newest["status"] != "available":
        return
    grown = min(drive["size"], (newest["allocated_size"] or 0) + int(rate * seconds))
    if grown != newest["allocated_size"]:
        newest["allocated_size"] = grown
        acct.snapshots.put(newest)
        sync_drive(acct, drive)


def _take(acct: Account, drive: dict, info: dict, when: float) -> bool:
    """Take a scheduled snapshot at `when` if the API would allow it now; it starts empty."""
    s = acct.settings
    if (drive["runtime"]["is_snapshotable"] is False or drive["status"] not in ("mounted", "unmounted")
            or len(acct.snapshots) >= s["quota_max"] or len(drive["snapshots"]) >= s["quota_per_drive"]):
        return False
    rng = _rng(drive["uuid"], when)
    suuid = new_uuid(rng)
    tags = []
    if info["schedule"] == "daily":
        tags = [t["uuid"] for t in acct.tags if t["name"] == "backup-daily"][:1]
    acct.snapshots.put(make_snapshot(uuid=suuid, drive_uuid=drive["uuid"], owner=acct.owner_ref,
                                     name=default_snapshot_name(drive["uuid"], when), epoch=when, meta={},
                                     tags=tags, allocated_size=0))
    drive["snapshots"].append(ref("snapshots", suuid))
    sync_drive(acct, drive)
    info["noise"] = noise(rng)
    return True


def run(acct: Account, start: float, end: float) -> int:
    """Play the time from `start` to `end`: due snapshots in time order (the quota is account-wide), writes between.

    Returns how many scheduled snapshots were taken.
    """
    if end <= start:
        return 0
    due: list[tuple[float, str]] = []
    for drive in acct.drives:
        info = acct.aux.get(drive["uuid"])
        if info and info.get("schedule") and info.get("next", end + 1) <= end:
            due.append((float(info["next"]), drive["uuid"]))
    heapq.heapify(due)
    written_to: dict[str, float] = {}
    taken = 0
    while due:
        when, duuid = heapq.heappop(due)
        drive, info = acct.drives.get(duuid), acct.aux.get(duuid)
        if drive is None or info is None:
            continue
        _write(acct, drive, info, when - max(start, written_to.get(duuid, start)))
        written_to[duuid] = when
        taken += _take(acct, drive, info, when)
        info = dict(info, next=next_due(info, duuid, when))
        acct.set_aux(duuid, info)
        if info["next"] <= end:
            heapq.heappush(due, (info["next"], duuid))
    for drive in list(acct.drives):
        info = acct.aux.get(drive["uuid"])
        if info:
            _write(acct, drive, info, end - max(start, written_to.get(drive["uuid"], start)))
    return taken
