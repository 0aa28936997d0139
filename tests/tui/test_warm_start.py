"""Warm start: the cached inventory is drawn at once, the fresh one swaps in keeping cursor, filter and marks.

The fresh load is held at a gate in the client's transport (every API request waits until the test
opens it), so "before the fresh load ends" is a state the test controls, never a race it hopes to win.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.client.retry import NO_RETRY
from explorer.data.load import load_inventory_async
from explorer.tui.view import MARK
from tests.tui.conftest import new_app, reports, wait_for_report, wait_until
from tests.tui.screen import screen_lines, screen_text, wait_drawn

SIZES = [(80, 24), (120, 40)]


class Gate(httpx.AsyncBaseTransport):
    """Real loopback HTTP, except that every request waits until `open()`."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._open = asyncio.Event()
        self.waiting = 0

    def open(self) -> None:
        self._open.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.waiting += 1
        await self._open.wait()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
async def cached(emulator):
    """The account's inventory loaded once (which writes its cache), and a client whose requests wait at a gate."""
    plain = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password)
    inventory = await load_inventory_async(plain)
    gate = Gate()
    gated = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password,
                                  transport=gate, retry=NO_RETRY)
    yield inventory, plain, gated, gate
    await gated.aclose()
    await plain.aclose()


def _uuid(inventory, name: str) -> str:
    snaps = inventory.snapshots
    return snaps.loc[snaps["name"] == name, "uuid"].iloc[0]


def _line_of(pilot, name: str) -> str:
    return next((line for line in screen_lines(pilot) if name in line), "")


async def _wait_marked(pilot, *names: str) -> None:
    await wait_until(pilot, lambda: all(MARK in _line_of(pilot, n) for n in names), what=f"{names} drawn marked")


async def _cached_drawn(pilot, gate: Gate) -> str:
    screen = await wait_drawn(pilot, "cached", what="the cached inventory's label")
    await wait_drawn(pilot, "pre-migration-11", what="the cached rows")
    await wait_until(pilot, lambda: gate.waiting, what="the fresh load waiting at the gate")
    return screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_cache_is_drawn_first_then_the_fresh_inventory_keeps_cursor_filter_and_marks(cached, size):
    inventory, plain, gated, gate = cached
    await plain.snapshots.delete(_uuid(inventory, "pre-migration-11"))  # gone by the time the fresh load runs
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=size) as pilot:
        title = (await _cached_drawn(pilot, gate)).split("\n")[0]
        assert "cached" in title and "ago" in title and len(title) <= size[0]
        # filter to db-01's snapshots (all named), mark the first two, then move down one
        await pilot.press("slash", *"drive:db", "enter", "space", "space", "down")
        await _wait_marked(pilot, "pre-migration-11", "pre-schema-change-10")
        assert "cached" in screen_text(pilot).split("\n")[0]  # all of this on cached rows, the load still held
        gate.open()
        await wait_drawn(pilot, "pre-migration-11", gone=True, what="the fresh inventory without the deleted one")
        await wait_until(pilot, lambda: "cached" not in screen_lines(pilot)[0], what="the title without 'cached'")
        screen = await wait_drawn(pilot, "1 marked")
        assert "drive:db" in screen  # the filter typed on the cache still applies
        await _wait_marked(pilot, "pre-schema-change-10")
        told = await wait_for_report(pilot, "gone from the fresh inventory")
        assert "1 marked snapshot is gone" in told
        # the cursor is still on quarterly-8 (a row higher now): space marks it
        await pilot.press("space")
        await wait_drawn(pilot, "2 marked")
        await _wait_marked(pilot, "quarterly-8")
        assert MARK not in _line_of(pilot, "before-kernel-update-9")


