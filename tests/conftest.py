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


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say once, in the run's own summary, when the browser tests did not run (tests/notebook deselects them).

    Here rather than in tests/notebook/conftest.py: under xdist only the controller prints, and it never
    collects, so it decides from the notebook tests that reported and the same Chromium check.
    """
    from tests.notebook.browser import CHROMIUM, INSTALL_HINT, chromium_present

    ran_notebook_tests = any(
        getattr(report, "nodeid", "").startswith("tests/notebook/")
        for reports in terminalreporter.stats.values() for report in reports)
    if ran_notebook_tests and not chromium_present():
        terminalreporter.write_line(
            f"BROWSER TESTS DID NOT RUN: no Chromium at {CHROMIUM}; install it with: {INSTALL_HINT}",
            yellow=True, bold=True)
