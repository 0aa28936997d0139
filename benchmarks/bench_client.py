"""Benchmark: load every snapshot and drive from an emulator: pycloudsigma's way, the floor, and this client.

The emulator runs in a separate process (so it does not share the GIL with the client
being measured). Rows, each the median of --repeat runs:

  (a) pycloudsigma's way: requests, limit=0, json, pd.json_normalize
  (b) the floor: one raw GET each (httpx, limit=0) + msgspec typed decode
  (b') the same with the cyclic GC paused during the decode (the client does this)
  (c) CloudSigmaClient with its defaults, then variants (one limit=0 request, page sizes, async)

Usage: python benchmarks/bench_client.py [--snapshots 100000] [--drives 5000] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import msgspec
from emulator_process import emulator_process

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.models import Drive, Page, Snapshot


def pycloudsigma_way(emu: dict) -> tuple[int, int]:
    import pandas as pd
    import requests

    auth = (emu["username"], emu["password"])
    counts = []
    with requests.Session() as s:
        for path in ("snapshots/detail/", "drives/detail/"):
            r = s.get(emu["url"] + path, params={"limit": 0}, auth=auth, timeout=300)
            r.raise_for_status()
            counts.append(len(pd.json_normalize(r.json()["objects"])))
    return counts[0], counts[1]


def floor(emu: dict, *, pause_gc: bool = False) -> tuple[int, int]:
    with httpx.Client(auth=(emu["username"], emu["password"]), timeout=300) as c:
        counts = []
        for path, tp in (("snapshots/detail/", Page[Snapshot]), ("drives/detail/", Page[Drive])):
            body = c.get(emu["url"] + path, params={"limit": 0}).content
            if pause_gc:
                gc.disable()
            try:
                counts.append(len(msgspec.json.decode(body, type=tp).objects))
            finally:
                gc.enable()
    return counts[0], counts[1]


def this_client(emu: dict, **options) -> Callable[[], tuple[int, int]]:
    def run() -> tuple[int, int]:
        with CloudSigmaClient(emu["url"], username=emu["username"], password=emu["password"], timeout=300,
                              **options) as c:
            return len(c.snapshots.list()), len(c.drives.list())

    return run


def this_client_async(emu: dict, **options) -> Callable[[], tuple[int, int]]:
    async def work() -> tuple[int, int]:
        async with AsyncCloudSigmaClient(emu["url"], username=emu["username"], password=emu["password"],
                                         timeout=300, **options) as c:
            snaps, drives = await asyncio.gather(c.snapshots.list(), c.drives.list())
            return len(snaps), len(drives)

    return lambda: asyncio.run(work())


def measure(fn: Callable[[], tuple[int, int]], repeat: int) -> tuple[float, tuple[int, int]]:
    times, counts = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        counts = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), counts


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--snapshots", type=int, default=100_000)
    p.add_argument("--drives", type=int, default=5_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--latency-ms", type=int, default=0,
                   help="emulator latency added to every request, to imitate a real network's round trip")
    p.add_argument("--quick", action="store_true", help="10k snapshots, 500 drives, one run")
    args = p.parse_args()
    if args.quick:
        args.snapshots, args.drives, args.repeat = 10_000, 500, 1
    print(f"starting an emulator process with {args.snapshots} snapshots and {args.drives} drives...", flush=True)
    with emulator_process(args.drives, args.snapshots, args.latency_ms) as remote:
        emu = {"url": remote.url, "username": remote.username, "password": remote.password}
        rows = [
            ("(a) pycloudsigma way: requests + json + json_normalize", lambda: pycloudsigma_way(emu)),
            ("(b) floor: raw GET limit=0 + msgspec decode", lambda: floor(emu)),
            ("(b') floor with the GC paused while decoding", lambda: floor(emu, pause_gc=True)),
            ("(c) CloudSigmaClient (defaults: pages of 5000, 4 at once)", this_client(emu)),
            ("    one limit=0 request (page_size=0)", this_client(emu, page_size=0)),
            ("    pages of 2000, 4 at once", this_client(emu, page_size=2000)),
            ("    pages of 10000, 4 at once", this_client(emu, page_size=10000)),
            ("    pages of 5000, one at a time", this_client(emu, concurrency=1)),
            ("    pages of 5000, 8 at once", this_client(emu, concurrency=8)),
            ("    AsyncCloudSigmaClient (defaults)", this_client_async(emu)),
        ]
        results = []
        for label, fn in rows:
            seconds, counts = measure(fn, args.repeat)
            results.append((label, seconds, counts))
            print(f"  measured {label.strip()}: {seconds:.3f} s", file=sys.stderr, flush=True)
    base_a, base_b = results[0][1], results[1][1]
    print(f"\nLoad {args.snapshots} snapshots + {args.drives} drives (median of {args.repeat}, "
          f"{args.latency_ms} ms added latency per request):\n")
    print(f"| {'variant':<58} | {'seconds':>7} | {'(a)/this':>8} | {'this/(b)':>8} | objects |")
    print(f"|{'-' * 60}|{'-' * 8}:|{'-' * 9}:|{'-' * 9}:|--------:|")
    for label, seconds, counts in results:
        print(f"| {label:<58} | {seconds:7.3f} | {base_a / seconds:7.2f}x | {seconds / base_b:7.2f}x | "
              f"{sum(counts):>7} |")
    expected = args.snapshots + args.drives
    wrong = [label.strip() for label, _, counts in results if sum(counts) != expected]
    if wrong:
        print(f"\nWARNING: object counts differ from {expected}: {wrong}")


if __name__ == "__main__":
    main()
