"""Remote snapshots (backups) in the TUI (Pilot, keys only): shown beside local ones with ⇄, `B` cycles
all / local / backups, `kind:remote` and `orphan` filter, orphans are flagged, and delete works on them.

An emulator that is a location (here ZRH) keeps 9 backups of its fleet's drives in another location;
2 of them are orphans (their drive, legacy-01 data, was deleted).
"""

from __future__ import annotations

import re

import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.emulator import running_emulator
from explorer.errors import NotFoundError
from tests.tui.conftest import new_app, start, wait_for_report
from tests.tui.screen import screen_lines, table_rows, wait_drawn

SIZES = [(80, 24), (120, 40), (200, 50)]


@pytest.fixture
def emulator():
    """Overrides the location-less fleet of tests/tui/conftest.py: a location's fleet has backups."""
    with running_emulator(seed=3, drives=5, snapshots=30, transition_seconds=0.3, location="ZRH") as handle:
        yield handle


@pytest.fixture
async def client(emulator):
    c = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password)
    yield c
    await c.aclose()


@pytest.mark.parametrize("size", SIZES)
async def test_b_cycles_all_local_and_backups_and_the_footer_offers_it(client, size):
    app = new_app(client)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        screen = await wait_drawn(pilot, "39 of 39")
        assert any("⇄" in r for r in table_rows(pilot)) and any("⇄" not in r for r in table_rows(pilot))
        if size == (200, 50):  # the footer keeps the most needed keys on a narrower one (help and palette have B)
            assert "B Backups" in screen.split("\n")[-1]
        await pilot.press("B")
        await wait_drawn(pilot, "30 of 39 · local only")
        assert table_rows(pilot) and not any("⇄" in r for r in table_rows(pilot))
        await pilot.press("B")
        await wait_drawn(pilot, "9 of 39 · backups only")
        rows = table_rows(pilot)
        assert len(rows) == 9 and all("⇄" in r for r in rows)
        assert sum("⇄!" in r for r in rows) == 2  # the orphans
        await pilot.press("B")
        await wait_drawn(pilot, "39 of 39")


async def test_the_palette_command_cycles_as_b_does(client):
    app = new_app(client)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await wait_drawn(pilot, "39 of 39")
        await pilot.press("ctrl+p")
        await wait_drawn(pilot, "Search for commands")
        await pilot.press(*"Backups")
        await wait_drawn(pilot, "Backups (B)")
        await pilot.press("enter")
        await wait_drawn(pilot, "30 of 39 · local only")


async def test_help_explains_the_backup_marks(client):
    app = new_app(client)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("question_mark")
        seen = await wait_drawn(pilot, "Keys (esc closes")
        for _ in range(12):
            await pilot.press("pagedown")
            await pilot.pause()
            seen += "\n".join(screen_lines(pilot))
        assert "Backups" in seen and "⇄! an orphaned one" in seen and "location:FRA" in seen


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_kind_remote_and_orphan_filters_and_the_orphan_is_flagged(client, size):
    app = new_app(client)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"kind:remote", "enter")
        await wait_drawn(pilot, "9 of 39")
        await pilot.press("escape", "slash", *"orphan", "enter")
        await wait_drawn(pilot, "2 of 39")
        rows = table_rows(pilot)
        assert len(rows) == 2 and all(re.search(r"⇄! b\S*ommission-[12]", r) for r in rows)
        if size == (200, 50):  # the detail pane says why (at 80x24 it is narrow: the words wrap)
            screen = await wait_drawn(pilot, "source drive deleted")
            assert re.search(r"kind\s+backup \(remote snapshot\), kept in", screen)
            assert "drive not found" in screen


async def test_the_drives_pane_lists_a_gone_drive_and_narrows_to_its_backups(client):
    app = new_app(client)
    async with app.run_test(size=(200, 50)) as pilot:
        await start(pilot, app)
        screen = await wait_drawn(pilot, "39 of 39")
        gone = next(line for line in screen.split("\n") if "legacy-01 data" in line and "gone" in line)
        assert "2" in gone
        await pilot.press("1")  # the drives pane
        names = [line for line in screen_lines(pilot) if "│" in line]
        row = next(i for i, line in enumerate(n for n in names if "(all drives)" in n or "iB" in n
                                               or " 0 B" in n) if "legacy-01 data" in line and "gone" in line)
        await pilot.press(*["down"] * row, "enter")
        await wait_drawn(pilot, "2 of 39 · drive legacy-01 data")
        rows = table_rows(pilot)
        assert len(rows) == 2 and all("⇄!" in r for r in rows)


async def test_delete_a_backup_by_keys(client):
    app = new_app(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"orphan", "enter")
        await wait_drawn(pilot, "2 of 39")
        uuid = app.browser.current_row()["uuid"]
        await (client.remotesnapshots.get(uuid))  # it is a remote snapshot
        await pilot.press("ctrl+d")
        await wait_drawn(pilot, "Delete 1 snapshot?")
        await pilot.press("y")
        await wait_for_report(pilot, "Deleted 1 of 1")
        await wait_drawn(pilot, "1 of 38")
    with pytest.raises(NotFoundError):
        await client.remotesnapshots.get(uuid)
    assert len(await client.snapshots.list()) == 30  # no local snapshot went with it
