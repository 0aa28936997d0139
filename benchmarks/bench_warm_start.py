"""Warm start: the TUI opening on the cached inventory vs loading it cold, behind a slow API.

Run:  .venv/bin/python benchmarks/bench_warm_start.py [--snapshots 100000] [--drives 5000] [--latency-ms 200]
                                                      [--repeat 3]

The emulator runs in a process of its own (emulator_process.py) with `latency_ms` added to
every API request; the app is driven headless with Textual's Pilot at 80x24 with
`warm_start=True`, as the CLI starts it. Each run starts a new app and times, from the
moment the app is started (`run_test` entered):

- rows in the table: the first rows are in the table (cold: the API's first page, the
  preview; warm: the cache's newest rows)
- rows on screen: the first frame composed after that (what the terminal would show)
- all rows in the table: every snapshot is in the table (cold and warm: the fresh load; "warm,
  sorted at once": the whole cache, read because `s` was pressed on the first rows)
- fresh in: the fresh inventory has replaced whatever was shown (the same fresh load every way)

Cold runs use an empty data directory; warm runs one holding the cache the cold run wrote.
The baseline is the cold run in the same process, so the ratio is what the cache saves (and,
for "fresh in", what the warm start costs the fresh load). Each figure is the median of
`--repeat` runs. Separately, in a new interpreter each time: importing the modules the CLI's
TUI needs before its first frame (the part of "from launch" this harness does not see), and
the real thing once per repeat: the `snapshot-explorer` console script started in a pty, timed
to the moment the cache's newest snapshot's name is written to the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import shutil
import statistics
import subprocess
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
from explorer.tui.app import SnapshotExplorerApp  # noqa: E402
from explorer.tui.screens.browser import BrowserScreen  # noqa: E402

SIZE = (80, 24)
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", 600))


class Stamps:
    """When the browser has put each inventory's rows into the table (`_show_inventory` returned), and when
    the first frame after the first rows was composed (`App._display`)."""

    def __init__(self) -> None:
        self.start = 0.0
        self.mount = 0.0
        self.painted = 0.0
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

        real_display = SnapshotExplorerApp._display

        def display(app, screen, renderable):
            real_display(app, screen, renderable)
            if renderable is not None and stamps.shown and not stamps.painted:
                stamps.painted = time.perf_counter() - stamps.start

        BrowserScreen._show_inventory = show
        BrowserScreen.on_mount = mount
        SnapshotExplorerApp._display = display

    def first(self, predicate) -> tuple[float, bool, bool, int]:
        return next(s for s in self.shown if predicate(s))


async def one_start(url: str, user: str, password: str, stamps: Stamps, *, sort_at_once: bool = False) -> dict:
    """One start; `sort_at_once`: press `s` as soon as the first rows are in (a warm start then reads the
    whole cache: another order needs every row)."""
    client = AsyncCloudSigmaClient(url, username=user, password=password)
    app = make_app(client, warm_start=True)
    stamps.shown.clear()
    stamps.painted = 0.0
    stamps.start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        b = app.browser
        deadline = time.perf_counter() + TIMEOUT
        pressed = not sort_at_once
        while not (b.full_generation == b.generation > 0 and not b.on_cached_data):
            if time.perf_counter() > deadline:
                raise SystemExit(f"timed out: {stamps.shown}")
            if not pressed and stamps.shown:
                await pilot.press("s")
                pressed = True
            await pilot.pause(0.01 if not pressed else 0.05)
    await client.aclose()
    first = stamps.shown[0]
    whole = stamps.first(lambda s: not s[1])
    fresh = stamps.first(lambda s: not s[1] and not s[2])
    return {"mount": stamps.mount, "rows": first[0], "painted": stamps.painted, "first_count": first[3],
            "cached": first[2], "all_rows": whole[0], "fresh": fresh[0], "total": fresh[3]}


IMPORTS = ("import explorer.cli, explorer.tui.main, explorer.tui.app, explorer.config, explorer.session, "
           "explorer.data.cache")


#: what a launch with a preview imports before the preview's first frame (pandas & co come after, in a thread)
# (explorer.session, and with it httpx, is imported in the launch thread, after the preview's first frame)
PREVIEW_IMPORTS = ("import explorer.cli, explorer.tui.main, explorer.tui.app, explorer.config, "
                   "explorer.data.preview, explorer.tui.screens.preview")


def import_time(repeat: int, imports: str = IMPORTS) -> tuple[float, float]:
    """(seconds to import what the TUI needs before its first frame, seconds of a bare interpreter): medians."""
    def timed(code: str) -> float:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        return time.perf_counter() - t

    bare = statistics.median(timed("pass") for _ in range(repeat))
    return statistics.median(timed(imports) for _ in range(repeat)), bare


def launch_to_rows(url: str, user: str, password: str, data: str) -> dict[str, float | None]:
    """Seconds from starting `snapshot-explorer` (the console script, in a pty at 120x40) to: the first byte on
    the terminal (`byte`); the cache's newest snapshot's name written to it (`rows`: with a launch preview, the
    preview's; else the browser's); the browser's own screen (`browser`: its footer's "Filter" key, once the
    newest row is there)."""
    import pty
    import select
    import signal

    import pandas as pd

    head = pd.read_parquet(glob.glob(f"{data}/*/*/snapshots_head-*.parquet")[0])
    import pyarrow as pa

    from explorer.tui.formatting import middle_ellipsis_column
    from explorer.tui.view import NAME_WIDTH

    # the name as the table's row shows it (cut in the middle): the raw name's start is also in the detail pane,
    # which a launch without a preview drew in the same frame as the rows, but a preview does not have
    newest = str(head.nlargest(1, "timestamp")["name"].iloc[0])
    needle = str(middle_ellipsis_column(pa.array([newest]), NAME_WIDTH)[0]).encode()
    env = {**os.environ, paths.ENV_DATA_DIR: data, "CLOUDSIGMA_API_ENDPOINT": url, "CLOUDSIGMA_USERNAME": user,
           "CLOUDSIGMA_PASSWORD": password, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env.pop("CLOUDSIGMA_REGION", None)
    script = str(Path(sys.executable).with_name("snapshot-explorer"))
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(script, [script], env)
    seen, found = b"", {"byte": None, "rows": None, "browser": None}
    try:
        while found["browser"] is None and time.perf_counter() - start < 60:
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    seen += os.read(fd, 1 << 16)
                except OSError:
                    break
                now = time.perf_counter() - start
                found["byte"] = found["byte"] or now
                if found["rows"] is None and needle in seen:
                    found["rows"], seen = now, seen[seen.index(needle):]
                if found["rows"] is not None and b"Filter" in seen:
                    found["browser"] = now
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    return found


def paint_work(url: str, user: str, password: str) -> dict:
    """The warm start's own work, without the app: the first paint (the cache's head) vs all of the cache."""
    from explorer.data import inventory_source
    from explorer.data.cache import load_cached_head, load_cached_inventory
    from explorer.tui.screens.warm_start import CACHED_FIRST_ROWS, first_rows
    from explorer.tui.view import prepare

    source = inventory_source(AsyncCloudSigmaClient(url, username=user, password=password))  # never opened
    t = time.perf_counter()
    head, count, allocated = load_cached_head(source, CACHED_FIRST_ROWS)
    first_rows(head, count, allocated)
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
            results.setdefault("sorted", []).append(asyncio.run(one_start(url, user, password, stamps,
                                                                          sort_at_once=True)))
            results.setdefault("paint", []).append(paint_work(url, user, password))
            results.setdefault("launch", []).append(launch_to_rows(url, user, password, data))
            # the same launch without the preview (as a start without one goes, and as every start did before
            # it existed): the baseline, in the same run
            for preview in glob.glob(f"{data}/*/*/preview.json"):
                os.replace(preview, preview + ".aside")
            results.setdefault("launch_bare", []).append(launch_to_rows(url, user, password, data))
            assert results["warm"][-1]["cached"] and results["sorted"][-1]["cached"], "a warm run opened cold"
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
    imports, bare = import_time(args.repeat)
    preview_imports, _ = import_time(args.repeat, PREVIEW_IMPORTS)

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in results[kind])

    print(f"\nWarm start, {args.snapshots:,} snapshots on {args.drives:,} drives, {args.latency_ms} ms per request, "
          f"{SIZE[0]}x{SIZE[1]}, median of {args.repeat}; load avg {os.getloadavg()[0]:.1f}\n")
    print("| from app start to | cold (no cache) | warm (cache) | warm / cold | warm, sorted at once | sorted / cold |")
    print("|---|---|---|---|---|---|")
    labels = {"mount": "the main screen mounted (loading starts)", "rows": "rows in the table",
              "painted": "rows on screen (the next frame)", "all_rows": f"all {args.snapshots:,} rows in the table",
              "fresh": "fresh inventory in"}
    for key, label in labels.items():
        cold, warm, both = med("cold", key), med("warm", key), med("sorted", key)
        print(f"| {label} | {cold:.2f} s | {warm:.2f} s | {warm / cold:.2f}x | {both:.2f} s | {both / cold:.2f}x |")
    paint = {k: statistics.median(r[k] for r in results["paint"]) for k in ("first", "whole")}
    print(f"\nthe warm start's own work, without the app: read and format the cache's newest "
          f"{results['warm'][0]['first_count']:,} rows {paint['first']:.3f} s; all of the cache "
          f"{paint['whole']:.2f} s ({paint['first'] / paint['whole']:.2f}x)")
    first = results["cold"][0]["first_count"], results["warm"][0]["first_count"]
    print(f"\nfirst rows: {first[0]:,} (cold: the API's first page) / {first[1]:,} (warm: the cache's newest)")
    print(f"\nbefore the app starts, in a new interpreter: importing the TUI's modules {imports:.2f} s "
          f"(a bare interpreter {bare:.2f} s)")
    print("\n| from launch (`snapshot-explorer` in a pty, 120x40) to | no preview | preview | preview / none |")
    print("|---|---|---|---|")
    for key, label in (("byte", "the first byte on the terminal"),
                       ("rows", "the cache's newest row on the terminal"),
                       ("browser", "the browser's own screen (its footer) with that row")):
        bare, shown = ([r[key] for r in results[kind] if r[key] is not None] for kind in ("launch_bare", "launch"))
        if bare and shown:
            b, p = statistics.median(bare), statistics.median(shown)
            print(f"| {label} | {b:.2f} s | {p:.2f} s | {p / b:.2f}x |")
        else:
            print(f"| {label} | {'not seen' if not bare else ''} | {'not seen' if not shown else ''} | |")
    print(f"\nimporting what the preview needs before its first frame: {preview_imports:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
