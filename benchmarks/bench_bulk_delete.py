"""Bulk delete of many snapshots: one request for all of them against chunks of 1,000 and 5,000 uuids.

Run:  .venv/bin/python benchmarks/bench_bulk_delete.py [--snapshots 180000] [--drives 5000] [--chunks 1000,5000]

Each row gets a fresh emulator (in a process of its own) with the same seeded fleet, lists every snapshot,
then times `snapshots.delete_many(uuids, chunk_size=..., check=False)` and counts the outcomes and what the
emulator still lists afterwards. The first row is one chunk of every uuid (what delete_many sent before it
chunked): above ~175k uuids its body passes the emulator's 8 MiB limit (413); before 413 was answered by
halving, that left every uuid `unknown` (benchmarks/bulk_delete.md).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator_process import emulator_process  # noqa: E402

from explorer.client import CloudSigmaClient  # noqa: E402


def run(drives: int, snapshots: int, chunk: int) -> tuple[float, dict[str, int], int, int]:
    with emulator_process(drives, snapshots) as emu, \
            CloudSigmaClient(emu.url, username=emu.username, password=emu.password, timeout=300) as client:
        uuids = [s.uuid for s in client.snapshots.list()]
        start = time.perf_counter()
        outcomes = client.snapshots.delete_many(uuids, chunk_size=chunk, check=False)
        took = time.perf_counter() - start
        left = len(client.snapshots.list())
    return took, dict(collections.Counter(o.outcome for o in outcomes)), left, len(uuids)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshots", type=int, default=180_000)
    ap.add_argument("--drives", type=int, default=5000)
    ap.add_argument("--chunks", default="1000,5000")
    args = ap.parse_args()
    rows = [("one chunk of all (413, then halves)", args.snapshots)] + [(f"chunks of {int(c):,}", int(c))
                                                         for c in args.chunks.split(",")]
    print(f"| bulk delete of {args.snapshots:,} snapshots | requests | time | outcomes | still listed | vs chunks |")
    print("|---|---|---|---|---|---|")
    results = [(label, chunk, *run(args.drives, args.snapshots, chunk)) for label, chunk in rows]
    base = next((r for r in results if r[1] == 1000), results[-1])[2]
    for label, chunk, took, outcomes, left, n in results:
        shown = ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items()))
        print(f"| {label} | {-(-n // chunk):,} chunk(s) | {took:.2f} s | {shown} | {left:,} | {took / base:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
