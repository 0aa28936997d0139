"""The `export`, `cost` and `record` sub-commands (flags are parsed in explorer.cli), over every configured location."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from explorer.data import private
from explorer.data.inventory import Inventory
from explorer.errors import ExplorerError, ValidationError


class StderrProgress:
    """Progress of a long load on stderr: one self-overwriting line on a terminal, a line per stage otherwise."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last: str | None = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        finished = total is not None and done >= total
        if self.tty:
            of = f"/{total:,}" if total is not None else ""
            self.stream.write(f"\rloading {stage}: {done:,}{of}  " + ("\n" if finished else ""))
            self.stream.flush()
        elif finished and self._last != stage:  # logs and cron mails get one line per stage
            where, _, base = stage.rpartition(" ")  # "ZRH snapshots" when several locations load
            at = f" at {where}" if where else ""
            what = f"billing data{at} ({done} requests)" if base == "billing" else f"{done} {base}{at}"
            self.stream.write(f"loaded {what}\n")
        if finished:
            self._last = stage


def offline_inventory(args: argparse.Namespace) -> Inventory:
    """The cached inventory for `--offline`, without resolving any credentials (nothing may prompt).

    With `--demo` the demo's cache. With several locations configured (`--region ZRH,FRA`, repeated
    `--endpoint`, a config file section per location) every one's own cache, combined; a location with no
    cache is named in `inv.failures`. Otherwise the newer of the account's and the demo's.
    """
    from explorer.data.cache import load_cached_inventory

    places = None if getattr(args, "demo", False) else _configured_places(args)
    if places is not None:
        from explorer.data.locations import load_cached_locations

        return load_cached_locations(places)
    inv = load_cached_inventory(demo=True if getattr(args, "demo", False) else None)
    if inv.source.demo and inv.location:  # the demo's locations are cached apart: show all that are
        return _cached_demo_locations(inv)
    return inv


def _no_password(username: str) -> str:
    return ""  # offline nothing is sent anywhere: the password is never asked for, nor needed


def _configured_places(args: argparse.Namespace) -> list | None:
    """``(code, source)`` of each configured location when there are several, else None (one, demo, or unusable
    settings: the caller reads the newest cache as before). Credentials are never prompted for nor kept."""
    from urllib.parse import urlsplit

    from explorer.client.regions import normalize_endpoint
    from explorer.config import load_locations_settings
    from explorer.data.inventory import Source
    from explorer.errors import ConfigError

    try:
        settings = load_locations_settings(args, prompt=_no_password)
    except ConfigError:
        return None
    if len(settings) < 2 or any(s.demo or not s.endpoint for s in settings):
        return None
    places = []
    for s in settings:
        endpoint = normalize_endpoint(s.endpoint)  # as the client names it, so as its cache slot is keyed
        code = s.location or urlsplit(endpoint).netloc.lower()  # what an online load calls it (session.ask_location)
        places.append((code, Source(endpoint=endpoint, account=s.username)))
    return places


def _cached_demo_locations(newest: Inventory) -> Inventory:
    from explorer.config import DEMO_LOCATIONS
    from explorer.data.cache import load_cached_inventory
    from explorer.data.locations import combine
    from explorer.errors import CacheError

    parts = []
    for code, _ in DEMO_LOCATIONS:
        try:
            parts.append(load_cached_inventory(source=newest.source, location=code))
        except CacheError:
            continue
    return combine(parts) if len(parts) > 1 else newest


#: Exit status when the command ran but some location failed (its rows are missing, or cached and stale).
EXIT_LOCATION_FAILED = 3


def load_for_command(args: argparse.Namespace, *, stream: TextIO | None = None) -> Inventory:
    """The inventory the command works on: the offline cache with --offline, else a fresh load of every location.

    Several locations load concurrently into one inventory (explorer.data.locations); a failed one is in
    `inv.failures` (see :func:`failure_lines`). One configured location that fails raises its error, as does a
    load where no location gave any rows.
    """
    if getattr(args, "offline", False):
        return offline_inventory(args)
    from explorer.config import load_locations_settings
    from explorer.session import open_sessions

    with open_sessions(load_locations_settings(args)) as sessions:
        return load_sessions(sessions, stream=stream)


