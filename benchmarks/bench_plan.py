"""Retention plan and forecast speed at 100k snapshots, against plain baselines measured in the same run.

Run:  .venv/bin/python benchmarks/bench_plan.py [--snapshots 100000] [--drives 5000] [--repeat 3]

Each row gives the best wall time and the CPU time of that same run (the machine is shared: CPU time
moves less with the load, which is printed with the table).

The inventory is loaded once from the emulator (the demo fleet at that size); only the
pure functions are timed, best of `--repeat`, round-robin with their baselines:

- plan: `plan_retention` (vectorised) vs the rules written as a per-drive Python loop
  (`datetime.isocalendar` buckets, as the property tests' reference does it); both must agree
- plan + money: `plan_retention` + `plan_money` (per-drive and total saves now / value at subscription)
  vs the same plan with the money computed straightforwardly (a groupby per storage type and per drive,
  a filter of the price list per price object: tests/data/test_savings_fast_path.py's reference); both must agree
- forecast: `forecast` (drift candidates, backtest, bands, quota and burst ETAs) vs a naive
  pandas forecast (per-drive daily `resample`, mean and std of the increments)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explorer.client import CloudSigmaClient  # noqa: E402
from explorer.data.forecast import forecast  # noqa: E402
from explorer.data.load import load_inventory  # noqa: E402
from explorer.data.retention import RetentionRules, parse_duration, plan_money, plan_retention  # noqa: E402
from explorer.emulator import running_emulator  # noqa: E402
from tests.data.test_savings_fast_path import reference_plan_money, reference_savings  # noqa: E402

RULES = RetentionRules(last=2, daily=7, weekly=4, monthly=12, within="36h", tags=("keep",))


def best(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float, object]]:
    """Per function: (best wall s, CPU s of that run, result), round-robin."""
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in fns}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            t, c = time.perf_counter(), time.process_time()
            results[name] = fn()
            times[name].append((time.perf_counter() - t, time.process_time() - c))
    return {k: (*min(v), results[k]) for k, v in times.items()}


def straightforward_money(inv, plan) -> pd.DataFrame:
    """The per-drive money as first written: groupbys and a price-list filter per price object."""
    return reference_plan_money(inv, plan, reference_savings(inv, plan.delete["uuid"])[0])


def loop_plan(inv, rules: RetentionRules) -> set[str]:
    """The rules as a person would first write them: per drive, per snapshot, in Python."""
    s = inv.snapshots
    now = inv.loaded_at.to_pydatetime()
    by_drive: dict[str, list] = {}
    for u, d, st, ts, tags in zip(s["uuid"], s["drive_uuid"], s["status"], s["timestamp"], s["tags"], strict=True):
        if st == "available" and not pd.isna(ts):
            by_drive.setdefault(d, []).append((ts.to_pydatetime(), u, set(tags.split(",")) if tags else set()))
    keys = {"hourly": lambda t: (t.year, t.month, t.day, t.hour), "daily": lambda t: (t.year, t.month, t.day),
            "weekly": lambda t: tuple(t.isocalendar())[:2], "monthly": lambda t: (t.year, t.month),
            "yearly": lambda t: t.year}
    cutoff = now - parse_duration(rules.within).to_pytimedelta() if rules.within else None
    keep: set[str] = set()
    for snaps in by_drive.values():
        snaps.sort(key=lambda x: (x[0], x[1]), reverse=True)
        keep.add(snaps[0][1])
        keep.update(u for _, u, _ in snaps[: rules.last or 0])
        for rule, key in keys.items():
            n, last, kept = getattr(rules, rule), None, 0
            for t, u, _ in snaps:
                if n and kept < n and key(t) != last:
                    keep.add(u)
                    last, kept = key(t), kept + 1
        keep.update(u for t, u, tags in snaps if (cutoff and t > cutoff) or tags & set(rules.tags))
    return keep


def naive_forecast(inv, days: int = 30) -> pd.DataFrame:
    """Per drive: daily resample of the bytes, mean and std of the last 2x`days` increments, projected."""
    s = inv.snapshots.dropna(subset=["timestamp"])
    daily = s.set_index("timestamp").groupby("drive_uuid")["allocated_size"].resample("D").sum()
    out = {}
    for drive, series in daily.groupby(level=0):
        tail = series.tail(2 * days).astype("float64")
        out[drive] = (series.sum() + tail.mean() * days, tail.std() * days**0.5)
    return pd.DataFrame.from_dict(out, orient="index", columns=["forecast", "sd"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=int, default=100_000)
    ap.add_argument("--drives", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with running_emulator(drives=args.drives, snapshots=args.snapshots) as emu, \
            CloudSigmaClient(emu.url, username=emu.username, password=emu.password) as client:
        inv = load_inventory(client, cache=False)
    n = len(inv.snapshots)
    load_before = os.getloadavg()
    plans = best({"ours": lambda: plan_retention(inv, RULES), "loop": lambda: loop_plan(inv, RULES)}, args.repeat)
    ours_plan, loop_keep = plans["ours"][2], plans["loop"][2]
    assert set(ours_plan.keep["uuid"]) == loop_keep, "the vectorised plan and the loop disagree"
    money = best({"ours": lambda: plan_money(inv, plan_retention(inv, RULES))[0],
                  "plain": lambda: straightforward_money(inv, plan_retention(inv, RULES))}, args.repeat)
    ours_money, plain_money = money["ours"][2], money["plain"][2]
    plain_money = plain_money[[c for c in plain_money.columns if c in ours_money.columns]]  # kind: optional
    pd.testing.assert_frame_equal(ours_money, plain_money, check_dtype=False, check_exact=True)
    fc = best({"ours": lambda: forecast(inv, days=30), "naive": lambda: naive_forecast(inv, 30)}, args.repeat)
    rows = [
        ("baseline: rules as a per-drive Python loop", plans["loop"], plans["loop"], f"{n:,} snapshots"),
        ("ours: plan_retention", plans["ours"], plans["loop"],
         f"{len(ours_plan.delete):,} to delete; same set as the loop; goal < 1 s"),
        ("baseline: plan + straightforward money", money["plain"], money["plain"],
         "groupby per type and per drive, price-list filter per price"),
        ("ours: plan_retention + plan_money", money["ours"], money["plain"],
         "same per-drive frame as the baseline; goal < 1 s"),
        ("baseline: naive pandas resample forecast", fc["naive"], fc["naive"], "per drive only, no band/ETA/backtest"),
        ("ours: forecast (30 days)", fc["ours"], fc["naive"], f"{fc['ours'][2].method}; goal < 1 s"),
    ]
    print(f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after ({os.cpu_count()} cores)\n")
    print("| what | best s | CPU s | ratio | note |\n|---|---:|---:|---:|---|")
    for what, (t, cpu, _), (base, _, _), note in rows:
        print(f"| {what:<44} | {t:8.3f} | {cpu:8.3f} | {t / base:5.2f}x | {note} |")


if __name__ == "__main__":
    main()
