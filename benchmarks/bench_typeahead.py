"""Type-ahead at scale: a 50-character paste and single keystrokes in the filter, at 100k and 1M snapshots.

Run:  .venv/bin/python benchmarks/bench_typeahead.py [--sizes 100000 1000000] [--no-index]
      (also: bench_tui.py --typeahead); --no-index: no n-gram index is built (the pipeline as it was before it)

Each size runs in a child process (its peak memory is its own), headless (Pilot) at 180x44, on a
fabricated inventory (tests/tui/factory.py: no network, so only the TUI is measured). The 50 keys
are queued back to back, as a paste without bracketed-paste mode or very fast typing delivers them.

- paste settle: from the last key queued until the first frame drawn after the table shows the
  final text's rows;
- keystroke repaint: from one key queued until the first frame that shows the character in the
  input; keystroke result: until the first frame after the table shows that text's rows;
- baseline, same app and run: the previous pipeline, which filtered the whole table on the event
  loop for every keystroke in turn (ratio = baseline / now; it shares the table drawing and the
  matching, so the ratio is the pipeline's alone);
- index: the n-gram index of the search text (explorer.data.ngram), built in a thread worker once the
  first rows are drawn; its build time and size. Typing starts once every worker is done, so the figures
  above are with the index (until it is built, words are tested by a pass over every row, as before);
- peak memory: the child process's, index and its build included;
- per key: each of the four single keystrokes' results (w, we, web, web-), to see which one is the maximum;
- load: the 1-minute load average when the size started and ended (other processes share the cores).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from explorer.data.ngram import NgramIndex  # noqa: E402
from explorer.data.query import QueryError, parse_query  # noqa: E402
from explorer.tui import make_app  # noqa: E402
from explorer.tui.screens.typeahead import TypeAheadMixin  # noqa: E402
from tests.tui.factory import make_inventory  # noqa: E402

PASTE = "web-01-snap-0001 size>1GiB age>1d -status:creating"[:50]
SIZE = (180, 44)


def _old_filter_as_typed(self, text: str) -> None:
    """The pipeline before: parse, then filter and repaint the whole table, on the event loop, every key."""
    bar = self._filter_bar()
    try:
        self.query_ = parse_query(text)
    except QueryError as exc:
        bar.show_error(str(exc))
        return
    bar.show_error("")
    self._refresh_view(cursor_row=0)


def _send(app, text: str) -> None:
    for char in text:
        key = {"-": "minus", " ": "space", ">": "greater_than_sign", ":": "colon"}.get(char, char)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def _run(n: int, index: bool = True) -> dict:
    t = time.perf_counter()
    inventory = make_inventory(n)
    out: dict = {"n": n, "build_s": time.perf_counter() - t}
    built = NgramIndex.build.__func__

    def timed_build(cls, *args, **kwargs):
        t = time.perf_counter()
        index = built(cls, *args, **kwargs)
        out["index_s"], out["index_mb"] = time.perf_counter() - t, index.nbytes / 2**20
        return index

    NgramIndex.build = classmethod(timed_build)
    if not index:
        TypeAheadMixin.warm_search_index = lambda self, view: None
    app = make_app(None, inventory=inventory)
    frames: list[tuple[float, str]] = []  # (when, the input's text at that frame)
    shown: list[tuple[float, str]] = []  # (when the table got rows, for which text)
    async with app.run_test(size=SIZE) as pilot:
        b = app.browser
        field = b.query_one("#filter-input")
        cls = type(b)
        original_frame, original_view = cls._compositor_refresh, cls._refresh_view

        def frame(self, *a, **kw):
            result = original_frame(self, *a, **kw)
            frames.append((time.perf_counter(), field.value))
            return result

        def view(self, *a, **kw):
            result = original_view(self, *a, **kw)
            shown.append((time.perf_counter(), self.query_.text if self.query_ is not None else ""))
            return result

        cls._compositor_refresh, cls._refresh_view = frame, view
        while any(not w.is_finished for w in app.workers):
            await pilot.pause(0.05)
        out["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        out["indexed"] = b._search_index is not None and b._search_index[0] is b.view
        await pilot.press("slash")

        async def settle(text: str, since: float) -> tuple[float, float]:
            """(first frame showing `text` in the input, first frame after the table shows its rows), from `since`."""
            guard = time.perf_counter() + 300
            while not (field.value == text and any(s >= since and q == text for s, q in shown)
                       and not b.filtering):
                if time.perf_counter() > guard:  # a hang, not a measurement
                    raise SystemExit(f"stuck: input {field.value!r}, shown {shown[-3:]}, filtering {b.filtering}")
                await pilot.pause(0.002)
            applied = max(s for s, q in shown if q == text)
            while not any(f > applied for f, _ in frames):
                await pilot.pause(0.002)
            echo = min(f for f, v in frames if f >= since and v == text)
            return echo - since, min(f for f, _ in frames if f > applied) - since

        async def clear() -> None:
            if not field.value:
                return  # nothing to clear: no change, no refresh
            since = time.perf_counter()
            field.value = ""
            await settle("", since)

        for label, pipeline in (("now", TypeAheadMixin.filter_as_typed), ("before", _old_filter_as_typed)):
            cls.filter_as_typed = pipeline
            await clear()
            _send(app, PASTE[:-1])
            t = time.perf_counter()
            _send(app, PASTE[-1])
            out[f"paste_{label}"] = (await settle(PASTE, t))[1]
            keys = []
            for text in ("w", "we", "web", "web-"):  # one key at a time, each settled
                await clear() if text == "w" else None
                t = time.perf_counter()
                _send(app, text[-1])
                keys.append(await settle(text, t))
            out[f"key_echo_{label}"] = max(k[0] for k in keys)
            out[f"key_result_{label}"] = max(k[1] for k in keys)
            out[f"keys_{label}"] = keys
        del cls.filter_as_typed  # back to the mixin's
        cls._compositor_refresh, cls._refresh_view = original_frame, original_view
    return out


def run_size(n: int, index: bool = True) -> dict:
    """One size in a child process (peak memory is per process)."""
    load = os.getloadavg()[0]
    child = subprocess.run([sys.executable, __file__, "--child", str(n), *([] if index else ["--no-index"])],
                           capture_output=True, text=True, check=True)
    return {**json.loads(child.stdout.strip().splitlines()[-1]), "load": (load, os.getloadavg()[0])}


def table(results: list[dict]) -> str:
    ms = lambda s: f"{s * 1000:,.0f} ms"  # noqa: E731
    lines = ["| snapshots | 50-char paste settles (before) | ratio | keystroke repaint (before) | "
             "keystroke result (before) | ratio | index build, size | peak memory | load |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['n']:,} | {ms(r['paste_now'])} ({ms(r['paste_before'])}) | "
                     f"{r['paste_before'] / r['paste_now']:.1f}x | "
                     f"{ms(r['key_echo_now'])} ({ms(r['key_echo_before'])}) | "
                     f"{ms(r['key_result_now'])} ({ms(r['key_result_before'])}) | "
                     f"{r['key_result_before'] / r['key_result_now']:.1f}x | "
                     f"{_index(r)} | {r['rss_gb']:.2f} GB | "
                     f"{r['load'][0]:.1f}–{r['load'][1]:.1f} |")
    lines += ["", "| snapshots | result of w | we | web | web- |", "|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['n']:,} | " + " | ".join(ms(k[1]) for k in r["keys_now"]) + " |")
    return "\n".join(lines)


def _index(r: dict) -> str:
    if not r.get("indexed"):
        return "not built"
    return f"{r['index_s']:.1f} s, {r['index_mb']:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--no-index", action="store_true", help="build no n-gram index (the pipeline before it)")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(_run(args.child, not args.no_index))))
        return 0
    print(table([run_size(n, not args.no_index) for n in args.sizes]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
