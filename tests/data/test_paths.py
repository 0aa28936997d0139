"""Where the data layer keeps its files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from explorer.data import paths
from explorer.data.history import HistoryStore


def test_env_variable_overrides_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "mine"))
    assert paths.data_dir() == tmp_path / "mine" and (tmp_path / "mine").is_dir()
    assert HistoryStore().path == tmp_path / "mine" / "history.duckdb"
    assert paths.cache_dir() == tmp_path / "mine" / "inventory-cache"


def test_default_is_the_platform_user_data_dir():
    expected = Path(platformdirs.user_data_dir("snapshot-explorer", appauthor=False))
    assert paths.data_dir(create=False) == expected
    if sys.platform.startswith("linux"):  # conftest points XDG_DATA_HOME into the test's private home
        assert expected == Path(os.environ["XDG_DATA_HOME"]) / "snapshot-explorer"
