"""Several locations in the TUI (Pilot, keys only): two emulators on loopback as ZRH and FRA.

Both run the same seed, so every snapshot uuid exists in both locations: identity is (location, uuid),
and a write to one must never reach the other.
"""

from __future__ import annotations

import re

import pytest

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.retry import NO_RETRY
from explorer.data.locations import load_locations
from explorer.emulator import running_emulator
from explorer.errors import NotFoundError
from tests.tui.conftest import new_app, reports, start, wait_for_report, wait_until
from tests.tui.screen import screen_lines, screen_text, table_rows, wait_drawn

SIZES = [(80, 24), (120, 40), (200, 50)]
CODES = ("ZRH", "FRA")


@pytest.fixture
def emulators():
    with running_emulator(seed=3, drives=5, snapshots=30, transition_seconds=0.3, location="ZRH") as zrh, \
            running_emulator(seed=3, drives=5, snapshots=30, transition_seconds=0.3, location="FRA") as fra:
        yield {"ZRH": zrh, "FRA": fra}


def _client(handle, **options) -> AsyncCloudSigmaClient:
    return AsyncCloudSigmaClient(handle.url, username=handle.username, password=handle.password, **options)


@pytest.fixture
async def clients(emulators):
    made = {code: _client(e) for code, e in emulators.items()}
    yield made
    for c in made.values():
        await c.aclose()


async def summary_lines(pilot, *codes: str) -> list[str]:
    """Each location's summary line once all are drawn (they are costed off the event loop, so they may be
    drawn a moment after the rows)."""
    def found():
        lines = screen_lines(pilot)
        each = [next((line for line in lines if line.lstrip().startswith(f"{code} ")), None) for code in codes]
        return each if all(each) else None

    return await wait_until(pilot, found, what=f"a summary line for each of {', '.join(codes)}")


def _status(pilot) -> str:
    return next(line for line in screen_lines(pilot) if re.search(r"^\s*[\d,]+ of [\d,]+", line))


@pytest.mark.parametrize("size", SIZES)
async def test_location_column_and_a_summary_line_per_location(clients, size):
    app = new_app(clients, read_only=size == (80, 24))
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        await wait_drawn(pilot, "78 of 78")
        # the table's header is drawn with the rows' frame (on a busy machine a frame after the status line)
        header = await wait_until(pilot, lambda: next((line for line in screen_lines(pilot)
                                                       if "Name" in line and "Size" in line), None),
                                  what="the snapshot table's header")
        assert "Loc" in header
        rows = table_rows(pilot)
        assert {m for r in rows for m in re.findall(r"\b(ZRH|FRA)\b", r)} == set(CODES)

        # a summary line per location, each in its own currency with its own bursting verdict
        zrh, fra = await summary_lines(pilot, "ZRH", "FRA")
        screen = screen_text(pilot)
        lines = screen.split("\n")
        assert "39 snapshots" in zrh and "39 snapshots" in fra
        assert "CHF" in zrh and "EUR" not in zrh and "EUR" in fra and "CHF" not in fra
        for line in (zrh, fra):
            assert re.search(r"BURSTING|within subscription|bursting unknown", line), line
        if size == (80, 24):
            assert "READ-ONLY" in lines[0]  # the badges keep their place
        # the detail pane names the location (when it is shown at this size)
        if "[3] Detail" in screen:  # it follows the highlighted row, maybe a frame later
            await wait_until(pilot, lambda: re.search(r"location\s+(ZRH|FRA)", screen_text(pilot)),
                             what="the detail pane's location")


async def test_location_filter_narrows_to_that_location(clients):
    app = new_app(clients)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"location:FRA", "enter")
        await wait_drawn(pilot, "39 of 78")
        rows = table_rows(pilot)
        assert rows and all(re.search(r"\bFRA\b", r) and not re.search(r"\bZRH\b", r) for r in rows)