def load_sessions(sessions, *, stream: TextIO | None = None) -> Inventory:
    """Load the sessions' locations (explorer.session.open_sessions) for a command; see :func:`load_for_command`."""
    from explorer.data.locations import load_locations

    errors: list = []
    inv = load_locations(sessions, progress=StderrProgress(stream), errors=errors)
    return checked_load(inv, errors, len(sessions))


def checked_load(inv: Inventory, errors: list, locations: int) -> Inventory:
    """`inv`, unless its load is no use at all: one location that failed, or no location with rows."""
    if errors and (locations == 1 or (len(errors) == locations and not inv.parts)):
        if locations == 1:
            raise errors[0][1]
        raise ExplorerError("no location could be loaded: " + "; ".join(f"{code}: {exc}" for code, exc in errors))
    return inv


def failure_lines(inv: Inventory) -> list[str]:
    """One line per failed location: which, where, why, and whether its cached rows are shown (stale)."""
    lines = []
    for f in inv.failures:
        shown = (f"its cached rows from {f.stale_since:%Y-%m-%d %H:%M} UTC are included, marked stale"
                 if f.stale_since is not None else "no cached rows of it: it is missing from this output")
        lines.append(f"location {f.location} FAILED ({f.endpoint}): {f.reason}; {shown}")
    return lines


def report_failures(inv: Inventory, err: TextIO, *, shown: bool = False) -> int:
    """Name every failed location on `err` (unless the output already `shown` them); the exit status to return."""
    if not shown:
        for line in failure_lines(inv):
            print(f"snapshot-explorer: {line}", file=err)
    return EXIT_LOCATION_FAILED if inv.failures else 0


def _output_path(output: str | Path) -> Path:
    path = Path(output).expanduser()
    if not path.parent.is_dir():
        raise ValidationError(f"cannot write {path}: directory {path.parent} does not exist")
    return path


def _check_args(args: argparse.Namespace) -> None:
    """Refuse flags that cannot work before anything is loaded (a full load can take minutes)."""
    if getattr(args, "filter", None):
        from explorer.data.query import parse_query

        parse_query(args.filter)  # a bad term is a clear error now, not after the load
    if args.command == "export":
        _output_path(args.output)
        if getattr(args, "filter", None) and args.frame != "snapshots":
            raise ValidationError("--filter selects snapshots: use it with --frame snapshots")
    elif args.command == "cost" and getattr(args, "top", None) is not None and args.top < 1:
        raise ValidationError(f"--top needs a positive number of drives (got {args.top})")
    if args.command == "cost":
        _owner_rule(args)


def _owner_rule(args: argparse.Namespace):
    from explorer.data.owners import OwnerRule

    if getattr(args, "owner_tag", None) is not None:
        return OwnerRule(tag_prefix=args.owner_tag)
    return OwnerRule(key=getattr(args, "owner_key", None) or "owner")


def _count(n: int, frame_name: str) -> str:
    return f"{n:,} {frame_name if n != 1 else frame_name.rstrip('s')}"


def _origin(inv: Inventory) -> str:
    """Where exported rows come from, as `cost` and `record` say it: the demo's data is never taken for real."""
    from explorer.data.report import describe_source

    if inv.source.demo:
        return "demo data, not a CloudSigma account: " + describe_source(inv)
    return describe_source(inv)


def _check_currency(inv: Inventory, currency: str) -> None:
    have = sorted(set(inv.prices["currency"].dropna().str.upper()))
    if currency not in have:
        raise ValidationError(f"--currency {currency}: the account has no prices in {currency}; "
                              f"it has prices in {', '.join(have) or 'no currency at all'}")


def _cost(inv: Inventory, args: argparse.Namespace) -> str:
    from explorer.data.cost_report import build_cost_report, cost_json_text, drives_csv
    from explorer.data.report import cost_report

    if args.currency:
        _check_currency(inv, args.currency.upper())
    report = build_cost_report(inv, currency=args.currency.upper() if args.currency else None,
                               filter_text=getattr(args, "filter", None), owner_rule=_owner_rule(args))
    fmt = getattr(args, "format", "table") or "table"
    if fmt == "json":
        return cost_json_text(report)
    if fmt == "csv":
        return drives_csv(report).rstrip("\n")
    return cost_report(inv, top=args.top, report=report)


