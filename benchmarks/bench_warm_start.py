"""Warm start: the TUI opening on the cached inventory vs loading it cold, behind a slow API.

Run:  .venv/bin/python benchmarks/bench_warm_start.py [--snapshots 100000] [--drives 5000] [--latency-ms 200]
                                                      [--repeat 3]

The emulator runs in a process of its own (emulator_process.py) with `latency_ms` added to
every API request; the app is driven headless with Textual's Pilot at 80x24 with
`warm_start=True`, as the CLI starts it. Each run starts a new app and times, from the
moment the app is started (`run_test` entered):

- rows drawn: the first rows are in the table and the screen has been refreshed with them
  (cold: the API's first page, the preview; warm: the cache's newest rows)
- all rows drawn: every snapshot is in the table (cold: the fresh load; warm: the whole cache)
- fresh in: the fresh inventory has replaced whatever was shown (the same fresh load both ways)

Cold runs use an empty data directory; warm runs one holding the cache the cold run wrote.
The baseline is the cold run in the same process, so the ratio is what the cache saves.
Each figure is the median of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator_process import emulator_process  # noqa: E402

from explorer.client import AsyncCloudSigmaClient  # noqa: E402
from explorer.data import paths  # noqa: E402
from explorer.tui import make_app  # noqa: E402
from explorer.tui.screens.browser import BrowserScreen  # noqa: E402

SIZE = (80, 24)
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", 600))


class Stamps:
    """When the browser has put each inventory's rows into the table (`_show_inventory` returned)."""

    def __init__(self) -> None:
        self.start = 0.0
        self.mount = 0.0
        self.shown: list[tuple[float, bool, bool, int]] = []  # (seconds, partial, cached, rows)

    def install(self) -> None:
        real = BrowserScreen._show_inventory
        stamps = self

        def show(screen, inventory, prepared=None, *, top=False):  # preview_shown is already this message's
            real(screen, inventory, prepared, top=top)
            stamps.shown.append((time.perf_counter() - stamps.start, screen.preview_shown,
                                 inventory.source.offline, screen.table.backend.row_count))

        real_mount = BrowserScreen.on_mount

        def mount(screen):
            stamps.mount = time.perf_counter() - stamps.start
            real_mount(screen)

        BrowserScreen._show_inventory = show
        BrowserScreen.on_mount = mount

    def first(self, predicate) -> tuple[float, bool, bool, int]:
        return next(s for s in self.shown if predicate(s))


async def one_start(url: str, user: str, password: str, stamps: Stamps) -> dict:
    client = AsyncCloudSigmaClient(url, username=user, password=password)
    app = make_app(client, warm_start=True)
    stamps.shown.clear()
    stamps.start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        b = app.browser
        deadline = time.perf_counter() + TIMEOUT
        while not (b.full_generation == b.generation > 0 and not b.on_cached_data):
            if time.perf_counter() > deadline:
                raise SystemExit(f"timed out: {stamps.shown}")
            await pilot.pause(0.05)
    await client.aclose()
    first = stamps.shown[0]
    whole = stamps.first(lambda s: not s[1])
    fresh = stamps.first(lambda s: not s[1] and not s[2])
    return {"mount": stamps.mount, "rows": first[0], "first_count": first[3], "cached": first[2],
            "all_rows": whole[0], "fresh": fresh[0],
            "total": fresh[3]}


def paint_work(url: str, user: str, password: str) -> dict:
    """The warm start's own work, without the app: the first paint (the cache's head) vs all of the cache."""
    from explorer.data import inventory_source
    from explorer.data.cache import load_cached_head, load_cached_inventory
    from explorer.tui.view import prepare
    from explorer.tui.workers import CACHED_FIRST_ROWS, _first_rows

    source = inventory_source(AsyncCloudSigmaClient(url, username=user, password=password))  # never opened
    t = time.perf_counter()
    head, count, allocated = load_cached_head(source, CACHED_FIRST_ROWS)
    _first_rows(head, count, allocated)
    first = time.perf_counter() - t
    t = time.perf_counter()
    prepare(load_cached_inventory(source=source))
    return {"first": first, "whole": time.perf_counter() - t}


def run(url: str, user: str, password: str, repeat: int) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {"cold": [], "warm": []}
    stamps = Stamps()
    stamps.install()
    for _ in range(repeat):
        data = tempfile.mkdtemp(prefix="bench-warm-")
        os.environ[paths.ENV_DATA_DIR] = data
        try:
            results["cold"].append(asyncio.run(one_start(url, user, password, stamps)))  # writes the cache
            assert not results["cold"][-1]["cached"]
            results["warm"].append(asyncio.run(one_start(url, user, password, stamps)))
            results.setdefault("paint", []).append(paint_work(url, user, password))
            assert results["warm"][-1]["cached"], "the warm run did not open on the cache"
        finally:
            shutil.rmtree(data, ignore_errors=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshots", type=int, default=100_000)
    parser.add_argument("--drives", type=int, default=5_000)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with emulator_process(args.drives, args.snapshots, args.latency_ms) as emu:
        results = run(emu.url, emu.username, emu.password, args.repeat)

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in results[kind])

    print(f"\nWarm start, {args.snapshots:,} snapshots on {args.drives:,} drives, {args.latency_ms} ms per request, "
          f"{SIZE[0]}x{SIZE[1]}, median of {args.repeat}; load avg {os.getloadavg()[0]:.1f}\n")
    print("| from app start to | cold (no cache) | warm (cache) | warm / cold |")
    print("|---|---|---|---|")
    labels = {"mount": "the main screen mounted (loading starts)", "rows": "rows drawn",
              "all_rows": f"all {args.snapshots:,} rows drawn", "fresh": "fresh inventory in"}
    for key, label in labels.items():
        cold, warm = med("cold", key), med("warm", key)
        print(f"| {label} | {cold:.2f} s | {warm:.2f} s | {warm / cold:.2f}x |")
    paint = {k: statistics.median(r[k] for r in results["paint"]) for k in ("first", "whole")}
    print(f"\nthe warm start's own work, without the app: read and format the cache's newest "
          f"{results['warm'][0]['first_count']:,} rows {paint['first']:.3f} s; all of the cache "
          f"{paint['whole']:.2f} s ({paint['first'] / paint['whole']:.2f}x)")
    first = results["cold"][0]["first_count"], results["warm"][0]["first_count"]
    print(f"\nfirst rows: {first[0]:,} (cold: the API's first page) / {first[1]:,} (warm: the cache's newest)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