async def test_a_mark_holds_its_location_not_only_its_uuid(clients):
    app = new_app(clients)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"location:ZRH kind:local", "enter")
        await wait_drawn(pilot, "30 of 78")
        await pilot.press("space")
        await wait_drawn(pilot, "1 marked")
        # the same snapshot uuid in FRA is not marked: filter to it by its uuid
        uuid = next(iter(app.browser.marks))[1]
        await pilot.press("escape", "slash", *f"uuid:{uuid}", "enter")
        await wait_drawn(pilot, "2 of 78")
        rows = table_rows(pilot)
        marked = [r for r in rows if "●" in r]
        assert len(rows) == 2 and len(marked) == 1 and re.search(r"\bZRH\b", marked[0])


async def test_deleting_a_fra_snapshot_sends_the_delete_to_fra_only(emulators, clients):
    app = new_app(clients)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"location:FRA kind:local", "enter")
        await wait_drawn(pilot, "30 of 78")
        location, uuid = app.browser.current_key()
        assert location == "FRA"
        await pilot.press("ctrl+d")
        await wait_drawn(pilot, "Delete 1 snapshot?")
        await pilot.press("y")
        await wait_for_report(pilot, "Deleted 1 of 1")
    with CloudSigmaClient(emulators["FRA"].url, username=emulators["FRA"].username,
                          password=emulators["FRA"].password) as fra, \
            CloudSigmaClient(emulators["ZRH"].url, username=emulators["ZRH"].username,
                             password=emulators["ZRH"].password) as zrh:
        with pytest.raises(NotFoundError):
            fra.snapshots.get(uuid)
        assert zrh.snapshots.get(uuid).uuid == uuid  # the same uuid in ZRH is untouched
        assert len(zrh.snapshots.list()) == 30 and len(fra.snapshots.list()) == 29


async def test_a_delete_across_locations_names_each_location(emulators, clients):
    app = new_app(clients)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await start(pilot, app)
        for code in CODES:
            await pilot.press("slash", *f"location:{code} kind:local", "enter")
            await wait_drawn(pilot, "30 of 78")
            await pilot.press("space")
            await pilot.press("escape")
            await wait_drawn(pilot, "78 of 78")
        marks = sorted(app.browser.marks)
        assert [loc for loc, _ in marks] == ["FRA", "ZRH"]
        # one of them is deleted behind the TUI's back: its line says which location failed
        await clients["FRA"].snapshots.delete(marks[0][1])
        await pilot.press("ctrl+d")
        dialog = await wait_drawn(pilot, "Delete 2 snapshots?")
        assert re.search(r"• ZRH · ", dialog) and re.search(r"• FRA · ", dialog)
        assert re.search(r"ZRH: frees .* CHF", dialog) and re.search(r"FRA: frees .* EUR", dialog)
        await pilot.press("y")
        report = await wait_for_report(pilot, "Deleted 1 of 2")
        assert "(FRA 0 of 1, ZRH 1 of 1)" in report or "(ZRH 1 of 1, FRA 0 of 1)" in report
        assert "✗ FRA · " in report and "not found" in report
    with CloudSigmaClient(emulators["ZRH"].url, username=emulators["ZRH"].username,
                          password=emulators["ZRH"].password) as zrh, pytest.raises(NotFoundError):
        zrh.snapshots.get(marks[1][1])


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_location_that_is_down_is_named_with_its_reason_while_the_other_shows(emulators, size):
    with running_emulator(seed=4, drives=2, snapshots=4, location="FRA") as gone:
        url = gone.url  # stopped at the end of this block: nothing listens there any more
    clients = {"ZRH": _client(emulators["ZRH"]),
               "FRA": AsyncCloudSigmaClient(url, username="x@example.com", password="y", retry=NO_RETRY)}
    try:
        app = new_app(clients)
        async with app.run_test(size=size) as pilot:
            await start(pilot, app)
            await wait_drawn(pilot, "39 of 39")
            zrh, fra = await summary_lines(pilot, "ZRH", "FRA")
            assert "FRA not loaded:" in fra and ("reach" in fra or "connect" in fra.lower()), fra
            assert zrh.lstrip().startswith("ZRH 39 snapshots"), zrh
            assert table_rows(pilot) and all("FRA" not in r for r in table_rows(pilot))
    finally:
        for c in clients.values():
            await c.aclose()


