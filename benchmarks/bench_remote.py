"""The snapshots frame with remote snapshots (backups): build time against the same frame without them.

Run:  .venv/bin/python benchmarks/bench_remote.py [--snapshots 100000] [--remote 25000] [--drives 5000] [--repeat 5]

Decoded structs are made in memory (no emulator): `--snapshots` local snapshots and
`--remote` remote ones over `--drives` drives, a tenth of the backups' drives deleted
(orphans, filled from `drive_meta`). Rows: the frame of the local snapshots alone (the
baseline), of the same local snapshots plus the backups, and the backups' own column pass.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import best  # noqa: E402

from explorer.client import models  # noqa: E402
from explorer.data import frames  # noqa: E402


def fleet(n_local: int, n_remote: int, n_drives: int):
    drives = [models.Drive(uuid=f"d{i:07d}", name=f"drive {i}", status="mounted", size=100 << 30, media="disk",
                           storage_type=("dssd", "zadara", "nvme")[i % 3]) for i in range(n_drives)]
    local = [frames.SnapshotRow(uuid=f"s{i:08d}", name=f"snap {i}", status="available", allocated_size=i * 4096,
                                drive=frames._Uuid(f"d{i % n_drives:07d}"),
                                timestamp=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} 03:00:00+00:00")
             for i in range(n_local)]
    remote = []
    for i in range(n_remote):
        d = i % n_drives
        gone = d % 10 == 0  # deleted drives: the API's drive ref is null, drive_meta still names it
        meta = frames._SourceDrive(src_uuid=f"d{d:07d}" if not gone else f"gone{d:07d}", name=f"drive {d}",
                                   size=100 << 30, storage_type="dssd")
        remote.append(frames.RemoteSnapshotRow(
            uuid=f"r{i:08d}", name=f"backup {i}", status="available", allocated_size=i * 4096,
            drive=None if gone else frames._Uuid(f"d{d:07d}"), timestamp="2026-11-30 02:00:00+00:00",
            location="GVA", drive_meta=meta))
    return drives, local, remote


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshots", type=int, default=100_000)
    ap.add_argument("--remote", type=int, default=25_000)
    ap.add_argument("--drives", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    drives, local, remote = fleet(args.snapshots, args.remote, args.drives)
    base = frames.drives_base_frame(drives, {})
    table = frames.snapshot_table(local)
    rtable = frames.remote_snapshot_table(remote)
    now = pd.Timestamp("2026-12-01", tz="UTC")
    t_local = best(lambda: frames.snapshots_frame(table, base, {}, now), args.repeat)
    t_both = best(lambda: frames.snapshots_frame(table, base, {}, now, remote=rtable), args.repeat)
    t_rcols = best(lambda: frames.remote_snapshot_table(remote), args.repeat)
    t_lcols = best(lambda: frames.snapshot_table(local), args.repeat)
    frame = frames.snapshots_frame(table, base, {}, now, remote=rtable)
    assert int(frame["orphan"].sum()) == sum(r.drive is None for r in remote)
    print("| what | best s | ratio | note |\n|---|---:|---:|---|")
    print(f"| frame from columns, {args.snapshots:,} local | {t_local:.3f} | 1.00x | baseline |")
    print(f"| frame from columns, + {args.remote:,} remote | {t_both:.3f} | {t_both / t_local:.2f}x | "
          f"{len(frame):,} rows, {int(frame['orphan'].sum()):,} orphans |")
    print(f"| (local structs -> columns, {args.snapshots:,}) | {t_lcols:.3f} | {t_lcols / t_local:.2f}x | "
          "per-object pass, done per page while loading |")
    print(f"| (remote structs -> columns, {args.remote:,}) | {t_rcols:.3f} | {t_rcols / t_local:.2f}x | "
          "the same pass plus drive_meta and location |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
