"""The `cost` command's content as data (account, storage types, drives, owners) and its JSON and CSV forms.

The text table (explorer.data.report.cost_report) and the JSON/CSV are rendered from the
same :class:`CostReport`, so every format shows the same numbers. With a filter, the money
and snapshot bytes are those of the matching snapshots; subscription, usage and burst
bytes stay the account's (they decide what the snapshots cost).
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass

import pandas as pd

from explorer.data.cost import CostTotals, DeletionSavings, account_cost_summary, cost_totals, deletion_savings
from explorer.data.cost import snapshot_costs as _snapshot_costs
from explorer.data.inventory import Inventory
from explorer.data.owners import OwnerRule, owner_costs
from explorer.data.query import parse_query, query_frame

#: The drive table's columns, as in the JSON `drives` entries (the CSV adds `currency`).
DRIVE_FIELDS = ("uuid", "name", "storage_type", "snapshots", "snapshot_bytes", "value_at_subscription",
                "burst_now_from_snapshots")


@dataclass(frozen=True, slots=True)
class CostReport:
    """Everything `cost` shows, in the report's currency."""

    inventory: Inventory
    currency: str
    account: CostTotals
    storage_types: pd.DataFrame  # account_cost_summary plus the selection's value and burst-now per resource
    drives: pd.DataFrame  # DRIVE_FIELDS, largest burst-now then value first; only drives with selected snapshots
    owners: pd.DataFrame  # schema.OWNER_COST_COLUMNS
    owner_rule: OwnerRule
    filter_text: str | None = None
    savings: DeletionSavings | None = None  # with a filter: what deleting the selection saves now / frees
    #: several locations: each location's own report (its prices and currency), in location order.
    parts: tuple[CostReport, ...] = ()
    #: the totals, one per currency (never added across currencies); one entry for a single location.
    totals: tuple[CostTotals, ...] = ()

    @property
    def single_currency(self) -> bool:
        return len({t.currency for t in self.totals} or {self.currency}) == 1


def build_cost_report(inv: Inventory, *, currency: str | None = None, filter_text: str | None = None,
                      owner_rule: OwnerRule | None = None) -> CostReport:
    """The report for all snapshots, or for those matching `filter_text` (the TUI's filter language).

    A combined inventory of several locations gets a report per location (`parts`), each in its own
    currency unless `currency` is given, and `totals` per currency.
    """
    if inv.parts:
        return _combined_report(inv, tuple(build_cost_report(p, currency=currency, filter_text=filter_text,
                                                             owner_rule=owner_rule) for p in inv.parts))
    cur = currency or inv.currency
    rule = owner_rule or OwnerRule()
    costs = _snapshot_costs(inv, currency=cur)
    savings = None
    if filter_text and filter_text.strip():
        query = parse_query(filter_text)
        costs = costs[query.mask(query_frame(inv))]
        savings = deletion_savings(inv, costs["uuid"], currency=cur)
    by_type = costs.groupby("resource")
    storage = account_cost_summary(inv, currency=cur)
    none_selected = ~storage["resource"].isin(costs["resource"].unique())  # no snapshots there: costs 0, known

    def per_type(column: str) -> pd.Series:
        return storage["resource"].map(by_type[column].sum(min_count=1)).astype("Float64").mask(none_selected, 0.0)

    storage = storage.assign(
        selected_bytes=storage["resource"].map(by_type["allocated_size"].sum()).fillna(0).astype("Int64"),
        value_at_subscription=per_type("monthly_cost_subscription"),
        burst_now_from_snapshots=per_type("burst_now_from_snapshots"),
    )
    g = costs.groupby("drive_uuid", sort=False)
    drives = pd.DataFrame({
        "snapshots": g["uuid"].size(), "snapshot_bytes": g["allocated_size"].sum(),
        "value_at_subscription": g["monthly_cost_subscription"].sum(min_count=1),
        "burst_now_from_snapshots": g["burst_now_from_snapshots"].sum(min_count=1),
        "storage_type": g["resource"].first(),
    }).rename_axis("uuid").reset_index()
    names = inv.drives.drop_duplicates("uuid").set_index("uuid")["name"]
    drives["name"] = drives["uuid"].map(names).astype("string")
    drives = drives.sort_values(["burst_now_from_snapshots", "value_at_subscription", "snapshot_bytes", "uuid"],
                                ascending=[False, False, False, True], na_position="last")
    return CostReport(
        inventory=inv, currency=cur, account=cost_totals(costs, cur), storage_types=storage.reset_index(drop=True),
        drives=drives[list(DRIVE_FIELDS)].reset_index(drop=True),
        owners=owner_costs(inv, rule, costs=costs, currency=cur), owner_rule=rule,
        filter_text=filter_text or None, savings=savings, totals=(cost_totals(costs, cur),),
    )


def _sum_totals(group: list[CostTotals]) -> CostTotals:
    """Totals of several locations in ONE currency (unknown money stays unknown)."""
    def add(name: str) -> float:
        values = [getattr(t, name) for t in group]
        return float("nan") if any(math.isnan(v) for v in values) else sum(values)

    return CostTotals(currency=group[0].currency, snapshot_count=sum(t.snapshot_count for t in group),
                      snapshot_bytes=sum(t.snapshot_bytes for t in group),
                      value_at_subscription=add("value_at_subscription"),
                      burst_now_from_snapshots=add("burst_now_from_snapshots"), at_burst_price=add("at_burst_price"),
                      price_missing=any(t.price_missing for t in group))


