"""The demo's time to first rows: two locations (ZRH and FRA emulators) against the old one-emulator demo.

Run:  .venv/bin/python benchmarks/bench_demo_locations.py [--repeat 3]

Both are measured in the same run, round-robin, best of `--repeat` (the machine is shared), from
nothing running to an Inventory in hand, in one process with the imports already done:

- one location (baseline): `open_session(Settings(demo=True))` (one location-less emulator) then
  `load_inventory(client)`;
- two locations: `open_sessions(Settings(demo=True))` (ZRH and FRA emulators started concurrently)
  then `load_locations(sessions)` (both loaded concurrently, combined).

The offline cache goes to a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explorer.config import Settings  # noqa: E402
from explorer.data.load import load_inventory  # noqa: E402
from explorer.data.locations import load_locations  # noqa: E402
from explorer.session import open_session, open_sessions  # noqa: E402


def one_location() -> tuple[float, float, int]:
    t0 = time.perf_counter()
    with open_session(Settings(demo=True)) as session:
        started = time.perf_counter() - t0
        inv = load_inventory(session.client)
        return started, time.perf_counter() - t0, len(inv.snapshots)


def two_locations() -> tuple[float, float, int]:
    t0 = time.perf_counter()
    with open_sessions(Settings(demo=True)) as sessions:
        started = time.perf_counter() - t0
        inv = load_locations(sessions)
        return started, time.perf_counter() - t0, len(inv.snapshots)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["SNAPSHOT_EXPLORER_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-demo-")
    one_location()  # warm-up: first imports of the emulator and uvicorn
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(args.repeat):
        for name, fn in (("one location (baseline)", one_location), ("two locations", two_locations)):
            got = fn()
            if name not in best or got[1] < best[name][1]:
                best[name] = got
    base = best["one location (baseline)"][1]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; best of {args.repeat}")
    print(f"{'demo':<26} {'emulators up':>12} {'first rows':>11} {'snapshots':>10} {'ratio':>6}")
    for name, (started, total, rows) in best.items():
        print(f"{name:<26} {started:>11.2f}s {total:>10.2f}s {rows:>10,} {total / base:>6.2f}")


if __name__ == "__main__":
    main()
