"""The fast deletion savings, price lookup and plan money give exactly the straightforward computation's numbers.

The references below are the plain pandas versions (a filter per price object, a groupby per
resource and per drive and kind) that the fast paths replaced; the generated sets mix storage
types, remote snapshots (billed as `backup`), missing drives, unknown sizes and prices,
duplicate and unknown uuids.
"""

from __future__ import annotations

import math

import msgspec
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from explorer.client import models
from explorer.data.cost import BACKUP_RESOURCE, DEFAULT_RESOURCE, account_cost_summary, deletion_savings, snapshot_costs
from explorer.data.load import build_inventory
from explorer.data.prices import price_per_byte_second, rates
from explorer.data.retention import RetentionRules, plan_money, plan_retention
from explorer.data.units import MONTH_SECONDS

from .conftest import LOADED_AT, drive, pricing, snap, usage

GIB = 2**30
DRIVES = {"d1": "dssd", "d2": "zadara", "d3": "dssd", "d4": "nvme"}
PRICES = [
    {("dssd", 0): "0.14", ("dssd", 1): "0.28", ("zadara", 0): "0.05", ("zadara", 2): "0.10"},
    {("dssd", 0): "0.14", ("zadara", 0): "0.05", ("zadara", 2): "0.10", ("nvme", 0): "0.2", ("nvme", 1): "0.4",
     ("backup", 0): "0.03", ("backup", 1): "0.06"},
    {},
]

snapshot_sets = st.lists(
    st.tuples(st.sampled_from([*DRIVES, "gone"]), st.one_of(st.none(), st.integers(0, 8 * GIB)),
              st.integers(0, 90 * 24), st.booleans(), st.sampled_from([False, False, True])),
    max_size=30,
)


def _inventory(items, prices, bursting):
    local, remote = [], []
    for i, (d, size, h, _, is_remote) in enumerate(items):
        s = snap(f"s{i:02d}", d, size, (LOADED_AT - pd.Timedelta(hours=h)).isoformat(), name=f"n{i}")
        if is_remote:  # a backup of drive d kept in another location
            remote.append(msgspec.convert({**msgspec.to_builtins(s), "location": "FRA"}, models.RemoteSnapshot))
        else:
            local.append(s)
    drives = [drive(u, f"name-{u}", 50 * GIB, storage_type=t) for u, t in DRIVES.items()]
    burst = 5 * GIB if bursting else 0
    return build_inventory(snapshots=local, remote_snapshots=remote, drives=drives,
                           pricing=pricing(prices=PRICES[prices] or None,
                                           levels={"dssd": 1, "zadara": 2, "nvme": 1, "backup": 1}),
                           usage=usage(dssd=(10 * GIB, 10 * GIB + burst, burst), nvme=(0, 3 * GIB, 3 * GIB),
                                       backup=(0, 2 * GIB, 2 * GIB)),
                           loaded_at=LOADED_AT)


def reference_price(inv, resource, level, currency):
    p = inv.prices
    hit = p[(p["resource"] == resource) & (p["level"] == level) & (p["currency"] == currency)]
    if hit.empty or pd.isna(hit["multiplier"].iloc[0]) or hit["multiplier"].iloc[0] == 0:
        return float("nan")
    return float(hit["price"].iloc[0]) / float(hit["multiplier"].iloc[0])


def reference_savings(inv, uuids):
    cur = inv.currency
    wanted = list(dict.fromkeys(uuids))
    costs = snapshot_costs(inv, currency=cur)
    chosen = costs[costs["uuid"].astype(object).isin(wanted)]
    account = account_cost_summary(inv, currency=cur).set_index("resource")
    rows = []
    for res, part in chosen.groupby("resource", sort=True):
        freed = int(part["allocated_size"].fillna(0).sum())
        burst = int(account.at[res, "burst"]) if res in account.index else 0
        reduced = min(freed, burst)
        level = inv.burst_levels.get(res)
        burst_rate = reference_price(inv, res, level, cur) * MONTH_SECONDS if level is not None else float("nan")
        rows.append({
            "resource": res, "snapshot_count": len(part), "bytes_freed": freed,
            "monthly_cost_subscription": part["monthly_cost_subscription"].sum(min_count=1),
            "monthly_cost_burst": part["monthly_cost_burst"].sum(min_count=1), "burst_bytes": burst,
            "burst_bytes_reduced": reduced, "saves_now_monthly": reduced * burst_rate,
            "frees_subscription_bytes": freed - reduced, "price_missing": bool(part["price_missing"].any()),
        })
    unknown = tuple(sorted(set(wanted) - set(chosen["uuid"].astype(object))))
    return rows, len(chosen), unknown


