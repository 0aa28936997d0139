"""The filter language of the TUI's `/`, the CLI's `--filter` and `Inventory.where`: `size>10GiB age>90d drive:web`.

One parser and one evaluator over the snapshots frame (pandas only). Terms are ANDed; a
leading `-` negates one; a bare word is a case-insensitive substring of the name, the
drive's name or the uuid (except the keyword `orphan`). Size units follow CloudSigma's convention (GB = GiB). Two terms
read derived columns that :func:`query_frame` adds: `owner:` (column `owner`, see
explorer.data.owners) and `cost>` (`monthly_cost_subscription`: the monthly value at
subscription price, in the account's currency).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explorer.errors import ValidationError


class QueryError(ValidationError):
    """A filter term could not be understood; the message says how to write it."""


_SIZE_UNITS = {
    "": 1, "b": 1,
    "k": 2**10, "kb": 2**10, "kib": 2**10,
    "m": 2**20, "mb": 2**20, "mib": 2**20,
    "g": 2**30, "gb": 2**30, "gib": 2**30,
    "t": 2**40, "tb": 2**40, "tib": 2**40,
}  # fmt: skip
_AGE_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
_COMPARE = re.compile(r"^(?P<field>size|age|cost)(?P<op>>=|<=|!=|=|>|<)(?P<value>.*)$", re.IGNORECASE)
_NUMBER = re.compile(r"^(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[a-z]*)$", re.IGNORECASE)
#: The largest values the columns hold (int64 bytes, timedelta64[ns]); a term beyond them is refused.
_SIZE_MAX = float(2**62)
_AGE_MAX = pd.Timedelta.max.total_seconds() * 0.99  # about 289 years
_COST_MAX = 1e15
_KEYED = ("status", "drive", "name", "uuid", "tag", "meta", "owner", "storage", "location", "kind")
_KINDS = ("local", "remote")  # schema.SNAPSHOT_KINDS
#: A bare keyword (not a free word): remote snapshots whose source drive is gone (column `orphan`).
ORPHAN = "orphan"
#: Derived columns (added by `query_frame`): the owner by the default rule, the monthly value at subscription price.
OWNER_COLUMN = "owner"
COST_COLUMN = "monthly_cost_subscription"
#: The location code of each row (schema.SNAPSHOT_COLUMNS).
LOCATION_COLUMN = "location"
#: `owner:unattributed` matches snapshots with no owner (the cost report's bucket of the same name).
UNATTRIBUTED = "unattributed"
_COLUMN = {"size": "allocated_size", "age": "age", "cost": COST_COLUMN}
_NULLABLE = _COLUMN  # terms that match no row whose value is unknown, negated or not
_DEFAULT_STORAGE = "dssd"  # a snapshot whose drive is missing is billed (and filtered) as dssd
#: Optional derived column: lower-cased "name\ndrive name\nuuid"; free words search it when present.
SEARCH_COLUMN = "search_text"

HELP = (
    "words match name, drive or uuid · size>10GiB · age>90d · cost>1 (value/month at subscription) · "
    "status:creating · drive:web · owner:ops · storage:dssd · kind:remote · orphan · name: uuid: tag: meta: "
    "location: · -term negates"
)


@dataclass(frozen=True, slots=True)
class Term:
    """One parsed term: `field` is `text`, `size`, `age` or one of the keyed fields."""

    field: str
    op: str
    value: object
    negate: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter; `mask(frame)` says which snapshot rows match."""

    text: str
    terms: tuple[Term, ...] = ()

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """One bool per row; raises QueryError when a term needs a derived column `frame` lacks."""
        keep = np.ones(len(frame), dtype=bool)
        for term in self.terms:
            hit = _term_mask(term, frame)
            if term.negate:
                hit = ~hit
                if term.field in _NULLABLE:
                    # A snapshot still creating has no size: `-size>1` must not match it either.
                    hit &= frame[_NULLABLE[term.field]].notna().to_numpy(dtype=bool)
            keep &= hit
        return keep