def cached_then_fra_refused(emulators) -> dict[str, AsyncCloudSigmaClient]:
    """A first load of both locations (it writes each one's cache), then clients for a start where FRA refuses
    the credentials: FRA's rows are its cache."""
    sync = {code: CloudSigmaClient(e.url, username=e.username, password=e.password) for code, e in emulators.items()}
    load_locations(sync)
    for c in sync.values():
        c.close()
    fra = emulators["FRA"]
    return {"ZRH": _client(emulators["ZRH"]),
            "FRA": AsyncCloudSigmaClient(fra.url, username=fra.username, password="wrong", retry=NO_RETRY)}


async def test_a_failed_location_shows_its_cached_rows_as_stale_and_writes_nothing_there(emulators):
    clients = cached_then_fra_refused(emulators)
    fra = emulators["FRA"]
    try:
        app = new_app(clients)
        async with app.run_test(size=(80, 24)) as pilot:
            await start(pilot, app)
            await wait_drawn(pilot, "78 of 78")  # FRA's rows from its cache
            [line] = await summary_lines(pilot, "FRA")
            assert re.search(r"FRA stale, cached \d+[smh] ago", line), line
            await pilot.press("slash", *"location:FRA kind:local", "enter")
            await wait_drawn(pilot, "30 of 78")
            before = len(reports(app))
            await pilot.press("ctrl+d")
            note = await wait_for_report(pilot, "Nothing written", since=before)
            assert "FRA" in note and "cache" in note
            assert "Delete 1 snapshot?" not in screen_text(pilot)
    finally:
        for c in clients.values():
            await c.aclose()
    with CloudSigmaClient(fra.url, username=fra.username, password=fra.password) as check:
        assert len(check.snapshots.list()) == 30


async def test_new_snapshot_goes_to_the_drives_location(emulators, clients):
    app = new_app(clients)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"location:FRA kind:local", "enter")
        await wait_drawn(pilot, "30 of 78")
        drive = app.browser.current_row()["drive_uuid"]
        await pilot.press("n")
        await wait_drawn(pilot, "New snapshot of")
        await pilot.press(*"made-in-fra", "ctrl+s")
        await wait_for_report(pilot, "Snapshot created")
        await wait_drawn(pilot, "31 of 79")  # listed after the refresh, in FRA
        frame = app.browser.view.frame
        assert frame.loc[frame["name"] == "made-in-fra", "location"].tolist() == ["FRA"]
    for code, count in (("FRA", 1), ("ZRH", 0)):
        e = emulators[code]
        with CloudSigmaClient(e.url, username=e.username, password=e.password) as c:
            made = [s for s in c.snapshots.list() if s.name == "made-in-fra"]
            assert len(made) == count, code
            if count:
                assert made[0].drive.uuid == drive


def test_the_default_demo_tui_has_two_locations(monkeypatch):
    """`snapshot-explorer tui` without credentials: the demo's two locations, each its own client."""
    from explorer.cli import build_parser
    from explorer.tui import main
    from explorer.tui.app import SnapshotExplorerApp

    built = []
    monkeypatch.setattr(SnapshotExplorerApp, "run", lambda self, *a, **k: built.append(self))  # no terminal here
    assert main.run(build_parser().parse_args(["tui"])) == 0
    (app,) = built
    assert set(app.browser.clients) == {"ZRH", "FRA"} and app.source.demo


async def test_no_new_snapshot_of_a_gone_drive(clients):
    app = new_app(clients)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"location:FRA orphan", "enter")
        await wait_drawn(pilot, "2 of 78")
        before = len(reports(app))
        await pilot.press("n")
        note = await wait_for_report(pilot, "is gone", since=before)
        assert "legacy-01 data (FRA)" in note
