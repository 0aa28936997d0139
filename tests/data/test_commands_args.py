"""Flags that cannot work are refused before the (possibly long) load."""

from __future__ import annotations

import pytest

from explorer.cli import main


def test_export_to_a_missing_directory_fails_before_loading(monkeypatch, tmp_path, capsys):
    import explorer.data.commands as commands

    monkeypatch.setattr(commands, "load_for_command", lambda *a, **k: pytest.fail("loaded before checking --output"))
    assert main(["export", "--demo", "--format", "csv", "--output", str(tmp_path / "no" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("top", ["0", "-2"])
def test_cost_refuses_a_non_positive_top_before_loading(monkeypatch, capsys, top):
    import explorer.data.commands as commands

    monkeypatch.setattr(commands, "load_for_command", lambda *a, **k: pytest.fail("loaded before checking --top"))
    assert main(["cost", "--demo", "--top", top]) == 2
    assert f"--top needs a positive number of drives (got {top})" in capsys.readouterr().err