def _combined_report(inv: Inventory, parts: tuple[CostReport, ...]) -> CostReport:
    by_currency: dict[str, list[CostTotals]] = {}
    for part in parts:
        by_currency.setdefault(part.currency, []).append(part.account)
    totals = tuple(_sum_totals(group) for group in by_currency.values())

    def stacked(name: str) -> pd.DataFrame:
        frames = [getattr(p, name).assign(location=p.inventory.location, currency=p.currency) for p in parts]
        return pd.concat(frames, ignore_index=True)

    first = parts[0]
    return CostReport(
        inventory=inv, currency=first.currency, account=totals[0], storage_types=stacked("storage_types"),
        drives=stacked("drives"), owners=stacked("owners"), owner_rule=first.owner_rule,
        filter_text=first.filter_text, parts=parts, totals=totals,
    )


def _money(value) -> float | None:
    """Money as a JSON number in the currency; unknown (a price not in the list) as null."""
    return None if value is None or pd.isna(value) or math.isnan(float(value)) else round(float(value), 9)


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _totals_json(t: CostTotals, locations: list[str]) -> dict:
    return {"currency": t.currency, "locations": locations, "snapshots": t.snapshot_count,
            "snapshot_bytes": t.snapshot_bytes, "value_at_subscription": _money(t.value_at_subscription),
            "burst_now_from_snapshots": _money(t.burst_now_from_snapshots), "at_burst_price": _money(t.at_burst_price)}


def _stale_since(inv: Inventory, location: str | None):
    f = next((f for f in inv.failures if f.location == location), None)
    return None if f is None or f.stale_since is None else f.stale_since.isoformat().replace("+00:00", "Z")


def cost_json(report: CostReport) -> dict:
    """The `cost --format json` document (its fields are documented in the README).

    Every document has `totals` (one per currency), `locations` and `failures`. With several locations the
    `storage_types`, `drives` and `owners` entries name their `location` and `currency`; `currency` and
    `account` are the single currency's, or null when the locations bill in different currencies.
    """
    inv = report.inventory
    parts = report.parts or (report,)
    docs = [_one_cost_json(p) for p in parts]
    if report.parts:
        doc = {"currency": report.currency if report.single_currency else None,
               "source": {"endpoint": inv.source.endpoint, "demo": inv.source.demo,
                          "loaded_at": inv.loaded_at.isoformat().replace("+00:00", "Z")},
               "account": _one_cost_json(report)["account"] if report.single_currency else None}
        for key in ("storage_types", "drives", "owners"):
            doc[key] = [{**entry, "location": p.inventory.location, "currency": p.currency}
                        for p, d in zip(parts, docs, strict=True) for entry in d[key]]
    else:
        doc = docs[0]
    doc["totals"] = [_totals_json(t, [p.inventory.location for p in parts if p.currency == t.currency
                                      and p.inventory.location]) for t in report.totals]
    doc["locations"] = [
        {"location": p.inventory.location, "currency": p.currency, "endpoint": p.inventory.source.endpoint,
         "loaded_at": p.inventory.loaded_at.isoformat().replace("+00:00", "Z"),
         "stale_since": _stale_since(inv, p.inventory.location), "account": d["account"]}
        for p, d in zip(parts, docs, strict=True)
    ]
    doc["failures"] = [{"location": f.location, "endpoint": f.endpoint, "reason": f.reason,
                        "stale_since": _stale_since(inv, f.location)} for f in inv.failures]
    return doc


def _one_cost_json(report: CostReport) -> dict:
    inv, a = report.inventory, report.account
    return {
        "currency": report.currency,
        "source": {"endpoint": inv.source.endpoint, "demo": inv.source.demo,
                   "loaded_at": inv.loaded_at.isoformat().replace("+00:00", "Z")},
        "account": {"snapshot_bytes": a.snapshot_bytes, "value_at_subscription": _money(a.value_at_subscription),
                    "burst_now_from_snapshots": _money(a.burst_now_from_snapshots),
                    "at_burst_price": _money(a.at_burst_price)},
        "storage_types": [
            {"resource": str(r.resource), "subscribed_bytes": _int(r.subscribed), "used_bytes": _int(r.using),
             "burst_bytes": _int(r.burst), "snapshot_bytes": _int(r.selected_bytes), "burst_level": _int(r.burst_level),
             "value_at_subscription": _money(r.value_at_subscription),
             "burst_now_from_snapshots": _money(r.burst_now_from_snapshots)}
            for r in report.storage_types.itertuples()
        ],
        "drives": [
            {"uuid": str(d.uuid), "name": None if pd.isna(d.name) else str(d.name), "storage_type": str(d.storage_type),
             "snapshots": int(d.snapshots), "snapshot_bytes": int(d.snapshot_bytes),
             "value_at_subscription": _money(d.value_at_subscription),
             "burst_now_from_snapshots": _money(d.burst_now_from_snapshots)}
            for d in report.drives.itertuples()
        ],
        "owners": [
            {"owner": str(o.owner), "snapshots": int(o.snapshot_count), "snapshot_bytes": int(o.snapshot_bytes),
             "value_at_subscription": _money(o.value_at_subscription),
             "burst_now_from_snapshots": _money(o.burst_now_from_snapshots)}
            for o in report.owners.itertuples()
        ],
    }


def cost_json_text(report: CostReport) -> str:
    return json.dumps(cost_json(report), indent=1, ensure_ascii=False)


def drives_csv(report: CostReport) -> str:
    """The drive table as CSV: DRIVE_FIELDS plus `currency` (money in that currency per 30 days)."""
    out = io.StringIO()
    if report.parts:  # several locations: each row names its currency and, last, its location
        report.drives[[*DRIVE_FIELDS, "currency", "location"]].to_csv(out, index=False, lineterminator="\n")
        return out.getvalue()
    report.drives.assign(currency=report.currency).to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()
