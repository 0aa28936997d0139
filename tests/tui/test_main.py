"""`snapshot-explorer tui`: settings -> session -> app, with the badges the flags ask for."""

from __future__ import annotations

import pytest

from explorer.cli import build_parser
from explorer.errors import ExplorerError
from explorer.tui import main
from explorer.tui.app import SnapshotExplorerApp


@pytest.fixture
def captured(monkeypatch):
    """Run the real session and factory, but stop at `App.run` (no terminal in tests): keep the app built."""
    apps = []

    def fake_run(self, *args, **kwargs):
        apps.append(self)

    monkeypatch.setattr(SnapshotExplorerApp, "run", fake_run)
    return apps


def test_no_credentials_runs_the_embedded_demo(captured):
    assert main.run(build_parser().parse_args(["tui"])) == 0
    (app,) = captured
    assert app.source.demo and app.source.endpoint.startswith("http://127.0.0.1:")
    assert app.source.endpoint.endswith("/api/2.0/") and not app.read_only


def test_read_only_flag(captured):
    main.run(build_parser().parse_args(["tui", "--demo", "--read-only"]))
    assert captured[0].read_only and captured[0].browser.read_only


def test_environment_credentials_show_the_account(captured, monkeypatch):
    monkeypatch.setenv("CLOUDSIGMA_USERNAME", "someone@example.com")
    monkeypatch.setenv("CLOUDSIGMA_PASSWORD", "s3cret-value")
    monkeypatch.setenv("CLOUDSIGMA_API_ENDPOINT", "https://zrh.cloudsigma.com/api/2.0/")
    main.run(build_parser().parse_args(["tui"]))
    (app,) = captured
    assert not app.source.demo and app.source.account == "someone@example.com"
    assert app.source.endpoint == "https://zrh.cloudsigma.com/api/2.0/"
    assert "s3cret-value" not in repr(app.source) and "s3cret-value" not in repr(app.client)


def test_offline_without_a_cache_is_a_clear_error():
    with pytest.raises(ExplorerError, match="no cached inventory"):
        main.run(build_parser().parse_args(["tui", "--offline"]))


def test_offline_opens_the_cached_inventory_read_only(captured):
    from explorer.data.cache import save_cached_inventory
    from tests.tui.factory import make_inventory

    save_cached_inventory(make_inventory(12))
    main.run(build_parser().parse_args(["tui", "--offline"]))
    (app,) = captured
    assert app.client is None and app.read_only and app.source.offline
    assert len(app.browser.inventory.snapshots) == 12


def test_offline_never_asks_for_a_password_and_demo_picks_the_demo_cache(captured, monkeypatch):
    import dataclasses

    import pandas as pd

    from explorer.data.cache import save_cached_inventory
    from explorer.data.inventory import Source
    from tests.tui.factory import make_inventory

    demo = make_inventory(12)
    real = dataclasses.replace(make_inventory(7), source=Source("https://zrh.cloudsigma.com/api/2.0/", account="me"),
                               loaded_at=demo.loaded_at + pd.Timedelta(hours=1))
    save_cached_inventory(demo)
    save_cached_inventory(real)
    monkeypatch.setenv("CLOUDSIGMA_USERNAME", "someone@example.com")
    monkeypatch.delenv("CLOUDSIGMA_PASSWORD", raising=False)
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("asked for a password"))
    main.run(build_parser().parse_args(["tui", "--offline"]))
    main.run(build_parser().parse_args(["tui", "--demo", "--offline"]))
    newer, demo_app = captured
    assert len(newer.browser.inventory.snapshots) == 7 and newer.source.account == "me"
    assert len(demo_app.browser.inventory.snapshots) == 12 and demo_app.source.demo and demo_app.source.offline


QUIT_WHEN_LOADED = """
import asyncio
import gc
from explorer.cli import build_parser
from explorer.tui import main
from explorer.tui.app import SnapshotExplorerApp

real_run = SnapshotExplorerApp.run

def run(self, *args, **kwargs):
    async def quit_when_loaded():
        b = self.browser
        while not (b.full_generation == b.generation > 0):
            await asyncio.sleep(0.02)
        self.exit()
    self.call_later(lambda: self.run_worker(quit_when_loaded()))
    return real_run(self, headless=True)

SnapshotExplorerApp.run = run
code = main.run(build_parser().parse_args(["tui"]))
gc.collect()  # a transport left open warns when collected: now, not maybe at interpreter exit
raise SystemExit(code)
"""


def test_quitting_leaves_no_unclosed_connection_behind(tmp_path):
    """`python -X dev`: the demo TUI loads (many concurrent requests), quits, and no transport is left open."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SNAPSHOT_EXPLORER_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}  # no credentials: demo
    for name in [n for n in env if n.startswith("CLOUDSIGMA_")]:
        env.pop(name)
    done = subprocess.run([sys.executable, "-X", "dev", "-c", QUIT_WHEN_LOADED], env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ResourceWarning" not in done.stderr, done.stderr[-2000:]
