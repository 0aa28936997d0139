"""`/capabilities/` in the documented shape (`dumps/response_capabilities`), and the drive limits it states."""

from __future__ import annotations

from explorer.emulator.billing import CURRENCY_RATE
from explorer.emulator.state.model import Account

GIB = 1 << 30
# Per storage type: (min size, max size, (iops min, base, max)). The drive routes enforce exactly these.
DRIVE_LIMITS = {
    "dssd": (512 << 20, 15492389427364, (1, 30000, 60000)),
    "nvme": (512 << 20, 12079598531766, (1, 30000, 60000)),
    "zadara": (GIB, 13775679960716, (1, 4000, 8000)),
    "local_nvme": (512 << 20, 2 << 40, (1, 60000, 120000)),
}
# Legacy storage types the API still names (drives.rst) but capabilities no longer lists: dssd's limits.
LEGACY_LIMITS = DRIVE_LIMITS["dssd"]


def size_range(storage_type: str) -> tuple[int, int]:
    low, high, _ = DRIVE_LIMITS.get(storage_type, LEGACY_LIMITS)
    return low, high


def iops_range(storage_type: str) -> tuple[int, int]:
    iops_min, _, iops_max = DRIVE_LIMITS.get(storage_type, LEGACY_LIMITS)[2]
    return iops_min, iops_max


def _range(low, high) -> dict:
    return {"max": high, "min": low}


def _host() -> dict:
    return {"cpu": _range(250, 96000), "cpu_per_smp": _range(1000, 3000), "mem": _range(268435456, 558345748480),
            "smp": _range(1, 32)}


def capabilities(acct: Account, *, remote_locations: list[str] | None = None) -> dict:
    """The account's capabilities. `snapshots` carries the quotas the snapshot routes enforce."""
    s = acct.settings
    drives = {}
    for stype, (low, high, (iops_min, base, iops_max)) in DRIVE_LIMITS.items():
        drives[stype] = {"iops": {"base": base, "max": iops_max, "min": iops_min}, "max_size": high,
                         "min_size": low, "size": _range(low, high)}
    return {
        "backfilling": False,
        "currencies": [{"id": cur, "name": cur.lower()} for cur in CURRENCY_RATE],
        "default_inactive_period": 45,
        "default_storage_type": "dssd",
        "drives": drives,
        "hosts": {"amd": _host(), "intel": _host()},
        "hypervisors": {"kvm": ["intel", "amd"]},
        "inactive_period_range": _range(0, 250),
        "remote_snapshots": {"current": 0, "max": 600, "remote_locations": remote_locations or ["ZRH"]},
        "servers": {**_host(), "default_start_method": "regular", "start_methods": ["eager", "lazy", "regular"]},
        "snapshots": {"current": len(acct.snapshots), "max": s["quota_max"], "max_per_drive": s["quota_per_drive"]},
    }
