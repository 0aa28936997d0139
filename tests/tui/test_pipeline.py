"""The worker pipeline seen through message_hook, stale results dropped, and the one place errors are handled."""

from __future__ import annotations

from explorer.client import NO_RETRY, AsyncCloudSigmaClient
from explorer.tui.messages import InventoryLoaded, LoadProgress
from tests.tui.conftest import SIZE, new_app, start, wait_for_report
from tests.tui.factory import make_inventory


async def test_load_posts_progress_then_preview_then_full_inventory(client):
    seen = []
    app = new_app(client)

    def hook(message):
        if isinstance(message, LoadProgress | InventoryLoaded):
            seen.append(message)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await start(pilot, app)
    loads = [m for m in seen if isinstance(m, InventoryLoaded)]
    assert [m.partial for m in loads] in ([True, False], [False])  # the preview is skipped if the full load won
    assert {m.generation for m in seen} == {1}
    assert loads[-1].inventory.snapshots.shape[0] == 30
    stages = {m.stage for m in seen if isinstance(m, LoadProgress)}
    assert {"snapshots", "drives", "billing"} <= stages
    first_full = seen.index(loads[-1])
    assert all(isinstance(m, LoadProgress) or m.partial for m in seen[:first_full])


async def test_stale_results_are_dropped(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        shown = app.browser.inventory
        app.browser.post_message(InventoryLoaded(0, make_inventory(3)))  # from an older load
        app.browser.post_message(InventoryLoaded(app.browser.generation, make_inventory(4), partial=True))
        await pilot.pause()
        assert app.browser.inventory is shown and len(app.browser.view) == 30


async def test_api_errors_show_cloudsigma_message_and_the_app_keeps_running(emulator):
    c = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password, retry=NO_RETRY)
    app = new_app(c)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot, app)
            emulator.set_faults(error_rate=1.0)
            await pilot.press("r")
            note = await wait_for_report(pilot, "failed")
            title, message = note.split("\n", 1)
            assert note.severity == "error" and message.startswith("CloudSigma said: ")
            assert "HTTP 5" in title
            emulator.clear_faults()
            await pilot.press("r")
            await start(pilot, app)  # recovered: the next refresh loads again
            assert len(app.browser.view) == 30
    finally:
        await c.aclose()


async def test_authentication_failure_says_how_to_configure_credentials(emulator):
    c = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password="wrong-secret-123", retry=NO_RETRY)
    app = new_app(c)
    try:
        async with app.run_test(size=SIZE) as pilot:
            note = await wait_for_report(pilot, "Authentication failed\n")
            assert "CLOUDSIGMA_USERNAME" in note and "~/.cloudsigma.conf" in note
            assert "wrong-secret-123" not in note
            assert "wrong-secret-123" not in app.export_screenshot()
            assert app.is_running
    finally:
        await c.aclose()


async def test_lost_connection_is_reported_not_raised(emulator):
    url = emulator.url
    c = AsyncCloudSigmaClient(url, username=emulator.username, password=emulator.password, retry=NO_RETRY)
    app = new_app(c)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start(pilot, app)
            emulator.set_faults(drop_rate=1.0)
            await pilot.press("r")
            note = await wait_for_report(pilot, "Could not reach")
            assert note.startswith("Could not reach") and "Press r to retry" in note and app.is_running
    finally:
        await c.aclose()
