"""The demo fleet: a deterministic (by seed) account of drives, snapshots, tags and a subscription."""

from __future__ import annotations

import random
import uuid as uuidlib

from explorer.emulator.billing import make_subscription
from explorer.emulator.clock import default_snapshot_name
from explorer.emulator.objects import SNAPSHOTABLE_TYPES, make_drive, make_snapshot, make_tag
from explorer.emulator.state.lifecycle import sync_drive
from explorer.emulator.state.model import Account
from explorer.emulator.state.schedule import next_due as schedule_next
from explorer.emulator.wire import new_uuid

GIB = 1 << 30
DAY = 86400.0
YEAR = 365 * DAY
SNAPSHOTS_PER_DRIVE = 60  # default density: 50 drives -> 3000 snapshots
STORAGE_MIX = (("dssd", 0.55), ("zadara", 0.15), ("nvme", 0.2), ("local_nvme", 0.1))
SIZES_GIB = (10, 20, 50, 100, 200, 500, 1000, 2000)
SIZE_WEIGHTS = (8, 12, 20, 18, 12, 8, 4, 2)
ROLES = ("web", "api", "db", "cache", "worker", "build", "mail", "vpn", "git", "analytics", "search", "queue")
ENVIRONMENTS = ("production", "staging", "development")
OWNERS = ("alice", "bob", "carol", "dave", "erin", "frank")
PURPOSES = {"web": "frontend", "api": "backend", "db": "database", "cache": "cache", "worker": "batch jobs",
            "build": "ci", "mail": "mail", "vpn": "network", "git": "source control", "analytics": "reporting",
            "search": "search index", "queue": "messaging"}
HUMAN_NAMES = ("before-upgrade", "pre-migration", "release", "manual", "hotfix", "before-kernel-update",
               "pre-schema-change", "known-good", "quarterly")
TAG_NAMES = ("production", "staging", "development", "critical", "keep", "backup-daily")


def user_uuid(seed: int, email: str) -> str:
    return str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"snapshot-explorer-emulator/{seed}/{email}"))


