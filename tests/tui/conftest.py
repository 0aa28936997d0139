"""TUI fixtures: a small emulator fleet over real loopback HTTP, an app factory, and polling with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.emulator import running_emulator
from explorer.tui import make_app

SIZE = (180, 44)


@pytest.fixture
def emulator():
    """A fresh fleet per test (writes change it); new snapshots turn available after 0.3 s."""
    with running_emulator(seed=3, drives=5, snapshots=30, transition_seconds=0.3) as handle:
        yield handle


@pytest.fixture
async def client(emulator):
    c = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password)
    yield c
    await c.aclose()


async def wait_until(pilot, predicate: Callable[[], object], *, timeout: float = 15.0, what: str = "condition"):
    """Let the app run until `predicate()` is truthy (no fixed sleeps: poll with a deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            notes = [f"{n.title}: {n.message}" for n in pilot.app._notifications]
            workers = [(w.description, w.state.name) for w in pilot.app.workers]
            raise AssertionError(f"timed out waiting for {what}; notifications: {notes}; workers: {workers}; "
                                 f"screen: {type(pilot.app.screen).__name__}")
        await pilot.pause(0.02)
        await asyncio.sleep(0)


def loaded(app) -> bool:
    b = app.browser
    return b.full_generation == b.generation and b.generation > 0 and not b.query_one("#status").activity


async def start(pilot, app):
    await wait_until(pilot, lambda: loaded(app), what="the first full load")


def new_app(client, **kwargs):
    return make_app(client, poll_seconds=0.05, **kwargs)


def shown_names(app) -> list[str]:
    b = app.browser
    return [str(b.view.frame["name"].iloc[p]) for p in b.positions]
