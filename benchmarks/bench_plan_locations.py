"""Retention plan + money over two locations (the TUI's whole-account `p`), against each location planned alone.

Run:  .venv/bin/python benchmarks/bench_plan_locations.py [--snapshots 50000] [--drives 2500] [--repeat 5]

Two emulators on loopback as ZRH (CHF) and FRA (EUR), different seeds, `--snapshots` each, loaded once
and combined with `load_locations`; only the pure functions are timed, best of `--repeat`, round-robin:

- baseline: each location's inventory planned and costed on its own (`plan_retention(part)` +
  `plan_money(part)` per part), what `prune` does, and the least the whole-account plan can cost;
- ours: `plan_retention(combined)` (a drive is (location, uuid)) + `plan_money_by_location`, what the
  TUI's planner computes for the whole account; both must delete the same (location, uuid) set.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explorer.client import CloudSigmaClient  # noqa: E402
from explorer.data.locations import load_locations  # noqa: E402
from explorer.data.retention import RetentionRules, plan_money, plan_money_by_location, plan_retention  # noqa: E402
from explorer.emulator import running_emulator  # noqa: E402

RULES = RetentionRules(last=2, daily=7, weekly=4, monthly=12, within="36h", tags=("keep",))


def best(fns: dict, repeat: int) -> dict:
    out = {k: (float("inf"), float("inf"), None) for k in fns}
    for _ in range(repeat):
        for k, f in fns.items():
            t0, c0 = time.perf_counter(), time.process_time()
            value = f()
            t, c = time.perf_counter() - t0, time.process_time() - c0
            out[k] = (min(out[k][0], t), min(out[k][1], c), value)
    return out


def alone(inv):
    plans = [(p, plan_retention(p, RULES, now=inv.loaded_at)) for p in inv.parts]
    return {(p.location, u) for p, plan in plans for u in plan.delete["uuid"]}, [plan_money(p, pl) for p, pl in plans]


def combined(inv):
    plan = plan_retention(inv, RULES, now=inv.loaded_at)
    d = plan.delete
    return set(zip(d["location"].astype(str), d["uuid"], strict=True)), plan_money_by_location(inv, plan)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=int, default=50_000)
    ap.add_argument("--drives", type=int, default=2_500)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with running_emulator(drives=args.drives, snapshots=args.snapshots, location="ZRH", seed=3) as a, \
            running_emulator(drives=args.drives, snapshots=args.snapshots, location="FRA", seed=5) as b:
        made = {code: CloudSigmaClient(e.url, username=e.username, password=e.password)
                for code, e in (("ZRH", a), ("FRA", b))}
        try:
            inv = load_locations(made, cache=False)
        finally:
            for c in made.values():
                c.close()
    load_before = os.getloadavg()
    r = best({"alone": lambda: alone(inv), "combined": lambda: combined(inv)}, args.repeat)
    assert r["alone"][2][0] == r["combined"][2][0], "the whole-account plan and the per-location plans disagree"
    n = len(inv.snapshots)
    deleted = len(r["combined"][2][0])
    print(f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after ({os.cpu_count()} cores)\n")
    print("| what | best s | CPU s | ratio | note |\n|---|---:|---:|---:|---|")
    base = r["alone"][0]
    for what, key, note in (
            ("baseline: each location planned alone", "alone", f"{n:,} snapshots in ZRH+FRA"),
            ("ours: whole account, money per location", "combined", f"{deleted:,} to delete; same (location, uuid) "
                                                                      "set; goal < 1 s")):
        t, cpu, _ = r[key]
        print(f"| {what:<44} | {t:8.3f} | {cpu:8.3f} | {t / base:5.2f}x | {note} |")


if __name__ == "__main__":
    main()
