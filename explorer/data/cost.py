"""The storage cost model and its one vocabulary: pure functions of an Inventory's frames and its price table.

Facts (shared/cloudsigma-api.md §4): snapshots are billed on `allocated_size` as storage
of their drive's type, remote snapshots (backups) as `backup`, a resource with its own price,
subscriptions and burst level (§2.10); price per byte-second = price / multiplier (GiB, 30-day month);
subscriptions cover usage first and only usage above them bursts, at the price of the
resource's `current` burst level. Every surface (TUI, CLI, notebooks, report) names its
money with the labels below, computed here and nowhere else:

- value at subscription price: snapshot bytes x the level-0 price;
- burst now from snapshots: the part of today's burst charge snapshots cause (:data:`ATTRIBUTION_RULE`);
- at burst price: every snapshot byte at the current burst level, the "if none of it were
  subscribed" figure, never a headline;
- saves now / frees: what deleting a selection saves per month today and the subscription room it frees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from explorer.client.models import STORAGE_TYPES
from explorer.data import schema
from explorer.data.inventory import Inventory
from explorer.data.prices import BACKUP_RESOURCE, DEFAULT_RESOURCE, billing_resource, price_per_byte_second, rates
from explorer.data.units import human_bytes, money

__all__ = ["DEFAULT_RESOURCE", "price_per_byte_second", "rates"]  # re-exported: they lived here first

VALUE_AT_SUBSCRIPTION = "value at subscription price"
BURST_NOW = "burst now from snapshots"
AT_BURST_PRICE = "at burst price, if none of it were subscribed"
SAVES_NOW = "saves now"
FREES = "frees"
ATTRIBUTION_RULE = (
    "Burst now from snapshots counts snapshots as the last bytes used: per storage type, min(snapshot bytes, "
    "burst bytes) at the current burst price, which is what deleting all of them would save now. A drive's or "
    "an owner's part is its share of that storage type's snapshot bytes, so the parts add up to the total."
)
#: The money vocabulary for a help screen (per 30-day month, in the account's currency).
MONEY_HELP = (
    "Value (Value/mo): value at subscription price, snapshot bytes x the level-0 price. "
    "Burst now: burst now from snapshots. " + ATTRIBUTION_RULE + " At burst price: every snapshot byte at the "
    "current burst level, the figure if none of it were subscribed (never a headline). Saves now / frees: what "
    "deleting a selection saves per month today, and the subscription room it frees. Local snapshots are billed "
    "as their drive's storage type, remote snapshots (backups) as backup, with its own price, subscription and "
    "burst level. <0.01 is below one cent; "
    "— is unknown (no price in the list)."
)


def _per_location(func, inv: Inventory, **kwargs) -> pd.DataFrame:
    from explorer.data.locations import per_location

    return per_location(func, inv, **kwargs)


def _location_column(inv: Inventory, n: int) -> pd.Categorical:
    """`inv.location` on `n` rows, as the frames' location category."""
    cats = list(schema.LOCATION_CODES)
    if inv.location and inv.location not in cats:
        cats.append(inv.location)
    code = cats.index(inv.location) if inv.location else -1
    return pd.Categorical.from_codes(np.full(n, code, dtype=np.int8), categories=cats)


def _float(values: np.ndarray) -> pd.arrays.FloatingArray:
    return pd.array(values, dtype="Float64")  # NaN becomes NA: "unknown", not a number


def _repeat(value: str, n: int) -> pd.api.extensions.ExtensionArray:
    return pd.array([value], dtype="string").take(np.zeros(n, dtype=np.intp))