def init_account(acct: Account, *, currency: str) -> None:
    first = acct.email.split("@")[0].split(".")[0].capitalize()
    acct.profile = {
        # Every field of the documented profile; no tax applies, so tax_name/tax_rate are null as in the dump.
        "address": "", "api_https_only": False, "autotopup_amount": "0E-16", "autotopup_threshold": "0E-16",
        "bank_reference": f"{first[:4].lower()}{acct.uuid[:4]}", "clone_naming": "NONE", "company": "Example Ltd",
        "country": "CH", "currency": currency, "email": acct.email, "first_name": first, "has_autotopup": False,
        "has_tx_autotopup": False, "invoicing": True, "key_auth": False, "language": "EN", "last_name": "Demo",
        "mailing_list": False, "meta": {}, "my_notes": "", "network_restrictions": "", "nickname": "", "phone": "",
        "postcode": "", "reseller": "", "signup_time": "2023-01-15T10:00:00+00:00", "state": "REGULAR",
        "tax_name": None, "tax_rate": None, "title": "", "town": "Zurich", "tx_autotopup_amount": "0E-16",
        "tx_autotopup_threshold": "0E-16", "uuid": acct.uuid, "vat": "",
    }
    acct.balance = {"balance": "1234.56780000000000000000", "credit_limit": None, "currency": currency}
    acct.settings = {"quota_max": 700, "quota_per_drive": 90}


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _split(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integer parts proportional to `weights` (largest remainder)."""
    if not weights:
        return []
    s = sum(weights)
    exact = [total * w / s for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def populate(acct: Account, *, seed: int, now: float, drives: int | None, snapshots: int | None) -> None:
    """Create the demo objects. Same seed and sizes give the same uuids, names, sizes and relative times."""
    rng = random.Random(seed)
    n_drives = 50 if drives is None else max(0, drives)
    n_snaps = n_drives * SNAPSHOTS_PER_DRIVE if snapshots is None else max(0, snapshots)
    owner = acct.owner_ref
    tag_ids = {}
    for name in TAG_NAMES:
        tag_ids[name] = new_uuid(rng)
        acct.tags.put(make_tag(uuid=tag_ids[name], name=name, owner=owner))
    servers = [new_uuid(rng) for _ in range(max(1, n_drives // 2))]
    plan = []
    for i in range(n_drives):
        stype = _weighted(rng, STORAGE_MIX) if n_drives >= 5 or i else "dssd"
        if n_drives >= 5 and i == 3:
            stype = "local_nvme"  # always at least one drive that cannot be snapshotted
        role = ROLES[i % len(ROLES)]
        env = ENVIRONMENTS[rng.choices((0, 1, 2), weights=(5, 3, 2))[0]]
        size = rng.choices(SIZES_GIB, weights=SIZE_WEIGHTS)[0] * GIB
        mounted = rng.random() < 0.6
        duuid = new_uuid(rng)
        tags = [tag_ids[env]] + ([tag_ids["critical"]] if env == "production" and rng.random() < 0.3 else [])
        meta = {"owner": rng.choice(OWNERS), "environment": env, "purpose": PURPOSES[role]}
        name = f"{role}-{i // len(ROLES) + 1:02d} {'data' if rng.random() < 0.4 else 'root'}"
        status = "mounted" if mounted else "unmounted"
        if n_drives >= 20 and i == 7:
            status = "unavailable"  # a larger fleet has one drive in trouble (cannot be snapshotted now)
        drive = make_drive(uuid=duuid, owner=owner, name=name, size=size, storage_type=stype, status=status,
                           meta=meta, tags=tags, mounted_on=[rng.choice(servers)] if mounted else [])
        # Heavy-tailed write rate (bytes/day): most drives write little, a few write a lot.
        per_day = min(size * 0.05, rng.lognormvariate(0, 1.6) * 0.4 * GIB)
        acct.set_aux(duuid, {"rate": per_day / DAY})
        schedule = rng.choices(("daily", "weekly", "adhoc"), weights=(5, 3, 2))[0]
        weight = {"daily": 3.0, "weekly": 1.0, "adhoc": 0.6}[schedule] * rng.paretovariate(2.5)
        plan.append((drive, schedule, per_day, weight if stype in SNAPSHOTABLE_TYPES else 0.0))
    counts = _split(n_snaps, [p[3] for p in plan]) if any(p[3] for p in plan) else [0] * len(plan)
    for (drive, schedule, per_day, _), count in zip(plan, counts, strict=True):
        timing = _snapshots_for(acct, rng, drive, schedule, per_day, count, now, tag_ids, owner)
        if timing:  # simulated time continues this schedule (state.schedule)
            acct.set_aux(drive["uuid"], {**acct.aux[drive["uuid"]], **timing})
        acct.drives.put(drive)
        sync_drive(acct, drive)


def _snapshots_for(acct, rng, drive, schedule, per_day, count, now, tag_ids, owner) -> dict:
    """Create the drive's past snapshots; returns how its schedule continues (`schedule`, `step`, `next`, `noise`)."""
    if count <= 0:
        return {}
    if schedule == "adhoc":
        step = YEAR / count  # the mean gap between ad-hoc snapshots
        times = sorted(now - rng.uniform(600, YEAR) for _ in range(count))
    else:
        step = min(DAY if schedule == "daily" else 7 * DAY, YEAR / count)
        newest = now - rng.uniform(600, step)
        times = [newest - k * step + rng.uniform(0, 90) for k in range(count - 1, -1, -1)]
    duuid = drive["uuid"]
    for k, t in enumerate(times):
        # A snapshot holds what changed between it and the next one (or now, for the newest).
        span = (times[k + 1] if k + 1 < len(times) else now) - t
        size = 0 if rng.random() < 0.04 else int(per_day * span / DAY * rng.lognormvariate(0, 0.9))
        size = min(size, drive["size"])
        human = schedule == "adhoc" or rng.random() < 0.05
        name = f"{rng.choice(HUMAN_NAMES)}-{k + 1}" if human else default_snapshot_name(duuid, t)
        meta = {"reason": name.rsplit("-", 1)[0], "ticket": f"OPS-{rng.randint(100, 999)}"} if human else {}
        tags = [tag_ids["keep"]] if human and rng.random() < 0.3 else []
        if schedule == "daily" and not human:
            tags = [tag_ids["backup-daily"]]
        suuid = new_uuid(rng)
        acct.snapshots.put(make_snapshot(uuid=suuid, drive_uuid=duuid, owner=owner, name=name, epoch=t,
                                         meta=meta, tags=tags, allocated_size=size))
        drive["snapshots"].append({"resource_uri": f"/api/2.0/snapshots/{suuid}/", "uuid": suuid})
    # The newest snapshot keeps growing at the noise its size was drawn with (1 when that cannot be told).
    written = per_day * (now - times[-1]) / DAY
    factor = size / written if 0 < size < drive["size"] and written > 0 else 1.0
    info = {"schedule": schedule, "step": step, "noise": factor}
    info["next"] = schedule_next(info, duuid, times[-1])
    while info["next"] <= now:  # an ad-hoc gap may already have passed
        info["next"] = schedule_next(info, duuid, info["next"])
    return info


def finish_account(acct: Account, now: float) -> None:
    """Quotas above the fleet's size, and a dssd subscription covering only part of the usage."""
    per_drive = max((len(d["snapshots"]) for d in acct.drives), default=0)
    acct.settings["quota_per_drive"] = max(90, per_drive + 20)
    acct.settings["quota_max"] = max(700, -(-int(len(acct.snapshots) * 1.25) // 100) * 100)
    if len(acct.subscriptions):
        return
    using = sum(d["size"] + d["runtime"]["snapshots_allocated_size"]
                for d in acct.drives if d["storage_type"] == "dssd")
    # Cover about 60% of dssd usage so the demo account bursts.
    amount = max(GIB, (int(using * 0.6) // GIB) * GIB)
    acct.subscriptions.put(make_subscription(acct, sub_id=str(10_000 + len(acct.subscriptions)), resource="dssd",
                                             amount=amount, now=now))
    backup = sum(r["allocated_size"] or 0 for r in acct.remotesnapshots)
    if backup:  # backups are billed as `backup`: a subscription of their own, again covering only part
        acct.subscriptions.put(make_subscription(acct, sub_id=str(10_000 + len(acct.subscriptions)),
                                                 resource="backup", amount=max(GIB, int(backup * 0.5) // GIB * GIB),
                                                 now=now))
