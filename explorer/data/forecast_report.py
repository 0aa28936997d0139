"""The `forecast` sub-command: JSON (shape fixed by issue 13) and a plain-text table."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

import pandas as pd

from explorer.data.forecast import Forecast
from explorer.data.units import human_bytes, money
from explorer.errors import ValidationError

MAX_DAYS = 3650


def check_forecast_args(args: argparse.Namespace) -> None:
    if not 1 <= args.days <= MAX_DAYS:
        raise ValidationError(f"--days needs a whole number of days from 1 to {MAX_DAYS} (got {args.days})")


def _iso(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).tz_convert("UTC").isoformat()


def _int(x) -> int | None:
    return None if x is None or pd.isna(x) else round(float(x))


def forecast_json(f: Forecast) -> dict:
    a = f.account
    return {
        "now": _iso(f.now), "days": f.days,
        "account": {"bytes_now": _int(a["bytes_now"]), "bytes_forecast": _int(a["bytes_forecast"]),
                    "bytes_low": _int(a["bytes_low"]), "bytes_high": _int(a["bytes_high"]),
                    "count_now": int(a["count_now"]), "count_forecast": _int(a["count_forecast"]),
                    "backtest": dict(a["backtest"])},
        "drives": [{"uuid": r.uuid, "name": r.name if isinstance(r.name, str) else None, "kind": r.kind,
                    "bytes_now": _int(r.bytes_now), "bytes_forecast": _int(r.bytes_forecast),
                    "bytes_low": _int(r.bytes_low), "bytes_high": _int(r.bytes_high)}
                   for r in f.drives.itertuples()],
        "quota": {"current": f.quota["current"], "max": f.quota["max"], "eta": _iso(f.quota["eta"])},
        "storage_types": [{"resource": r.resource, "subscribed_bytes": int(r.subscribed_bytes),
                           "used_bytes": int(r.used_bytes), "eta_burst": _iso(r.eta_burst),
                           "burst_cost_at_horizon": None if pd.isna(r.burst_cost_at_horizon)
                           else float(r.burst_cost_at_horizon)}
                          for r in f.storage_types.itertuples()],
    }


def _when(f: Forecast, ts) -> str:
    if ts is None or pd.isna(ts):
        return f"not within {f.days} days"
    return "now" if ts <= f.now else f"{ts:%Y-%m-%d} (in {(ts - f.now).total_seconds() / 86400:.0f} days)"


def forecast_table(f: Forecast, *, top: int = 10) -> str:
    a = f.account
    err = a["backtest"]["relative_error"]
    check = (f"backtest: forecasting the last {f.days} days from the data before them missed the account total "
             f"by {err:.1%}" if err is not None else "backtest: not enough history to check the method")
    lines = [f"Forecast {f.days} days ahead of {f.now:%Y-%m-%d %H:%M} UTC; method: {f.method}", check,
             f"account: {human_bytes(a['bytes_now'])} now -> {human_bytes(a['bytes_forecast'])} "
             f"(band {human_bytes(a['bytes_low'])} – {human_bytes(a['bytes_high'])}); "
             f"{a['count_now']} -> {a['count_forecast']:.0f} snapshots"]
    q = f.quota
    if q["max"] is not None:
        why = f" ({q['eta_reason']})" if q["eta"] is not None else ""
        lines.append(f"snapshot quota: {q['current']} of {q['max']} (at most {q['max_per_drive']} per drive); "
                     f"reached: {_when(f, q['eta'])}{why}")
    else:
        lines.append("snapshot quota: unknown (no /capabilities/ data)")
    if len(f.storage_types):
        cur = f.storage_types["currency"].iloc[0]
        lines += ["", f"{'storage':<11} {'subscribed':>11} {'used now':>11} {'growth/day':>11}  {'bursts':<24} "
                      f"burst/month at day {f.days} ({cur})"]
        for r in f.storage_types.itertuples():
            lines.append(f"{r.resource:<11} {human_bytes(r.subscribed_bytes):>11} {human_bytes(r.used_bytes):>11} "
                         f"{human_bytes(r.bytes_per_day):>11}  {_when(f, r.eta_burst):<24} "
                         f"{money(r.burst_cost_at_horizon, cur)}")
    grow = f.drives.sort_values(["bytes_per_day", "uuid"], ascending=[False, True]).head(top)
    if len(grow):
        lines += ["", f"Fastest-growing {len(grow)} drives", f"{'drive':<28} {'now':>10} {'forecast':>10}  band"]
        for r in grow.itertuples():
            name = r.name if isinstance(r.name, str) else f"{r.uuid[:8]}… (missing)"
            name = (f"{name[:18]} (backups)" if r.kind == "remote" else name)[:28]  # a drive's backups: own row
            lines.append(f"{name:<28} {human_bytes(r.bytes_now):>10} {human_bytes(r.bytes_forecast):>10}  "
                         f"{human_bytes(r.bytes_low)} – {human_bytes(r.bytes_high)}")
    return "\n".join(lines)


def run_forecast(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """One location: the forecast as always. Several: a forecast per location (its own history, prices and
    currency); the JSON is then ``{"now", "days", "locations": [{"location", "currency", "stale", ...one
    location's document...}], "failures": [...]}``."""
    from explorer.data.commands import failure_lines, load_for_command, report_failures
    from explorer.data.forecast import forecast
    from explorer.data.history import recorded_growth

    check_forecast_args(args)
    inv = load_for_command(args, stream=err)
    results = []
    for part in inv.parts or (inv,):
        observed, note = recorded_growth(part.source)
        if note:
            print(f"{part.location}: {note}" if inv.parts else note, file=err)
        results.append((part, forecast(part, days=args.days, observed=observed)))
    if not inv.parts:
        f = results[0][1]
        print(json.dumps(forecast_json(f), indent=1) if args.format == "json" else forecast_table(f), file=out)
        return report_failures(inv, err)
    if args.format == "json":
        doc = {"now": _iso(results[0][1].now), "days": args.days,
               "locations": [{"location": part.location, "currency": part.currency, "stale": part.source.offline,
                              **forecast_json(f)} for part, f in results],
               "failures": [{"location": x.location, "endpoint": x.endpoint, "reason": x.reason}
                            for x in inv.failures]}
        print(json.dumps(doc, indent=1), file=out)
        return report_failures(inv, err)
    lines = failure_lines(inv)
    for part, f in results:
        stale = " - STALE (cached rows: its load failed)" if part.source.offline else ""
        lines += ["", f"=== Location {part.location} ({part.currency}){stale} ===", forecast_table(f)]
    print("\n".join(lines).lstrip("\n"), file=out)
    return report_failures(inv, err, shown=True)
