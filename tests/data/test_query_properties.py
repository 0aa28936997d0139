"""Property test: for generated filters, the evaluator keeps exactly the rows a plain pandas expression keeps."""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.data.query import parse_query
from tests.tui.factory import make_inventory

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq,
       "!=": operator.ne}
SIZE_UNITS = {"": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "G": 2**30, "TB": 2**40}
AGE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
OWNERS = ["ops", "Web-Team", "data", None]


def _frame() -> pd.DataFrame:
    f = make_inventory(80).snapshots.copy()
    rng = np.random.default_rng(3)
    f["owner"] = pd.array([OWNERS[i] for i in rng.integers(0, len(OWNERS), len(f))], dtype="string")
    cost = pd.array(np.round(rng.uniform(0, 3, len(f)), 2), dtype="Float64")
    cost[::9] = pd.NA  # a price the list does not have
    f["monthly_cost_subscription"] = cost
    f.loc[f.index[::11], "storage_type"] = pd.NA  # a missing drive: billed as dssd
    f.loc[f.index[5], "age"] = pd.NaT
    return f


FRAME = _frame()
LOW = {c: FRAME[c].astype("string").fillna("").str.lower() for c in ("name", "drive_name", "uuid", "tags", "owner")}
WORDS = ["web", "db", "snap-0000", "backup", "main", "00001", "zz", "build", "s00000", "d0000"]


def _compare(field: str, column: str, units: dict[str, int]):
    def make(args):
        op, n, unit = args
        return f"{field}{op}{n}{unit}", (column, op, n * units[unit])
    return st.tuples(st.sampled_from(list(OPS)), st.integers(0, 400), st.sampled_from(list(units))).map(make)


def _cost():
    def make(args):
        op, cents = args
        return f"cost{op}{cents / 100:.2f}", ("monthly_cost_subscription", op, cents / 100)
    return st.tuples(st.sampled_from(list(OPS)), st.integers(0, 300)).map(make)


def _keyed(field: str, values: list[str]):
    return st.sampled_from(values).map(lambda v: (f"{field}:{v}", (field, v.lower())))


TERMS = st.one_of(
    _compare("size", "allocated_size", SIZE_UNITS),
    _compare("age", "age", AGE_UNITS),
    _cost(),
    _keyed("status", ["available", "creating", "Available"]),
    _keyed("drive", ["web", "DB", "d0000001", "backup"]),
    _keyed("tag", ["keep", "ke"]),
    _keyed("owner", ["ops", "web", "TEAM", "unattributed"]),
    _keyed("storage", ["dssd", "zadara", "DSSD"]),
    _keyed("name", ["snap", "web-0"]),
    st.sampled_from(WORDS).map(lambda w: (w, ("text", w))),
)


def _plain(term) -> pd.Series:
    """What one term means, written directly in pandas (nulls never match, negated or not)."""
    kind, *rest = term
    f = FRAME
    if kind in ("allocated_size", "age", "monthly_cost_subscription"):
        op, bound = rest
        bound = pd.Timedelta(seconds=bound) if kind == "age" else bound
        return OPS[op](f[kind], bound).fillna(False).astype(bool), f[kind].notna()
    (value,) = rest
    low = LOW
    if kind == "text":
        hit = low["name"].str.contains(value, regex=False) | low["drive_name"].str.contains(value, regex=False) | \
            low["uuid"].str.contains(value, regex=False)
    elif kind == "status":
        hit = f["status"].astype("string").str.lower() == value
    elif kind == "drive":
        hit = low["drive_name"].str.contains(value, regex=False) | f["drive_uuid"].str.startswith(value)
    elif kind == "tag":
        hit = low["tags"].str.contains(value, regex=False)
    elif kind == "owner":
        hit = f["owner"].isna() if value == "unattributed" else low["owner"].str.contains(value, regex=False)
    elif kind == "storage":
        hit = f["storage_type"].astype("string").fillna("dssd") == value
    else:
        hit = low[kind].str.contains(value, regex=False)
    return hit.fillna(False).astype(bool), pd.Series(True, index=f.index)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TERMS, st.booleans()), min_size=1, max_size=4))
def test_the_evaluator_agrees_with_plain_pandas(terms):
    text = " ".join(("-" if negate else "") + word for (word, _), negate in terms)
    expected = pd.Series(True, index=FRAME.index)
    for (_, meaning), negate in terms:
        hit, known = _plain(meaning)
        expected &= (~hit & known) if negate else hit
    got = parse_query(text).mask(FRAME)
    assert got.tolist() == expected.tolist(), text
