"""Shared fixtures. Tests never depend on the developer's home directory or environment."""

from __future__ import annotations

import pytest

_ENV_VARS = (
    "CLOUDSIGMA_USERNAME",
    "CLOUDSIGMA_PASSWORD",
    "CLOUDSIGMA_TOKEN",
    "CLOUDSIGMA_REGION",
    "CLOUDSIGMA_API_ENDPOINT",
    "CLOUDSIGMA_CONFIG",
    "SNAPSHOT_EXPLORER_DATA_DIR",
    "SNAPSHOT_EXPLORER_EMULATOR_USERS",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    """No CloudSigma variables, a private HOME and data dir for every test."""
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
