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


@pytest.mark.parametrize(
    ("text", "message"),
    [("cost>1EUR", "cost needs a plain amount per month at subscription price"), ("cost>", "cost needs"),
     ("owner:", "owner: needs a value"), ("planet:mars", "unknown filter 'planet'")],
)
def test_new_terms_raise_clear_errors(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text)


def test_derived_terms_on_a_bare_frame_say_what_is_missing(frame):
    with pytest.raises(QueryError, match="needs the 'owner' column"):
        parse_query("owner:ops").mask(frame)
    with pytest.raises(QueryError, match="needs the 'monthly_cost_subscription' column"):
        parse_query("cost>1").mask(frame)


@pytest.fixture
def owned(make):
    """Owner from the snapshot's meta, else its drive's; one snapshot with none; prices 0.14/0.28 EUR per GiB."""
    from explorer.data.inventory import Source
    from explorer.data.load import build_inventory

    g = make.GIB
    drives = [make.drive("d1", "web", 100 * g, meta={"owner": "web-team"}),
              make.drive("d2", "db", 100 * g), make.drive("d3", "cold", 100 * g, storage_type="zadara")]
    snaps = [make.snap("a", "d1", 10 * g, "2025-09-01 00:00:00+00:00"),
             make.snap("b", "d1", 1 * g, "2026-01-09 00:00:00+00:00", meta={"owner": "ops"}),
             make.snap("c", "d2", 20 * g, "2025-01-01 00:00:00+00:00"),
             make.snap("d", "d3", 30 * g, "2025-06-01 00:00:00+00:00", meta={"owner": "Data"}),
             make.snap("n", "d2", None, "2026-01-10 00:00:00+00:00", status="creating")]
    return build_inventory(snapshots=snaps, drives=drives, pricing=make.pricing(), tags=[],
                           usage=make.usage(dssd=(0, 0, 0)), balance=None, source=Source("http://x/"),
                           loaded_at=make.LOADED_AT)


def _where(inv, text):
    return sorted(inv.where(text)["uuid"])


def test_inventory_where_returns_matching_snapshot_rows(owned):
    rows = owned.where("size>5GiB age>90d")
    assert list(rows.columns) == list(owned.snapshots.columns)
    assert sorted(rows["uuid"]) == ["a", "c", "d"]
    assert len(owned.where("")) == len(owned.snapshots)


def test_owner_comes_from_the_snapshot_then_its_drive(owned):
    assert _where(owned, "owner:web-team") == ["a"]  # from drive d1's meta
    assert _where(owned, "owner:ops") == ["b"]  # its own meta wins over the drive's
    assert _where(owned, "owner:data") == ["d"]  # case-insensitive
    assert _where(owned, "owner:unattributed") == ["c", "n"]
    assert _where(owned, "-owner:unattributed") == ["a", "b", "d"]


def test_storage_cost_and_location_terms(owned):
    assert _where(owned, "storage:zadara") == ["d"]
    assert _where(owned, "-storage:zadara") == ["a", "b", "c", "n"]
    # value at subscription: 10 GiB x 0.14 = 1.40, 20 GiB = 2.80, 30 GiB zadara x 0.05 = 1.50, 1 GiB = 0.14
    assert _where(owned, "cost>1.45") == ["c", "d"]
    assert _where(owned, "cost<=1.4") == ["a", "b", "n"]  # 1.40 exactly (not 1.4000000001); creating costs 0
    assert _where(owned, "-cost>1.45") == ["a", "b", "n"]
    assert _where(owned, "cost=2.8") == ["c"]
    assert _where(owned, "location:zrh") == []  # the fixture's endpoint names no location
    owned.snapshots["location"] = owned.snapshots["location"].cat.set_categories(["ZRH", "FRA"])
    owned.snapshots.loc[owned.snapshots["uuid"].isin(["a", "d"]), "location"] = "FRA"
    owned.snapshots["location"] = owned.snapshots["location"].fillna("ZRH")
    assert _where(owned, "location:fra") == ["a", "d"]
    assert _where(owned, "-location:FRA") == ["b", "c", "n"]


def test_where_raises_the_tui_error(owned):
    with pytest.raises(QueryError, match="unknown size unit 'XB'"):
        owned.where("size>10XB")
