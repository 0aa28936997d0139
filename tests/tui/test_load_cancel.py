"""A load worker that ends (cancelled by a newer refresh, or failed) leaves nothing of its own running."""

from __future__ import annotations

import asyncio

from tests.tui.conftest import SIZE, loaded, new_app, wait_for_report, wait_until


def _running_loads() -> list[asyncio.Task]:
    return [t for t in asyncio.all_tasks()
            if not t.done() and getattr(t.get_coro(), "__qualname__", "") == "load_inventory_async"]


def _load_workers(app):
    return [w for w in app.workers if w.group == "load" and not w.is_finished]


async def test_refresh_during_the_preview_cancels_the_previous_load(emulator, client):
    # Every request takes a while, so each refresh lands while the previous load is still waiting for
    # its first page (the preview) and its full load.
    emulator.set_faults(latency_ms=400)
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: _running_loads(), what="the first load to start")
        for _ in range(4):
            await pilot.press("r")
        await wait_until(pilot, lambda: len(_load_workers(app)) <= 1, what="the older load workers to end")
        assert len(_running_loads()) <= 1  # the cancelled workers' full loads were cancelled with them
        emulator.clear_faults()
        await wait_until(pilot, lambda: loaded(app), what="the last load")
        assert app.browser.full_generation == 5 and not _running_loads()


async def test_a_failed_load_leaves_nothing_running(emulator, client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: loaded(app), what="the first load")
        emulator.set_faults(error_rate=1.0)
        await pilot.press("r")
        await wait_for_report(pilot, "failed")
        await wait_until(pilot, lambda: not _load_workers(app), what="the load worker to end")
        assert not _running_loads()
        assert len(app.browser.view.frame) == 30  # the last good inventory stays on screen
