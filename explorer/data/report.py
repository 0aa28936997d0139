"""Plain-text reports for the CLI: the cost report (headline, storage types, drives, owners) and `record`."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from explorer.data.cache import inventory_age
from explorer.data.cost import (
    AT_BURST_PRICE,
    ATTRIBUTION_RULE,
    BURST_NOW,
    VALUE_AT_SUBSCRIPTION,
    snapshot_resources_bursting,
)
from explorer.data.cost_report import CostReport, build_cost_report
from explorer.data.inventory import Inventory
from explorer.data.owners import OwnerRule
from explorer.data.units import UNKNOWN, human_age, human_bytes, money

if TYPE_CHECKING:  # the history store imports DuckDB (0.2-0.3 s): not at every TUI start, which imports this
    from explorer.data.history import RecordResult


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool] | None = None) -> str:
    """A fixed-width text table; `right[i]` right-aligns column i (numbers)."""
    right = right or [False] * len(headers)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def describe_source(inv: Inventory) -> str:
    if inv.parts:  # several locations
        where = "demo emulator" if inv.source.demo else "CloudSigma"
        locs = ", ".join(f"{p.location} ({p.currency}" + (", CACHED" if p.source.offline else "") + ")"
                         for p in inv.parts)
        who = f" as {inv.source.account}" if inv.source.account else ""
        failed = f"; FAILED: {', '.join(f.location for f in inv.failures)}" if inv.failures else ""
        return f"{where} locations {locs}{who}, loaded {inv.loaded_at.strftime('%Y-%m-%d %H:%M UTC')}{failed}"
    src = inv.source
    where = "demo emulator" if src.demo else (src.endpoint or "unknown endpoint")
    who = f" as {src.account}" if src.account else ""
    when = inv.loaded_at.strftime("%Y-%m-%d %H:%M UTC")
    offline = f" - OFFLINE cache, {human_age(inventory_age(inv))} old" if src.offline else ""
    return f"{where}{who}, loaded {when}{offline}"


def _price(value: float) -> str:
    return UNKNOWN if pd.isna(value) else f"{value:.4f}"


def _headline(report: CostReport) -> list[str]:
    a, cur = report.account, report.currency
    figures = [(VALUE_AT_SUBSCRIPTION, a.value_at_subscription), (BURST_NOW, a.burst_now_from_snapshots),
               (AT_BURST_PRICE, a.at_burst_price)]
    width = max(len(label) for label, _ in figures)
    amounts = [money(v, cur) for _, v in figures]
    right = max(len(m) for m in amounts)
    noun = "snapshot" if a.snapshot_count == 1 else "snapshots"
    lines = [f"{a.snapshot_count:,} {noun}, {human_bytes(a.snapshot_bytes)}:"]
    lines += [f"  {label.ljust(width)}  {m.rjust(right)}/month" for (label, _), m in zip(figures, amounts, strict=True)]
    if report.savings is not None:
        lines.append("  if deleted: " + report.savings.describe())
    return lines


def cost_report(inv: Inventory, *, currency: str | None = None, top: int = 10, filter_text: str | None = None,
                owner_rule: OwnerRule | None = None, report: CostReport | None = None) -> str:
    """The headline figures, the storage types, the `top` drives and the owners, as plain text.

    Several locations: the totals per currency, the failed locations, then each location's own report.
    """
    report = report or build_cost_report(inv, currency=currency, filter_text=filter_text, owner_rule=owner_rule)
    if report.parts:
        return _locations_report(inv, report, top)
    cur = report.currency
    summary = report.storage_types
    lines = [f"Snapshot cost - {describe_source(inv)}"]
    if report.filter_text:
        lines.append(f"Filter: {report.filter_text} ({report.account.snapshot_count:,} of "
                     f"{len(inv.snapshots):,} snapshots)")
    lines += [f"Currency: {cur} (money per 30-day month; prices per GiB per 30 days)", "", *_headline(report),
              *textwrap.wrap(f"({ATTRIBUTION_RULE})", 100), ""]
    rows = [
        [
            r.resource, human_bytes(r.subscribed), human_bytes(r.using) + ("*" if r.usage_estimated else ""),
            human_bytes(r.burst), human_bytes(r.selected_bytes),
            "-" if pd.isna(r.snapshot_share) else f"{r.snapshot_share:.0%}",
            "-" if pd.isna(r.burst_level) else str(r.burst_level),
            _price(r.price_subscription), _price(r.price_burst),
            money(r.value_at_subscription, cur), money(r.burst_now_from_snapshots, cur),
        ]
        for r in summary.itertuples()
    ]
    lines.append(table(
        ["resource", "subscribed", "using", "burst", "snapshots", "share", "level", "sub price", "burst price",
         "value at sub/month", "burst now/month"],
        rows, [False] + [True] * 10,
    ))
    if summary["usage_estimated"].any():
        lines.append("* no /currentusage/ entry: estimated from subscriptions and drive sizes")
    bursting = snapshot_resources_bursting(summary)
    others = [r for r in summary.loc[summary["bursting"].fillna(False), "resource"] if r not in bursting]
    also = f" (also bursting on {', '.join(others)}, which holds no snapshots)" if others else ""
    if bursting:
        lines.append(f"The account is BURSTING on {', '.join(bursting)}: deleting snapshots of those types "
                     f"saves money now{also}.")
    else:
        lines.append("Snapshot storage is within its subscriptions: deleting snapshots frees subscription room "
                     f"but saves no money today{also}.")
    if summary["price_missing"].any():
        missing = ", ".join(summary.loc[summary["price_missing"], "resource"])
        lines.append(f"No {cur} price for: {missing} (shown as {UNKNOWN}).")
    drives = report.drives.head(max(top, 0))
    lines += ["", f"Top {len(drives)} drives by burst now from snapshots, then value at subscription price:"]
    drive_rows = [
        [
            (d.name if not pd.isna(d.name) else "(missing drive)")[:32], str(d.uuid)[:8], str(d.storage_type),
            f"{d.snapshots:,}", human_bytes(d.snapshot_bytes),
            money(d.value_at_subscription, cur), money(d.burst_now_from_snapshots, cur),
        ]
        for d in drives.itertuples()
    ]
    lines.append(table(["drive", "uuid", "type", "snapshots", "allocated", "value at sub/month", "burst now/month"],
                       drive_rows, [False, False, False, True, True, True, True]))
    lines += ["", f"By owner ({report.owner_rule.describe()}):", owner_table(report.owners, cur)]
    return "\n".join(lines)


def _locations_report(inv: Inventory, report: CostReport, top: int) -> str:
    from explorer.data.commands import failure_lines

    lines = [f"Snapshot cost - {describe_source(inv)}",
             "Totals per currency (money per 30-day month; never added across currencies):"]
    rows = []
    for t in report.totals:
        where = ", ".join(p.inventory.location for p in report.parts if p.currency == t.currency)
        rows.append([t.currency, where, f"{t.snapshot_count:,}", human_bytes(t.snapshot_bytes),
                     money(t.value_at_subscription, t.currency), money(t.burst_now_from_snapshots, t.currency),
                     money(t.at_burst_price, t.currency)])
    lines.append(table(["currency", "locations", "snapshots", "allocated", VALUE_AT_SUBSCRIPTION, BURST_NOW,
                        "at burst price"], rows, [False, False, True, True, True, True, True]))
    lines += failure_lines(inv)
    for part in report.parts:
        loc = part.inventory
        stale = " - STALE: its load failed, cached rows" if loc.source.offline else ""
        lines += ["", f"=== Location {loc.location} ({part.currency}){stale} ===",
                  cost_report(loc, top=top, report=part)]
    return "\n".join(lines)


def owner_table(owners: pd.DataFrame, currency: str) -> str:
    """The owners rollup as a text table (also the TUI's owners view)."""
    rows = [[str(o.owner), f"{o.snapshot_count:,}", human_bytes(o.snapshot_bytes),
             money(o.value_at_subscription, currency), money(o.burst_now_from_snapshots, currency)]
            for o in owners.itertuples()]
    return table(["owner", "snapshots", "allocated", "value at sub/month", "burst now/month"], rows,
                 [False, True, True, True, True])


def record_report(result: RecordResult, inv: Inventory) -> str:
    return (
        f"recorded observation #{result.record_id} at {result.observed_at.strftime('%Y-%m-%d %H:%M:%S UTC')}: "
        f"{result.snapshot_count} snapshots of {result.drive_count} drives, {human_bytes(result.total_bytes)} "
        f"allocated ({describe_source(inv)}) into {result.path}"
    )
