"""The profile's clone naming strategies, as documented in clone_naming.rst."""

from __future__ import annotations

from datetime import UTC, datetime

from explorer.emulator.objects import clone_name

T = datetime(2014, 6, 5, 9, 45, 56, tzinfo=UTC).timestamp()


def test_none_keeps_the_name():
    assert clone_name("test_drive_x", "NONE", T) == "test_drive_x"


def test_counter_appends_then_increments():
    assert clone_name("test_drive_x", "COUNTER", T) == "test_drive_x_1"
    assert clone_name("test_drive_x_1", "COUNTER", T) == "test_drive_x_2"


def test_date_appends_or_updates_and_falls_back_to_counter_when_current():
    assert clone_name("test_drive_x", "DATE", T) == "test_drive_x-2014-06-05"
    assert clone_name("test_drive_x-2013-01-01", "DATE", T) == "test_drive_x-2014-06-05"
    assert clone_name("test_drive_x-2014-06-05", "DATE", T) == "test_drive_x-2014-06-05_1"


def test_timestamp_appends_or_updates():
    assert clone_name("test_drive_x", "TIMESTAMP", T) == "test_drive_x-2014-06-05 09:45:56"
    assert clone_name("test_drive_x-2013-01-01 00:00:00", "TIMESTAMP", T) == "test_drive_x-2014-06-05 09:45:56"
