"""Data-layer speed: inventory loading vs the pycloudsigma way and the floor; cost and growth at 1M snapshots.

Run:  .venv/bin/python benchmarks/bench_data.py [--snapshots 100000] [--drives 5000] [--repeat 3]
                                               [--synthetic 1000000] [--skip-load]

The emulator runs in its own process (so its serialisation never shares this process's
GIL) and is asked once before timing so its caches are warm. Every row is timed
`--repeat` times; the best time counts. Ratios compare against baselines measured in
the same run:

- floor: raw GET `/snapshots/detail/?limit=0` and `/drives/detail/?limit=0` + msgspec decode
  into structs (no frames, nothing else)
- pycloudsigma way: `requests` with `limit=0`, `resp.json()`, `pd.json_normalize`, and a
  merge for the drive columns (what a pycloudsigma user writes today)
- ours: `load_inventory` (snapshots, drives, prices, subscriptions, usage, capabilities,
  balance, tags -> typed frames), and the frame building alone from decoded structs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx
import msgspec
import numpy as np
import pandas as pd
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator_process import emulator_process  # noqa: E402
from timing import best_round_robin as best  # noqa: E402

from explorer.client import CloudSigmaClient, models  # noqa: E402
from explorer.data import schema  # noqa: E402
from explorer.data.cost import account_cost_summary, drive_costs, snapshot_costs  # noqa: E402
from explorer.data.frames import SnapshotRow  # noqa: E402
from explorer.data.growth import drive_growth  # noqa: E402
from explorer.data.inventory import Inventory  # noqa: E402
from explorer.data.load import SNAPSHOT_FIELDS, PageColumns, build_inventory, load_inventory  # noqa: E402


class _Page(msgspec.Struct):
    objects: list


def floor(url: str, auth: tuple[str, str]) -> tuple[list, list]:
    snaps_t = msgspec.json.Decoder(msgspec.defstruct("S", [("objects", list[models.Snapshot])]))
    drives_t = msgspec.json.Decoder(msgspec.defstruct("D", [("objects", list[models.Drive])]))
    with httpx.Client(auth=auth, timeout=120) as c:
        s = snaps_t.decode(c.get(url + "snapshots/detail/", params={"limit": 0}).content).objects
        d = drives_t.decode(c.get(url + "drives/detail/", params={"limit": 0}).content).objects
    return s, d


def pycloudsigma_way(url: str, auth: tuple[str, str]) -> pd.DataFrame:
    with requests.Session() as s:
        snaps = s.get(url + "snapshots/detail/", params={"limit": 0}, auth=auth).json()["objects"]
        drives = s.get(url + "drives/detail/", params={"limit": 0}, auth=auth).json()["objects"]
    sf = pd.json_normalize(snaps)
    df = pd.json_normalize(drives)[["uuid", "name", "size", "status", "storage_type"]]
    sf["timestamp"] = pd.to_datetime(sf["timestamp"], utc=True, format="ISO8601")
    return sf.merge(df, left_on="drive.uuid", right_on="uuid", how="left", suffixes=("", "_drive"))


def ours(url: str, auth: tuple[str, str]) -> Inventory:
    with CloudSigmaClient(url, username=auth[0], password=auth[1]) as c:
        return load_inventory(c, cache=False)


def synthetic_inventory(n: int, drives: int, seed: int = 0) -> Inventory:
    """An Inventory of `n` snapshots over `drives` drives, built straight as frames (no API involved)."""
    rng = np.random.default_rng(seed)
    d_uuid = pd.array([f"d{i:07d}" for i in range(drives)], dtype="string")
    types = np.array(["dssd", "zadara", "nvme"])[rng.integers(0, 3, drives)]
    drive_of = rng.integers(0, drives, n)
    snaps = schema.empty_frame(schema.SNAPSHOT_COLUMNS).reindex(range(n))
    snaps["uuid"] = pd.array([f"s{i:08d}" for i in range(n)], dtype="string")
    snaps["allocated_size"] = pd.array(rng.integers(0, 2**31, n), dtype="Int64")
    ts = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 365 * 86400, n), unit="s")
    snaps["timestamp"] = ts.astype(schema.UTC_TIME)
    snaps["drive_uuid"] = d_uuid.take(drive_of)
    snaps["storage_type"] = pd.Categorical(types[drive_of], categories=models.STORAGE_TYPES)
    drive_frame = schema.empty_frame(schema.DRIVE_COLUMNS).reindex(range(drives))
    drive_frame["uuid"], drive_frame["name"] = d_uuid, d_uuid
    drive_frame["storage_type"] = pd.Categorical(types, categories=models.STORAGE_TYPES)
    drive_frame["size"] = pd.array(np.full(drives, 100 * 2**30), dtype="Int64")
    mult = 2**30 * 2592000
    base = (("dssd", 0.14), ("zadara", 0.05), ("nvme", 0.2))
    prices = pd.DataFrame([(r, lv, "EUR", q, "GB/month", mult) for r, p in base for lv, q in ((0, p), (3, 2 * p))],
                          columns=[c.name for c in schema.PRICE_COLUMNS])
    usage = pd.DataFrame({"resource": ["dssd"], "subscribed": [2**40], "using": [2**41], "burst": [2**40]})
    return Inventory(snapshots=snaps, drives=drive_frame, prices=schema.conform(prices, schema.PRICE_COLUMNS),
                     usage=schema.conform(usage, schema.USAGE_COLUMNS),
                     burst_levels={"dssd": 3, "zadara": 3, "nvme": 3})


def naive_cost_growth(inv: Inventory) -> None:
    """The obvious pandas: merge prices onto snapshots, groupby sums, sort + groupby cumsum."""
    s = inv.snapshots.assign(resource=inv.snapshots["storage_type"].astype(str))
    p = inv.prices
    for level in (0, 3):
        pl = p[(p["level"] == level) & (p["currency"] == "EUR")][["resource", "price", "multiplier"]]
        m = s.merge(pl, on="resource", how="left")
        m["cost"] = m["allocated_size"].astype(float) * m["price"] / m["multiplier"] * 2592000
        m.groupby("drive_uuid")["cost"].sum()
    g = s.sort_values(["drive_uuid", "timestamp"])
    g.groupby("drive_uuid")["allocated_size"].cumsum()
    g.groupby("drive_uuid").cumcount()


def ours_cost_growth(inv: Inventory) -> None:
    snapshot_costs(inv)
    drive_costs(inv)
    account_cost_summary(inv)
    drive_growth(inv)


def row(name: str, seconds: float, base: float | None = None, note: str = "") -> str:
    ratio = f"{seconds / base:5.2f}x" if base else "     "
    return f"| {name:<50} | {seconds:8.3f} | {ratio} | {note} |"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshots", type=int, default=100_000)
    ap.add_argument("--drives", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic", type=int, default=1_000_000, help="snapshots for the cost+growth rows")
    ap.add_argument("--skip-load", action="store_true", help="only the cost+growth rows (no emulator)")
    args = ap.parse_args()
    print("| what | best s | ratio | note |\n|---|---:|---:|---|")
    if not args.skip_load:
        with emulator_process(args.drives, args.snapshots) as emu:
            url, user, password = emu.url, emu.username, emu.password
            auth = (user, password)
            floor(url, auth)  # warm the emulator's caches once
            s_structs, d_structs = floor(url, auth)

            def lists_and_frames():
                with CloudSigmaClient(url, username=user, password=password) as c:
                    return build_inventory(snapshots=c.snapshots.list(), drives=c.drives.list())

            def snapshot_pages():
                with CloudSigmaClient(url, username=user, password=password) as c:
                    columns = PageColumns()
                    rows = c.snapshots.list(fields=SNAPSHOT_FIELDS, item_type=SnapshotRow, on_page=columns)
                    return columns.table(rows)

            def tags_only():
                with CloudSigmaClient(url, username=user, password=password) as c:
                    return c.tags.list(fields=("uuid", "name"))

            got = best({
                "floor": lambda: floor(url, auth),
                "pcs": lambda: pycloudsigma_way(url, auth),
                "ours": lambda: ours(url, auth),
                "build": lambda: build_inventory(snapshots=s_structs, drives=d_structs),
                "lists": lists_and_frames,
                "pages": snapshot_pages,
                "tags": tags_only,
            }, args.repeat)
            (t_floor, _), (t_pcs, pcs), (t_ours, inv) = got["floor"], got["pcs"], got["ours"]
            t_build, t_tags, t_lists, t_pages = got["build"][0], got["tags"][0], got["lists"][0], got["pages"][0]
        n = f"{len(inv.snapshots)} snapshots, {len(inv.drives)} drives"
        print(row("floor: raw GET limit=0 + msgspec decode", t_floor, t_floor, n))
        print(row("pycloudsigma way: requests+json+json_normalize", t_pcs, t_floor, f"{len(pcs)} rows, object dtypes"))
        print(row("ours: load_inventory -> typed frames", t_ours, t_floor,
                  f"goal <= 1.5x floor; {t_pcs / t_ours:.1f}x faster than pycloudsigma way (goal >= 5x)"))
        print(row("ours: frames from decoded structs only", t_build, None, "goal < 0.5 s"))
        print(row("ours without billing/tags: 2 client lists + frames", t_lists, t_floor, "paged lists, see notes"))
        print(row("(snapshot pages -> columns, inside ours)", t_pages, t_floor,
                  "fields=, SnapshotRow, columns per page as they arrive"))
        print(row("(client tags.list() alone, inside ours)", t_tags, t_floor, "uuid,name only, as load_inventory asks"))
    synth = synthetic_inventory(args.synthetic, max(1, args.synthetic // 50))
    got = best({"naive": lambda: naive_cost_growth(synth), "ours": lambda: ours_cost_growth(synth)}, args.repeat)
    t_naive, t_cg = got["naive"][0], got["ours"][0]
    print(row(f"naive pandas cost+growth, {args.synthetic} snapshots", t_naive, t_naive, "merge + groupby + sort"))
    print(row("ours: snapshot/drive/account cost + growth", t_cg, t_naive, "goal < 2 s"))
    history_rows(args.snapshots, args.drives, args.repeat)


def history_rows(n: int, drives: int, repeat: int) -> None:
    """History record/diff and the offline cache at the load size (informational; no baseline)."""
    import tempfile

    from explorer.data.cache import load_cached_inventory, save_cached_inventory
    from explorer.data.history import HistoryStore

    inv = synthetic_inventory(n, drives)
    with tempfile.TemporaryDirectory() as d:
        store = HistoryStore(Path(d) / "h.duckdb")

        def record():
            inv.loaded_at = pd.Timestamp.now(tz="UTC")
            return store.record(inv)

        got = best({
            "record": record,
            "diff": lambda: store.diff(pd.Timedelta(microseconds=1)),
            "save": lambda: save_cached_inventory(inv, Path(d) / "cache"),
            "load": lambda: load_cached_inventory(Path(d) / "cache"),
        }, repeat)
    print(row(f"history record, {n} snapshots", got["record"][0], None, "one DuckDB transaction"))
    print(row(f"history diff of two {n}-snapshot observations", got["diff"][0], None, "full outer join in DuckDB"))
    print(row("offline cache save (Parquet)", got["save"][0]))
    print(row("offline cache load (--offline)", got["load"][0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
