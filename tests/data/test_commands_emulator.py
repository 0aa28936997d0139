"""export / cost / record through explorer.cli.main against the emulator (env credentials) and --demo."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from explorer.cli import main
from explorer.data.history import HistoryStore
from explorer.emulator import running_emulator


@pytest.fixture
def account(monkeypatch):
    with running_emulator(seed=5, drives=6, snapshots=40) as handle:
        monkeypatch.setenv("CLOUDSIGMA_API_ENDPOINT", handle.url)
        monkeypatch.setenv("CLOUDSIGMA_USERNAME", handle.username)
        monkeypatch.setenv("CLOUDSIGMA_PASSWORD", handle.password)
        yield handle


def test_export_parquet_from_the_api(account, tmp_path, capsys):
    out = tmp_path / "s.parquet"
    assert main(["export", "--format", "parquet", "--output", str(out)]) == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 40 and str(frame["timestamp"].dtype).endswith("UTC]")
    err = capsys.readouterr().err
    assert f"wrote 40 snapshots to {out} (parquet) - {account.url}" in err
    assert account.password not in err


def test_cost_from_the_api(account, capsys):
    assert main(["cost", "--top", "3"]) == 0
    text = capsys.readouterr().out
    assert account.url in text and account.username in text
    assert "Top 3 drives" in text and "burst now/month" in text and "value at sub/month" in text
    # The seed-5 fleet is deterministic: dssd holds snapshots and bursts; local_nvme bursts with none on it.
    assert ("The account is BURSTING on dssd: deleting snapshots of those types saves money now "
            "(also bursting on local_nvme, which holds no snapshots).") in text.splitlines()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("resource ")) + 2  # after the rule
    end = next(i for i, line in enumerate(lines) if line.startswith("The account is"))
    resources = [line.split()[0] for line in lines[start:end]]
    assert resources == ["dssd", "local_nvme"]


def test_record_twice_reports_changes(account, capsys):
    assert main(["record"]) == 0
    first = capsys.readouterr().out
    assert "recorded observation #1" in first and "40 snapshots" in first
    account.advance(days=2)  # the fleet's schedules continue: its daily drives take a snapshot each day
    assert main(["record"]) == 0
    second = capsys.readouterr().out
    # Two or three schedule runs fall in two days, by the time of day the test runs: count them from the fleet.
    now = int(re.search(r"recorded observation #2 at .*?: (\d+) snapshots", second).group(1))
    assert now - 40 in (2, 3) and f"since the previous observation: {now - 40} new, 0 deleted" in second
    assert len(HistoryStore().records()) == 2


def test_wrong_password_is_a_clear_error(account, monkeypatch, capsys):
    monkeypatch.setenv("CLOUDSIGMA_PASSWORD", "wrong-secret")
    assert main(["cost"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("snapshot-explorer: ") and "wrong-secret" not in err


def test_demo_flag_then_offline(tmp_path, capsys):
    assert main(["cost", "--demo", "--top", "1"]) == 0
    assert "demo emulator" in capsys.readouterr().out
    out = tmp_path / "d.csv"
    assert main(["export", "--offline", "--format", "csv", "--output", str(out), "--frame", "drives"]) == 0
    assert len(pd.read_csv(out)) > 0
