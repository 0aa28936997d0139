"""A self-contained HTML report: headline costs, cost by drive and type, growth, the largest and oldest snapshots."""

from __future__ import annotations

import html

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from explorer.data import account_cost_summary, drive_costs, drive_growth, snapshot_costs
from explorer.data.cost import ATTRIBUTION_RULE, BURST_NOW, VALUE_AT_SUBSCRIPTION, cost_totals
from explorer.data.inventory import Inventory
from explorer.data.units import UNKNOWN, human_age, human_bytes, money
from explorer.notebook.cost_figures import cost_by_drive_figure, storage_type_figure
from explorer.notebook.figures import bytes_by_drive_figure, growth_figure
from explorer.notebook.series import drive_labels, top_drives

_STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em} h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:90%} td,th{padding:3px 10px;border-bottom:1px solid #eee;white-space:nowrap}
th{text-align:left;background:#f6f6f6} td.n{text-align:right;font-variant-numeric:tabular-nums}
.demo{background:#fff3e0;border:2px solid #b35900;padding:.6em 1em;font-weight:bold;color:#b35900}
.source{background:#eef4fb;border:1px solid #9bbbe0;padding:.6em 1em}
.headline td{font-size:120%} .basis{color:#555;font-style:italic} .figure{width:100%;margin:1em 0}
"""


def _e(value) -> str:
    return html.escape("" if value is None or value is pd.NA else str(value))


def source_block(inv: Inventory) -> str:
    """Says whether this is the demo or which account, and when it was loaded (never a credential)."""
    when = inv.loaded_at.strftime("%Y-%m-%d %H:%M UTC")
    src = inv.source
    if src.demo:
        return (f"<p class='demo'>DEMO DATA — the embedded CloudSigma emulator's sample fleet, not a real account "
                f"(loaded {when}).</p>")
    offline = " — from the offline cache" if src.offline else ""
    who = _e(src.account or "unknown account")
    return f"<p class='source'>Account <b>{who}</b> at {_e(src.endpoint)}, loaded {when}{offline}.</p>"


def _table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td class='n'>{_e(c)}</td>" if i in numeric else f"<td>{_e(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _figure(fig, caption: str) -> str:
    div = pio.to_html(fig, full_html=False, include_plotlyjs=False, default_width="100%",
                      config={"responsive": True, "displaylogo": False})
    return f"<div class='figure'>{div}<p class='basis'>{_e(caption)}</p></div>"


def headline(inv: Inventory) -> str:
    """The account's snapshot money in its currency, each figure named by its basis."""
    cur = inv.currency
    summary = account_cost_summary(inv)
    totals = cost_totals(snapshot_costs(inv), cur)
    rows = [
        ["snapshots", f"{totals.snapshot_count:,} on {inv.snapshots['drive_uuid'].nunique():,} drives"],
        ["snapshot storage", human_bytes(totals.snapshot_bytes)],
        [f"{VALUE_AT_SUBSCRIPTION} (per 30 days)", money(totals.value_at_subscription, cur)],
        [f"{BURST_NOW} (per 30 days)", money(totals.burst_now_from_snapshots, cur)],
    ]
    by_type = [
        [str(r.resource), human_bytes(r.subscribed), human_bytes(r.using), human_bytes(r.burst),
         human_bytes(r.snapshot_bytes), money(r.snapshots_monthly_cost_subscription, cur),
         money(r.snapshots_burst_monthly_cost, cur)]
        for r in summary.itertuples()
    ]
    headers = ["storage type", "subscribed", "in use", "bursting", "snapshots",
               f"snapshots' {VALUE_AT_SUBSCRIPTION}", BURST_NOW]
    return ("<table class='headline'>" + "".join(f"<tr><th>{_e(k)}</th><td class='n'>{_e(v)}</td></tr>"
                                                 for k, v in rows) + "</table>"
            + f"<p class='basis'>Money in {_e(cur)} per 30 days; {UNKNOWN}: no price in the price list. "
              f"{_e(ATTRIBUTION_RULE)}</p>"
            + _table(headers, by_type, set(range(1, 7))))


def snapshot_table(inv: Inventory, order: pd.Index, labels: dict[str, str]) -> str:
    costs = snapshot_costs(inv).set_index("uuid")["monthly_cost_subscription"]
    snaps = inv.snapshots.loc[order]
    rows = [
        [str(s.name), labels.get(str(s.drive_uuid), str(s.drive_uuid)[:8]),
         UNKNOWN if pd.isna(s.timestamp) else s.timestamp.strftime("%Y-%m-%d %H:%M"), human_age(s.age),
         human_bytes(s.allocated_size), str(s.status), money(costs.get(s.uuid), inv.currency)]
        for s in snaps.itertuples()
    ]
    headers = ["snapshot", "drive", "taken (UTC)", "age", "size", "status", VALUE_AT_SUBSCRIPTION]
    return _table(headers, rows, {3, 4, 6})


def build_report(inv: Inventory, *, top: int = 15, rows: int = 20) -> str:
    """The whole report as one HTML document; plotly.js is embedded once, so it draws with no network.

    Several locations (a combined inventory): the totals per currency and any failed location first,
    then each location's own sections in its own currency.
    """
    what = "demo" if inv.source.demo else _e(inv.source.account or inv.source.endpoint)
    if inv.parts:
        sections = [f"<h1>Snapshot report — {what}</h1>", locations_block(inv)]
        for part in inv.parts:
            stale = " — STALE: cached rows, its load failed" if part.source.offline else ""
            sections += [f"<h1>Location {_e(part.location)} ({_e(part.currency)}){stale}</h1>",
                         *_sections(part, top=top, rows=rows)]
    else:
        sections = [f"<h1>Snapshot report — {what}</h1>", *_sections(inv, top=top, rows=rows)]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Snapshot report — {what}</title><style>{_STYLE}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
        + "\n".join(sections)
        + "<p class='basis'>Made by snapshot-explorer report.</p></body></html>"
    )


def locations_block(inv: Inventory) -> str:
    """A combined inventory's totals, one row per currency (never added across currencies), and its failures."""
    from explorer.data.commands import failure_lines
    from explorer.data.locations import totals_by_currency

    rows = [[t.currency, ", ".join(p.location for p in inv.parts if p.currency == t.currency),
             f"{t.snapshot_count:,}", human_bytes(t.snapshot_bytes), money(t.value_at_subscription, t.currency),
             money(t.burst_now_from_snapshots, t.currency)] for t in totals_by_currency(inv)]
    failed = "".join(f"<p class='failed'><b>{_e(line)}</b></p>" for line in failure_lines(inv))
    return ("<h2>Totals per currency (per 30 days)</h2>"
            + _table(["currency", "locations", "snapshots", "snapshot storage", VALUE_AT_SUBSCRIPTION, BURST_NOW],
                     rows, {2, 3, 4, 5}) + failed)


def _sections(inv: Inventory, *, top: int, rows: int) -> list[str]:
    """One location's sections: source, headline costs, figures and the largest and oldest snapshots."""
    cur = inv.currency
    labels = drive_labels(inv.snapshots, inv.drives)
    costs = drive_costs(inv)
    snaps = inv.snapshots
    largest = snaps.assign(_s=snaps["allocated_size"].fillna(-1)).sort_values(["_s", "uuid"], ascending=[False, True])
    oldest = snaps.sort_values(["timestamp", "uuid"], na_position="last")
    return [
        source_block(inv),
        "<h2>Headline costs</h2>", headline(inv),
        "<h2>Cost by drive</h2>",
        _figure(cost_by_drive_figure(costs, price="subscription", top=top, labels=labels),
                f"Each drive's snapshots: {VALUE_AT_SUBSCRIPTION}, {cur} per 30 days."),
        "<h2>Cost by storage type</h2>",
        _figure(storage_type_figure(costs, price="subscription"),
                f"All drives' snapshots by storage type: {VALUE_AT_SUBSCRIPTION}, {cur} per 30 days."),
        "<h2>Where the snapshot bytes are</h2>",
        _figure(bytes_by_drive_figure(snaps, labels=labels, top=top), "Allocated snapshot bytes per drive."),
        "<h2>Growth per drive</h2>",
        _figure(growth_figure(drive_growth(inv), drives=top_drives(snaps, 10), labels=labels),
                "Cumulative snapshot bytes by snapshot time (reconstructed from today's sizes), the ten "
                "biggest chains."),
        f"<h2>The {min(rows, len(snaps))} largest snapshots</h2>", snapshot_table(inv, largest.index[:rows], labels),
        f"<h2>The {min(rows, len(snaps))} oldest snapshots</h2>", snapshot_table(inv, oldest.index[:rows], labels),
    ]
