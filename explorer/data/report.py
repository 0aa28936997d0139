"""Plain-text reports for the CLI: the cost summary table and what a `record` stored."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from explorer.data.cache import inventory_age
from explorer.data.cost import account_cost_summary, drive_costs, snapshot_resources_bursting
from explorer.data.history import RecordResult
from explorer.data.inventory import Inventory
from explorer.data.units import UNKNOWN, human_age, human_bytes, money


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool] | None = None) -> str:
    """A fixed-width text table; `right[i]` right-aligns column i (numbers)."""
    right = right or [False] * len(headers)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def describe_source(inv: Inventory) -> str:
    src = inv.source
    where = "demo emulator" if src.demo else (src.endpoint or "unknown endpoint")
    who = f" as {src.account}" if src.account else ""
    when = inv.loaded_at.strftime("%Y-%m-%d %H:%M UTC")
    offline = f" - OFFLINE cache, {human_age(inventory_age(inv))} old" if src.offline else ""
    return f"{where}{who}, loaded {when}{offline}"


def _price(value: float) -> str:
    return UNKNOWN if pd.isna(value) else f"{value:.4f}"


def cost_report(inv: Inventory, *, currency: str | None = None, top: int = 10) -> str:
    """Account summary per storage resource, then the `top` drives by monthly snapshot cost."""
    cur = currency or inv.currency
    summary = account_cost_summary(inv, currency=cur)
    lines = [f"Snapshot cost - {describe_source(inv)}", f"Currency: {cur} (prices per GiB per 30 days)", ""]
    rows = [
        [
            r.resource, human_bytes(r.subscribed), human_bytes(r.using) + ("*" if r.usage_estimated else ""),
            human_bytes(r.burst), human_bytes(r.snapshot_bytes),
            "-" if pd.isna(r.snapshot_share) else f"{r.snapshot_share:.0%}",
            "-" if pd.isna(r.burst_level) else str(r.burst_level),
            _price(r.price_subscription), _price(r.price_burst),
            money(r.burst_monthly_cost, cur), money(r.snapshots_burst_monthly_cost, cur),
        ]
        for r in summary.itertuples()
    ]
    lines.append(table(
        ["resource", "subscribed", "using", "burst", "snapshots", "share", "level", "sub price", "burst price",
         "burst/month", "snapshots' burst/month"],
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
    drives = drive_costs(inv, currency=cur)
    drives = drives[drives["snapshot_count"] > 0].head(max(top, 0))
    lines += ["", f"Top {len(drives)} drives by monthly snapshot cost (at burst price):"]
    drive_rows = [
        [
            (d.drive_name if not pd.isna(d.drive_name) else "(missing drive)")[:32], str(d.drive_uuid)[:8],
            str(d.resource), str(d.snapshot_count), human_bytes(d.snapshots_allocated),
            money(d.monthly_cost_subscription, cur), money(d.monthly_cost_burst, cur),
        ]
        for d in drives.itertuples()
    ]
    lines.append(table(["drive", "uuid", "type", "snapshots", "allocated", "at sub price", "at burst price"],
                       drive_rows, [False, False, False, True, True, True, True]))
    return "\n".join(lines)


def record_report(result: RecordResult, inv: Inventory) -> str:
    return (
        f"recorded observation #{result.record_id} at {result.observed_at.strftime('%Y-%m-%d %H:%M:%S UTC')}: "
        f"{result.snapshot_count} snapshots of {result.drive_count} drives, {human_bytes(result.total_bytes)} "
        f"allocated ({describe_source(inv)}) into {result.path}"
    )
