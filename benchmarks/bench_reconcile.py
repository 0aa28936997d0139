"""Benchmark: what a lost snapshot-create POST costs, for several reconcile_grace values (chooses the default).

Two losses, both over loopback HTTP to the emulator (20k snapshots on 400 drives):

  (1) lost before reaching the server: the connection drops before the emulator sees the
      POST. Nothing can turn up, so the client looks for `grace` seconds, then sends once more.
  (2) lost after the write: the emulator creates the snapshot, then the connection drops
      before the answer. The first lookup finds it; the grace is never waited for.

Each row is the median of --repeat creates; "lookups" counts the lookup GETs of one create.

Usage: python benchmarks/bench_reconcile.py [--graces 1,2,5,10,30] [--repeat 3] [--latency-ms 0] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.client import CloudSigmaClient
from explorer.client.reconcile import RECONCILE_POLL
from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app
from explorer.emulator.server import EmulatorServer


class DropNextCreate:
    """Drops the next create POST (before or after the emulator applies it); counts lookup GETs."""

    def __init__(self, app):
        self.app, self.armed, self.after_write, self.lookups = app, False, False, 0

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/api/2.0/snapshots/detail/" and scope["method"] == "GET":
            self.lookups += 1
        if self.armed and scope["type"] == "http" and scope["method"] == "POST":
            self.armed = False
            faults = self.app.state.faults
            faults.update(drop_rate=1.0, drop_after_write=self.after_write)
            try:
                return await self.app(scope, receive, send)
            finally:
                faults.update(drop_rate=0.0, drop_after_write=False)
        return await self.app(scope, receive, send)


def one_create(client: CloudSigmaClient, gate: DropNextCreate, drive: str, *, after_write: bool, n: int):
    gate.armed, gate.after_write, gate.lookups = True, after_write, 0
    started = time.perf_counter()
    snap = client.snapshots.create(drive, name=f"bench-{after_write}-{n}")
    elapsed, lookups = time.perf_counter() - started, gate.lookups
    copies = len(client.snapshots.list(name=snap.name, fields=["uuid"]))
    return elapsed, lookups, copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graces", default="1,2,5,10,30")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="graces 1,2 and one create each")
    args = parser.parse_args()
    if args.quick:
        args.graces, args.repeat = "1,2", 1
    graces = [float(g) for g in args.graces.split(",")]
    app = create_app(seed=3, drives=400, snapshots=20000, transition_seconds=0, latency_ms=args.latency_ms)
    gate = DropNextCreate(app)
    server = EmulatorServer(gate)
    server.start()
    print(f"lookup poll every {RECONCILE_POLL:g} s; 20000 snapshots on 400 drives; latency {args.latency_ms} ms; "
          f"median of {args.repeat}\n")
    print("| loss | reconcile_grace | create took (s) | lookups | copies made |")
    print("|---|---:|---:|---:|---:|")
    try:
        with CloudSigmaClient(f"{server.base_url}/api/2.0/", username=DEMO_USERNAME, password=DEMO_PASSWORD) as c:
            drive = next(d.uuid for d in c.drives.list() if d.status in ("mounted", "unmounted")
                         and d.runtime and d.runtime.is_snapshotable)
            n = 0
            for after_write in (False, True):
                for grace in graces if not after_write else graces[-1:]:
                    c.reconcile_grace = grace
                    runs = []
                    for _ in range(args.repeat):
                        n += 1
                        runs.append(one_create(c, gate, drive, after_write=after_write, n=n))
                    took = statistics.median(r[0] for r in runs)
                    lookups = statistics.median(r[1] for r in runs)
                    copies = max(r[2] for r in runs)
                    loss = "after the write" if after_write else "before the server"
                    print(f"| {loss} | {grace:g} s | {took:.3f} | {lookups:g} | {copies} |", flush=True)
    finally:
        server.stop()
        app.state.emu.close()


if __name__ == "__main__":
    main()
