"""open_session(): demo mode starts the emulator; sync and async clients; SessionInfo carries no secret."""

from __future__ import annotations

import asyncio

import pytest

from explorer.client import NO_RETRY, AsyncCloudSigmaClient, CloudSigmaClient
from explorer.config import Settings, load_settings
from explorer.errors import ConfigError, TransportError
from explorer.session import SessionInfo, open_session


def test_demo_session_runs_the_emulator_and_connects():
    settings = load_settings(None, environ={})
    assert settings.demo
    with open_session(settings) as session:
        assert isinstance(session.client, CloudSigmaClient)
        assert session.source == SessionInfo(endpoint=session.client.endpoint, demo=True, account="demo@example.com")
        assert session.source.endpoint.startswith("http://127.0.0.1:")
        assert session.client.profile().email == "demo@example.com"
        assert len(session.client.drives.list()) > 0
        endpoint = session.source.endpoint
    # The emulator stopped with the session.
    with pytest.raises(TransportError), CloudSigmaClient(endpoint, username="x", password="y",
                                                         retry=NO_RETRY) as late:
        late.balance()


def test_async_session_is_usable_from_another_event_loop():
    with open_session(Settings(demo=True), asynchronous=True) as session:
        client = session.client
        assert isinstance(client, AsyncCloudSigmaClient)

        async def work():
            return len(await client.snapshots.list()), (await client.balance()).currency

        count, currency = asyncio.run(work())  # like a Textual app running its own loop
        assert count > 0 and currency
    assert client.closed


def test_session_against_a_configured_endpoint(loopback):
    env = {"CLOUDSIGMA_API_ENDPOINT": loopback.url, "CLOUDSIGMA_USERNAME": loopback.username,
           "CLOUDSIGMA_PASSWORD": loopback.password}
    settings = load_settings(None, environ=env)
    with open_session(settings) as session:
        assert session.source == SessionInfo(endpoint=loopback.url, demo=False, account=loopback.username)
        assert session.emulator is None
        assert session.client.balance().currency
        assert loopback.password not in repr(session)


def test_offline_settings_have_no_session():
    with pytest.raises(ConfigError, match="offline"), open_session(Settings(offline=True, demo=True)):
        pass