async def test_a_write_key_on_cached_rows_writes_nothing_and_says_when_it_can(cached):
    inventory, _, gated, gate = cached
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _cached_drawn(pilot, gate)
        for n, key in enumerate(["ctrl+d", "n", "e", "c"], 1):
            await pilot.press(key)
            await wait_until(pilot, lambda n=n: len([r for r in reports(app) if "will be possible once" in r]) == n,
                             what=f"{key} explained")
            assert app.screen is app.browser, key  # no dialog opened
        said = [r for r in reports(app) if "will be possible once" in r]
        assert [s.split(": ", 1)[1].split(" will")[0] for s in said] == ["delete", "create", "edit", "clone"]
        assert all("cache" in s and "fresh inventory loads" in s for s in said)
        # the planner's deletions: marked on the cache, still not deleted from it
        await pilot.press("p")
        await wait_drawn(pilot, "Retention plan")
        await pilot.press("ctrl+s")
        await wait_for_report(pilot, "the plan deletes")
        marked = len(app.browser.marks)
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: len([r for r in reports(app) if "will be possible once" in r]) == 5,
                         what="the planner's delete explained")
        assert app.screen is app.browser and marked > 0
        gate.open()
        await wait_drawn(pilot, "cached", gone=True, what="the fresh inventory")
        assert len(await gated.snapshots.list()) == len(inventory.snapshots)  # nothing was deleted or created
        await pilot.press("ctrl+d")  # on fresh data the delete asks for confirmation as usual
        await wait_drawn(pilot, "Delete")
        assert app.screen is not app.browser
        await pilot.press("escape")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_failed_fresh_load_keeps_the_cached_rows_marked_stale_with_the_reason(cached, emulator, size):
    inventory, _, gated, gate = cached
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=size) as pilot:
        await _cached_drawn(pilot, gate)
        emulator.set_faults(error_rate=1.0)
        gate.open()
        failed = await wait_for_report(pilot, "CloudSigma said")
        assert failed.severity == "error"
        await wait_drawn(pilot, "STALE")
        await wait_until(pilot, lambda: "refresh failed" in screen_lines(pilot)[0], what="the title saying why")
        title = screen_lines(pilot)[0]
        assert "cached" in title and "STALE" in title and len(title) <= size[0]
        screen = screen_text(pilot)
        count = f"{len(inventory.snapshots):,}"
        assert "pre-migration-11" in screen and f"{count} of {count}" in screen
        await pilot.press("ctrl+d")
        refused = await wait_for_report(pilot, "the refresh failed")
        assert "press r to retry" in refused and app.screen is app.browser
        emulator.clear_faults()
        await pilot.press("r")
        await wait_drawn(pilot, "STALE", gone=True)
        await wait_drawn(pilot, "cached", gone=True, what="the fresh inventory after the retry")


