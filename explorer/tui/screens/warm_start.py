"""Warm start: open on this account's cached inventory at once, load the fresh one underneath, then swap it in.

The swap is the refresh's own (`_show_inventory`: cursor on the same snapshot, the filter, the marks).
Nothing is written on the strength of cached rows: while they are all there is, the write keys are
off and say why; a failed fresh load leaves them on screen marked stale, with the reason.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from textual.worker import Worker, WorkerState

from explorer.data import Source
from explorer.data.units import human_age
from explorer.tui.messages import InventoryLoaded
from explorer.tui.widgets.summary import failure_reason
from explorer.tui.widgets.title_bar import TitleBar


class WarmStartMixin:
    """Mixed into the browser screen: its `client`, `source`, `inventory`, `marks` and `load_cached` worker."""

    #: open on the cache when this account has one (the CLI's TUI; tests and screenshots choose)
    warm_start: bool = False
    #: why the fresh load failed while the cache is shown (the title says stale)
    _fresh_failure: str | None = None
    _cache_was_shown: bool = False
    #: the generation whose fresh load starts once the cache's first rows are on screen (they get the CPU first)
    _fresh_after_cache: int | None = None
    #: marks of snapshots the last inventory shown no longer has (set by `_show_inventory`)
    marks_dropped: int = 0

    @property
    def on_cached_data(self) -> bool:
        """The rows shown are the cache while fresh ones can be loaded: nothing may be written on them."""
        return self.client is not None and self.inventory is not None and self.inventory.source.offline

    def location_sources(self) -> list[tuple[Source, str | None]]:
        """(source, location) of each location the screen loads, and so of each cache it warm-starts from."""
        from explorer.data import inventory_source

        if len(self.clients) <= 1:
            return [(self.source, None)]
        return [(replace(inventory_source(client), demo=self.source.demo, location=code), code)
                for code, client in self.clients.items()]

    def start_from_cache(self) -> bool:
        """Before the first load: read the cache in a thread if there is one, of every location.

        True: it is coming, and the fresh load starts as soon as its first rows are shown (or it failed).
        """
        from explorer.data.cache import has_cached_inventory

        if not self.warm_start or self.inventory is not None:
            return False
        if not all(has_cached_inventory(source, location=code) for source, code in self.location_sources()):
            return False  # a location without a cache: the usual first page, never a part of the account as all
        self._fresh_after_cache = self.generation
        self.load_cached(self.generation)
        return True

    def _start_fresh(self, *, preview: bool) -> None:
        if self._fresh_after_cache == self.generation:
            self._fresh_after_cache = None
            self.load_inventory(self.generation, preview=preview)

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
        self._start_fresh(preview=False)
        cached = self.on_cached_data
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
        if event.worker.group == "cache" and event.state == WorkerState.ERROR:
            self._start_fresh(preview=self.inventory is None)  # no cache after all: the usual first page
        if event.worker.group != "load" or not self.on_cached_data:
            return
        if event.state == WorkerState.ERROR:
            self._fresh_failure = failure_reason(event.worker.error, self.source.endpoint)
        elif event.state == WorkerState.RUNNING:
            self._fresh_failure = None  # r retries: refreshing again
        else:
            return
        self._show_warm_state()
