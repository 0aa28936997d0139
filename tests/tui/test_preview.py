"""The launch preview: the cache's first screen from `preview.json`, keys during it, then the browser taking over.

The launch (the session opening, pandas imported) is held at a threading event the test sets, so "while the
preview is shown" is a state the test controls.
"""

from __future__ import annotations

import threading
from datetime import UTC

import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.data import inventory_source, paths
from explorer.data.preview import read_preview, slot_dir
from explorer.errors import ConfigError
from explorer.tui.app import SnapshotExplorerApp
from explorer.tui.screens.preview import PreviewScreen, cached_ago
from tests.tui.conftest import loaded, new_app, start, wait_until
from tests.tui.screen import wait_drawn

SIZES = [(80, 24), (120, 40), (200, 50)]


async def _first_run(emulator) -> dict:
    """A cold warm-start run, as the CLI's: it shows the fresh inventory and writes the preview of it."""
    client = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password)
    app = new_app(client, warm_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
    await client.aclose()
    preview = read_preview([slot_dir(paths.cache_dir(), inventory_source(client))])
    assert preview is not None
    return preview


def _held_launch(emulator):
    """(launch, release): launch() waits for release.set(), then returns a new client for the browser."""
    release = threading.Event()

    def launch():
        assert release.wait(60)
        client = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password)
        return {"client": client, "source": inventory_source(client)}

    return launch, release


@pytest.mark.parametrize("size", SIZES)
async def test_preview_is_drawn_then_the_browser_replaces_it(emulator, size):
    preview = await _first_run(emulator)
    newest = preview["rows"][0][preview["columns"].index("Name")]
    launch, release = _held_launch(emulator)
    app = SnapshotExplorerApp.launching(preview, launch)
    async with app.run_test(size=size) as pilot:
        text = await wait_drawn(pilot, newest[:12])
        assert "cached" in text and "refreshing" in text and "loading…" in text
        assert isinstance(app.screen, PreviewScreen) and app.browser is None
        await pilot.press("s")  # the browser's sort key: never acted on later, said so now
        text = await wait_drawn(pilot, "'s' not done")
        assert isinstance(app.screen, PreviewScreen)
        release.set()
        await wait_until(pilot, lambda: app.browser is not None and loaded(app), what="the browser loaded")
        assert app.screen is app.browser
        assert (app.browser.table.sort_key, app.browser.table.sort_descending) == ("created", True)
        text = await wait_drawn(pilot, "Filter")  # the browser's footer (it may come a frame after the rows)
        assert newest[:12] in text and "q quit · loading…" not in text


async def test_q_on_the_preview_quits_while_the_launch_is_still_on_its_way(emulator):
    preview = await _first_run(emulator)
    launch, release = _held_launch(emulator)
    app = SnapshotExplorerApp.launching(preview, launch)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_drawn(pilot, "loading…")
        await pilot.press("q")
        await wait_until(pilot, lambda: app._exit, what="the app exiting")
    release.set()
    app.launch_thread.join(30)  # the launch ends at once: nothing waits for the app's (ended) loop
    assert not app.launch_thread.is_alive()
    assert app.browser is None and app.launch_error is None


async def test_a_failed_launch_ends_the_app_with_its_error(emulator):
    preview = await _first_run(emulator)

    def launch():
        raise ConfigError("no endpoint to connect to")

    app = SnapshotExplorerApp.launching(preview, launch)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app._exit, what="the app exiting")
    assert isinstance(app.launch_error, ConfigError) and app.return_code == 1


def test_a_cache_saved_since_has_no_preview(emulator):
    import asyncio

    preview = asyncio.run(_first_run(emulator))
    slot = slot_dir(paths.cache_dir(), inventory_source(AsyncCloudSigmaClient(
        emulator.url, username=emulator.username, password=emulator.password)))
    manifest = (slot / "inventory.json").read_text()
    (slot / "inventory.json").write_text(manifest.replace(f'"stamp": "{preview["slots"][slot.name]}"',
                                                          '"stamp": "1"'))
    assert read_preview([slot]) is None


def test_cached_ago_says_the_title_bars_words():
    from datetime import datetime

    now = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    assert cached_ago("2026-12-02T04:53:00+00:00", now) == "cached 7m ago"
    assert cached_ago("2026-12-01T02:00:00+00:00", now) == "cached 1d ago"
    assert cached_ago("garbage", now) == "cached"