async def test_several_locations_open_on_each_ones_cache_then_swap_in_fresh():
    """ZRH and FRA: each location's own cache, combined, is drawn while both fresh loads wait at the gate."""
    from explorer.data.locations import load_locations_async
    from explorer.emulator import running_emulator

    with running_emulator(seed=3, drives=5, snapshots=30, location="ZRH") as zrh, \
            running_emulator(seed=4, drives=5, snapshots=20, location="FRA") as fra:
        emulators = {"ZRH": zrh, "FRA": fra}
        plain = {code: AsyncCloudSigmaClient(e.url, username=e.username, password=e.password)
                 for code, e in emulators.items()}
        total = f"{len((await load_locations_async(plain)).snapshots):,}"  # writes each location's cache
        gate = Gate()
        gated = {code: AsyncCloudSigmaClient(e.url, username=e.username, password=e.password, transport=gate,
                                             retry=NO_RETRY) for code, e in emulators.items()}
        app = new_app(gated, warm_start=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_drawn(pilot, f"{total} of {total}", what="both locations' cached rows")
            await wait_until(pilot, lambda: "cached" in screen_lines(pilot)[0], what="the title saying cached")
            await wait_until(pilot, lambda: gate.waiting, what="the fresh loads waiting at the gate")
            await pilot.press("ctrl+d")
            await wait_for_report(pilot, "will be possible once")
            gate.open()
            screen = await wait_drawn(pilot, "cached", gone=True, what="the fresh inventories")
            assert f"{total} of {total}" in screen
        for c in [*plain.values(), *gated.values()]:
            await c.aclose()


async def test_an_unreadable_cache_is_reported_and_the_fresh_load_still_runs(cached):
    from explorer.data import paths

    inventory, _, gated, gate = cached
    for frame in (paths.cache_dir()).glob("account-*/snapshots-*.parquet"):
        frame.write_bytes(b"not parquet")
    gate.open()
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        said = await wait_for_report(pilot, "reading the cached inventory failed")
        assert "unreadable" in said
        await wait_until(pilot, lambda: "cached" not in screen_lines(pilot)[0], what="the fresh inventory")
        count = f"{len(inventory.snapshots):,}"
        await wait_drawn(pilot, f"{count} of {count}")


# ----- a cache larger than the first paint: its newest rows first, the rest only when something asks ---------

BIG = 800  # snapshots: more than the first paint's CACHED_FIRST_ROWS (500)


@pytest.fixture
async def big_cached(monkeypatch):
    """A cache of BIG snapshots, a gated client, the list of whole-cache reads made since, and the emulator."""
    from explorer.data import cache
    from explorer.emulator import running_emulator

    with running_emulator(seed=5, drives=8, snapshots=BIG) as emulator:
        plain = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password)
        inventory = await load_inventory_async(plain)  # writes the cache
        assert len(inventory.snapshots) == BIG
        reads = []
        real = cache.load_cached_inventory

        def counted(*args, **kwargs):
            reads.append(kwargs.get("source"))
            return real(*args, **kwargs)

        monkeypatch.setattr(cache, "load_cached_inventory", counted)
        gate = Gate()
        gated = AsyncCloudSigmaClient(emulator.url, username=emulator.username, password=emulator.password,
                                      transport=gate, retry=NO_RETRY)
        yield inventory, gated, gate, reads, emulator
        await gated.aclose()
        await plain.aclose()


async def _head_drawn(pilot, gate: Gate) -> None:
    await wait_drawn(pilot, f"500 of {BIG}", what="the cache's newest 500 rows, of all of it")
    await wait_until(pilot, lambda: "cached" in screen_lines(pilot)[0], what="the title saying cached")
    await wait_until(pilot, lambda: gate.waiting, what="the fresh load waiting at the gate")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_large_cache_shows_its_newest_rows_and_the_fresh_load_swaps_in_without_reading_the_rest(
        big_cached, size):
    inventory, gated, gate, reads = big_cached[:4]
    newest = inventory.snapshots.nlargest(2, "timestamp")["uuid"].tolist()
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=size) as pilot:
        await _head_drawn(pilot, gate)
        await pilot.press("space")  # marks the newest snapshot, on the cache's rows
        await wait_drawn(pilot, "1 marked")
        gate.open()
        await wait_until(pilot, lambda: "cached" not in screen_lines(pilot)[0], what="the fresh inventory")
        screen = await wait_drawn(pilot, f"{BIG} of {BIG}")
        assert "1 marked" in screen
        assert {u for _, u in app.browser.marks} == {newest[0]}
        assert app.browser.current_key()[1] == newest[1]  # the cursor stayed on the next row, where space left it
    assert reads == []  # nothing asked for more than the newest rows: the rest of the cache was never read