def parse_query(text: str) -> Query:
    """Parse the filter text; raise :class:`QueryError` with a clear message on a bad term."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise QueryError("unbalanced quote in the filter") from None
    terms = []
    for word in words:
        negate = word.startswith("-") and len(word) > 1
        terms.append(_parse_term(word[1:] if negate else word, negate))
    return Query(text=text, terms=tuple(terms))


def _parse_term(word: str, negate: bool) -> Term:
    cmp = _COMPARE.match(word)
    if cmp:
        field, op, value = cmp["field"].lower(), cmp["op"], cmp["value"]
        if field == "cost":
            return Term(field, op, _cost_value(word, value), negate)
        number = _NUMBER.match(value.strip())
        units = _SIZE_UNITS if field == "size" else _AGE_UNITS
        example = "size>10GiB" if field == "size" else "age>90d"
        if not number:
            raise QueryError(f"{field} needs a number with a unit, e.g. {example} (got {value!r})")
        unit = number["unit"].lower()
        if unit not in units or (field == "age" and unit == ""):
            known = ", ".join(u for u in units if u)
            raise QueryError(f"unknown {field} unit {number['unit']!r} in {word!r}; use one of {known}")
        amount = float(number["num"]) * units[unit]
        if not amount <= (_SIZE_MAX if field == "size" else _AGE_MAX):  # also catches inf from hundreds of digits
            raise QueryError(f"value too large in {_shown(word)!r}")
        value = int(amount) if field == "size" else pd.Timedelta(seconds=amount)
        return Term(field, op, value, negate)
    if ":" in word:
        key, _, value = word.partition(":")
        key = key.lower()
        if key not in _KEYED:
            raise QueryError(f"unknown filter {key!r}:; use one of {', '.join(_KEYED)} (or size>…, age>…)")
        if not value:
            raise QueryError(f"{key}: needs a value, e.g. {key}:{'creating' if key == 'status' else 'web'}")
        if key == "kind" and value.lower() not in _KINDS:
            raise QueryError(f"kind: is local or remote (a backup), e.g. kind:remote (got {_shown(value)!r})")
        return Term(key, ":", value.lower(), negate)
    if word.lower() == ORPHAN:  # `name:orphan` still searches names for the word
        return Term(ORPHAN, "is", True, negate)
    return Term("text", "contains", word.lower(), negate)


def _shown(word: str) -> str:
    return word if len(word) <= 40 else word[:30] + "…"


def _cost_value(word: str, value: str) -> float:
    number = _NUMBER.match(value.strip())
    if not number or number["unit"]:
        raise QueryError(f"cost needs a plain amount per month at subscription price in the account's currency, "
                         f"e.g. cost>1 (got {value!r})")
    amount = float(number["num"])
    if not amount <= _COST_MAX:
        raise QueryError(f"value too large in {_shown(word)!r}")
    return amount


def _column(frame: pd.DataFrame, column: str, term: str) -> pd.Series:
    if column not in frame:
        raise QueryError(f"{term} needs the {column!r} column: filter an inventory (Inventory.where, the TUI, "
                         "--filter), not a bare snapshots frame")
    return frame[column]


def _contains(frame: pd.DataFrame, column: str, needle: str) -> np.ndarray:
    series = frame[column]
    hit = series.str.contains(needle, case=False, regex=False)
    return hit.fillna(False).to_numpy(dtype=bool)


def _compare(values: pd.Series, op: str, bound) -> np.ndarray:
    ops = {
        ">": values.gt, ">=": values.ge, "<": values.lt, "<=": values.le, "=": values.eq, "!=": values.ne,
    }
    result = ops[op](bound)
    # A snapshot still creating has no size: it matches no size comparison.
    return result.fillna(False).to_numpy(dtype=bool) if hasattr(result, "fillna") else np.asarray(result)


def _term_mask(term: Term, frame: pd.DataFrame) -> np.ndarray:
    if term.field == "text" and SEARCH_COLUMN in frame:
        # one pass over a pre-lowered "name\ndrive\nuuid" column instead of three case-folding passes
        return search_hits(frame[SEARCH_COLUMN], term.value)
    if term.field == "text":
        return (
            _contains(frame, "name", term.value)
            | _contains(frame, "drive_name", term.value)
            | _contains(frame, "uuid", term.value)
        )
    if term.field in _COLUMN:
        values = _column(frame, _COLUMN[term.field], f"{term.field}{term.op}")
        if term.field == "cost":  # 10 GiB x 0.14 is 1.4000000000000001: `cost<=1.4` must keep it
            values = values.round(9)
        return _compare(values, term.op, term.value)
    if term.field == "status":
        return _lower_equals(frame["status"], term.value)
    if term.field == "drive":
        return _contains(frame, "drive_name", term.value) | frame["drive_uuid"].str.startswith(
            term.value
        ).fillna(False).to_numpy(dtype=bool)
    if term.field == "tag":
        return _contains(frame, "tags", term.value)
    if term.field == "owner":
        owner = _column(frame, OWNER_COLUMN, "owner:")
        if term.value == UNATTRIBUTED:
            return owner.isna().to_numpy(dtype=bool)
        return _contains(frame, OWNER_COLUMN, term.value)
    if term.field == "storage":
        storage = frame["storage_type"].astype("string").fillna(_DEFAULT_STORAGE).str.lower()
        return storage.eq(term.value).to_numpy(dtype=bool)
    if term.field == ORPHAN:  # a frame without the column (an older cache) has no orphans
        if ORPHAN not in frame:
            return np.zeros(len(frame), dtype=bool)
        return frame[ORPHAN].fillna(False).to_numpy(dtype=bool)
    if term.field == "kind":
        return frame["kind"].astype("string").eq(term.value).fillna(False).to_numpy(dtype=bool)
    if term.field == "location":  # a row whose location is unknown (null) matches no location
        return frame[LOCATION_COLUMN].astype("string").str.lower().eq(term.value).fillna(False).to_numpy(dtype=bool)
    return _contains(frame, term.field, term.value)


def _lower_equals(values: pd.Series, value: str) -> np.ndarray:
    """Rows whose value, lower-cased, is `value` (nulls never); a category column lowers its few categories only
    (1M statuses: 5 ms instead of 230 ms as strings)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        hits = np.flatnonzero(np.asarray(values.cat.categories.astype("string").str.lower() == value, dtype=bool))
        return np.isin(values.cat.codes.to_numpy(), hits)
    return values.astype("string").str.lower().eq(value).fillna(False).to_numpy(dtype=bool)


def search_hits(search, word: str) -> np.ndarray:
    """Rows of a pre-lowered SEARCH_COLUMN (a pandas column or an Arrow array of it, e.g. a subset) that contain
    the free-text `word` (lower-cased by the parser): one pyarrow pass, which releases the GIL."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = pc.match_substring(search if isinstance(search, pa.Array | pa.ChunkedArray) else pa.array(search), word)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def query_frame(inv) -> pd.DataFrame:
    """The inventory's snapshots frame plus the derived columns the filter reads (owner, value at subscription)."""
    from explorer.data.cost import snapshot_costs
    from explorer.data.owners import owner_column

    costs = snapshot_costs(inv)
    return inv.snapshots.assign(**{
        OWNER_COLUMN: owner_column(inv.snapshots, inv.drives),
        COST_COLUMN: costs["monthly_cost_subscription"],
    })


def where(inv, text: str) -> pd.DataFrame:
    """The snapshots rows of `inv` matching the filter text (same columns as `inv.snapshots`)."""
    query = parse_query(text)
    if not query.terms:
        return inv.snapshots
    return inv.snapshots[query.mask(query_frame(inv))]
