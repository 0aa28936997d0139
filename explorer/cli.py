"""Command line: parse flags, then hand over to the front end that runs.

Each sub-command's work lives with its layer (`explorer.tui.main`,
`explorer.emulator.main`, `explorer.data.commands`); this module only parses and
dispatches, and turns an :class:`~explorer.errors.ExplorerError` into a clear
message and exit status 2 instead of a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from explorer.errors import AuthenticationError, ExplorerError


def _connection_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("connection (default: environment, ~/.cloudsigma.conf, else the demo)")
    where = g.add_mutually_exclusive_group()
    where.add_argument("--demo", action="store_true", help="use the embedded demo emulator")
    where.add_argument("--region", metavar="CODE[,CODE...]",
                       help="CloudSigma location code(s), e.g. ZRH or ZRH,FRA (the same credentials at each)")
    where.add_argument("--endpoint", metavar="URL", action="append",
                       help="full API endpoint, e.g. https://zrh.cloudsigma.com/api/2.0/ (repeat it for several)")
    g.add_argument("--username", metavar="EMAIL", help="account e-mail (password from CLOUDSIGMA_PASSWORD or a prompt)")
    g.add_argument("--config", metavar="PATH", help="pycloudsigma-style config file (default ~/.cloudsigma.conf)")
    g.add_argument("--offline", action="store_true", help="open the last cached inventory without contacting the API")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("snapshot-explorer")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snapshot-explorer",
        description="Browse, clean up and cost CloudSigma drive snapshots.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    tui = sub.add_parser("tui", help="the terminal UI (the default)")
    _connection_flags(tui)
    tui.add_argument("--read-only", action="store_true", help="disable every write action")

    emu = sub.add_parser("emulator", help="serve the CloudSigma API emulator in the foreground")
    emu.add_argument("--host", default="127.0.0.1")
    emu.add_argument("--port", type=int, default=0, help="0 picks a free port")
    emu.add_argument("--db", metavar="PATH", help="SQLite file for persistent state (default: in memory)")
    emu.add_argument("--seed", type=int, default=1, help="demo fleet seed (same seed, same fleet)")
    emu.add_argument("--location", metavar="CODE",
                     help="describe itself as this CloudSigma location (e.g. ZRH, FRA): its currency, prices "
                          "and /locations/ entry, and demo backups kept in another location")
    emu.add_argument("--drives", type=int, default=None, help="number of demo drives (default about 50)")
    emu.add_argument("--snapshots", type=int, default=None, help="number of demo snapshots (default a few thousand)")
    emu.add_argument("--user", metavar="EMAIL:PASSWORD", action="append", default=[],
                     help="add an account (repeatable); the first owns the demo fleet. A password here is "
                          "visible in `ps`: prefer --users-file or $SNAPSHOT_EXPLORER_EMULATOR_USERS")
    emu.add_argument("--users-file", metavar="PATH",
                     help="accounts from a file, one EMAIL:PASSWORD per line; it must be mode 0600. "
                          "$SNAPSHOT_EXPLORER_EMULATOR_USERS (same lines) adds accounts too")
    emu.add_argument("--expose-controls", action="store_true",
                     help="let non-loopback clients use the unauthenticated /_emulator/ controls")
    emu.add_argument("--deletion-delay", type=float, default=0.0, metavar="SECONDS",
                     help="deleted snapshots stay listed this long, as the real API deletes asynchronously")
    emu.add_argument("--fail-rate", type=float, default=0.0, metavar="F", help="fraction of API requests answered 5xx")
    emu.add_argument("--latency-ms", type=int, default=0, metavar="N", help="added latency per request")

    for name, help_text in (
        ("export", "write the inventory to a file"),
        ("cost", "print the account's snapshot cost summary"),
        ("record", "take one history observation (for cron)"),
    ):
        p = sub.add_parser(name, help=help_text)
        _connection_flags(p)
        if name == "export":
            p.add_argument("--format", choices=("csv", "parquet", "json"), required=True)
            p.add_argument("--output", metavar="PATH", required=True)
            p.add_argument("--frame", choices=("snapshots", "drives"), default="snapshots")
        if name == "record":
            p.add_argument("--parquet-dir", metavar="DIR",
                           help="also append this observation to a Hive-partitioned Parquet folder "
                                "(location=.../date=.../), as `history export` writes it")
        if name in ("export", "cost"):
            p.add_argument("--filter", metavar="Q", help="only snapshots matching Q, the TUI's filter language "
                           "(e.g. 'size>10GiB age>90d -tag:keep')")
        if name == "cost":
            p.add_argument("--currency", help="show prices in this currency instead of the account's")
            p.add_argument("--top", type=int, default=10, help="how many drives to list")
            p.add_argument("--format", choices=("table", "json", "csv"), default="table",
                           help="table (default), json (the whole report) or csv (the drive table)")
            owner = p.add_mutually_exclusive_group()
            owner.add_argument("--owner-key", metavar="KEY", help="meta key naming a snapshot's owner (default owner)")
            owner.add_argument("--owner-tag", metavar="PREFIX", help="owner from a tag name prefix, e.g. team-")

    from explorer.data.prune_flags import add_prune_flags  # argparse only: no pandas

    prune = sub.add_parser("prune", help="plan deleting snapshots by retention rules (dry run unless --apply)")
    _connection_flags(prune)
    add_prune_flags(prune)
    fc = sub.add_parser("forecast", help="forecast snapshot bytes and count, quota and burst ETAs")
    _connection_flags(fc)
    fc.add_argument("--days", type=int, default=30, metavar="N", help="how far ahead (default 30)")
    fc.add_argument("--format", choices=("table", "json"), default="table")
    hist = sub.add_parser("history", help="the observation history store (what `record` appends to)")
    hist_sub = hist.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    hexp = hist_sub.add_parser("export", help="write the whole history as Hive-partitioned Parquet "
                               "(location=CODE/date=YYYY-MM-DD/), readable by DuckDB, Spark and Trino as it is")
    hexp.add_argument("--output", metavar="DIR", required=True, help="the folder (created 0700; files 0600)")
    hexp.add_argument("--store", metavar="PATH", help="the DuckDB history file (default: the user data directory's)")
    rep = sub.add_parser("report", help="write a self-contained HTML report (costs, growth, big and old snapshots)")
    _connection_flags(rep)
    rep.add_argument("--output", metavar="FILE.html", required=True, help="where to write it (opens offline)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["tui", *argv]
    args = parser.parse_args(argv)
    try:
        if args.command == "tui":
            from explorer.tui.main import run
        elif args.command == "emulator":
            from explorer.emulator.main import run
        elif args.command == "report":
            from explorer.report import run
        elif args.command == "history":
            from explorer.data.partitioned import run
        else:
            from explorer.data.commands import run
        return run(args) or 0
    except AuthenticationError as exc:
        from explorer.config import CREDENTIALS_HELP

        print(f"snapshot-explorer: {exc}\n{CREDENTIALS_HELP}", file=sys.stderr)
        return 2
    except ExplorerError as exc:
        print(f"snapshot-explorer: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `snapshot-explorer cost | head`: the reader left; say nothing more (as Unix tools do).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
