"""History as Hive-partitioned Parquet at fleet scale: `history export`, `record --parquet-dir` and a read-back query.

Run:  .venv/bin/python benchmarks/bench_history_export.py [--snapshots 100000] [--records 10] [--repeat 3] [--quick]

A history store is filled with `--records` observations of an account with `--snapshots`
snapshots (synthetic, one day apart, sizes changing between records), then timed, best of
`--repeat`, against DuckDB's own partitioned writer as the baseline:

- baseline: `COPY (observations join records) TO DIR (FORMAT parquet, PARTITION_BY (location, date))`
  (one statement inside DuckDB; its files get the umask's mode and random names, so a second
  export duplicates every row: what `export_history` avoids)
- ours: `export_history(store, DIR)` (one 0600 file per record, replaced on re-export)
- ours: `append_latest(store, DIR, record_id)` (what `record --parquet-dir` adds after `record`)
- read: a `group by location, date` over the folder with `read_parquet(..., hive_partitioning=true)`
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import best_round_robin as best  # noqa: E402

from explorer.client import models  # noqa: E402
from explorer.data.history import HistoryStore  # noqa: E402
from explorer.data.inventory import Source  # noqa: E402
from explorer.data.load import build_inventory  # noqa: E402
from explorer.data.partitioned import append_latest, export_history  # noqa: E402

SOURCE = Source("https://zrh.cloudsigma.com/api/2.0/", account="ops@example.com")


def _inventory(n: int, day: int, rng: np.random.Generator):
    """`n` snapshots on 5,000 drives; 50 of them new each day, the others observed again with new sizes."""
    sizes = rng.integers(0, 1 << 34, n).tolist()
    snaps = [models.Snapshot(uuid=f"{i:08x}-0000-4000-8000-{(day if i >= n - 50 else 0):012x}", status="available",
                             allocated_size=sizes[i], timestamp="2026-01-01 00:00:00+00:00",
                             drive=models.Ref(uuid=f"{i % 5000:08x}-1111-4000-8000-000000000000"))
             for i in range(n)]
    return build_inventory(snapshots=snaps, source=SOURCE,
                           loaded_at=pd.Timestamp("2026-06-01 03:00", tz="UTC") + pd.Timedelta(days=day))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshots", type=int, default=100_000)
    ap.add_argument("--records", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="10,000 snapshots, 3 records, 1 repeat")
    args = ap.parse_args()
    if args.quick:
        args.snapshots, args.records, args.repeat = 10_000, 3, 1
    work = Path(tempfile.mkdtemp(prefix="bench-history-"))
    try:
        store = HistoryStore(work / "history.duckdb")
        rng = np.random.default_rng(1)
        t = time.perf_counter()
        last = None
        for day in range(args.records):
            last = store.record(_inventory(args.snapshots, day, rng))
        fill = time.perf_counter() - t
        rows = args.snapshots * args.records

        def baseline():
            out = work / "copy"
            shutil.rmtree(out, ignore_errors=True)
            with duckdb.connect(str(store.path), read_only=True) as con:
                con.execute(f"""copy (select r.record_id, o.observed_at, r.source_key, r.endpoint, r.account, r.demo,
                                    o.uuid, o.drive_uuid, o.allocated_size, o.status, 'ZRH' as location,
                                    strftime(o.observed_at at time zone 'UTC', '%Y-%m-%d') as date
                              from observations o join records r using (record_id))
                              to '{out}' (format parquet, partition_by (location, date))""")
            return out

        def ours():
            out = work / "ours"
            shutil.rmtree(out, ignore_errors=True)
            return len(export_history(store, out))

        def again():  # into the same folder: every record's file is replaced, nothing doubles
            return len(export_history(store, work / "ours"))

        def append():
            return append_latest(store, work / "ours", last.record_id).rows

        def read():
            return duckdb.sql(f"select location, date, count(*), sum(allocated_size) from read_parquet("
                              f"'{work / 'ours'}/**/*.parquet', hive_partitioning=true) group by all").fetchall()

        res = best({"baseline": baseline, "ours": ours, "again": again, "append": append, "read": read}, args.repeat)
        back = duckdb.sql(f"select count(*) from read_parquet('{work / 'ours'}/**/*.parquet')").fetchall()[0][0]
        assert back == rows, (back, rows)
        base = res["baseline"][0]
        print(f"{args.records} records x {args.snapshots:,} snapshots = {rows:,} rows "
              f"(recording them took {fill:.1f} s); best of {args.repeat}\n")
        print("| what | best s | ratio | note |\n|---|---:|---:|---|")
        table = [
            ("baseline: DuckDB COPY ... PARTITION_BY", "baseline", "one statement; umask modes; a re-run duplicates"),
            ("ours: export_history", "ours", f"{res['ours'][1]} files, 0600 in 0700 folders; read back {back:,} rows"),
            ("ours: export_history again (same folder)", "again", "replaces each record's file; no duplicates"),
            ("ours: append_latest (record --parquet-dir)", "append", f"{res['append'][1]:,} rows of the newest record"),
            ("read: group by location, date over the folder", "read", f"{len(res['read'][1])} partitions"),
        ]
        for label, key, note in table:
            print(f"| {label:<47} | {res[key][0]:8.3f} | {res[key][0] / base:5.2f}x | {note} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
