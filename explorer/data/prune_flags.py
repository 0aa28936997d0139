"""The `prune` command's flags (argparse only: the CLI builds its parser without importing pandas)."""

from __future__ import annotations

import argparse

KEEP_COUNTS = ("last", "hourly", "daily", "weekly", "monthly", "yearly")


def add_prune_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("rules (per drive; a snapshot kept by any rule is kept)")
    for name in KEEP_COUNTS:
        what = "the N newest snapshots" if name == "last" else f"the newest snapshot of the last N {name} buckets"
        g.add_argument(f"--keep-{name}", type=int, metavar="N", help=f"keep {what}")
    g.add_argument("--keep-within", metavar="DURATION", help="keep everything newer than now minus 36h, 30d, 8w, 1y")
    g.add_argument("--keep-tag", action="append", default=[], metavar="NAME", help="keep snapshots tagged NAME")
    p.add_argument("--drive", action="append", default=[], metavar="NAME|UUID", help="only these drives (repeatable)")
    p.add_argument("--filter", metavar="Q", help="only snapshots matching Q (the TUI's filter language)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--apply", action="store_true", help="delete the planned snapshots (after typing their number)")
    p.add_argument("--yes", action="store_true", help="with --apply: do not ask")
    p.add_argument("--read-only", action="store_true", help="refuse --apply")
