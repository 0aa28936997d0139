"""`g`: reconstructed growth at once, the observed series from the history store overlaid (read in a worker)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from explorer.data import HistoryStore
from explorer.data.paths import ENV_DATA_DIR, history_path
from explorer.tui import make_app
from explorer.tui.screens.growth import GrowthScreen
from tests.tui.conftest import SIZE, wait_until
from tests.tui.factory import NOW, make_inventory


async def _open_growth(pilot, app) -> GrowthScreen:
    await pilot.pause()
    await pilot.press("g")
    screen = app.screen
    assert isinstance(screen, GrowthScreen)
    await wait_until(pilot, lambda: "reading" not in screen.history_note, what="the history read")
    return screen


def _plot_text(screen: GrowthScreen, widget_id: str) -> str:
    return screen.query_one(widget_id).render().plain


async def test_growth_overlays_the_observed_series_of_the_drive(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "data"))
    store = HistoryStore()  # the user's default store, as `snapshot-explorer record` writes it
    for days in (2, 1, 0):
        store.record(make_inventory(20, now=NOW - pd.Timedelta(days=days)))
    app = make_app(None, inventory=make_inventory(20))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_growth(pilot, app)
        drive = app.browser.current_row()["drive_uuid"]
        assert screen.drive_uuid == drive
        assert set(screen.observed["drive_uuid"]) == {drive} and len(screen.observed) == 3
        assert "observed: 3 records since 2026-01-13" in str(screen.query_one("#dialog-title").render())
        for widget_id in ("#growth-bytes", "#growth-count"):
            text = _plot_text(screen, widget_id)
            assert "observed" in text and "reconstructed" in text  # both series, with a legend


async def test_growth_without_a_store_draws_and_creates_nothing(monkeypatch, tmp_path):
    data = tmp_path / "data"
    monkeypatch.setenv(ENV_DATA_DIR, str(data))
    app = make_app(None, inventory=make_inventory(20))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_growth(pilot, app)
        assert screen.observed is None and "no history store yet" in screen.history_note
        assert "observed" not in _plot_text(screen, "#growth-bytes")
        assert not screen.growth.empty
    assert not history_path(create=False).exists() and not data.exists()


async def test_growth_says_when_the_store_has_nothing_for_this_drive(tmp_path):
    inv = make_inventory(20)
    store = HistoryStore(tmp_path / "other.duckdb")
    other = replace(inv.source, demo=False, endpoint="https://zrh.cloudsigma.com/api/2.0/", account="o@example.com")
    store.record(replace(inv, source=other))  # another account's observations only
    app = make_app(None, inventory=inv)
    app.browser.history = store
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_growth(pilot, app)
        assert screen.observed is not None and screen.observed.empty
        assert screen.history_note == "no recorded history for this drive"


async def test_growth_closed_at_once_at_80x24_drops_the_late_forecast(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "data"))
    app = make_app(None, inventory=make_inventory(20))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("g", "escape")  # the forecast worker is still running when the view closes
        await wait_until(pilot, lambda: not any(w.group == "forecast" and not w.is_finished for w in app.workers),
                         what="the forecast worker to finish")
        await pilot.pause()
        assert app.screen is app.browser and app._exception is None
