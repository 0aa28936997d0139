"""Notebook dashboards at scale: build time for 100k snapshots and points per trace, against a naive baseline.

    .venv/bin/python benchmarks/bench_notebook.py [--snapshots 100000] [--drives 2000] [--years 3] [--repeat 3]

The inventory is synthetic but typed exactly like the data layer's (built through
explorer.data.schema); snapshot counts per drive follow a Zipf law, so the biggest drives
hold over ten thousand snapshots and the resampling cap matters. The baseline is the
obvious notebook code: a FigureWidget with one full-resolution trace per top-ten drive.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.data import drive_growth, schema
from explorer.data.inventory import Inventory, Source

GIB = 2**30
TYPES = np.array(["dssd", "dssd", "dssd", "zadara", "nvme"])


def synthetic_inventory(n_snapshots: int, n_drives: int, years: float, seed: int = 1) -> Inventory:
    rng = np.random.default_rng(seed)
    uuids = np.array([f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(n_drives)], dtype=object)
    weights = 1.0 / np.arange(1, n_drives + 1)
    owner = rng.choice(n_drives, size=n_snapshots, p=weights / weights.sum())
    now = pd.Timestamp("2026-11-01", tz="UTC")
    stamps = now - pd.to_timedelta(rng.uniform(0, years * 365 * 86400, size=n_snapshots), unit="s")
    stype = TYPES[np.arange(n_drives) % len(TYPES)]
    drives = schema.conform(pd.DataFrame({
        "uuid": uuids, "name": [f"drive-{i}" for i in range(n_drives)], "status": "mounted",
        "storage_type": stype, "media": "disk", "size": 100 * GIB, "mounted": True, "is_snapshotable": True,
    }), schema.DRIVE_COLUMNS)
    snaps = schema.conform(pd.DataFrame({
        "uuid": [f"s{k:07x}-0000-4000-8000-000000000000" for k in range(n_snapshots)],
        "name": [f"snap-{k}" for k in range(n_snapshots)], "status": "available",
        "allocated_size": rng.integers(0, 4 * GIB, size=n_snapshots), "timestamp": stamps,
        "age": now - stamps, "drive_uuid": uuids[owner], "drive_name": [f"drive-{o}" for o in owner],
        "drive_size": 100 * GIB, "drive_status": "mounted", "storage_type": stype[owner], "drive_mounted": True,
        "drive_missing": False, "meta": "{}", "tags": "",
    }), schema.SNAPSHOT_COLUMNS)
    prices = schema.conform(pd.DataFrame({
        "resource": ["dssd", "dssd", "zadara", "zadara", "nvme", "nvme"], "level": [0, 4, 0, 4, 0, 4],
        "currency": "EUR", "price": [0.1, 0.2, 0.05, 0.1, 0.2, 0.35], "unit": "GB/month",
        "multiplier": GIB * 2_592_000,
    }), schema.PRICE_COLUMNS)
    usage = schema.conform(pd.DataFrame({"resource": ["dssd"], "subscribed": [10_000 * GIB],
                                         "using": [60_000 * GIB], "burst": [50_000 * GIB]}), schema.USAGE_COLUMNS)
    return Inventory(snapshots=snaps, drives=drives, prices=prices, usage=usage,
                     burst_levels={"dssd": 4, "zadara": 4, "nvme": 4}, currency="EUR",
                     source=Source(endpoint="synthetic", demo=True), loaded_at=now)


def naive_growth_widget(inv: Inventory):
    """What one would write without the dashboards: every point of the top-ten drives, one trace each."""
    import plotly.graph_objects as go

    growth = drive_growth(inv)
    top = growth.groupby("drive_uuid")["cumulative_bytes"].max().nlargest(10).index
    fig = go.FigureWidget()
    for uuid in top:
        part = growth[growth["drive_uuid"] == uuid]
        fig.add_scatter(x=part["timestamp"], y=part["cumulative_bytes"].astype(float) / GIB, name=str(uuid))
    return fig


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def payload_kb(*figs) -> float:
    """Size of the figure JSON the browser receives: what really makes a notebook chart slow."""
    return sum(len(f.to_json()) for f in figs) / 1024


def max_points(fig) -> int:
    return max((len(t.x) for t in fig.data if t.x is not None), default=0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshots", type=int, default=100_000)
    ap.add_argument("--drives", type=int, default=2_000)
    ap.add_argument("--years", type=float, default=3.0, help="span of snapshot timestamps")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median shown)")
    ap.add_argument("--quick", action="store_true", help="10k snapshots, 1 run (smoke test)")
    args = ap.parse_args(argv)
    if args.quick:
        args.snapshots, args.drives, args.repeat = 10_000, 200, 1

    from explorer.notebook import cost_dashboard, growth_dashboard

    t0 = time.perf_counter()
    inv = synthetic_inventory(args.snapshots, args.drives, args.years)
    per_drive = inv.snapshots["drive_uuid"].value_counts()
    print(f"inventory: {len(inv.snapshots):,} snapshots, {len(inv.drives):,} drives, "
          f"largest chain {per_drive.iloc[0]:,} snapshots (built in {time.perf_counter() - t0:.2f} s)\n")

    rows = []
    base_t, base = timed(lambda: naive_growth_widget(inv), args.repeat)
    rows.append(("baseline: naive growth FigureWidget", base_t, max_points(base), None, payload_kb(base)))
    g_t, g = timed(lambda: growth_dashboard(inv, history=False), args.repeat)
    rows.append(("growth_dashboard build", g_t, max_points(g.figure), g_t / base_t, payload_kb(g.figure)))
    c_t, c = timed(lambda: cost_dashboard(inv), args.repeat)
    pts = max(max_points(c.bars), max_points(c.by_type), max_points(c.burst))
    rows.append(("cost_dashboard build", c_t, pts, c_t / base_t, payload_kb(c.bars, c.by_type, c.burst)))

    top10 = g.drives.value
    top3 = top10[:3]

    def flip(widget, a, b):
        widget.value = b if widget.value == a else a

    for label, fn, fig in (
        ("growth: toggle bytes/count", lambda: flip(g.metric, "bytes", "count"), g.figure),
        ("growth: pick 3 / 10 drives", lambda: setattr(g.drives, "value", top3 if g.drives.value != top3 else top10),
         g.figure),
        ("cost: toggle subscription/burst", lambda: flip(c.price, "burst", "subscription"), c.bars),
        ("cost: what-if slider", lambda: setattr(c.subscribed, "value", (c.subscribed.value + 7) % c.subscribed.max),
         c.burst),
    ):
        t, _ = timed(fn, args.repeat)
        rows.append((label, t, max_points(fig), None, None))

    print(f"{'measurement':40} {'median s':>9} {'max pts/trace':>14} {'vs baseline':>12} {'JSON KiB':>9}")
    for name, secs, pts, ratio, kb in rows:
        print(f"{name:40} {secs:9.3f} {pts:14,} {'' if ratio is None else f'{ratio:11.2f}x':>12} "
              f"{'' if kb is None else f'{kb:9,.0f}':>9}")
    ok = g_t < 2 and c_t < 2 and max_points(g.figure) <= 5_000
    print(f"\ntarget (both builds < 2 s, <= 5,000 points per trace): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
