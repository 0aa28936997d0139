"""The history store's record of applied retention plans: what was planned and what happened to each snapshot.

Two tables beside the observations (created on first use, so older stores just gain them):
`prunes` (one row per `prune --apply`) and `prune_items` (one row per planned deletion).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from explorer.data.history import HistoryStore, source_key
from explorer.data.inventory import Source

_DDL = """
create table if not exists prunes (
    prune_id bigint primary key, planned_at timestamptz not null, applied_at timestamptz not null,
    source_key varchar not null, rules varchar not null, planned bigint, deleted bigint, failed bigint,
    bytes_planned bigint);
create table if not exists prune_items (
    prune_id bigint not null, uuid varchar not null, name varchar, drive_uuid varchar, allocated_size bigint,
    ok boolean not null, message varchar);
"""


def record_prune(store: HistoryStore, source: Source, plan, results: Sequence) -> int:
    """Store one applied plan (a RetentionPlan) and its per-item results (ItemResult); returns its id."""
    planned = plan.delete
    by_uuid = {r.uuid: r for r in results}
    items = pd.DataFrame({
        "uuid": planned["uuid"].astype(object), "name": planned["name"].astype(object),
        "drive_uuid": planned["drive_uuid"].astype(object),
        "allocated_size": planned["allocated_size"].astype("Int64"),
        "ok": [bool(by_uuid[u].ok) if u in by_uuid else False for u in planned["uuid"]],
        "message": [by_uuid[u].message if u in by_uuid else "not attempted" for u in planned["uuid"]],
    })
    deleted = int(items["ok"].sum())
    with store._connect() as con:
        con.execute("begin")
        con.execute(_DDL)
        pid = con.execute("select coalesce(max(prune_id), 0) + 1 from prunes").fetchone()[0]
        con.execute("insert into prunes values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            pid, plan.now.to_pydatetime(), pd.Timestamp.now(tz="UTC").to_pydatetime(), source_key(source),
            json.dumps(plan.rules.as_dict()), len(items), deleted, len(items) - deleted,
            int(planned["allocated_size"].fillna(0).sum()),
        ])
        con.register("items", items)
        con.execute("insert into prune_items select ?, uuid, name, drive_uuid, allocated_size, ok, message from items",
                    [pid])
        con.unregister("items")
        con.execute("commit")
    return int(pid)


def prunes(store: HistoryStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(prunes, prune_items) as stored; empty frames when nothing was ever applied."""
    with store._connect() as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if "prunes" not in tables:
            return pd.DataFrame(), pd.DataFrame()
        return (con.execute("select * from prunes order by prune_id").df(),
                con.execute("select * from prune_items order by prune_id, uuid").df())
