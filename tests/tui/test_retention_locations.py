"""`p` over several locations (Pilot, keys in, screen out): two emulators on loopback as ZRH (CHF) and FRA (EUR).

The whole account is every location: each location's drives planned on their own, its money a line of its
own in its own currency, the marks (location, uuid), the delete through the normal confirmation, each
snapshot deleted at its own location. Both emulators run the same seed, so the same uuids exist in both.
"""

from __future__ import annotations

import re

import pytest

from explorer.client import CloudSigmaClient
from explorer.data.retention import RetentionRules, plan_retention
from tests.tui import test_locations as two_locations
from tests.tui.conftest import new_app, start, wait_for_report, wait_until
from tests.tui.screen import screen_lines, screen_text, wait_drawn

# the two-location fixtures (ZRH and FRA emulators, the same seed) and their async clients
emulators, clients = two_locations.emulators, two_locations.clients
_client = two_locations._client

#: the form's defaults (daily 7, weekly 4, monthly 12, tag keep) with `2` typed into `last`
RULES = RetentionRules(last=2, daily=7, weekly=4, monthly=12, tags=("keep",))


def listed(handle) -> set[str]:
    with CloudSigmaClient(handle.url, username=handle.username, password=handle.password) as c:
        return {s.uuid for s in c.snapshots.list()} | {s.uuid for s in c.remotesnapshots.list()}


def expected(inventory, locations) -> dict[str, tuple[int, set[str]]]:
    """Per location, planned on its own: (kept count, uuids to delete)."""
    out = {}
    for part in inventory.parts:
        if part.location in locations:
            plan = plan_retention(part, RULES)
            out[part.location] = (len(plan.keep), set(plan.delete["uuid"]))
    return out


def inside(line: str) -> str:
    """A drawn line's text inside the modal dialog's border (the panes behind it cut off)."""
    return (line.split("█")[1] if line.count("█") >= 2 else line).strip(" ┃▊▎│")


def line_of(pilot, start: str) -> str:
    """The drawn line that starts (inside the dialog's border) with `start`."""
    for line in screen_lines(pilot):
        if inside(line).startswith(start):
            return inside(line)
    raise AssertionError(f"no line starts with {start!r}:\n{screen_text(pilot)}")


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_whole_account_plans_every_location_and_deletes_each_at_its_own(emulators, clients, size):
    before = {code: listed(e) for code, e in emulators.items()}
    app = new_app(clients)
    async with app.run_test(size=size, notifications=True) as pilot:
        await start(pilot, app)
        await wait_drawn(pilot, "78 of 78")
        want = expected(app.browser.inventory, ("ZRH", "FRA"))
        kept = sum(k for k, _ in want.values())
        deleted = sum(len(d) for _, d in want.values())
        assert want["ZRH"][1] and want["FRA"][1]

        await pilot.press("p")
        await wait_drawn(pilot, "Retention plan for the whole account (ZRH, FRA)")
        await pilot.press("2", "enter")
        for code, (k, d) in want.items():
            await wait_drawn(pilot, f"{code} ({ {'ZRH': 'CHF', 'FRA': 'EUR'}[code] }): keeps {k}, deletes {len(d)},")
        assert f"Keeps {kept} and deletes {deleted} of 78 available snapshots in 2 locations" in screen_text(pilot)
        zrh, fra = line_of(pilot, "ZRH (CHF):"), line_of(pilot, "FRA (EUR):")
        assert "CHF/month" in zrh and "EUR" not in zrh, zrh  # each location's money in its own currency only
        assert "EUR/month" in fra and "CHF" not in fra, fra
        if size == (200, 50):  # the plan's location column; each line's money whole on one line
            header = line_of(pilot, "loc ")
            assert re.search(r"^loc\s+snapshot\s+drive\s+taken\s+size\s+plan$", header), header
            assert "at subscription price" in zrh and "at subscription price" in fra
            assert re.search(r"^\s*ZRH\s", line_of(pilot, "ZRH  "))

        await pilot.press("ctrl+s")
        note = await wait_for_report(pilot, f"Marked the {deleted} snapshots the plan deletes")
        assert "ctrl+d" in note
        marks = app.browser.marks
        assert marks == {(code, u) for code, (_, d) in want.items() for u in d}
        assert len({u for _, u in marks}) < len(marks)  # the same uuids in both: (location, uuid) tells them apart
        await wait_drawn(pilot, f"{deleted} marked")

        await pilot.press("ctrl+d")
        await wait_drawn(pilot, f"Delete {deleted} snapshots?")
        dialog = " ".join(inside(line) for line in screen_lines(pilot))
        assert re.search(r"ZRH: frees [\d.]+ \w?i?B · value [\d.]+ CHF/month", dialog), dialog
        assert re.search(r"FRA: frees [\d.]+ \w?i?B · value [\d.]+ EUR/month", dialog), dialog
        await pilot.press(*str(deleted), "enter")
        await wait_for_report(pilot, f"Deleted {deleted} of {deleted}")
    for code, e in emulators.items():
        assert before[code] - listed(e) == want[code][1], code  # exactly its own plan, at its own location


async def test_a_failed_location_is_named_and_never_planned(emulators):
    made = two_locations.cached_then_fra_refused(emulators)
    try:
        app = new_app(made)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await start(pilot, app)
            await wait_drawn(pilot, "78 of 78")  # FRA's rows are its cache
            want = expected(app.browser.inventory, ("ZRH",))
            await pilot.press("p")
            await wait_drawn(pilot, "Retention plan for the whole account (ZRH, FRA)")
            await pilot.press("2", "enter")
            await wait_drawn(pilot, f"ZRH (CHF): keeps {want['ZRH'][0]}, deletes {len(want['ZRH'][1])},")
            note = line_of(pilot, "FRA:")
            assert note.startswith("FRA: not planned, not loaded this time"), note
            assert not any(inside(line).startswith("FRA (EUR):") for line in screen_lines(pilot))
            await pilot.press("ctrl+s")
            await wait_for_report(pilot, f"Marked the {len(want['ZRH'][1])} snapshots")
            assert app.browser.marks == {("ZRH", u) for u in want["ZRH"][1]}
    finally:
        for c in made.values():
            await c.aclose()


async def test_a_drive_is_planned_in_its_own_location(clients):
    app = new_app(clients)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await start(pilot, app)
        await wait_drawn(pilot, "78 of 78")
        await pilot.press("1", "down", "down", "enter")  # the drives pane: db-01 root in ZRH, then in FRA
        await wait_until(pilot, lambda: app.browser.drive_uuid is not None, what="a drive chosen")
        drive, location = app.browser.drive_uuid, app.browser.drive_location
        await pilot.press("p")
        title = await wait_drawn(pilot, "Retention plan for db-01 root")
        assert "(ZRH, FRA)" not in title
        await pilot.press("2", "enter")
        await wait_drawn(pilot, "Keeps ")
        await pilot.press("ctrl+s")
        note = await wait_for_report(pilot, "snapshots the plan deletes")
        count = int(re.search(r"Marked the (\d+) snapshots", note).group(1))
        part = next(p for p in app.browser.inventory.parts if p.location == location)
        plan = plan_retention(part, RULES, drives=(drive,))
        assert app.browser.marks == {(location, u) for u in plan.delete["uuid"]} and count == len(plan.delete)
