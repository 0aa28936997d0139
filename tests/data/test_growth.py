"""Reconstructed growth: cumulative bytes and counts per drive by snapshot time."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from explorer.data import schema
from explorer.data.growth import drive_growth
from explorer.data.load import build_inventory


def test_growth_is_cumulative_per_drive(make):
    snaps = [
        make.snap("s3", "d1", 30, "2026-01-03 00:00:00+00:00"),
        make.snap("s1", "d1", 10, "2026-01-01 00:00:00+00:00"),
        make.snap("t1", "d2", 5, "2026-01-02T00:00:00+00:00"),
        make.snap("s2", "d1", None, "2026-01-02 00:00:00+00:00", status="creating"),
        make.snap("nodrive", None, 99, "2026-01-02 00:00:00+00:00"),
        make.snap("notime", "d2", 99, None),
    ]
    got = drive_growth(build_inventory(snapshots=snaps, drives=[make.drive("d1", "a", 100)]))
    want = pd.DataFrame(
        {
            "drive_uuid": pd.array(["d1", "d1", "d1", "d2"], dtype="string"),
            "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-02"]).tz_localize("UTC")
            .astype(schema.UTC_TIME),
            "cumulative_bytes": pd.array([10, 10, 40, 5], dtype="Int64"),
            "snapshot_count": pd.array([1, 2, 3, 1], dtype="Int64"),
        }
    )
    assert_frame_equal(got, want)


def test_growth_of_empty_inventory_has_every_column():
    got = drive_growth(build_inventory())
    assert len(got) == 0
    schema.check(got, schema.GROWTH_COLUMNS)
