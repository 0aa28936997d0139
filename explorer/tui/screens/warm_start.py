"""Warm start: open on this account's cached inventory at once, load the fresh one underneath, then swap it in.

The first paint is the cache's newest rows (`snapshots_head`, read on the event loop before the first frame:
~0.05 s for 500 of 100k, where a thread competing with the first frames took 0.4 s); the fresh load's
requests are sent just before they are shown. The rest of the cache is read and formatted only when
something asks for rows beyond those: a filter, a drive, the kind toggle, another sort, the cursor near the
end of the head, mark all, the planner or the growth chart, or the fresh load failing (the cache is then all
there is). When the fresh inventory arrives first the whole cache is never read, so the fresh load never
shares the CPU with it.

The swap is the refresh's own (`_show_inventory`: cursor on the same snapshot, the filter, the marks).
Nothing is written on the strength of cached rows: while they are all there is, the write keys are
off and say why; a failed fresh load leaves them on screen marked stale, with the reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import pandas as pd
from textual import work
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState, get_current_worker

from explorer.data import Source
from explorer.data.units import human_age
from explorer.errors import ExplorerError
from explorer.tui.messages import InventoryLoaded
from explorer.tui.view import Prepared, SnapshotView, prepare
from explorer.tui.widgets.summary import Summary, failure_reason
from explorer.tui.widgets.title_bar import TitleBar

#: rows of a warm start's first paint (the newest, as the table sorts them at start); a cache this small or
#: smaller is read whole at once
CACHED_FIRST_ROWS = 500
#: the cursor this close to the end of the first paint's rows reads the rest of the cache
SCROLL_MARGIN = 100
#: the order the first paint's rows are the top of (newest first): any other needs every cached row
HEAD_ORDER = ("created", True)


class WarmStartMixin:
    """Mixed into the browser screen: its `client`, `source`, `inventory`, `view`, `marks` and refresh."""

    #: open on the cache when this account has one (the CLI's TUI; tests and screenshots choose)
    warm_start: bool = False
    #: why the fresh load failed while the cache is shown (the title says stale)
    _fresh_failure: str | None = None
    _cache_was_shown: bool = False
    #: the generation for which the whole cache has been asked for (read once per load)
    _whole_asked: int | None = None
    #: snapshots in the whole cache (the first paint shows its newest CACHED_FIRST_ROWS)
    _cache_count: int = 0
    #: marks of snapshots the last inventory shown no longer has (set by `_show_inventory`)
    marks_dropped: int = 0

    @property
    def on_cached_data(self) -> bool:
        """The rows shown are the cache while fresh ones can be loaded: nothing may be written on them."""
        return self.client is not None and self.inventory is not None and self.inventory.source.offline

    @property
    def on_cache_head(self) -> bool:
        """Only the cache's newest rows are shown (the rest of it is read once something asks for it)."""
        return self.on_cached_data and self.preview_shown

    def rows_total(self) -> int:
        """Snapshots in the inventory shown: the whole cache's count while only its newest rows are read."""
        return max(self._cache_count, len(self.view)) if self.on_cache_head else len(self.view)

    def location_sources(self) -> list[tuple[Source, str | None]]:
        """(source, location) of each location the screen loads, and so of each cache it warm-starts from."""
        from explorer.data import inventory_source

        if len(self.clients) <= 1:
            return [(self.source, None)]
        return [(replace(inventory_source(client), demo=self.source.demo, location=code), code)
                for code, client in self.clients.items()]

    def start_from_cache(self) -> bool:
        """Before the first load: show the cache's newest rows if there is a cache, of every location.

        True: they are on their way, and so is the fresh load (started here). False: no cache, or it is
        unreadable (said in a notice): the usual first page.
        """
        from explorer.data.cache import has_cached_inventory

        if not self.warm_start or self.inventory is not None:
            return False
        if not all(has_cached_inventory(source, location=code) for source, code in self.location_sources()):
            return False  # a location without a cache: the usual first page, never a part of the account as all
        try:
            # On the event loop, before the first frame: ~50 ms, and nothing else wants the CPU yet.
            inventory, prepared, whole = self._read_cache_head()
        except ExplorerError as exc:
            self.notify(str(exc), title="reading the cached inventory failed", severity="error", timeout=10)
            return False
        self._cache_count = prepared.summary.count
        # The fresh load's requests go out first: its round trips overlap the first paint, which runs before
        # any answer can be there (measured: fresh data 0.72-0.93x the cold start's, where starting it after
        # the paint took 0.85-1.14x).
        self.load_inventory(self.generation, preview=False)
        self.post_message(InventoryLoaded(self.generation, inventory, partial=not whole, prepared=prepared))
        return True

    def _read_cache_head(self) -> tuple[object, Prepared, bool]:
        """(inventory, prepared, whole): the newest CACHED_FIRST_ROWS of every location's cache, or all of it
        when that is no more (then with its money too)."""
        from explorer.data.cache import load_cached_head, load_cached_inventory
        from explorer.data.locations import combine

        slots = self.location_sources()
        heads = [load_cached_head(source, CACHED_FIRST_ROWS, location=code) for source, code in slots]
        count, allocated = sum(n for _, n, _ in heads), sum(a for _, _, a in heads)
        if count <= CACHED_FIRST_ROWS:
            cached = combine([load_cached_inventory(source=source, location=code) for source, code in slots])
            return cached, prepare(cached), True
        head = combine([h for h, _, _ in heads])
        return head, first_rows(head, count, allocated), False

    def ask_whole_cache(self) -> bool:
        """While only the cache's newest rows are shown: read all of it in a thread (once per load).

        True when it is needed (coming or on its way); False when the rows shown are already all there is.
        """
        if not self.on_cache_head:
            return False
        if self._whole_asked != self.generation:
            self._whole_asked = self.generation
            self.load_cached(self.generation)
        return True

    def whole_cache_if_asked(self) -> None:
        """Called as the table is refreshed: a filter, a drive, a kind or another order needs every cached row."""
        if not self.on_cache_head:
            return
        table = self.table
        if ((self.query_ is not None and self.query_.terms) or self.drive_uuid is not None
                or self.kind_shown is not None or (table.sort_key, table.sort_descending) != HEAD_ORDER):
            self.ask_whole_cache()

    def whole_cache_first(self, key: str, what: str) -> bool:
        """True (and a notice) when `what` needs every cached row and only the newest are read: read the rest."""
        if not self.ask_whole_cache():
            return False
        self.notify(f"Only the newest {len(self.view):,} of {self.rows_total():,} cached snapshots are read yet; "
                    f"reading the rest now. Press {key} again in a moment to {what}.",
                    title="Reading the cache", timeout=6)
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Besides the browser's own handler (the detail pane): scrolling towards the end of the head.
        if self.on_cache_head and event.cursor_row >= len(self.positions) - SCROLL_MARGIN:
            self.ask_whole_cache()

    @work(thread=True, exclusive=True, group="cache", exit_on_error=False, description="reading the cached inventory")
    def load_cached(self, generation: int) -> None:
        """The whole cached inventory (each location's), formatted, as an `InventoryLoaded` of `generation`.

        The screen drops it once the fresh inventory is shown (it is marked by `source.offline`), and the
        fresh inventory's arrival cancels it between its read and its formatting.
        """
        from explorer.data.cache import load_cached_inventory
        from explorer.data.locations import combine

        cached = combine([load_cached_inventory(source=source, location=code) for source, code in
                          self.location_sources()])
        if get_current_worker().is_cancelled:
            return
        prepared = prepare(cached)
        if not get_current_worker().is_cancelled:
            self.post_message(InventoryLoaded(generation, cached, prepared=prepared))

    def cached_write_refusal(self, what: str) -> str:
        """What a write key says while only the cache is shown."""
        age = human_age(pd.Timestamp.now(tz="UTC") - self.inventory.loaded_at)
        if self._fresh_failure is not None:
            return (f"Showing the cache from {age} ago: the refresh failed ({self._fresh_failure}). "
                    f"{what.capitalize()} will be possible once fresh data has arrived: press r to retry.")
        return (f"Showing the cache from {age} ago while the fresh inventory loads: "
                f"{what} will be possible once it has arrived.")

    def _show_warm_state(self) -> None:
        cached = self.on_cached_data
        self.query_one(TitleBar).show_cache(self.inventory.loaded_at if cached else None,
                                            self._fresh_failure if cached else None)
        self.refresh_bindings()  # the footer shows the write keys off while cached, on again after

    def on_inventory_loaded(self, message: InventoryLoaded) -> None:
        # Runs after the browser's own handler, which has shown (or dropped) the message.
        cached = self.on_cached_data
        if self.warm_start and not cached and not self.preview_shown and self.inventory is not None:
            from explorer.tui.screens.preview import write_launch_preview

            write_launch_preview(self)  # what the next launch draws before pandas is imported
        if not cached and self._whole_asked is not None:
            self.workers.cancel_group(self, "cache")  # the fresh rows are here: the cache's are no longer wanted
        if cached == self._cache_was_shown:
            return
        self._cache_was_shown = cached
        self._show_warm_state()
        if not cached and self.marks_dropped:
            n = self.marks_dropped
            self.notify(f"{n:,} marked snapshot{'s are' if n != 1 else ' is'} gone from the fresh inventory "
                        f"and no longer marked.", title="Fresh inventory loaded", severity="warning", timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Besides the browser's and ReportsMixin's handlers (which quote the error in a notice).
        if event.worker.group != "load" or not self.on_cached_data:
            return
        if event.state == WorkerState.ERROR:
            self._fresh_failure = failure_reason(event.worker.error, self.source.endpoint)
            self.ask_whole_cache()  # stale: the cache is all there is, every row of it
        elif event.state == WorkerState.RUNNING:
            self._fresh_failure = None  # r retries: refreshing again
        else:
            return
        self._show_warm_state()


def first_rows(head, count: int, allocated: int) -> Prepared:
    """The cache's newest rows, formatted in a few ms (all 100k take a second); the totals are the whole cache's.

    Money that needs every row (the summary's, each drive's) is left unknown until the whole cache is prepared.
    """
    from explorer.data import snapshot_costs
    from explorer.data.owners import owner_column

    snaps = head.snapshots
    drives = head.drives[head.drives["uuid"].isin(snaps["drive_uuid"])]
    costs = snapshot_costs(dataclasses.replace(head, drives=drives))
    view = SnapshotView(snaps.assign(owner=owner_column(snaps, drives)), costs)
    summary = Summary(count=count, allocated=allocated, currency=head.currency, cost_subscription=None,
                      cost_burst=None, bursting=None)
    return Prepared(view, pd.Series(dtype="Float64"), summary)
