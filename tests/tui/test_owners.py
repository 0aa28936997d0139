"""Pilot tests of cost by owner (`o`) and of setting an owner on marked snapshots (`O`), keys only, 120x40 and 80x24."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from explorer.data import load_inventory_async
from explorer.data.owners import owner_costs
from explorer.data.units import money
from explorer.tui import make_app
from tests.tui.conftest import new_app, start, wait_for_report, wait_until

SIZES = [(120, 40), (80, 24)]


def drawn(pilot) -> str:
    """What the terminal shows (the render `export_screenshot` makes, as text)."""
    app = pilot.app
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None,
                      record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text().split("\n")[:height])


async def wait_drawn(pilot, *texts: str, gone: bool = False) -> str:
    def check():
        screen = drawn(pilot)
        return screen if all((t in screen) != gone for t in texts) else None

    return await wait_until(pilot, check, what=f"{texts} {'gone' if gone else 'drawn'}")


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
async def test_o_shows_cost_by_owner_and_esc_closes_it(client, size):
    inv = await load_inventory_async(client)
    owners = owner_costs(inv)
    assert len(owners) >= 3
    app = new_app(client)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        await pilot.press("o")
        screen = await wait_drawn(pilot, "Cost by owner")
        rows = [line for line in screen.split("\n") if any(f" {o} " in f" {line} " for o in owners["owner"])]
        for o in owners.itertuples():  # every owner with its value at subscription price, in the account currency
            line = next(x for x in rows if f" {o.owner} " in f" {x} ")
            assert money(o.value_at_subscription, inv.currency) in line, line
        assert "unattributed" in screen and "value at sub/month" in screen
        await pilot.press("escape")
        await wait_drawn(pilot, "Cost by owner", gone=True)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
async def test_set_owner_on_marked_snapshots_reports_each_and_keeps_other_meta(client, size):
    app = new_app(client)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        await pilot.press("space", "space")  # mark the first two rows (the cursor moves down)
        marked = sorted(u for _, u in app.browser.marks)  # (location, uuid) keys
        assert len(marked) == 2
        before = {u: (await client.snapshots.get(u)).meta for u in marked}
        await pilot.press("O")
        await wait_drawn(pilot, "Set owner= on 2 snapshots")
        await pilot.press("enter")  # empty: refused, said why
        await wait_drawn(pilot, "type a value for owner")
        await pilot.press(*"tui-team", "enter")
        report = await wait_for_report(pilot, "Owner set on 2 of 2")
        assert report.count("✓") >= 1 and "owner=tui-team" in report
        # the refresh shows the new owner in the owners view
        await wait_until(pilot, lambda: app.browser.view is not None and
                         (app.browser.view.frame["owner"] == "tui-team").sum() == 2, what="the new owner loaded")
        await pilot.press("o")
        screen = await wait_drawn(pilot, "Cost by owner", "tui-team")
        assert re.search(r"tui-team\s+2\s", screen), screen  # its row: 2 snapshots
    for u in marked:
        meta = (await client.snapshots.get(u)).meta
        assert meta == {**before[u], "owner": "tui-team"}


async def test_set_owner_is_refused_read_only(client):
    inv = await load_inventory_async(client)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("O")
        await wait_until(pilot, lambda: any("setting an owner is disabled" in str(n.message)
                                            for n in app._notifications), what="the read-only notice")
        assert "Set owner=" not in drawn(pilot)
    assert json.loads(inv.snapshots["meta"].iloc[0]) is not None
