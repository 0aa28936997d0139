"""connect(): demo by default, the configured account otherwise, over real loopback HTTP to the emulator."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from explorer.emulator import running_emulator
from explorer.errors import AuthenticationError
from explorer.notebook import close, connect
from explorer.notebook.loader import current_session
from explorer.notebook.progress import LoadProgress


@pytest.fixture(autouse=True)
def _close_sessions():
    yield
    close()


def test_connect_without_an_account_runs_the_labelled_demo_and_keeps_it_running():
    inv = connect(progress=False)
    assert inv.source.demo and not inv.source.offline
    assert len(inv.snapshots) > 0 and len(inv.drives) > 0
    session = current_session()
    # The cell that called connect() has finished; the emulator must still answer.
    assert len(session.client.drives.list()) == len(inv.drives)
    url = session.emulator.url
    close()
    assert current_session() is None
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=5)


def test_connect_uses_the_configured_account(monkeypatch):
    with running_emulator(users=["ann@example.com:pw-123456"]) as emu:
        monkeypatch.setenv("CLOUDSIGMA_API_ENDPOINT", emu.url)
        monkeypatch.setenv("CLOUDSIGMA_USERNAME", "ann@example.com")
        monkeypatch.setenv("CLOUDSIGMA_PASSWORD", "pw-123456")
        inv = connect(progress=False)
        assert not inv.source.demo
        assert inv.source.account == "ann@example.com"
        assert inv.source.endpoint == emu.url
        assert len(inv.snapshots) > 0
        close()


def test_wrong_password_is_a_clear_error_and_leaves_nothing_running(monkeypatch):
    with running_emulator(users=["ann@example.com:pw-123456"]) as emu:
        monkeypatch.setenv("CLOUDSIGMA_API_ENDPOINT", emu.url)
        monkeypatch.setenv("CLOUDSIGMA_USERNAME", "ann@example.com")
        monkeypatch.setenv("CLOUDSIGMA_PASSWORD", "not-the-password")
        with pytest.raises(AuthenticationError) as err:
            connect(progress=False)
        assert "not-the-password" not in str(err.value)
        assert current_session() is None


def test_progress_bar_follows_stages_and_finishes():
    bar = LoadProgress("loading", show=False)
    bar("snapshots", 0, None)
    assert bar.bar.max >= 1 and bar.bar.value == 0
    bar("snapshots", 500, 3000)
    assert (bar.bar.value, bar.bar.max, bar.bar.description) == (500, 3000, "snapshots")
    bar("drives", 50, 50)
    bar.finish("Loaded <3> snapshots")
    assert bar.stages == ["snapshots", "drives"]
    assert bar.bar.bar_style == "success" and bar.bar.value == bar.bar.max
    assert bar.label.value == "Loaded &lt;3&gt; snapshots"


def test_offline_reopens_the_last_inventory_without_a_session():
    online = connect(progress=False)
    close()
    offline = connect(offline=True, progress=False)
    assert offline.source.offline and offline.source.demo
    assert len(offline.snapshots) == len(online.snapshots)
    assert current_session() is None
