"""The `prune` (retention plan, dry run unless --apply) and `forecast` sub-commands (flags parsed in explorer.cli)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

import pandas as pd

from explorer.data.inventory import Inventory
from explorer.data.prune_flags import KEEP_COUNTS
from explorer.data.units import human_bytes, money
from explorer.errors import ExplorerError, ValidationError


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


def _drives_in(part: Inventory, wanted: list[str]) -> list[str]:
    """The `--drive` values naming a drive of this location (uuid or name)."""
    known = (set(part.drives["uuid"].dropna()) | set(part.drives["name"].dropna())
             | set(part.snapshots["drive_uuid"].dropna()))
    return [w for w in wanted if w in known]


def location_plans(inv: Inventory, args: argparse.Namespace) -> list[tuple]:
    """`(inventory, plan, per_drive, totals)` per location: each location planned and costed on its own.

    One location: the inventory itself. Several: each part (`--drive` values apply where they name a drive;
    one that names a drive nowhere is refused as for one location).
    """
    from explorer.data.retention import plan_money, select_drives

    if not inv.parts:
        plan = make_plan(inv, args)
        return [(inv, plan, *plan_money(inv, plan))]
    if args.drive:
        select_drives(inv, [w for w in args.drive if not any(_drives_in(p, [w]) for p in inv.parts)])
    out = []
    for part in inv.parts:
        drives = _drives_in(part, list(args.drive))
        if args.drive and not drives:
            continue
        plan = make_plan(part, argparse.Namespace(**{**vars(args), "drive": drives}))
        out.append((part, plan, *plan_money(part, plan)))
    return out


def plans_json(inv: Inventory, plans: list[tuple]) -> dict:
    """One location: `plan_json` as it always was. Several: its lists with each entry's `location`, `totals`
    summed only within one currency (`saves_now` and `value_at_subscription` null when the locations bill in
    different currencies), plus `totals_by_currency`, `locations` and `failures`."""
    if not inv.parts:
        return plan_json(plans[0][1], plans[0][2], plans[0][3])
    docs = [(part, plan_json(plan, per, totals), totals) for part, plan, per, totals in plans]
    first = docs[0][1] if docs else {"now": None, "rules": None}
    currencies = list(dict.fromkeys(t.currency for _, _, t in docs))
    by_currency = []
    for cur in currencies:
        mine = [d["totals"] for _, d, t in docs if t.currency == cur]
        by_currency.append({"currency": cur, "locations": [p.location for p, _, t in docs if t.currency == cur],
                            **{k: _sum([m[k] for m in mine]) for k in ("delete_count", "bytes_freed", "saves_now",
                                                                        "value_at_subscription")}})
    one = len(currencies) == 1
    return {
        "now": first["now"], "rules": first["rules"],
        **{key: [{**e, "location": p.location} for p, d, _ in docs for e in d[key]] for key in ("delete", "keep")},
        "totals": {"delete_count": sum(d["totals"]["delete_count"] for _, d, _ in docs),
                   "bytes_freed": sum(d["totals"]["bytes_freed"] for _, d, _ in docs),
                   "saves_now": by_currency[0]["saves_now"] if one else None,
                   "value_at_subscription": by_currency[0]["value_at_subscription"] if one else None},
        "drives": [{**e, "location": p.location} for p, d, _ in docs for e in d["drives"]],
        "totals_by_currency": by_currency,
        "locations": [{"location": p.location, "currency": t.currency, "stale": bool(p.source.offline)}
                      for p, _, t in docs],
        "failures": [{"location": f.location, "endpoint": f.endpoint, "reason": f.reason} for f in inv.failures],
    }


def _sum(values: list):
    return None if any(v is None for v in values) else sum(values)


def plans_table(inv: Inventory, plans: list[tuple]) -> str:
    if not inv.parts:
        return plan_table(*plans[0])
    from explorer.data.commands import failure_lines

    sections = failure_lines(inv)
    for part, plan, per, totals in plans:
        stale = " - STALE (cached rows: its load failed)" if part.source.offline else ""
        sections += ["", f"=== Location {part.location} ({totals.currency}){stale} ===",
                     plan_table(part, plan, per, totals)]
    return "\n".join(sections).lstrip("\n")


def run_prune(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO | None = None) -> int:
    from explorer.data.commands import load_for_command, report_failures

    check_prune_args(args)
    if args.apply:
        return asyncio.run(_apply(args, out, err, stdin or sys.stdin))
    inv = load_for_command(args, stream=err)
    plans = location_plans(inv, args)
    count = sum(t.snapshot_count for *_, t in plans)
    if args.format == "json":
        print(json.dumps(plans_json(inv, plans), indent=1), file=out)
    else:
        print(plans_table(inv, plans), file=out)
        if count:
            print(f"Dry run: nothing was deleted. Add --apply to delete these {count:,} snapshots.",
                  file=out)
    return report_failures(inv, err, shown=args.format == "table")


async def _apply(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from explorer.config import load_locations_settings
    from explorer.data.actions import delete_snapshots
    from explorer.data.commands import StderrProgress, checked_load, report_failures
    from explorer.data.locations import load_locations_async
    from explorer.session import open_sessions

    with open_sessions(load_locations_settings(args), asynchronous=True) as sessions:
        clients = {s.location: s.client for s in sessions}
        try:
            # Always a fresh load: deleting from a stale picture could delete what is now the newest snapshot.
            errors: list = []
            inv = checked_load(await load_locations_async(sessions, progress=StderrProgress(err), errors=errors),
                               errors, len(sessions))
            # A failed location's cached rows are never planned for deletion: only fresh locations are.
            plans = [p for p in location_plans(inv, args) if not p[0].source.offline]
            report = plans_json(inv, plans) if inv.parts else plan_json(*plans[0][1:])
            if args.format == "table":
                print(plans_table(inv, plans) if inv.parts else plan_table(*plans[0]), file=out, flush=True)
            work = [(part, plan, plan.delete_items()) for part, plan, _, _ in plans]
            count = sum(len(items) for *_, items in work)
            if not count:
                print("Nothing to delete under these rules.", file=err if args.format == "json" else out)
                if args.format == "json":
                    print(json.dumps({**report, "outcome": []}, indent=1), file=out)
                return report_failures(inv, err, shown=args.format == "table")
            if not args.yes and not _confirm(count, stdin, err):
                print("Not confirmed: nothing was deleted.", file=err)
                return 1
            shown = err if args.format == "json" else out
            where = (lambda part: f" at {part.location}") if inv.parts else (lambda part: "")

            done = []
            for part, plan, items in work:
                if not items:
                    continue

                def show(r, part=part) -> None:
                    print(f"{'deleted' if r.ok else 'NOT DELETED'}  {r.name or r.uuid} ({r.uuid}){where(part)}"
                          + ("" if r.ok else f": {r.message}"), file=shown, flush=True)

                # Each delete goes to the snapshot's own location (its session's client); remote snapshots
                # (backups) through /remotesnapshots/, by the same rules.
                client = clients[part.location] if inv.parts else sessions[0].client
                done.append((part, plan, await delete_snapshots(client, items, on_item=show,
                                                                kinds=plan.delete_kinds())))
        finally:
            for s in sessions:
                await s.client.aclose()
    results = [r for _, _, rs in done for r in rs]
    failed = [r for r in results if not r.ok]
    try:
        from explorer.data.history import HistoryStore
        from explorer.data.prune_log import record_prune

        ids = [record_prune(HistoryStore(), part.source, plan, rs) for part, plan, rs in done]
        note = f"recorded as prune {', '.join(f'#{i}' for i in ids)} in the history store"
    except ExplorerError as exc:
        note = f"could not record this in the history store: {exc}"
    print(f"{len(results) - len(failed):,} deleted, {len(failed):,} not deleted; {note}", file=shown)
    if args.format == "json":
        outcome = [{"uuid": r.uuid, "ok": r.ok, "message": r.message, **({"location": part.location}
                                                                         if inv.parts else {})}
                   for part, _, rs in done for r in rs]
        print(json.dumps({**report, "outcome": outcome}, indent=1), file=out)
    return 1 if failed else report_failures(inv, err, shown=args.format == "table")
