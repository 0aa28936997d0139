"""The `prune` (retention plan, dry run unless --apply) and `forecast` sub-commands (flags parsed in explorer.cli)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

import pandas as pd

from explorer.data.inventory import Inventory
from explorer.data.units import human_bytes, money
from explorer.errors import ExplorerError, ValidationError

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


def rules_from_args(args: argparse.Namespace):
    from explorer.data.retention import RetentionRules

    return RetentionRules(**{n: getattr(args, f"keep_{n}") for n in KEEP_COUNTS}, within=args.keep_within,
                          tags=tuple(args.keep_tag))


def check_prune_args(args: argparse.Namespace) -> None:
    """Everything that can be refused before a (possibly long) load."""
    rules_from_args(args)
    if args.filter:
        from explorer.data.query import parse_query

        parse_query(args.filter)
    if args.apply and getattr(args, "offline", False):
        raise ValidationError("--apply deletes from a fresh load; it cannot work from the offline cache (--offline)")
    if args.apply and args.read_only:
        raise ValidationError("--apply deletes snapshots; --read-only refuses it")
    if args.yes and not args.apply:
        raise ValidationError("--yes only confirms --apply")


def make_plan(inv: Inventory, args: argparse.Namespace):
    from explorer.data.retention import plan_retention

    scope = None
    if args.filter:
        from explorer.data.query import parse_query, query_frame

        scope = parse_query(args.filter).mask(query_frame(inv))
    return plan_retention(inv, rules_from_args(args), drives=tuple(args.drive), scope=scope)


def _num(x: float) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _iso(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).tz_convert("UTC").isoformat()


def _kind(resource: str) -> str:
    """A plan_money row's kind: a drive's backups are the row billed as `backup`."""
    from explorer.data.prices import BACKUP_RESOURCE

    return "remote" if resource == BACKUP_RESOURCE else "local"


def plan_json(plan, per_drive: pd.DataFrame, totals) -> dict:
    d, k = plan.delete, plan.keep
    return {
        "now": _iso(plan.now), "rules": plan.rules.as_dict(),
        "delete": [{"uuid": u, "name": None if pd.isna(n) else n, "drive_uuid": None if pd.isna(du) else du,
                    "kind": None if pd.isna(kd) else str(kd),
                    "timestamp": _iso(t), "allocated_size": None if pd.isna(a) else int(a)}
                   for u, n, du, kd, t, a in zip(d["uuid"], d["name"], d["drive_uuid"], d["kind"], d["timestamp"],
                                                 d["allocated_size"], strict=True)],
        "keep": [{"uuid": u, "reasons": r.split(",")} for u, r in zip(k["uuid"], k["reasons"], strict=True)],
        "totals": {"delete_count": totals.snapshot_count, "bytes_freed": totals.bytes_freed,
                   "saves_now": _num(totals.saves_now_monthly),
                   "value_at_subscription": _num(totals.monthly_cost_subscription)},
        "drives": [{"uuid": r.drive_uuid, "name": None if pd.isna(r.drive_name) else r.drive_name,
                    "kind": _kind(r.resource), "kept": int(r.kept),
                    "deleted": int(r.deleted), "bytes_freed": int(r.bytes_freed), "saves_now": _num(r.saves_now),
                    "value_at_subscription": _num(r.value_at_subscription), "currency": totals.currency}
                   for r in per_drive.itertuples()],
    }


def plan_table(inv: Inventory, plan, per_drive: pd.DataFrame, totals) -> str:
    cur = totals.currency
    lines = [f"Retention plan at {plan.now:%Y-%m-%d %H:%M} UTC ({plan.rules.describe()}), "
             f"{'demo emulator' if inv.source.demo else inv.source.endpoint or 'inventory'}",
             f"Money per 30-day month in {cur}: 'saves now' is burst no longer paid; "
             "'at subscription' is what the snapshots are worth at the subscription price.",
             f"{'drive':<28} {'kept':>6} {'delete':>6} {'frees':>10} {'saves now':>12} {'at subscription':>16}"]
    lines.append("-" * len(lines[-1]))
    for r in per_drive.itertuples():
        name = r.drive_name if isinstance(r.drive_name, str) else f"{r.drive_uuid[:8]}… (missing)"
        name = (f"{name[:18]} (backups)" if _kind(r.resource) == "remote" else name)[:28]  # backups: own row
        lines.append(f"{name:<28} {r.kept:>6} {r.deleted:>6} {human_bytes(r.bytes_freed):>10} "
                     f"{money(r.saves_now, cur):>12} {money(r.value_at_subscription, cur):>16}")
    lines.append(f"{'total':<28} {int(per_drive['kept'].sum()):>6} {totals.snapshot_count:>6} "
                 f"{human_bytes(totals.bytes_freed):>10} {money(totals.saves_now_monthly, cur):>12} "
                 f"{money(totals.monthly_cost_subscription, cur):>16}")
    if totals.snapshot_count:
        lines.append(totals.describe())
    return "\n".join(lines)


def _confirm(count: int, stream_in: TextIO, err: TextIO) -> bool:
    err.write(f"Type {count} to delete {count} snapshot{'s' if count != 1 else ''} (anything else cancels): ")
    err.flush()
    answer = stream_in.readline()
    return answer.strip() == str(count)


def run_prune(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO | None = None) -> int:
    from explorer.data.commands import load_for_command
    from explorer.data.retention import plan_money

    check_prune_args(args)
    if args.apply:
        return asyncio.run(_apply(args, out, err, stdin or sys.stdin))
    inv = load_for_command(args, stream=err)
    plan = make_plan(inv, args)
    per, totals = plan_money(inv, plan)
    if args.format == "json":
        print(json.dumps(plan_json(plan, per, totals), indent=1), file=out)
    else:
        print(plan_table(inv, plan, per, totals), file=out)
        if totals.snapshot_count:
            print(f"Dry run: nothing was deleted. Add --apply to delete these {totals.snapshot_count} snapshots.",
                  file=out)
    return 0


async def _apply(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from explorer.config import load_settings
    from explorer.data.actions import delete_snapshots
    from explorer.data.commands import StderrProgress
    from explorer.data.load import inventory_source, load_inventory_async
    from explorer.data.retention import plan_money
    from explorer.session import open_session

    with open_session(load_settings(args), asynchronous=True) as session:
        try:
            # Always a fresh load: deleting from a stale picture could delete what is now the newest snapshot.
            inv = await load_inventory_async(session.client, progress=StderrProgress(err),
                                             source=inventory_source(session))
            plan = make_plan(inv, args)
            per, totals = plan_money(inv, plan)
            report = plan_json(plan, per, totals)
            if args.format == "table":
                print(plan_table(inv, plan, per, totals), file=out, flush=True)
            items = plan.delete_items()
            if not items:
                print("Nothing to delete under these rules.", file=err if args.format == "json" else out)
                if args.format == "json":
                    print(json.dumps({**report, "outcome": []}, indent=1), file=out)
                return 0
            if not args.yes and not _confirm(len(items), stdin, err):
                print("Not confirmed: nothing was deleted.", file=err)
                return 1
            shown = err if args.format == "json" else out

            def show(r) -> None:
                print(f"{'deleted' if r.ok else 'NOT DELETED'}  {r.name or r.uuid} ({r.uuid})"
                      + ("" if r.ok else f": {r.message}"), file=shown, flush=True)

            # Remote snapshots (backups) are deleted through /remotesnapshots/, by the same rules.
            results = await delete_snapshots(session.client, items, on_item=show, kinds=plan.delete_kinds())
        finally:
            await session.client.aclose()
    failed = [r for r in results if not r.ok]
    try:
        from explorer.data.history import HistoryStore
        from explorer.data.prune_log import record_prune

        pid = record_prune(HistoryStore(), inv.source, plan, results)
        note = f"recorded as prune #{pid} in the history store"
    except ExplorerError as exc:
        note = f"could not record this in the history store: {exc}"
    print(f"{len(results) - len(failed)} deleted, {len(failed)} not deleted; {note}", file=shown)
    if args.format == "json":
        outcome = [{"uuid": r.uuid, "ok": r.ok, "message": r.message} for r in results]
        print(json.dumps({**report, "outcome": outcome}, indent=1), file=out)
    return 1 if failed else 0
