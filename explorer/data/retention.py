"""Retention plans: restic-style keep rules applied per drive, as a pure function of the snapshots frame.

The rules (fixed by issue 13, so others can check them): only `available` snapshots are
candidates; each drive's candidates are walked newest first (timestamp, then uuid, both
descending); `last N` keeps the N newest; a calendar rule (`hourly` ... `yearly`) keeps the
newest snapshot of each of the N newest UTC buckets that hold one (ISO weeks for `weekly`);
`within D` keeps everything newer than `now - D`; `tag NAME` keeps every snapshot with that
tag; the newest candidate of a drive is always kept. Every rule that kept a snapshot is a
reason; the rest of the scope is to be deleted.

A drive's remote snapshots (backups, kind `remote`) are a set of their own beside its local
snapshots: the rules apply to each set separately (so a drive keeps its newest backup and its
newest local snapshot), also for an orphan's backups, planned under the deleted drive's uuid.

Several locations (a combined inventory): a drive is (location, drive uuid), since uuids are unique
within one location only, so each location's drives are planned on their own; the money of a plan is
then per location, in its own currency and against its own burst (:func:`plan_money_by_location`),
never added across locations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from explorer.data.inventory import Inventory

if TYPE_CHECKING:
    from explorer.data.cost import DeletionSavings
from explorer.errors import ValidationError

#: Reasons in the order they are listed.
REASONS = ("last", "hourly", "daily", "weekly", "monthly", "yearly", "within", "tag", "newest")
CALENDAR = ("hourly", "daily", "weekly", "monthly", "yearly")
_DURATION = re.compile(r"^\s*(\d+)\s*([hdwy])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
_NS_HOUR, _NS_DAY = 3600 * 10**9, 86400 * 10**9


def parse_duration(text: str) -> pd.Timedelta:
    """`36h`, `30d`, `8w`, `1y` (= 365 days) as a Timedelta; anything else is a ValidationError."""
    m = _DURATION.match(str(text))
    if not m or int(m.group(1)) <= 0:
        raise ValidationError(f"--keep-within needs a positive duration like 36h, 30d, 8w or 1y (got {text!r})")
    return pd.Timedelta(seconds=int(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()])


@dataclass(frozen=True, slots=True)
class RetentionRules:
    """Which snapshots to keep; counts are positive or None (rule not given)."""

    last: int | None = None
    hourly: int | None = None
    daily: int | None = None
    weekly: int | None = None
    monthly: int | None = None
    yearly: int | None = None
    within: str | None = None  # as typed (`30d`); parsed by parse_duration
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("last", *CALENDAR):
            n = getattr(self, name)
            if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
                raise ValidationError(f"--keep-{name} needs a positive number of snapshots (got {n!r})")
        if self.within is not None:
            parse_duration(self.within)
        if any(not t or not t.strip() for t in self.tags):
            raise ValidationError("--keep-tag needs a tag name")
        if self.is_empty():
            raise ValidationError("no retention rule given (e.g. --keep-daily 7): refusing to plan deleting everything")

    def is_empty(self) -> bool:
        return all(getattr(self, n) is None for n in ("last", *CALENDAR, "within")) and not self.tags

    def as_dict(self) -> dict:
        """The rules given, as `{"keep_daily": 7, "keep_within": "30d", "keep_tag": [...]}` (JSON and history)."""
        out: dict = {f"keep_{n}": getattr(self, n) for n in ("last", *CALENDAR, "within") if getattr(self, n)}
        if self.tags:
            out["keep_tag"] = list(self.tags)
        return out

    def describe(self) -> str:
        return " ".join(f"--keep-{k[5:]} {v}" if k != "keep_tag" else " ".join(f"--keep-tag {t}" for t in v)
                        for k, v in self.as_dict().items())


@dataclass(frozen=True, slots=True)
class RetentionPlan:
    """The plan: `snapshots` holds every candidate in scope, per drive, newest first.

    Columns: uuid, name, drive_uuid, drive_name, kind, timestamp, allocated_size, location (when the
    inventory's frame has it), keep (bool), reasons (comma-separated, empty for a deletion), row (position
    in the inventory's snapshots frame).
    """

    now: pd.Timestamp
    rules: RetentionRules
    snapshots: pd.DataFrame

    @property
    def delete(self) -> pd.DataFrame:
        return self.snapshots[~self.snapshots["keep"].to_numpy(bool)]

    @property
    def keep(self) -> pd.DataFrame:
        return self.snapshots[self.snapshots["keep"].to_numpy(bool)]

    def delete_items(self) -> dict[str, str]:
        """`{uuid: name}` of the snapshots to delete, in plan order (what `delete_snapshots` takes)."""
        d = self.delete
        return {u: (n if isinstance(n, str) else "") for u, n in zip(d["uuid"], d["name"].astype(object), strict=True)}

    def delete_kinds(self) -> dict[str, str]:
        """`{uuid: kind}` of the snapshots to delete (`delete_snapshots(kinds=)` routes remote ones)."""
        d = self.delete
        return {u: str(k) for u, k in zip(d["uuid"], d["kind"].astype(object), strict=True) if isinstance(k, str)}


def select_drives(inv: Inventory, wanted: list[str] | tuple[str, ...]) -> set[str]:
    """Uuids of the drives named (uuid or exact name); an unknown or ambiguous name is a ValidationError."""
    d, s = inv.drives, inv.snapshots
    uuids = set(d["uuid"].dropna()) | set(s["drive_uuid"].dropna())
    out: set[str] = set()
    for w in wanted:
        if w in uuids:
            out.add(w)
            continue
        hits = sorted(d.loc[d["name"] == w, "uuid"].dropna())
        if not hits:
            raise ValidationError(f"--drive {w!r}: no drive has that name or uuid")
        if len(hits) > 1:
            raise ValidationError(f"--drive {w!r}: {len(hits)} drives have that name ({', '.join(hits)}); give a uuid")
        out.add(hits[0])
    return out


def _has_tag(tags: pd.Series, names: tuple[str, ...]) -> np.ndarray:
    hit = np.zeros(len(tags), dtype=bool)
    padded = ("," + tags.fillna("").astype(str) + ",")
    for name in names:
        hit |= padded.str.contains("," + name + ",", regex=False).to_numpy(bool)
    return hit


def _buckets(ts_ns: np.ndarray) -> dict[str, np.ndarray]:
    """UTC calendar bucket ids per rule; an ISO week is identified by its Monday (one-to-one with year+week)."""
    days = ts_ns // _NS_DAY
    dt = ts_ns.astype("datetime64[ns]")
    return {
        "hourly": ts_ns // _NS_HOUR,
        "daily": days,
        "weekly": days - (days + 3) % 7,  # 1970-01-01 was a Thursday (ISO weekday index 3)
        "monthly": dt.astype("datetime64[M]").astype(np.int64),
        "yearly": dt.astype("datetime64[Y]").astype(np.int64),
    }


_PLAN_COLUMNS = ("uuid", "name", "drive_uuid", "drive_name", "kind", "timestamp", "allocated_size", "tags")


def _uuid_ties(rows: np.ndarray, ts: np.ndarray, dcodes: np.ndarray, uuids: pd.Series) -> np.ndarray:
    """Within runs of equal (drive, timestamp), order rows by uuid descending (ties are rare: sort only those)."""
    tie = (dcodes[1:] == dcodes[:-1]) & (ts[1:] == ts[:-1])
    if not tie.any():
        return rows
    rows = rows.copy()
    edges = np.flatnonzero(np.diff(np.r_[0, tie.astype(np.int8), 0]))
    for a, b in zip(edges[::2], edges[1::2], strict=True):  # run of ties: rows a .. b inclusive
        part = rows[a : b + 1]
        names = uuids.array.take(part).to_numpy(dtype=object)
        rows[a : b + 1] = part[np.argsort(names, kind="stable")[::-1]]
    return rows


def _per_location(dcodes: np.ndarray, s: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Drive codes made distinct per location (a drive is (location, uuid)), numbered in order of appearance;
    unchanged when the rows are of one location."""
    if "location" not in s or not len(rows):
        return dcodes
    col = s["location"]
    codes = col.cat.codes.to_numpy() if isinstance(col.dtype, pd.CategoricalDtype) else pd.factorize(col)[0]
    loc = codes.take(rows).astype(np.int64) + 1  # NA (-1) is a location of its own
    if (loc == loc[0]).all():
        return dcodes
    codes, _ = pd.factorize(dcodes.astype(np.int64) * (int(loc.max()) + 1) + loc, sort=False)
    return codes


def plan_retention(inv: Inventory, rules: RetentionRules, *, drives: list[str] | tuple[str, ...] = (),
                   scope: np.ndarray | None = None, now: pd.Timestamp | None = None) -> RetentionPlan:
    """Apply `rules` per drive to the available snapshots in scope (`drives` and a boolean `scope` mask).

    `now` defaults to the inventory's load time (the plan states it).
    """
    now = inv.loaded_at if now is None else now
    s = inv.snapshots
    mask = (s["status"] == "available").fillna(False).to_numpy(bool) & s["timestamp"].notna().to_numpy(bool)
    if scope is not None:
        mask &= np.asarray(scope, dtype=bool)
    if drives:
        mask &= s["drive_uuid"].isin(select_drives(inv, drives)).fillna(False).to_numpy(bool)
    rows = np.flatnonzero(mask)
    ts = s["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64)[rows]
    dcodes, _ = pd.factorize(s["drive_uuid"].fillna("").array.take(rows), sort=False)
    dcodes = _per_location(dcodes, s, rows)
    dcodes = dcodes * 2 + (s["kind"] == "remote").to_numpy(bool, na_value=False)[rows]  # a drive's backups: own set
    order = np.lexsort((-ts, dcodes))  # per drive and kind (in order of appearance), newest first
    rows, ts, dcodes = rows[order], ts[order], dcodes[order]
    rows = _uuid_ties(rows, ts, dcodes, s["uuid"])
    c = pd.DataFrame({k: s[k].array.take(rows) for k in _PLAN_COLUMNS + (("location",) if "location" in s else ())})
    n = len(c)
    start = np.r_[True, dcodes[1:] != dcodes[:-1]] if n else np.zeros(0, dtype=bool)
    group_start = np.maximum.accumulate(np.where(start, np.arange(n), 0)) if n else np.zeros(0, dtype=np.int64)
    pos = np.arange(n) - group_start
    kept: dict[str, np.ndarray] = {}
    if rules.last:
        kept["last"] = pos < rules.last
    buckets = _buckets(ts) if any(getattr(rules, r) for r in CALENDAR) else {}
    for rule in CALENDAR:
        limit = getattr(rules, rule)
        if not limit:
            continue
        b = buckets[rule]
        first = start | np.r_[True, b[1:] != b[:-1]] if n else start
        ranks = np.cumsum(first)
        rank_in_drive = ranks - ranks[group_start] + 1  # 1 for the drive's newest bucket
        kept[rule] = first & (rank_in_drive <= limit)
    if rules.within:
        cutoff = (now - parse_duration(rules.within)).as_unit("ns").value
        kept["within"] = ts > cutoff
    if rules.tags:
        kept["tag"] = _has_tag(c["tags"], rules.tags)
    kept["newest"] = pos == 0
    keep = np.zeros(n, dtype=bool)
    for hit in kept.values():
        keep |= hit
    reasons = np.full(n, "", dtype=object)
    for reason in REASONS:
        if reason in kept:
            hit = kept[reason]
            reasons[hit] = np.where(reasons[hit] == "", reason, reasons[hit] + "," + reason)
    frame = c.drop(columns=["tags"])
    frame["keep"] = pd.array(keep, dtype="boolean")
    frame["reasons"] = pd.array(reasons, dtype="string")
    frame["row"] = rows
    return RetentionPlan(now=now, rules=rules, snapshots=frame)


def plan_money(inv: Inventory, plan: RetentionPlan) -> tuple[pd.DataFrame, DeletionSavings]:
    """(per-drive frame, totals as :class:`~explorer.data.cost.DeletionSavings`) for the plan's deletions.

    Per drive and kind (a drive's backups are a row of their own, resource `backup`): drive_uuid,
    drive_name, resource, kept, deleted, bytes_freed, saves_now, value_at_subscription
    (monthly, in the account's currency; NaN when the price is unknown).
    Both come from `deletion_savings` per storage type: value at subscription is linear in the
    bytes, and saving money now is an account-wide effect per type (only burst is saved), so
    each drive gets the share of its type's amounts that its freed bytes make up; the drives
    add up to the totals.
    """
    from explorer.data.cost import BACKUP_RESOURCE, DEFAULT_RESOURCE, deletion_savings

    if inv.parts:
        raise ValueError("plan_money costs one location (its prices, currency and burst): use "
                         "plan_money_by_location for an inventory of several locations")
    snaps = plan.snapshots
    delete = ~snaps["keep"].to_numpy(bool)
    savings = deletion_savings(inv, snaps["uuid"].array[delete])
    # Per drive by factorized codes (a groupby on 100k uuid strings costs more than the rest of the plan).
    codes, drive_uuids = pd.factorize(snaps["drive_uuid"].fillna("").array, sort=True)
    # A drive's backups are a set of their own: group by (drive, kind), local first.
    pairs, codes = np.unique(codes * 2 + (snaps["kind"] == "remote").to_numpy(bool, na_value=False),
                             return_inverse=True)
    drive_uuids, remote = np.asarray(drive_uuids, dtype=object)[pairs // 2], (pairs % 2).astype(bool)
    n = len(drive_uuids)
    first = np.full(n, len(snaps), dtype=np.intp)
    np.minimum.at(first, codes, np.arange(len(snaps)))
    names = snaps["drive_name"].to_numpy(object, na_value=None)  # as groupby().first() of an all-NA drive
    # Billed as the drive's storage type, the API's default when the drive is unknown (as data.cost does).
    resource = inv.snapshots["storage_type"].astype(object).to_numpy()[snaps["row"].to_numpy()[first]]
    freed = np.where(delete, snaps["allocated_size"].to_numpy("float64", na_value=0.0), 0.0)
    per = pd.DataFrame({
        "drive_name": names[first],
        "resource": np.where(remote, BACKUP_RESOURCE, np.where(pd.isna(resource), DEFAULT_RESOURCE, resource)),
        "kept": np.bincount(codes[~delete], minlength=n), "deleted": np.bincount(codes[delete], minlength=n),
        "bytes_freed": np.bincount(codes, weights=freed, minlength=n).astype(np.int64),
    }, index=pd.Index(drive_uuids, dtype=object, name="drive_uuid"))
    by_res = savings.by_resource.set_index("resource")
    saves, value = np.zeros(len(per)), np.zeros(len(per))
    for res, row in by_res.iterrows():
        on = (per["resource"] == res).to_numpy(bool)
        if row["bytes_freed"]:
            share = per.loc[on, "bytes_freed"].to_numpy("float64") / float(row["bytes_freed"])
            saves[on] = share * _float(row["saves_now_monthly"])
            value[on] = share * _float(row["monthly_cost_subscription"])
    per["saves_now"], per["value_at_subscription"] = saves, value
    return per.reset_index(), savings


@dataclass(frozen=True, slots=True)
class LocationMoney:
    """One location's share of a plan's money: `plan_money` of its rows, in its own currency."""

    location: str | None
    per_drive: pd.DataFrame
    savings: DeletionSavings

    @property
    def currency(self) -> str:
        return self.savings.currency


def plan_money_by_location(inv: Inventory, plan: RetentionPlan) -> tuple[LocationMoney, ...]:
    """:func:`plan_money` per location of the plan, in location order: each location's rows costed with its
    own prices, currency and burst (saving now is a per-location effect), never added across locations.

    A single-location inventory gives one entry (its `plan_money`). A combined one gives an entry per
    location that has rows in the plan; `inv`'s current rows of that location are costed with the part's
    billing data (as `explorer.data.locations` does).
    """
    if not inv.parts:
        return (LocationMoney(inv.location, *plan_money(inv, plan)),)
    from explorer.data.locations import _view

    snaps = plan.snapshots
    where = snaps["location"].astype("string")
    out = []
    for part in inv.parts:
        mine = where.eq(part.location).fillna(False).to_numpy(bool)
        if not mine.any():
            continue
        view, positions = _view(inv, part)
        rows = np.searchsorted(positions, snaps["row"].to_numpy(dtype=np.int64)[mine])  # positions in the view
        sub = RetentionPlan(now=plan.now, rules=plan.rules, snapshots=snaps[mine].assign(row=rows))
        out.append(LocationMoney(part.location, *plan_money(view, sub)))
    return tuple(out)


def _float(x) -> float:
    return float("nan") if pd.isna(x) else float(x)