def _durations_in_seconds(frame):
    """A copy with every duration column (`age`) as float seconds: portable, unlike pandas' "111 days 09:34:03"."""
    out = frame.copy()
    for col in out.columns:
        if str(out[col].dtype).startswith("timedelta"):
            out[col] = out[col].dt.total_seconds()
    return out


def export(inv: Inventory, frame_name: str, fmt: str, output: str | Path, filter_text: str | None = None) -> int:
    """Write one frame (the snapshots matching `filter_text`, when given); returns the number of rows written."""
    frame = inv.where(filter_text) if filter_text else getattr(inv, frame_name)
    path = _output_path(output)
    try:
        private.prepare_private(path)  # 0600 before a row is written: names, meta and uuids are account data
        if fmt == "csv":
            _durations_in_seconds(frame).to_csv(path, index=False)
        elif fmt == "parquet":
            frame.to_parquet(path, index=False)  # Parquet has a duration type: `age` stays one
        elif fmt == "json":
            out = _durations_in_seconds(frame)
            # In JSON, meta is an object and tags a list, not the flat strings CSV needs.
            out["meta"] = [json.loads(m) if isinstance(m, str) else {} for m in out["meta"]]
            out["tags"] = [t.split(",") if isinstance(t, str) and t else [] for t in out["tags"]]
            out.to_json(path, orient="records", date_format="iso", date_unit="us", indent=1)
        else:
            raise ValidationError(f"unknown export format {fmt!r}")
    except OSError as exc:
        raise ExplorerError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(frame)


def _record(inv: Inventory, parquet_dir: str | None = None) -> str:
    """One observation per freshly loaded location (a failed location's cached rows are not a new observation)."""
    if not inv.parts:
        return _record_one(inv, parquet_dir)
    fresh = [p for p in inv.parts if not p.source.offline]
    if not fresh:
        raise ExplorerError("nothing to record: no location was loaded fresh")
    return "\n".join(_record_one(p, parquet_dir) for p in fresh)


def _record_one(inv: Inventory, parquet_dir: str | None = None) -> str:
    from explorer.data.history import HistoryStore
    from explorer.data.report import record_report
    from explorer.data.units import human_bytes

    store = HistoryStore()
    result = store.record(inv)
    text = record_report(result, inv)
    if parquet_dir:
        from explorer.data.partitioned import append_latest

        written = append_latest(store, parquet_dir, result.record_id)
        text += f"\nappended {written.rows:,} rows to {written.path}"
    recs = store.records(source=inv.source)
    if len(recs) >= 2:
        d = store.diff(recs["observed_at"].iloc[-2], source=inv.source)
        grown = int(d.grown["delta"].sum()) if len(d.grown) else 0
        text += (f"\nsince the previous observation: {len(d.new):,} new, {len(d.deleted):,} deleted, "
                 f"{len(d.grown):,} grown (+{human_bytes(grown)})")
    return text


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    if args.command in ("prune", "forecast"):  # retention plans and forecasts (issue 13)
        from explorer.data.forecast_report import run_forecast
        from explorer.data.plan_commands import run_prune

        return run_prune(args, out, err) if args.command == "prune" else run_forecast(args, out, err)
    _check_args(args)
    inv = load_for_command(args, stream=err)
    shown = False
    if args.command == "export":
        n = export(inv, args.frame, args.format, args.output, getattr(args, "filter", None))
        print(f"wrote {_count(n, args.frame)} to {args.output} ({args.format}) - {_origin(inv)}", file=err)
    elif args.command == "cost":
        print(_cost(inv, args), file=out)
        shown = (getattr(args, "format", "table") or "table") == "table"  # the table names them itself
    elif args.command == "record":
        print(_record(inv, getattr(args, "parquet_dir", None)), file=out)
    else:
        raise ValidationError(f"unknown data command {args.command!r}")
    return report_failures(inv, err, shown=shown)
