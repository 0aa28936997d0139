"""Snapshot columns built page by page during the load (PageColumns) give the very frame built from the list."""

from __future__ import annotations

import msgspec
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from explorer.client import CloudSigmaClient
from explorer.data import frames
from explorer.data.load import SNAPSHOT_FIELDS, PageColumns, build_inventory, load_inventory
from explorer.emulator import running_emulator

from .conftest import LOADED_AT, drive, snap


def _snaps(*uuids):
    return [snap(u, "d1", 2**30, "2026-01-01 10:00:00+00:00", tags=[{"uuid": "t"}]) for u in uuids]


def _frame(snapshots):
    return build_inventory(snapshots=snapshots, drives=[drive("d1", "web", 10 * 2**30)], loaded_at=LOADED_AT).snapshots


def test_pages_that_overlap_by_one_object_reassemble_into_the_merged_list():
    first, second = _snaps("a", "b", "c"), _snaps("c", "d", "e")  # the client's overlap: "c" decoded twice
    columns = PageColumns()
    columns(first)
    columns(second)
    merged = first + second[1:]
    table = columns.table(merged)
    assert table is not None and table.column("uuid").to_pylist() == ["a", "b", "c", "d", "e"]
    assert_frame_equal(_frame(table), _frame(merged))


def test_anything_but_the_merged_pages_falls_back_to_the_list():
    first, second = _snaps("a", "b", "c"), _snaps("c", "d", "e")
    columns = PageColumns()
    columns(first)
    columns(second)
    assert columns.table(first + second[2:]) is None  # an object dropped (a duplicate removed)
    assert columns.table(_snaps("a", "b", "c", "d", "e")) is None  # a redone round: other objects
    assert columns.table(first[:2]) is None  # a page cut short
    assert columns.table([]).num_rows == 0


def test_rows_decoded_lighter_give_the_same_frame():
    full = [*_snaps("a", "b"), snap("m", "d1", None, None, status="creating", meta={"z": 1, "a": [1, 2]})]
    rows = msgspec.json.decode(msgspec.json.encode(full), type=list[frames.SnapshotRow])
    assert_frame_equal(_frame(rows), _frame(full))
    assert _frame(rows)["meta"].tolist() == ["{}", "{}", '{"a":[1,2],"z":1}']


def test_empty_table_builds_every_column():
    empty = _frame(frames.snapshot_table([]))
    assert len(empty) == 0 and list(empty.columns) == list(_frame([]).columns)


@pytest.mark.parametrize("page_size", [7, 0])
def test_loaded_frame_equals_the_one_built_from_plain_lists(page_size):
    with (running_emulator(seed=3, drives=6, snapshots=60) as emu,
          CloudSigmaClient(emu.url, username=emu.username, password=emu.password, page_size=page_size) as c):
        columns = PageColumns()
        listed = c.snapshots.list(fields=SNAPSHOT_FIELDS, item_type=frames.SnapshotRow, on_page=columns)
        assert all(isinstance(s, frames.SnapshotRow) for s in listed) and columns.table(listed) is not None
        inv = load_inventory(c, cache=False)
        plain = build_inventory(snapshots=c.snapshots.list(), drives=c.drives.list(), tags=c.tags.list(),
                                loaded_at=inv.loaded_at)
    assert_frame_equal(inv.snapshots, plain.snapshots)
    assert_frame_equal(inv.drives, plain.drives)
    assert pd.api.types.is_string_dtype(inv.snapshots["tags"])
