"""Lifecycle rules on the simulated clock: pending transitions, job progress and drive writes."""

from __future__ import annotations

from datetime import datetime

from explorer.emulator.clock import iso_time
from explorer.emulator.objects import drive_runtime
from explorer.emulator.state.model import Account


def transition_key(uuid: str) -> str:
    return f"t:{uuid}"


def deletion_key(uuid: str) -> str:
    """The hidden record of a snapshot whose deletion started and is not finished yet."""
    return f"d:{uuid}"


def remove_snapshots(acct: Account, uuids: list[str]) -> None:
    """Remove snapshots for good, with their pending transitions, and update their drives."""
    by_drive: dict[str, set[str]] = {}
    for uuid in uuids:
        snap = acct.snapshots.remove(uuid)
        if snap is not None:
            by_drive.setdefault(snap["drive"]["uuid"], set()).add(uuid)
        for key in (transition_key(uuid), deletion_key(uuid)):
            if key in acct.aux:
                acct.set_aux(key, None)
    for duuid, gone in by_drive.items():
        drive = acct.drives.get(duuid)
        if drive is not None:
            drive["snapshots"] = [r for r in drive["snapshots"] if r["uuid"] not in gone]
            sync_drive(acct, drive)


def write_rate(acct: Account, drive_uuid: str) -> float:
    """Bytes per second the drive writes (hidden; drives the growth of its newest snapshot)."""
    return float(acct.aux.get(drive_uuid, {}).get("rate", 0.0))


def sync_drive(acct: Account, drive: dict) -> None:
    """Keep `runtime.snapshots_allocated_size` equal to the sum over the drive's snapshot refs."""
    total = 0
    for r in drive["snapshots"]:
        snap = acct.snapshots.get(r["uuid"])
        if snap is not None and snap["allocated_size"]:
            total += snap["allocated_size"]
    drive["runtime"]["snapshots_allocated_size"] = total
    acct.drives.put(drive)


def _ready(drive: dict) -> None:
    drive["status"] = "mounted" if drive["mounted_on"] else "unmounted"
    drive["runtime"] = drive_runtime(drive["storage_type"], ready=True,
                                     snapshots_allocated_size=drive["runtime"]["snapshots_allocated_size"])


def complete(state, acct: Account, key: str, data: dict) -> None:
    """Apply a transition whose time has come."""
    kind = data["type"]
    if kind.startswith("remote_") or data.get("kind") == "remotesnapshots":
        from explorer.emulator.state import remote

        acct.set_aux(key, None)  # first: completing a phase may schedule the next one under the same key
        if kind == "delete":
            remote.remove(acct, [data["uuid"]])
        else:
            remote.complete(state, acct, data)
        return
    if kind == "snapshot":
        snap = acct.snapshots.get(data["uuid"])
        if snap is not None and snap["status"] == "creating":
            drive = acct.drives.get(snap["drive"]["uuid"])
            # What the drive wrote while the snapshot was being taken is already "changed since".
            written = int(write_rate(acct, drive["uuid"]) * max(0.0, data["due"] - data["start"])) if drive else 0
            snap["status"] = "available"
            snap["allocated_size"] = min(written, drive["size"]) if drive else written
            acct.snapshots.put(snap)
            if drive is not None:
                sync_drive(acct, drive)
    elif kind == "delete":
        remove_snapshots(acct, [data["uuid"]])  # "deletion started" earlier; now it 404s
    elif kind in ("clone", "drive_ready", "resize"):
        drive = acct.drives.get(data["uuid"])
        if drive is not None:
            _ready(drive)
            acct.drives.put(drive)
        job = acct.jobs.get(data.get("job", ""))
        if job is not None:
            job["state"] = "success"
            job["data"] = {"progress": 100}
            job["last_modified"] = iso_time(data["due"])
            acct.jobs.put(job)
    acct.set_aux(key, None)


def progress(acct: Account, data: dict | None, now: float) -> None:
    """Raise a running clone job's progress in proportion to the time elapsed."""
    if not data or "job" not in data:
        return
    job = acct.jobs.get(data["job"])
    if job is None or job["state"] != "started":
        return
    span = max(data["due"] - data["start"], 1e-9)
    pct = max(0, min(99, int(100 * (now - data["start"]) / span)))
    if pct != job["data"]["progress"]:
        job["data"] = {"progress": pct}
        job["last_modified"] = iso_time(now)
        acct.jobs.put(job)


JOB_HISTORY_SECONDS = 3 * 86400


def prune_jobs(acct: Account, now: float) -> None:
    """Completed jobs are kept for 3 days (jobs.rst), then disappear from /jobs/."""
    cutoff = now - JOB_HISTORY_SECONDS
    for job in list(acct.jobs):
        if job["state"] != "started" and datetime.fromisoformat(job["last_modified"]).timestamp() < cutoff:
            acct.jobs.remove(job["uuid"])

