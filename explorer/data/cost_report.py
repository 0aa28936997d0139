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


def build_cost_report(inv: Inventory, *, currency: str | None = None, filter_text: str | None = None,
                      owner_rule: OwnerRule | None = None) -> CostReport:
    """The report for all snapshots, or for those matching `filter_text` (the TUI's filter language)."""
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
        filter_text=filter_text or None, savings=savings,
    )


def _money(value) -> float | None:
    """Money as a JSON number in the currency; unknown (a price not in the list) as null."""
    return None if value is None or pd.isna(value) or math.isnan(float(value)) else round(float(value), 9)


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def cost_json(report: CostReport) -> dict:
    """The `cost --format json` document (its fields are documented in the README)."""
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
    report.drives.assign(currency=report.currency).to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()
