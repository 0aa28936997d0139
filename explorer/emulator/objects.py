"""Builders for the API's object shapes (snapshot, drive, job, tag) and the clone naming rule."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from explorer.emulator.clock import iso_time, snapshot_time
from explorer.emulator.wire import ref

SNAPSHOTABLE_TYPES = frozenset({"dssd", "zadara", "nvme", "ssd", "magnetic"})
STORAGE_TYPES = ("dssd", "zadara", "nvme", "local_nvme", "ssd", "magnetic")
CLONE_NAMING = ("NONE", "COUNTER", "DATE", "TIMESTAMP")
AFFINITIES = ("ssd",)  # the drive schema's only choice
EPHEMERAL_TYPES = frozenset({"local_nvme"})


def drive_runtime(storage_type: str, *, ready: bool, snapshots_allocated_size: int = 0) -> dict:
    """`runtime` as newer dumps show it; the capability flags are null until the drive is ready."""
    return {
        "is_downloadable": (storage_type not in EPHEMERAL_TYPES) if ready else None,
        "is_ephemeral": storage_type in EPHEMERAL_TYPES,
        "is_snapshotable": (storage_type in SNAPSHOTABLE_TYPES) if ready else None,
        "snapshots_allocated_size": snapshots_allocated_size,
        "storage_type": storage_type,
    }


def make_snapshot(*, uuid: str, drive_uuid: str, owner: dict, name: str, epoch: float, meta: dict,
                  tags: list[str], status: str = "available", allocated_size: int | None = 0) -> dict:
    # Keys in the order of the documented dumps (alphabetical).
    return {
        "allocated_size": allocated_size,
        "drive": ref("drives", drive_uuid),
        "grantees": [],
        "meta": meta,
        "name": name,
        "owner": owner,
        "permissions": [],
        "resource_uri": f"/api/2.0/snapshots/{uuid}/",
        "status": status,
        "tags": [ref("tags", t) for t in tags],
        "timestamp": snapshot_time(epoch),
        "uuid": uuid,
    }


def make_drive(*, uuid: str, owner: dict, name: str, size: int, storage_type: str, status: str,
               media: str = "disk", meta: dict | None = None, tags: list[str] = (), mounted_on: list[str] = (),
               affinities: list | None = None, allow_multimount: bool = False, iops: int | None = None) -> dict:
    ready = status not in ("creating", "cloning_dst")
    return {
        "affinities": list(affinities or []),
        "allow_multimount": allow_multimount,
        "backup_scheduler": None,
        "grantees": [],
        "iops": iops,  # None: no limit of its own, the storage type's base from /capabilities/
        "jobs": [],
        "licenses": [],
        "media": media,
        "meta": dict(meta or {}),
        "mounted_on": [ref("servers", s) for s in mounted_on],
        "name": name,
        "owner": owner,
        "permissions": [],
        "remote_snapshots": [],
        "resource_uri": f"/api/2.0/drives/{uuid}/",
        "runtime": drive_runtime(storage_type, ready=ready),
        "size": size,
        "snapshots": [],
        "status": status,
        "storage_type": storage_type,
        "tags": [ref("tags", t) for t in tags],
        "uuid": uuid,
    }


def short_drive(drive: dict) -> dict:
    """`GET /drives/` (not detail) shows only these four keys, per the documented dump."""
    return {k: drive[k] for k in ("owner", "resource_uri", "status", "uuid")}


def make_job(*, uuid: str, operation: str, epoch: float, resources: list[str]) -> dict:
    return {
        "children": [],
        "created": iso_time(epoch),
        "data": {"progress": 0},
        "last_modified": iso_time(epoch),
        "operation": operation,
        "resource_uri": f"/api/2.0/jobs/{uuid}/",
        "resources": resources,
        "state": "started",
        "uuid": uuid,
    }


def make_tag(*, uuid: str, name: str, owner: dict, meta: dict | None = None) -> dict:
    # `resources` is derived from the tagged objects when served (one source of truth).
    return {"meta": dict(meta or {}), "name": name, "owner": owner, "resource_uri": f"/api/2.0/tags/{uuid}/",
            "uuid": uuid}


_COUNTER = re.compile(r"^(.*)_(\d+)$")
_DATE = re.compile(r"^(.*)-(\d{4}-\d{2}-\d{2})$")
_STAMP = re.compile(r"^(.*)-(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$")


def _counter(name: str) -> str:
    m = _COUNTER.match(name)
    return f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{name}_1"


def clone_name(name: str, strategy: str, epoch: float) -> str:
    """Apply the profile's `clone_naming` strategy (NONE, COUNTER, DATE, TIMESTAMP) to a source name."""
    now = datetime.fromtimestamp(epoch, UTC)
    if strategy == "COUNTER":
        return _counter(name)
    if strategy in ("DATE", "TIMESTAMP"):
        pattern, stamp = (_DATE, f"{now:%Y-%m-%d}") if strategy == "DATE" else (_STAMP, f"{now:%Y-%m-%d %H:%M:%S}")
        m = pattern.match(name)
        if m and m.group(2) == stamp:
            # Already current: fall back to COUNTER without stripping the suffix.
            return _counter(name)
        base = m.group(1) if m else name
        return f"{base}-{stamp}"
    return name
