"""Where the data layer keeps its files: the history store and the offline inventory cache."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from explorer.data.private import private_dir

ENV_DATA_DIR = "SNAPSHOT_EXPLORER_DATA_DIR"
APP_NAME = "snapshot-explorer"


def data_dir(create: bool = True) -> Path:
    """`$SNAPSHOT_EXPLORER_DATA_DIR`, else the per-OS user data directory (e.g. ~/.local/share/snapshot-explorer)."""
    override = os.environ.get(ENV_DATA_DIR)
    path = Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if create:
        private_dir(path)  # 0700: what is kept here names the account (see explorer.data.private)
    return path


def history_path(create: bool = True) -> Path:
    """The history store's file; `create=False` only says where it would be (for "is there one?")."""
    return data_dir(create) / "history.duckdb"


def cache_dir() -> Path:
    return data_dir() / "inventory-cache"