@pytest.mark.parametrize("key", ["s", "end"], ids=["sort", "scroll-to-the-end"])
async def test_another_sort_or_scrolling_past_the_newest_rows_reads_the_whole_cache_before_the_fresh_load(
        big_cached, key):
    _, gated, gate, reads = big_cached[:4]
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _head_drawn(pilot, gate)
        await pilot.press(key)
        await wait_drawn(pilot, f"{BIG} of {BIG}", what="every cached row")
        assert "cached" in screen_lines(pilot)[0] and gate.waiting  # still the cache: the fresh load is held
        assert len(reads) == 1
        gate.open()
        await wait_until(pilot, lambda: "cached" not in screen_lines(pilot)[0], what="the fresh inventory")
        await wait_drawn(pilot, f"{BIG} of {BIG}")
        if key == "s":
            assert app.browser.table.sort_key != "created"  # the sort chosen on the cache is kept


async def test_a_filter_on_the_newest_rows_finds_older_cached_ones_and_the_swap_keeps_it_and_the_mark(big_cached):
    inventory, gated, gate, reads = big_cached[:4]
    oldest = inventory.snapshots.nsmallest(1, "timestamp").iloc[0]
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _head_drawn(pilot, gate)
        await pilot.press("slash", *oldest["uuid"], "enter")
        await wait_drawn(pilot, f"1 of {BIG}", what="the oldest snapshot found in the whole cache")
        assert "cached" in screen_lines(pilot)[0] and len(reads) == 1
        await pilot.press("space")
        await wait_drawn(pilot, "1 marked")
        gate.open()
        await wait_until(pilot, lambda: "cached" not in screen_lines(pilot)[0], what="the fresh inventory")
        screen = await wait_drawn(pilot, f"1 of {BIG}")
        assert "1 marked" in screen and oldest["uuid"] in screen_text(pilot)  # the filter, its row, its mark
        assert app.browser.marks == {("", oldest["uuid"])}


async def test_mark_all_on_the_newest_rows_reads_the_rest_and_says_to_press_again(big_cached):
    _, gated, gate, reads = big_cached[:4]
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _head_drawn(pilot, gate)
        await pilot.press("a")
        said = await wait_for_report(pilot, "Press a again")
        assert f"newest 500 of {BIG:,} cached" in said and "marked" not in screen_text(pilot)
        await wait_drawn(pilot, f"{BIG} of {BIG}", what="every cached row")
        await pilot.press("a")
        await wait_drawn(pilot, f"{BIG} marked")
        assert len(reads) == 1 and "cached" in screen_lines(pilot)[0]
        gate.open()
        await wait_until(pilot, lambda: "cached" not in screen_lines(pilot)[0], what="the fresh inventory")
        await wait_drawn(pilot, f"{BIG} marked")  # every one is still there: all kept


async def test_a_failed_fresh_load_reads_the_rest_of_a_large_cache_and_shows_it_stale(big_cached):
    _, gated, gate, reads, emulator = big_cached
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _head_drawn(pilot, gate)
        emulator.set_faults(error_rate=1.0)
        gate.open()
        await wait_for_report(pilot, "CloudSigma said")
        await wait_drawn(pilot, f"{BIG} of {BIG}", what="every cached row, the cache being all there is")
        await wait_until(pilot, lambda: "STALE" in screen_lines(pilot)[0], what="the title saying stale")
        assert len(reads) == 1


async def test_an_unreadable_rest_of_a_large_cache_is_reported_and_the_fresh_load_still_swaps_in(big_cached):
    from explorer.data import paths

    gated, gate = big_cached[1:3]
    for frame in paths.cache_dir().glob("account-*/snapshots-*.parquet"):  # not the head (snapshots_head-*)
        frame.write_bytes(b"not parquet")
    app = new_app(gated, warm_start=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _head_drawn(pilot, gate)  # the head reads on its own
        await pilot.press("s")
        said = await wait_for_report(pilot, "reading the cached inventory failed")
        assert "unreadable" in said and f"500 of {BIG}" in screen_text(pilot)  # the newest rows stay
        gate.open()
        await wait_until(pilot, lambda: "cached" not in screen_lines(pilot)[0], what="the fresh inventory")
        await wait_drawn(pilot, f"{BIG} of {BIG}")