def snapshot_costs(inv: Inventory, *, currency: str | None = None) -> pd.DataFrame:
    """One row per snapshot: its monthly value at subscription price, cost at burst price and burst-now share."""
    if inv.parts:  # several locations: each with its own prices and currency (explorer.data.locations)
        return _per_location(snapshot_costs, inv, currency=currency, aligned=True)
    cur = currency or inv.currency
    snaps = inv.snapshots
    cats, codes = billing_resource(snaps)
    r = rates(inv, cats, cur)
    sub_rate = r["sub_rate"].to_numpy()[codes]
    burst_rate = r["burst_rate"].to_numpy()[codes]
    alloc = snaps["allocated_size"].to_numpy(dtype="float64", na_value=0.0)
    # The attribution rule: per resource, min(snapshot bytes, burst bytes) is shared pro rata by bytes.
    held = np.bincount(codes, weights=alloc, minlength=len(cats))
    bursting = np.array([_usage_for(inv, c, int(b))[2] for c, b in zip(cats, held, strict=True)], dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(held > 0, np.minimum(held, bursting) / held, 0.0)
    out = pd.DataFrame(
        {
            "uuid": snaps["uuid"].array,
            "location": snaps["location"].array,
            "drive_uuid": snaps["drive_uuid"].array,
            # Gathering from the few resource names is far cheaper than building a million strings.
            "resource": pd.array(cats, dtype="string").take(codes),
            "allocated_size": snaps["allocated_size"].array,
            "currency": _repeat(cur, len(snaps)),
            "burst_level": r["burst_level"].array.take(codes),
            "monthly_cost_subscription": _float(alloc * sub_rate),
            "monthly_cost_burst": _float(alloc * burst_rate),
            "burst_now_from_snapshots": _float(alloc * burst_rate * share[codes]),
            "price_missing": pd.array(np.isnan(sub_rate) | np.isnan(burst_rate), dtype="boolean"),
        },
        index=snaps.index,
    )
    return out


def drive_costs(inv: Inventory, *, currency: str | None = None) -> pd.DataFrame:
    """One row per drive and billing resource, costliest first.

    Every listed drive has a row at its storage type (costing 0 without local snapshots); a drive's
    backups (remote snapshots, billed as `backup`) are a row of their own beside its local
    snapshots' row; missing drives that still have snapshots (an orphan's backups) have rows too.
    """
    if inv.parts:  # several locations: each location's drives costliest first, in location order
        return _per_location(drive_costs, inv, currency=currency)
    cur = currency or inv.currency
    costs = snapshot_costs(inv, currency=cur)
    # Grouped by one integer key per (drive, resource): a groupby on two string columns costs a fifth more.
    dcodes, duuids = pd.factorize(costs["drive_uuid"].array, use_na_sentinel=False)
    rcodes, rnames = pd.factorize(costs["resource"].array)
    key = dcodes.astype(np.int64) * max(len(rnames), 1) + rcodes
    g = costs.groupby(key, sort=False)
    agg = pd.DataFrame(
        {
            "snapshot_count": g["uuid"].size(),
            "snapshots_allocated": g["allocated_size"].sum(),
            "monthly_cost_subscription": g["monthly_cost_subscription"].sum(min_count=1),
            "monthly_cost_burst": g["monthly_cost_burst"].sum(min_count=1),
            "burst_now_from_snapshots": g["burst_now_from_snapshots"].sum(min_count=1),
            "price_missing": g["price_missing"].any(),
        }
    )
    keys = agg.index.to_numpy(np.int64)
    first = pd.Series(np.arange(len(key)), index=key).groupby(level=0, sort=False).min().reindex(keys).to_numpy()
    agg = agg.reset_index(drop=True).assign(
        drive_uuid=pd.array(duuids, dtype="string").take(keys // max(len(rnames), 1)),
        resource=pd.array(rnames, dtype="string").take(keys % max(len(rnames), 1)),
        # a deleted drive's name lives on in its backups (drive_meta)
        snapshot_drive_name=inv.snapshots["drive_name"].array.take(first))
    drives = inv.drives.set_index("uuid")
    local = agg.loc[agg["resource"] != BACKUP_RESOURCE, "drive_uuid"].dropna().unique()
    idle = drives.index.difference(pd.Index(local))  # no local snapshots (maybe backups): a row costing 0
    agg = pd.concat([agg, pd.DataFrame({
        "drive_uuid": idle, "resource": drives["storage_type"].astype("string").reindex(idle).fillna(DEFAULT_RESOURCE),
        "snapshot_count": 0, "snapshots_allocated": 0, "monthly_cost_subscription": 0.0, "monthly_cost_burst": 0.0,
        "burst_now_from_snapshots": 0.0, "price_missing": False,
    }).reset_index(drop=True)], ignore_index=True)
    out = pd.DataFrame(
        {
            "drive_uuid": agg["drive_uuid"].astype("string").array,
            "location": _location_column(inv, len(agg)),
            "drive_name": pd.Series(drives["name"].reindex(agg["drive_uuid"]).array, dtype="string")
            .fillna(agg["snapshot_drive_name"].astype("string")).array,
            "resource": agg["resource"].astype("string").array,
            "snapshot_count": agg["snapshot_count"].astype("Int64").array,
            "snapshots_allocated": agg["snapshots_allocated"].fillna(0).astype("Int64").array,
            "currency": _repeat(cur, len(agg)),
            "monthly_cost_subscription": agg["monthly_cost_subscription"].astype("Float64").array,
            "monthly_cost_burst": agg["monthly_cost_burst"].astype("Float64").array,
            "burst_now_from_snapshots": agg["burst_now_from_snapshots"].astype("Float64").array,
            "price_missing": agg["price_missing"].astype("boolean").fillna(False).array,
        }
    )
    out = out.sort_values(["monthly_cost_burst", "snapshots_allocated", "drive_uuid", "resource"],
                          ascending=[False, False, True, True], na_position="last")
    return out.reset_index(drop=True)


def _usage_for(inv: Inventory, resource: str, snapshot_bytes: int) -> tuple[int, int, int, bool]:
    """(subscribed, using, burst, estimated) for one storage resource."""
    u = inv.usage[inv.usage["resource"] == resource]
    if not u.empty:
        sub, using, burst = (int(u[c].fillna(0).iloc[0]) for c in ("subscribed", "using", "burst"))
        return sub, using, burst, False
    # No /currentusage/ entry: estimate from active subscriptions and provisioned drive sizes.
    s = inv.subscriptions
    sub = int(s.loc[(s["resource"] == resource) & (s["status"] == "active"), "amount"].fillna(0).sum())
    d = inv.drives
    using = int(d.loc[d["storage_type"].astype("string") == resource, "size"].fillna(0).sum()) + snapshot_bytes
    return sub, using, max(0, using - sub), True


def account_cost_summary(inv: Inventory, *, currency: str | None = None) -> pd.DataFrame:
    """Per storage resource: subscribed, using, burst bytes, burst cost per month and the snapshots' share of it."""
    if inv.parts:  # several locations: one row per location and resource, each in its own currency
        return _per_location(account_cost_summary, inv, currency=currency)
    cur = currency or inv.currency
    cats, codes = billing_resource(inv.snapshots)
    sizes = inv.snapshots["allocated_size"].to_numpy(dtype="int64", na_value=0)
    snap_bytes = pd.Series(np.bincount(codes, weights=sizes, minlength=len(cats)).astype("int64"), index=cats)
    storage = {*STORAGE_TYPES, BACKUP_RESOURCE}  # backups: a storage resource of their own
    wanted = set(inv.usage["resource"].dropna()) & storage | set(snap_bytes[snap_bytes > 0].index)
    order = [r for r in STORAGE_TYPES if r in wanted] + sorted(wanted - set(STORAGE_TYPES))
    r = rates(inv, order, cur)
    rows = []
    for res in order:
        sb = int(snap_bytes.get(res, 0))
        sub, using, burst, est = _usage_for(inv, res, sb)
        sub_rate, burst_rate = r.at[res, "sub_rate"], r.at[res, "burst_rate"]
        rows.append({
            "location": inv.location,
            "resource": res, "subscribed": sub, "using": using, "burst": burst, "usage_estimated": est,
            "snapshot_bytes": sb, "snapshot_share": sb / using if using else float("nan"), "bursting": burst > 0,
            "currency": cur, "burst_level": r.at[res, "burst_level"], "price_subscription": sub_rate * 2**30,
            "price_burst": burst_rate * 2**30, "burst_monthly_cost": burst * burst_rate,
            "snapshots_burst_monthly_cost": min(sb, burst) * burst_rate,
            "snapshots_monthly_cost_subscription": sb * sub_rate,
            "price_missing": bool(np.isnan(sub_rate) or np.isnan(burst_rate)),
        })
    frame = pd.DataFrame(rows, columns=[c.name for c in schema.ACCOUNT_COST_COLUMNS])
    # Storage types the account has never touched are noise in a summary.
    used = (frame["subscribed"] > 0) | (frame["using"] > 0) | (frame["snapshot_bytes"] > 0)
    return schema.conform(frame[used].reset_index(drop=True), schema.ACCOUNT_COST_COLUMNS)


def snapshot_resources_bursting(summary: pd.DataFrame) -> list[str]:
    """Resources of an `account_cost_summary` where deleting snapshots saves money now: bursting and holding snapshots.

    (Bursting on a resource with no snapshot bytes, such as local_nvme, is no reason to delete snapshots.)
    """
    return summary.loc[summary["bursting"].fillna(False) & (summary["snapshot_bytes"] > 0), "resource"].tolist()


@dataclass(frozen=True, slots=True)
class CostTotals:
    """The headline figures of a set of snapshots (the account, a drive, a filter, an owner), per 30 days."""

    currency: str
    snapshot_count: int
    snapshot_bytes: int
    value_at_subscription: float  # NaN when a price is unknown
    burst_now_from_snapshots: float
    at_burst_price: float
    price_missing: bool


def cost_totals(costs: pd.DataFrame, currency: str) -> CostTotals:
    """Totals of some rows of :func:`snapshot_costs` (all of them: the account's figures)."""
    return CostTotals(
        currency=currency,
        snapshot_count=len(costs),
        snapshot_bytes=int(costs["allocated_size"].fillna(0).sum()),
        value_at_subscription=_total(costs["monthly_cost_subscription"]),
        burst_now_from_snapshots=_total(costs["burst_now_from_snapshots"]),
        at_burst_price=_total(costs["monthly_cost_burst"]),
        price_missing=bool(costs["price_missing"].any()),
    )


@dataclass(frozen=True, slots=True)
class DeletionSavings:
    """What deleting a set of snapshots would save; `by_resource` has the per-resource detail."""

    by_resource: pd.DataFrame
    snapshot_count: int
    bytes_freed: int
    currency: str
    monthly_cost_subscription: float
    monthly_cost_burst: float
    saves_now_monthly: float  # only the part that reduces burst saves money today
    frees_subscription_bytes: int  # the rest frees subscription room
    price_missing: bool
    unknown_uuids: tuple[str, ...] = ()

    @property
    def bursting(self) -> bool:
        """Whether any of it reduces burst (so deleting saves money today)."""
        return bool((self.by_resource["burst_bytes_reduced"] > 0).any())

    def describe(self) -> str:
        """One sentence for a confirmation dialog or the CLI."""
        noun = "snapshot" if self.snapshot_count == 1 else "snapshots"
        head = f"Deleting {self.snapshot_count} {noun} frees {human_bytes(self.bytes_freed)}"
        if self.price_missing:
            return head + f" (no {self.currency} price known for part of it)."
        if self.bursting:
            now = f"{SAVES_NOW} {money(self.saves_now_monthly, self.currency)}/month (the account is bursting)"
        else:
            now = "saves nothing today (usage is within the subscription)"
        rest = f"; {FREES} {human_bytes(self.frees_subscription_bytes)} of subscription room" \
            if self.frees_subscription_bytes else ""
        return (f"{head}: {now}{rest}. Its {VALUE_AT_SUBSCRIPTION}: "
                f"{money(self.monthly_cost_subscription, self.currency)}/month.")


def _total(series: pd.Series) -> float:
    # An empty selection costs 0, but a selection whose prices are all unknown stays NaN.
    return 0.0 if series.empty else float(series.sum(min_count=1)) if series.notna().any() else float("nan")


def deletion_savings(inv: Inventory, uuids: Iterable[str], *, currency: str | None = None) -> DeletionSavings:
    """What deleting `uuids` saves now (burst reduction) and what it frees against the subscription.

    One location: uuids are unique only within a location, and burst and currency are each location's. For
    several, :func:`explorer.data.locations.savings_by_location` gives one of these per location.
    """
    if inv.parts:
        raise ValueError("deletion_savings costs one location: use explorer.data.locations.savings_by_location "
                         "(one DeletionSavings per location, each in its own currency) for several")
    cur = currency or inv.currency
    costs = snapshot_costs(inv, currency=cur)
    # Arrow's own hash lookup, both ways (Series.isin makes a pyarrow scalar per wanted uuid: seconds for 60k).
    listed = isinstance(uuids, (list, tuple, np.ndarray, pd.Series, pd.api.extensions.ExtensionArray))
    want = pa.array(uuids if listed else list(uuids), type=pa.string(), from_pandas=True)
    ids = pa.array(costs["uuid"].array, type=pa.string())
    chosen = np.flatnonzero(pc.is_in(ids, value_set=want, skip_nulls=True).to_numpy(zero_copy_only=False))
    missing = pc.invert(pc.is_in(want, value_set=ids, skip_nulls=True))
    unknown = tuple(sorted(want.filter(missing).unique().to_pylist()))
    account = account_cost_summary(inv, currency=cur).set_index("resource")
    # Per resource in name order, each sum over its chosen rows in inventory order (what a groupby would do).
    codes, names = pd.factorize(costs["resource"].array.take(chosen), sort=True)
    burst_rates = rates(inv, list(names), cur)["burst_rate"]
    cols = {c: costs[c].array.take(chosen)
            for c in ("allocated_size", "monthly_cost_subscription", "monthly_cost_burst", "price_missing")}
    rows = []
    for code, res in enumerate(names):
        part = {c: a[codes == code] for c, a in cols.items()}
        freed = int(part["allocated_size"].fillna(0).sum())
        burst = int(account.at[res, "burst"]) if res in account.index else 0
        reduced = min(freed, burst)
        rows.append({
            "resource": res, "snapshot_count": len(part["allocated_size"]), "bytes_freed": freed, "currency": cur,
            "monthly_cost_subscription": part["monthly_cost_subscription"].sum(min_count=1),
            "monthly_cost_burst": part["monthly_cost_burst"].sum(min_count=1), "burst_bytes": burst,
            "burst_bytes_reduced": reduced, "saves_now_monthly": reduced * burst_rates[res],
            "frees_subscription_bytes": freed - reduced, "price_missing": bool(part["price_missing"].any()),
        })
    frame = schema.conform(pd.DataFrame(rows, columns=[c.name for c in schema.SAVINGS_COLUMNS]),
                           schema.SAVINGS_COLUMNS)
    return DeletionSavings(
        by_resource=frame,
        snapshot_count=len(chosen),
        bytes_freed=int(frame["bytes_freed"].sum()),
        currency=cur,
        monthly_cost_subscription=_total(frame["monthly_cost_subscription"]),
        monthly_cost_burst=_total(frame["monthly_cost_burst"]),
        saves_now_monthly=_total(frame["saves_now_monthly"]),
        frees_subscription_bytes=int(frame["frees_subscription_bytes"].sum()),
        price_missing=bool(frame["price_missing"].any()),
        unknown_uuids=unknown,
    )
