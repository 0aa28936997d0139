"""The `/` filter language: parse terms like `size>10GiB age>90d status:creating drive:web`.

Pure (pandas only) so it is unit-tested without a terminal. Terms are ANDed; a
leading `-` negates one; a bare word is a case-insensitive substring of the name,
the drive's name or the uuid. Size units follow CloudSigma's convention (GB = GiB).
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
_COMPARE = re.compile(r"^(?P<field>size|age)(?P<op>>=|<=|!=|=|>|<)(?P<value>.*)$", re.IGNORECASE)
_NUMBER = re.compile(r"^(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[a-z]*)$", re.IGNORECASE)
#: The largest values the columns hold (int64 bytes, timedelta64[ns]); a term beyond them is refused.
_SIZE_MAX = float(2**62)
_AGE_MAX = pd.Timedelta.max.total_seconds() * 0.99  # about 289 years
_KEYED = ("status", "drive", "name", "uuid", "tag", "meta")
_NULLABLE = {"size": "allocated_size", "age": "age"}  # terms that match no row whose value is unknown
#: Optional derived column: lower-cased "name\ndrive name\nuuid"; free words search it when present.
SEARCH_COLUMN = "search_text"

HELP = (
    "words match name, drive or uuid · size>10GiB · age>90d · status:creating · drive:web · "
    "name: uuid: tag: meta: · -term negates"
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
            shown = word if len(word) <= 40 else word[:30] + "…"
            raise QueryError(f"value too large in {shown!r}")
        value = int(amount) if field == "size" else pd.Timedelta(seconds=amount)
        return Term(field, op, value, negate)
    if ":" in word:
        key, _, value = word.partition(":")
        key = key.lower()
        if key not in _KEYED:
            raise QueryError(f"unknown filter {key!r}:; use one of {', '.join(_KEYED)} (or size>…, age>…)")
        if not value:
            raise QueryError(f"{key}: needs a value, e.g. {key}:{'creating' if key == 'status' else 'web'}")
        return Term(key, ":", value.lower(), negate)
    return Term("text", "contains", word.lower(), negate)


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
        hit = frame[SEARCH_COLUMN].str.contains(term.value, regex=False)
        return hit.fillna(False).to_numpy(dtype=bool)
    if term.field == "text":
        return (
            _contains(frame, "name", term.value)
            | _contains(frame, "drive_name", term.value)
            | _contains(frame, "uuid", term.value)
        )
    if term.field == "size":
        return _compare(frame["allocated_size"], term.op, term.value)
    if term.field == "age":
        return _compare(frame["age"], term.op, term.value)
    if term.field == "status":
        status = frame["status"].astype("string").str.lower()
        return status.eq(term.value).fillna(False).to_numpy(dtype=bool)
    if term.field == "drive":
        return _contains(frame, "drive_name", term.value) | frame["drive_uuid"].str.startswith(
            term.value
        ).fillna(False).to_numpy(dtype=bool)
    if term.field == "tag":
        return _contains(frame, "tags", term.value)
    return _contains(frame, term.field, term.value)