def reference_plan_money(inv, plan, savings_rows):
    """Per drive and kind, from `reference_savings`'s rows: each one's share of its type's freed bytes, saves, value."""
    snaps = plan.snapshots
    delete = ~snaps["keep"].to_numpy(bool)
    resource = inv.snapshots["storage_type"].astype(object).to_numpy()[snaps["row"].to_numpy()]
    kind = np.where((snaps["kind"] == "remote").to_numpy(bool, na_value=False), "remote", "local")
    frame = pd.DataFrame({
        "drive_uuid": snaps["drive_uuid"].fillna("").to_numpy(object),
        "kind": kind,
        "drive_name": snaps["drive_name"].to_numpy(object),
        "resource": [BACKUP_RESOURCE if k == "remote" else DEFAULT_RESOURCE if pd.isna(r) else r
                     for r, k in zip(resource, kind, strict=True)],
        "kept": (~delete).astype("int64"), "deleted": delete.astype("int64"),
        "bytes_freed": [int(b) if d and not pd.isna(b) else 0 for b, d in zip(snaps["allocated_size"], delete,
                                                                               strict=True)],
    })
    g = frame.groupby(["drive_uuid", "kind"], sort=True)  # a drive's backups: a row of their own, after its local
    per = pd.DataFrame({"drive_name": g["drive_name"].first(), "resource": g["resource"].first(),
                        "kept": g["kept"].sum(), "deleted": g["deleted"].sum(), "bytes_freed": g["bytes_freed"].sum()})
    saves, value = [], []
    by_res = {row["resource"]: row for row in savings_rows}
    for res, freed in zip(per["resource"], per["bytes_freed"], strict=True):
        row = by_res.get(res)
        if row is None or not row["bytes_freed"]:
            saves.append(0.0), value.append(0.0)
            continue
        share = float(freed) / float(row["bytes_freed"])
        saves.append(share * (float("nan") if pd.isna(row["saves_now_monthly"]) else float(row["saves_now_monthly"])))
        value.append(share * (float("nan") if pd.isna(row["monthly_cost_subscription"])
                              else float(row["monthly_cost_subscription"])))
    per["saves_now"], per["value_at_subscription"] = saves, value
    return per.reset_index()[["drive_uuid", "drive_name", "resource", "kind", "kept", "deleted", "bytes_freed",
                              "saves_now", "value_at_subscription"]]


def _same(a, b):
    return a == b or (pd.isna(a) and pd.isna(b))


@settings(max_examples=40, deadline=None)
@given(snapshot_sets, st.sampled_from(range(len(PRICES))), st.booleans(), st.data())
def test_deletion_savings_and_rates_match_the_straightforward_computation(items, prices, bursting, data):
    inv = _inventory(items, prices, bursting)
    picked = [f"s{i:02d}" for i, (_, _, _, chosen, _) in enumerate(items) if chosen]
    extra = data.draw(st.lists(st.sampled_from(["nope", "s99", *picked] if picked else ["nope", "s99"]), max_size=4))
    uuids = picked + extra
    for res in ("dssd", "zadara", "nvme", "unknown"):
        for level in (0, 1, 2):
            assert _same(price_per_byte_second(inv, res, level), reference_price(inv, res, level, inv.currency))
    r = rates(inv, ["dssd", "zadara", "nvme", "unknown"])
    for res in r.index:
        assert _same(r.at[res, "sub_rate"], reference_price(inv, res, 0, inv.currency) * MONTH_SECONDS)
    rows, count, unknown = reference_savings(inv, uuids)
    # Every shape a caller passes: a list, a dict of uuid -> name (the TUI), a Series (the cost report), a generator.
    shapes = {"list": lambda: uuids, "dict": lambda: dict.fromkeys(uuids, "x"),
              "series": lambda: pd.Series(uuids, dtype="string"), "generator": lambda: (u for u in uuids)}
    for given_as in (uuids, shapes[data.draw(st.sampled_from(sorted(shapes)))]()):
        got = deletion_savings(inv, given_as)
        assert (got.snapshot_count, got.unknown_uuids) == (count, unknown)
        frame = got.by_resource.drop(columns="currency")
        assert frame["resource"].tolist() == [row["resource"] for row in rows]
        for have, want in zip(frame.to_dict("records"), rows, strict=True):
            assert all(_same(have[k], v) for k, v in want.items()), (have, want)
        if not rows:
            assert got.saves_now_monthly == 0.0 and got.bytes_freed == 0


@settings(max_examples=40, deadline=None)
@given(snapshot_sets, st.sampled_from(range(len(PRICES))), st.booleans(),
       st.sampled_from([RetentionRules(last=1), RetentionRules(last=2, daily=2), RetentionRules(weekly=1)]))
def test_plan_money_matches_a_groupby_per_drive(items, prices, bursting, rules):
    inv = _inventory(items, prices, bursting)
    plan = plan_retention(inv, rules)
    per, savings = plan_money(inv, plan)
    want = reference_plan_money(inv, plan, reference_savings(inv, plan.delete["uuid"])[0])
    if "kind" not in per.columns:  # a row per drive and kind either way; the kind column is optional
        want = want.drop(columns="kind")
    assert_frame_equal(per, want, check_dtype=False, check_exact=True)
    assert per["bytes_freed"].sum() == savings.bytes_freed
    if not math.isnan(savings.saves_now_monthly) and savings.bytes_freed:
        assert math.isclose(per["saves_now"].sum(), savings.saves_now_monthly, rel_tol=1e-9, abs_tol=1e-12)
