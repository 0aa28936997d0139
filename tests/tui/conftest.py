"""TUI fixtures: a small emulator fleet over real loopback HTTP, an app factory, every report the app showed."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable

import pytest
from textual.app import App

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


#: Only a guard against a hang: every wait below ends on its event, long before this on a busy machine.
HANG_GUARD = 120.0


class Report(str):
    """One notification as shown: its title, a newline, then its text; `.severity` is its colour."""

    severity: str = "information"


_REPORTS: weakref.WeakKeyDictionary[App, list[Report]] = weakref.WeakKeyDictionary()


@pytest.fixture(autouse=True)
def _record_reports(monkeypatch):
    """Record every notification any app shows, in order, so a test can look back at all of them."""
    real_notify = App.notify

    def notify(self, message, *, title="", severity="information", **kwargs):
        report = Report(f"{title}\n{message}" if title else str(message))
        report.severity = severity
        _REPORTS.setdefault(self, []).append(report)
        return real_notify(self, message, title=title, severity=severity, **kwargs)

    monkeypatch.setattr(App, "notify", notify)


def reports(app) -> list[Report]:
    """Every notification `app` has put up so far, oldest first: the title, a newline, then the text.

    Unlike the toasts still on screen this is the whole sequence: a report replaced a moment later by
    another ("New snapshots are available") is still here.
    """
    return _REPORTS.setdefault(app, [])


async def wait_for_report(pilot, text: str, *, since: int = 0, timeout: float = HANG_GUARD) -> Report:
    """The first report (from index `since` on) containing `text`, waiting until the app puts it up."""
    return await wait_until(pilot, lambda: next((r for r in reports(pilot.app)[since:] if text in r), None),
                            timeout=timeout, what=f"a report containing {text!r}")


async def wait_until(pilot, predicate: Callable[[], object], *, timeout: float = HANG_GUARD, what: str = "condition"):
    """Let the app run until `predicate()` is truthy; `timeout` only guards against a hang."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            notes = reports(pilot.app)
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
