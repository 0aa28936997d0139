"""Filter as you type at any scale: a keystroke supersedes the filtering of the text before it.

Up to SYNC_ROWS snapshots a keystroke filters at once. Above, filtering runs in one thread worker
at a time, never on the event loop, so every keystroke is drawn at once. While it runs, further
keystrokes only record the newest text; when it finishes,
its result is shown only if it is still for the newest text (and the same inventory, drive and
sort), else the newest text is filtered next — intermediate texts of a paste or of fast typing
are skipped, and a stale result never replaces a newer one. Typing on (the new text only narrows
the previous one) filters just the rows the previous text left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from textual import work
from textual.message import Message

from explorer.data.query import SEARCH_COLUMN, Query, QueryError, Term, parse_query

#: up to this many snapshots a keystroke filters at once, on the event loop (a few milliseconds)
SYNC_ROWS = 20_000


@dataclass(frozen=True, slots=True, eq=False)
class FilterJob:
    """Everything one filtering depends on; a result applies only while all of it is still current."""

    seq: int
    query: Query
    view: Any
    drive_uuid: str | None
    sort_key: str
    descending: bool
    marked: np.ndarray

    def same(self, other: FilterJob) -> bool:
        return (self.seq == other.seq and self.view is other.view and self.drive_uuid == other.drive_uuid
                and self.sort_key == other.sort_key and self.descending == other.descending
                and self.marked is other.marked)


class FilterComputed(Message, bubble=False):
    """A filter worker's result: row positions and their Arrow rows, or the message of a term it could not apply."""

    def __init__(self, job: FilterJob, positions: np.ndarray | None, rows: pa.Table | None, error: str = "") -> None:
        super().__init__()
        self.job = job
        self.positions = positions
        self.rows = rows
        self.error = error


class TypeAheadMixin:
    """Mixed into the browser screen: `filter_as_typed(text)` is all the filter input calls."""

    _filter_seq = 0
    _filter_running = False
    #: the last shown result (job, positions), which the next, narrower text filters within
    _filter_last: tuple[FilterJob, np.ndarray] | None = None

    def filter_as_typed(self, text: str) -> None:
        bar = self._filter_bar()
        try:
            self.query_ = parse_query(text)
        except QueryError as exc:
            bar.show_error(str(exc))  # keep showing the last good result while the term is unfinished
            return
        bar.show_error("")
        self._filter_seq += 1
        if self.view is not None and len(self.view) <= SYNC_ROWS and not self._filter_running:
            self._filter_last = None
            try:
                self._refresh_view(cursor_row=0)  # a few ms: drawn with the keystroke, no thread hop
            except QueryError as exc:
                bar.show_error(str(exc))
        elif not self._filter_running:
            self._start_filter()

    @property
    def filtering(self) -> bool:
        """True while the table does not yet show the result of the newest filter text."""
        return self._filter_running

    def _current_job(self) -> FilterJob:
        table = self.table
        return FilterJob(self._filter_seq, self.query_, self.view, self.drive_uuid, table.sort_key,
                         table.sort_descending, self._marked_mask())

    def _start_filter(self) -> None:
        if self.view is None:
            return
        job = self._current_job()
        self._filter_running = True
        self._filter_rows(job, self._narrowing_from(job))

    def _narrowing_from(self, job: FilterJob) -> np.ndarray | None:
        last = self._filter_last
        if last is None:
            return None
        before, positions = last
        same = (before.view is job.view and before.drive_uuid == job.drive_uuid and before.sort_key == job.sort_key
                and before.descending == job.descending)
        return positions if same and before.query.terms and narrower(job.query, before.query) else None

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False, description="filtering")
    def _filter_rows(self, job: FilterJob, within: np.ndarray | None) -> None:
        view = job.view
        try:
            if within is not None:
                # every term is free text that only narrows: test just the rows the previous text left
                keep = job.query.mask(view.frame[[SEARCH_COLUMN]].take(within))
                positions = within[keep]
            else:
                positions = view.select(job.query, job.drive_uuid, job.sort_key, job.descending)
        except QueryError as exc:
            self.post_message(FilterComputed(job, None, None, str(exc)))
            return
        self.post_message(FilterComputed(job, positions, view.arrow(positions, job.marked)))

    def on_filter_computed(self, message: FilterComputed) -> None:
        self._filter_running = False
        job = message.job
        if not job.same(self._current_job()):
            self._start_filter()  # the text (or the inventory, drive, sort or marks) changed meanwhile
            return
        if message.error:
            self._filter_bar().show_error(message.error)
            return
        self._filter_last = (job, message.positions)
        self._refresh_view(cursor_row=0, selected=(message.positions, message.rows))

    def _filter_bar(self):
        from explorer.tui.widgets.filter_bar import FilterBar

        return self.query_one(FilterBar)


def narrower(new: Query, old: Query) -> bool:
    """Whether every row `new` matches is matched by `old`, and `new` has only free-text terms (the ones the
    narrowing path can test on the search column alone): each old term is implied by a new one."""
    if not new.terms or any(t.field != "text" or t.negate for t in new.terms):
        return False
    return all(any(_implies(n, o) for n in new.terms) for o in old.terms)


def _implies(new: Term, old: Term) -> bool:
    return old.field == "text" and not old.negate and str(old.value) in str(new.value)
