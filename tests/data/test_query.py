"""The filter language: each term kind, negation, and clear errors for bad terms."""

from __future__ import annotations

import pandas as pd
import pytest

from explorer.data.query import QueryError, parse_query
from explorer.errors import ValidationError
from tests.tui.factory import make_inventory


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_inventory(40).snapshots


def _uuids(frame, text):
    return set(frame.loc[parse_query(text).mask(frame), "uuid"])


def test_empty_query_keeps_everything(frame):
    assert parse_query("  ").mask(frame).all()


def test_free_word_matches_name_drive_or_uuid_case_insensitively(frame):
    assert _uuids(frame, "DB-MAIN") == set(frame.loc[frame["drive_name"] == "db-main", "uuid"])
    one = frame["uuid"].iloc[5]
    assert _uuids(frame, one[:8].upper()) == {one}
    assert _uuids(frame, "snap-000007") == {frame["uuid"].iloc[7]}


def test_size_terms_are_unit_aware_and_skip_creating(frame):
    big = _uuids(frame, "size>10GiB")
    expected = set(frame.loc[frame["allocated_size"].gt(10 * 2**30).fillna(False), "uuid"])
    assert big == expected and 0 < len(big) < len(frame)
    assert _uuids(frame, "size>10G") == _uuids(frame, "size>10gb") == big
    assert frame["uuid"].iloc[2] not in _uuids(frame, "size>=0")  # creating: no size yet
    assert _uuids(frame, "size<=1.5KiB") == set(frame.loc[frame["allocated_size"].le(1536).fillna(False), "uuid"])


def test_age_terms(frame):
    old = _uuids(frame, "age>90d")
    assert old == set(frame.loc[frame["age"] > pd.Timedelta(days=90), "uuid"])
    assert _uuids(frame, "age<=2w") == set(frame.loc[frame["age"] <= pd.Timedelta(days=14), "uuid"])


def test_keyed_terms_and_negation(frame):
    assert _uuids(frame, "status:creating") == {frame["uuid"].iloc[2]}
    assert _uuids(frame, "status:CREATING") == {frame["uuid"].iloc[2]}
    assert _uuids(frame, "drive:web") == set(frame.loc[frame["drive_name"].str.startswith("web"), "uuid"])
    assert _uuids(frame, "-status:creating") == set(frame["uuid"]) - {frame["uuid"].iloc[2]}
    combined = _uuids(frame, "drive:web size>1GiB")
    assert combined == _uuids(frame, "drive:web") & _uuids(frame, "size>1GiB")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("size>abc", "size needs a number with a unit"),
        ("size>10XB", "unknown size unit 'XB'"),
        ("age>90", "unknown age unit"),
        ("colour:red", "unknown filter 'colour'"),
        ("status:", "status: needs a value"),
        ('"open', "unbalanced quote"),
    ],
)
def test_bad_terms_raise_a_clear_validation_error(text, message):
    with pytest.raises(QueryError, match=message) as info:
        parse_query(text)
    assert isinstance(info.value, ValidationError)


@pytest.mark.parametrize("text", ["age>9999999999999y", "age>290y", "size>" + "9" * 400, "size>99999999T",
                                  "-age<" + "1" * 400 + "s"],
                         ids=["age-13-digits-y", "age-290y", "size-400-digits", "size-99999999T", "age-400-digits"])
def test_values_beyond_the_columns_are_a_query_error(frame, text):
    with pytest.raises(QueryError, match="value too large"):
        parse_query(text)


def test_largest_accepted_values_still_filter(frame):
    assert not parse_query("age>289y").mask(frame).any()
    assert not parse_query("size>4000000T").mask(frame).any()


@pytest.mark.parametrize("text", ["-size>1", "-size<1", "-size=0", "-age>1s", "-age<1s"])
def test_negated_size_and_age_never_match_unknown_values(frame, text):
    f = frame.copy()
    f.loc[f.index[5], "age"] = pd.NaT
    creating = set(f.loc[f["allocated_size"].isna(), "uuid"])
    assert creating and f["allocated_size"].notna().any()
    hits = set(f.loc[parse_query(text).mask(f), "uuid"])
    assert not hits & creating if text.startswith("-size") else f["uuid"].iloc[5] not in hits
