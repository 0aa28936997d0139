"""What is drawn at 80x24, 100x30, 120x40 and 200x50: badges, the bursting verdict, the columns that matter, the
footer's Help and Quit; and a first load that fails says so in the summary."""

from __future__ import annotations

from dataclasses import replace

import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.tui import make_app
from tests.tui.conftest import wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_lines, wait_drawn

SIZES = [(80, 24), (100, 30), (120, 40), (200, 50)]


def _header(lines: list[str]) -> str:
    return next(line for line in lines if " Name " in line and " Size" in line)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_badges_verdict_money_columns_and_footer_at_every_size(size):
    inv = make_inventory(40)
    inv.source = replace(inv.source, offline=True)
    app = make_app(None, inventory=inv)  # DEMO + OFFLINE + READ-ONLY: the longest title there is
    async with app.run_test(size=size) as pilot:
        await wait_drawn(pilot, "40 of 40")
        lines = screen_lines(pilot)
        assert len(lines) == size[1]
        title, summary, footer = lines[0], lines[1], lines[-1]
        for badge in ("DEMO", "OFFLINE", "READ-ONLY"):
            assert f" {badge} " in title, (badge, title)
        assert "BURSTING" in summary, summary
        assert "? Help" in footer and "q Quit" in footer and "tab Pane" in footer, footer
        header = _header(lines)
        for label in ("Name", "Size", "Age", "EUR"):  # what a snapshot weighs, how old, what it costs
            assert label in header, (label, header)
        if size[0] >= 200:
            assert " Drive " in header and " Created" in header, header
        # sorting by size keeps them all on screen (the sort column is not pushed off the right edge)
        await pilot.press("s", "s", "s", "s")
        header = _header((await wait_drawn(pilot, "sorted by Size")).split("\n"))
        for label in ("Name", "Size ▼", "Age", "EUR"):
            assert label in header, (label, header)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_summary_shortens_but_keeps_every_money_figure_labelled(size):
    app = make_app(None, inventory=make_inventory(40))
    async with app.run_test(size=size) as pilot:
        await wait_drawn(pilot, "40 of 40")
        summary = screen_lines(pilot)[1]
        assert "BURSTING" in summary and summary.startswith(" 40 snapshots")
        assert "EUR" not in summary or "/mo" in summary  # money always says per what


async def test_a_refused_login_says_so_in_the_summary(emulator):
    client = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password="not-the-password")
    try:
        app = make_app(client, poll_seconds=0.05)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await wait_drawn(pilot, "Not loaded: CloudSigma refused the credentials")
            assert "Loading…" not in screen and "r retries" in screen
            await wait_until(pilot, lambda: "failed" in screen_lines(pilot)[-2], what="the status line")
    finally:
        await client.aclose()


async def test_resizing_the_terminal_relays_out_the_screen():
    app = make_app(None, inventory=make_inventory(40))
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await wait_drawn(pilot, "40 of 40")
        assert "[1] Drives" in screen and " Created" in _header(screen.split("\n"))
        await pilot.resize_terminal(80, 24)
        await wait_drawn(pilot, "[1] Drives", gone=True)  # the side pane steps aside
        await wait_until(pilot, lambda: len(screen_lines(pilot)) == 24 and "? Help" in screen_lines(pilot)[-1],
                         what="the footer refitted to 80 columns")
        lines = screen_lines(pilot)
        assert "q Quit" in lines[-1] and "BURSTING" in lines[1]
        assert all(label in _header(lines) for label in ("Name", "Size", "Age", "EUR"))
        await pilot.resize_terminal(120, 40)
        await wait_drawn(pilot, "[1] Drives")
