"""export / cost / record through explorer.cli.main on the offline cache (no API involved)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from explorer.cli import main
from explorer.data.cache import save_cached_inventory
from explorer.data.report import cost_report


@pytest.fixture
def cached(small_inventory):
    save_cached_inventory(small_inventory)
    return small_inventory


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_each_format(cached, tmp_path, fmt, capsys):
    out = tmp_path / f"snaps.{fmt}"
    assert main(["export", "--offline", "--format", fmt, "--output", str(out)]) == 0
    assert f"wrote 5 snapshots to {out} ({fmt})" in capsys.readouterr().err
    if fmt == "csv":
        back = pd.read_csv(out)
        assert back["age"][0] == pd.Timedelta(days=9, hours=12).total_seconds()  # seconds, as in JSON
    elif fmt == "parquet":
        back = pd.read_parquet(out)
        assert str(back["allocated_size"].dtype) == "Int64"
    else:
        rows = json.loads(out.read_text())
        assert rows[0]["age"] == pd.Timedelta(days=9, hours=12).total_seconds()
        assert rows[0]["timestamp"].startswith("2026-01-01T00:00:00")
        assert rows[0]["meta"] == {"k": "v"} and rows[0]["tags"] == ["keep"] and rows[1]["tags"] == []
        assert rows[4]["allocated_size"] is None and rows[3]["drive_name"] is None
        back = pd.DataFrame(rows)
    assert back["uuid"].tolist() == ["a", "b", "c", "x", "n"]


def test_export_drives_frame(cached, tmp_path):
    out = tmp_path / "drives.csv"
    assert main(["export", "--offline", "--format", "csv", "--output", str(out), "--frame", "drives"]) == 0
    assert pd.read_csv(out)["uuid"].tolist() == ["d1", "d2", "d3"]


def test_export_to_missing_directory_is_a_clear_error(cached, tmp_path, capsys):
    assert main(["export", "--offline", "--format", "csv", "--output", str(tmp_path / "no" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cost_command(cached, capsys):
    assert main(["cost", "--offline", "--top", "2"]) == 0
    text = capsys.readouterr().out
    assert "OFFLINE cache" in text and "Currency: EUR" in text
    assert "BURSTING on dssd" in text
    assert "Top 2 drives" in text and "web" in text and "(missing drive)" in text
    assert "0.56 EUR" in text  # dssd burst: 2 GiB at 0.28


def test_cost_in_a_currency_without_prices(cached, capsys):
    """A currency the account has no prices in is an error naming the ones it has (not every price as —)."""
    assert main(["cost", "--offline", "--currency", "usd"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no prices in USD" in captured.err and "it has prices in EUR" in captured.err


def test_cost_report_when_not_bursting(make):
    from explorer.data.load import build_inventory

    inv = build_inventory(snapshots=[make.snap("s", "d", make.GIB, None)], drives=[make.drive("d", "x", make.GIB)],
                          pricing=make.pricing(), usage=make.usage(dssd=(10 * make.GIB, 2 * make.GIB, 0)))
    assert "saves no money today" in cost_report(inv)


def test_record_refuses_offline(cached, capsys):
    assert main(["record", "--offline"]) == 2
    assert "offline" in capsys.readouterr().err


def test_offline_without_cache_is_a_clear_error(capsys):
    assert main(["cost", "--offline"]) == 2
    assert "no cached inventory yet" in capsys.readouterr().err


def test_progress_lines_without_a_terminal():
    import io

    from explorer.data.commands import StderrProgress

    buf = io.StringIO()
    p = StderrProgress(buf)
    for done in (0, 500, 1000):
        p("snapshots", done, 1000)
    p("billing", 6, 6)
    assert buf.getvalue() == "loaded 1000 snapshots\nloaded billing data (6 requests)\n"
