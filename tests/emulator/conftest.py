"""Fixtures for emulator tests: a small in-process app and an async client on it."""

from __future__ import annotations

import httpx
import pytest

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app

BASE = "http://emulator/api/2.0/"


def make_client(app, auth=(DEMO_USERNAME, DEMO_PASSWORD)) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE, auth=auth)


@pytest.fixture
def app():
    return create_app(seed=7, drives=12, snapshots=240, transition_seconds=0.2,
                      users=[(DEMO_USERNAME, DEMO_PASSWORD), ("other@example.com", "other-password")])


@pytest.fixture
async def client(app):
    async with make_client(app) as c:
        yield c


@pytest.fixture
async def other(app):
    async with make_client(app, auth=("other@example.com", "other-password")) as c:
        yield c
