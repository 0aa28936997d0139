"""Frames built from decoded structs: declared dtypes, joins, missing drives, both timestamp forms."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal, assert_series_equal

from explorer.data import schema
from explorer.data.frames import parse_times
from explorer.data.inventory import Source
from explorer.data.load import build_inventory


def test_every_frame_matches_its_declared_schema(small_inventory):
    inv = small_inventory
    for name in ("snapshots", "drives", "prices", "subscriptions", "usage"):
        schema.check(getattr(inv, name), schema.SCHEMAS[name])


def test_empty_inventory_has_every_column():
    inv = build_inventory()
    for name in ("snapshots", "drives", "prices", "subscriptions", "usage"):
        frame = getattr(inv, name)
        assert len(frame) == 0
        schema.check(frame, schema.SCHEMAS[name])


def test_both_timestamp_forms_parse_to_utc():
    got = parse_times(["2014-06-05 09:53:28.851859+00:00", "2014-06-05T09:45:08.003595+00:00",
                       "2014-06-05T11:45:08+02:00", None, "garbage"])
    want = pd.Series(pd.to_datetime(format="ISO8601", arg=["2014-06-05 09:53:28.851859", "2014-06-05 09:45:08.003595",
                                     "2014-06-05 09:45:08", None, None]).tz_localize("UTC"), dtype=schema.UTC_TIME)
    assert_series_equal(got, want)


def test_snapshot_rows_carry_their_drive(small_inventory):
    s = small_inventory.snapshots.set_index("uuid")
    assert s.at["a", "drive_name"] == "web"
    assert s.at["a", "drive_size"] == 10 * 2**30
    assert s.at["a", "drive_status"] == "mounted"
    assert bool(s.at["a", "drive_mounted"]) is True
    assert s.at["a", "storage_type"] == "dssd"
    assert s.at["c", "storage_type"] == "zadara"
    assert s.at["a", "share_of_drive"] == 0.1
    assert s.at["a", "meta"] == '{"k":"v"}'
    assert s.at["a", "tags"] == "keep"
    assert s.at["b", "meta"] == "{}"
    assert s.at["a", "age"] == pd.Timedelta(days=9, hours=12)


def test_snapshot_of_missing_drive_keeps_its_row(small_inventory):
    s = small_inventory.snapshots.set_index("uuid")
    assert s.at["x", "drive_uuid"] == "gone"
    assert bool(s.at["x", "drive_missing"]) is True
    assert s[["drive_name", "drive_size", "drive_status", "storage_type", "drive_mounted"]].loc["x"].isna().all()
    assert not s.loc[["a", "b", "c", "n"], "drive_missing"].any()


def test_creating_snapshot_has_null_size(small_inventory):
    s = small_inventory.snapshots.set_index("uuid")
    assert s.at["n", "status"] == "creating"
    assert pd.isna(s.at["n", "allocated_size"])
    assert pd.isna(s.at["n", "share_of_drive"])


def test_drive_aggregates(small_inventory):
    d = small_inventory.drives.set_index("uuid")
    want = pd.DataFrame(
        {"snapshot_count": pd.array([2, 1, 1], dtype="Int64"),
         "snapshots_allocated": pd.array([3 * 2**30, 0, 4 * 2**30], dtype="Int64"),
         "mounted": pd.array([True, False, False], dtype="boolean")},
        index=pd.Index(["d1", "d2", "d3"], dtype="string", name="uuid"),
    )
    assert_frame_equal(d[["snapshot_count", "snapshots_allocated", "mounted"]], want)
    assert d.at["d1", "newest_snapshot"] == pd.Timestamp("2026-01-02", tz="UTC")
    assert d.at["d1", "snapshot_share"] == 0.3


def test_unknown_status_becomes_extra_category(make):
    inv = build_inventory(snapshots=[make.snap("a", None, 1, None, status="frozen")])
    assert inv.snapshots["status"].tolist() == ["frozen"]
    assert list(inv.snapshots["status"].cat.categories)[-1] == "frozen"
    assert bool(inv.snapshots["drive_missing"].iloc[0]) is True


def test_billing_frames_and_levels(small_inventory):
    inv = small_inventory
    assert inv.burst_levels == {"dssd": 1, "zadara": 2}
    assert inv.currency == "EUR"
    p = inv.prices.set_index(["resource", "level"])
    assert p.at[("dssd", 1), "price"] == 0.28
    u = inv.usage.set_index("resource")
    assert u.at["dssd", "burst"] == 2 * 2**30


def test_inventory_source_never_copies_secrets():
    from explorer.data.load import inventory_source
    from explorer.session import SessionInfo

    class Client:
        endpoint, username, password = "http://h/api/2.0/", "me@x", "hunter2"

    class Session:
        client = Client()
        source = SessionInfo(endpoint="http://h/api/2.0/", demo=True, account="me@x")

    assert inventory_source(Client()) == Source("http://h/api/2.0/", demo=False, account="me@x")
    assert inventory_source(Session()) == Source("http://h/api/2.0/", demo=True, account="me@x")
    assert "hunter2" not in repr(inventory_source(Client()))
    assert inventory_source(Client(), demo=True, offline=True).offline is True
