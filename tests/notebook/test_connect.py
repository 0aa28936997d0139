"""connect(): demo by default, the configured account otherwise, over real loopback HTTP to the emulator."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from explorer.data.locations import part_for
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
    assert len(session.client.drives.list()) == len(part_for(inv, session.location).drives)
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


@pytest.fixture
def opened(monkeypatch):
    """Counts the sessions connect() really opens (each demo one starts an emulator)."""
    from explorer.notebook import loader

    calls = []
    real = loader.open_sessions

    def counting(settings, **kwargs):
        calls.append(settings)
        return real(settings, **kwargs)

    monkeypatch.setattr(loader, "open_sessions", counting)
    return calls


def test_connect_twice_on_the_demo_reuses_the_running_emulator(opened):
    first = connect(progress=False)
    session = current_session()
    session.emulator.advance(days=3)  # the drives keep writing: the second load must see it
    second = connect(progress=False)
    assert len(opened) == 1 and current_session() is session
    assert second.source.endpoint == first.source.endpoint and second.source.demo
    assert second.snapshots["allocated_size"].sum() > first.snapshots["allocated_size"].sum()
    connect(demo=True, progress=False)  # asking for the demo explicitly is the same demo
    assert len(opened) == 1
    close()
    connect(progress=False)  # after close() a new one starts
    assert len(opened) == 2


def test_connect_twice_to_the_same_account_reuses_its_session(monkeypatch, opened):
    from explorer.notebook import loader

    prompts = []
    monkeypatch.setattr(loader, "in_kernel", lambda: True)
    monkeypatch.setattr(loader, "_ask_password", lambda user: prompts.append(user) or "pw-123456")
    with running_emulator(users=["ann@example.com:pw-123456"]) as emu:
        monkeypatch.setenv("CLOUDSIGMA_API_ENDPOINT", emu.url)
        monkeypatch.setenv("CLOUDSIGMA_USERNAME", "ann@example.com")
        connect(progress=False)  # no password configured: asked for once
        session = current_session()
        inv = connect(progress=False)  # reused: not asked again
        assert len(opened) == 1 and prompts == ["ann@example.com"] and current_session() is session
        assert inv.source.account == "ann@example.com"
        monkeypatch.setenv("CLOUDSIGMA_PASSWORD", "another-password")  # a different password is a new session
        with pytest.raises(AuthenticationError):
            connect(progress=False)
        assert len(opened) == 2 and current_session() is session
        close()
