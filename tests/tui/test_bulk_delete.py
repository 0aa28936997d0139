"""Large deletes need the count typed; bulk results: one summary line plus one line per failure (Pilot, keys only)."""

from __future__ import annotations

import dataclasses

from explorer.tui import make_app
from tests.tui.conftest import new_app, reports, start, wait_for_report, wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_text

SMALL = (80, 24)
NO_NETWORK = object()  # never called: nothing is loaded and no delete is confirmed


def flat(pilot) -> str:
    """What is drawn, as one line of words: a phrase wrapped over two rows of a dialog still reads whole."""
    rows = screen_text(pilot).replace("█", " ").replace("│", " ").splitlines()
    return " ".join(" ".join(row.split()) for row in rows)


def _offline_app(inventory):
    return make_app(NO_NETWORK, inventory=inventory, load_on_start=False)


async def test_a_large_delete_refuses_y_until_the_count_is_typed(client):
    app = new_app(client)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("a", "ctrl+d")  # all 30: more than 10% of the account
        text = flat(pilot)
        assert "Delete 30 snapshots?" in text and "Type 30 and press Enter to delete them" in text
        await pilot.press("y", "enter")  # `y` lands in the count field; Enter refuses it
        assert "Not deleted: type 30 (the number of snapshots)" in flat(pilot)
        assert "Delete 30 snapshots?" in flat(pilot)
        await pilot.press("tab", "y")  # on the Delete button, `y` refuses too (and goes back to the count)
        assert "Delete 30 snapshots?" in screen_text(pilot)
        assert len(await client.snapshots.list()) == 30
        await pilot.press("backspace", "3", "0", "enter")
        await wait_for_report(pilot, "Deleted 30 of 30")
        await wait_until(pilot, lambda: "✓ all 30 deleted" in screen_text(pilot), what="the summary toast")
    assert await client.snapshots.list() == []


async def test_escape_keeps_a_large_delete(client):
    app = new_app(client)
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot, app)
        await pilot.press("a", "ctrl+d", *"30", "escape")
        assert "Delete 30 snapshots?" not in screen_text(pilot)
        assert not [r for r in reports(app) if r.startswith("Deleted")]
    assert len(await client.snapshots.list()) == 30


async def test_counts_have_thousands_separators():
    app = _offline_app(make_inventory(1500))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("a")
        assert "1,500 marked" in screen_text(pilot)
        await pilot.press("ctrl+d")
        text = flat(pilot)
        assert "Delete 1,500 snapshots?" in text and "Type 1,500" in text and "… and 1,498 more" in text


async def test_every_snapshot_of_a_drive_is_a_large_delete_even_for_one():
    inventory = make_inventory(60)
    snaps = inventory.snapshots.copy()
    backup = snaps.index[snaps["drive_name"] == "backup"]
    build = inventory.drives.set_index("name").loc["build"]
    snaps.loc[backup[1:], ["drive_uuid", "drive_name"]] = [build["uuid"], "build"]  # backup keeps one snapshot
    app = _offline_app(dataclasses.replace(inventory, snapshots=snaps))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("slash", *"drive:backup", "enter", "space", "ctrl+d")
        text = flat(pilot)
        assert "Delete 1 snapshot?" in text and "every snapshot of backup" in text
        await pilot.press("y")
        assert "Delete 1 snapshot?" in screen_text(pilot)  # still asking: nothing was sent


async def test_a_small_delete_takes_y(client):
    app = new_app(client)
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot, app)
        await pilot.press("ctrl+d")
        assert "Delete 1 snapshot?" in screen_text(pilot) and "Type" not in screen_text(pilot)
        await pilot.press("y")
        await wait_for_report(pilot, "Deleted 1 of 1")
    assert len(await client.snapshots.list()) == 29


async def test_bulk_failures_get_one_line_each_with_whole_words(client):
    app = new_app(client)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("space", "space", "space")  # 3 of 30: `y` is enough
        marked = {u for _, u in app.browser.marks}  # (location, uuid) keys
        names = dict(app.browser.view.frame.set_index("uuid").loc[sorted(marked), "name"])
        for gone in sorted(marked)[:2]:
            await client.snapshots.delete(gone)  # out of band: two of the three will fail
        await pilot.press("ctrl+d", "y")
        await wait_for_report(pilot, "Deleted 1 of 3")
        await wait_until(pilot, lambda: "✗ 2 failed, ✓ 1 done:" in screen_text(pilot), what="the failure toast")
        lines = screen_text(pilot).splitlines()
        for uuid in sorted(marked)[:2]:
            shown = [line for line in lines if "✗ " in line and names[uuid][-12:] in line]
            assert len(shown) == 1, (names[uuid], lines)  # the name's tail is on one line, not broken
        assert not any(names[u] in line for u in sorted(marked)[2:] for line in lines if "✓" in line)

