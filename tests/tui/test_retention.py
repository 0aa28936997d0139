"""`p` previews a retention plan and marks its deletions; `g` draws the forecast band (Pilot, keys only)."""

from __future__ import annotations

import re

from explorer.tui import make_app
from explorer.tui.screens.growth import GrowthScreen
from explorer.tui.screens.retention import RetentionScreen
from tests.tui.conftest import SIZE, wait_for_report, wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import wait_drawn


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def _plan_column(screen) -> list[str]:
    table = screen.query_one("#retention-plan")
    return [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]


async def test_plan_preview_then_marks_exactly_its_deletions():
    inv = make_inventory(60)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, RetentionScreen)
        await wait_until(pilot, lambda: "deletes" in _text(screen, "#retention-preview"), what="the first preview")
        assert "Retention plan for the whole account" in _text(screen, "#dialog-title")
        # The focus starts in the first field (last): type a rule and preview it with Enter.
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: any("last" in p for p in _plan_column(screen)), what="the new preview")
        plan = _plan_column(screen)
        deletions = plan.count("DELETE")
        preview = _text(screen, "#retention-preview")
        available = int((inv.snapshots["status"] == "available").sum())
        assert f"Keeps {len(plan) - deletions} and deletes {deletions} of {available} available snapshots" in preview
        assert "Deleting" in preview and "frees" in preview  # the money preview, in cost's words
        assert all(p == "DELETE" or set(p.split(",")) <= {"last", "daily", "weekly", "monthly", "tag", "newest"}
                   for p in plan)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is app.browser, what="the planner to close")
        await wait_for_report(pilot, f"Marked the {deletions} snapshots the plan deletes")
        assert len(app.browser.marks) == deletions


async def test_a_bad_rule_is_shown_and_marks_nothing():
    app = make_app(None, inventory=make_inventory(30))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        screen = app.screen
        await pilot.press("x", "enter")
        await wait_until(pilot, lambda: "Cannot plan" in _text(screen, "#retention-preview"), what="the error")
        assert "last: type a whole number" in _text(screen, "#retention-preview")
        await pilot.press("ctrl+s")
        await wait_for_report(pilot, "Nothing to mark under these rules.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.browser, what="the planner to close")
        assert app.browser.marks == set()


async def test_growth_view_draws_the_forecast_band_after_the_series():
    app = make_app(None, inventory=make_inventory(80))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        screen = app.screen
        assert isinstance(screen, GrowthScreen)
        await wait_until(pilot, lambda: screen.band is not None, what="the forecast")
        await pilot.pause()
        assert "in 30 d:" in _text(screen, "#dialog-title")
        plot = screen.query_one("#growth-bytes").render().plain
        assert "forecast high" in plot and "forecast low" in plot and "reconstructed" in plot
        assert screen.band["timestamp"].iloc[0] == app.browser.inventory.loaded_at


async def test_with_a_drive_chosen_the_plan_covers_only_that_drive():
    inv = make_inventory(60)
    app = make_app(None, inventory=inv)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "down", "enter")  # choose the first drive in the drives pane
        await wait_until(pilot, lambda: app.browser.drive_uuid is not None, what="the drive narrowing")
        drive = app.browser.drive_uuid
        name = inv.drives.set_index("uuid").loc[drive, "name"]
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, RetentionScreen)
        await wait_until(pilot, lambda: "deletes" in _text(screen, "#retention-preview"), what="the preview")
        assert f"Retention plan for {name}" in _text(screen, "#dialog-title")
        ours = inv.snapshots[(inv.snapshots["drive_uuid"] == drive) & (inv.snapshots["status"] == "available")]
        assert len(_plan_column(screen)) == len(ours)
        assert {str(screen.query_one("#retention-plan").get_row_at(i)[1])
                for i in range(len(ours))} == {name}


async def test_the_plan_counts_have_thousands_separators():
    app = make_app(None, inventory=make_inventory(2_500))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_drawn(pilot, "2,500 of 2,500")
        await pilot.press("p")
        screen = await wait_drawn(pilot, "Keeps ")
        head = " ".join(screen.split())  # the sentence may wrap
        assert re.search(r"Keeps [\d,]+ and deletes \d,\d{3} of \d,\d{3} available snapshots", head), head
