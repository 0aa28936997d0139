"""Filter as you type at any scale: a keystroke supersedes the filtering of the text before it.

Up to SYNC_ROWS snapshots a keystroke filters at once. Above, filtering runs in one thread worker
at a time, never on the event loop, so every keystroke is drawn at once. A newer text makes the
running filtering stale: it stops at its next block of rows (fzf drops stale work the same way) and
the newest text is filtered next, so the texts between of a paste or of fast typing cost at most a
block each, and a stale result never replaces a newer one (a result is shown only if it is still for
the newest text, inventory, drive, sort and marks).

Each term's rows are kept (TermMasks, one byte a row) for the texts after it: the terms a new text
shares with an older one cost nothing, and a word that extends an earlier word (`web` after `we`) is
tested only on the rows that word matched. The table gets a lazy Arrow slice (dictionary columns over
the cached cells): no cell is copied, whatever the number of matches.

Above SYNC_ROWS an n-gram index of the search text (explorer.data.ngram) is built once per inventory, in a
thread worker started after the first rows are drawn (`warm_search_index`); once it is there, a free word costs
in proportion to its candidate rows instead of a pass over every row (its rows are still tested with the
filter language's own match). Until then, and for words it cannot serve, words are tested as above.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from explorer.data.ngram import NgramIndex
from explorer.data.query import SEARCH_COLUMN, Query, QueryError, Term, parse_query, search_hits
from explorer.tui.view import MARK

#: up to this many snapshots a keystroke filters at once, on the event loop (a few milliseconds)
SYNC_ROWS = 20_000
#: rows tested between two checks whether a newer text made the filtering stale (~5-10 ms of work)
BLOCK_ROWS = 65_536
#: threads a word's full pass runs on (the machines this runs on have 2 cores or more)
SCAN_THREADS = 2
#: terms whose rows are kept per inventory (one byte a row each: 16 MB at 1M snapshots)
KEPT_TERMS = 16
_MARKS = pa.array(["", MARK], pa.string())


@dataclass(frozen=True, slots=True, eq=False)
class FilterJob:
    """Everything one filtering depends on; a result applies only while all of it is still current."""

    seq: int
    query: Query
    view: Any
    #: the rest of what `SnapshotView.select` takes after the query: drive key, sort key, descending, kind
    selection: tuple
    marked: np.ndarray

    def same(self, other: FilterJob) -> bool:
        return (self.seq == other.seq and self.view is other.view and self.selection == other.selection
                and self.marked is other.marked)


class FilterComputed(Message, bubble=False):
    """A filter worker's result: row positions and their Arrow rows, the message of a term it could not apply,
    or neither when a newer text made it stale before it finished."""

    def __init__(self, job: FilterJob, positions: np.ndarray | None, rows: pa.Table | None, error: str = "") -> None:
        super().__init__()
        self.job = job
        self.positions = positions
        self.rows = rows
        self.error = error


class Superseded(Exception):
    """A newer text (or inventory) came while filtering: the rest of the work is dropped."""


class TypeAheadMixin:
    """Mixed into the browser screen: `filter_as_typed(text)` is all the filter input calls."""

    _filter_seq = 0
    _filter_running = False
    _term_masks: TermMasks | None = None
    #: (view, its n-gram index), set by the warm_search_index worker when the index is complete
    _search_index: tuple[Any, NgramIndex] | None = None

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
        selection = (self.drive_key, table.sort_key, table.sort_descending, self.kind_shown)
        return FilterJob(self._filter_seq, self.query_, self.view, selection, self._marked_mask())

    def _start_filter(self) -> None:
        if self.view is None:
            return
        job = self._current_job()
        if self._term_masks is None or self._term_masks.view is not job.view:
            self._term_masks = TermMasks(job.view)
        built = self._search_index
        if built is not None and built[0] is job.view:
            self._term_masks.index = built[1]  # no filter worker runs now: the next one uses it
        self._filter_running = True
        self._filter_rows(job, self._term_masks)

    def _superseded(self, job: FilterJob) -> bool:
        """Read from the worker thread: has the event loop since taken a newer text or inventory?"""
        return self._filter_seq != job.seq or self.view is not job.view

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False, description="filtering")
    def _filter_rows(self, job: FilterJob, masks: TermMasks) -> None:
        view = job.view
        try:
            positions = view.select(masks.query(job.query, lambda: self._superseded(job)), *job.selection)
        except QueryError as exc:
            self.post_message(FilterComputed(job, None, None, str(exc)))
            return
        except Superseded:
            self.post_message(FilterComputed(job, None, None))
            return
        self.post_message(FilterComputed(job, positions, lazy_rows(view, positions, job.marked)))

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False, description="indexing names")
    def warm_search_index(self, view) -> None:
        """Build the n-gram index of `view`'s search text (1M snapshots: a few seconds, ~80-100 MB), unless the
        view is small enough to filter at once; dropped when a newer inventory replaces the view."""
        built = self._search_index
        if built is not None and built[0] is not view:
            self._search_index = None  # the older inventory's index (and view) are not held on to
        if len(view) <= SYNC_ROWS or SEARCH_COLUMN not in view.frame:
            return
        worker = get_current_worker()

        def check() -> None:
            if worker.is_cancelled or self.view is not view:
                raise Superseded

        try:
            index = NgramIndex.build(pa.array(view.frame[SEARCH_COLUMN]), check)
        except Superseded:
            return
        if self.view is view:
            self._search_index = (view, index)

    def on_filter_computed(self, message: FilterComputed) -> None:
        self._filter_running = False
        job = message.job
        if not job.same(self._current_job()):
            self._start_filter()  # the text (or the inventory, drive, sort or marks) changed meanwhile
            return
        if message.error:
            self._filter_bar().show_error(message.error)
            return
        self._refresh_view(cursor_row=0, selected=(message.positions, message.rows))

    def _filter_bar(self):
        from explorer.tui.widgets.filter_bar import FilterBar

        return self.query_one(FilterBar)


class TermMasks:
    """The rows each recent term matches in one view, for the texts that follow (used by one worker at a time).

    A query's rows are the AND of its terms' rows (`Query.mask` tests each term on its own), so a term's
    rows, computed once with `Query(text, (term,)).mask`, serve every later text that has the term too.
    """

    def __init__(self, view, index: NgramIndex | None = None) -> None:
        self.view = view
        #: the n-gram index of the view's search text, once built (words are then served from it)
        self.index = index
        self._kept: OrderedDict[Term, np.ndarray] = OrderedDict()
        self._search: pa.Array | None = None
        self._lock = threading.Lock()

    def query(self, query: Query, stale) -> _Kept:
        """What `SnapshotView.select` evaluates in place of `query`: same rows, from the kept terms where it can."""
        return _Kept(self, query, stale)

    def rows(self, term: Term, stale) -> np.ndarray:
        with self._lock:
            hit = self._kept.get(term)
            if hit is not None:
                self._kept.move_to_end(term)
                return hit
            wider = self._wider(term)
        if self.index is not None and term.field == "text" and NgramIndex.usable(str(term.value)):
            hit = self._indexed(term, wider, stale)
        else:
            hit = self._narrowed(term, wider, stale) if wider is not None else self._tested(term, stale)
        with self._lock:
            self._kept[term] = hit
            while len(self._kept) > KEPT_TERMS:
                self._kept.popitem(last=False)
        return hit

    def _wider(self, term: Term) -> np.ndarray | None:
        """The rows of a kept word that `term`'s word contains (so every row `term` matches is among them), the
        fewest; None when there is none, or it still holds over half the rows (then a full pass is as quick)."""
        if term.field != "text" or term.negate:
            return None
        best = None
        for old, hit in self._kept.items():
            if old.field == "text" and not old.negate and str(old.value) in str(term.value):
                count = int(np.count_nonzero(hit))
                if count * 2 <= len(hit) and (best is None or count < best[0]):
                    best = (count, hit)
        return None if best is None else best[1]

    def _search_text(self) -> pa.Array:
        if self._search is None:
            self._search = pa.array(self.view.frame[SEARCH_COLUMN])  # pandas holds it in Arrow already
        return self._search

    def _indexed(self, term: Term, wider: np.ndarray | None, stale) -> np.ndarray:
        """A word's rows from the n-gram index: its candidates (within a kept wider word's rows, if any), tested."""
        def check() -> None:
            if stale():
                raise Superseded

        hit = self.index.hits(self._search_text(), str(term.value), within=wider, check=check)
        return ~hit if term.negate else hit

    def _narrowed(self, term: Term, wider: np.ndarray, stale) -> np.ndarray:
        if stale():
            raise Superseded
        rows = np.flatnonzero(wider)
        hit = np.zeros(len(wider), dtype=bool)
        hit[rows[search_hits(self._search_text().take(pa.array(rows, pa.int64())), str(term.value))]] = True
        return hit

    def _tested(self, term: Term, stale) -> np.ndarray:
        frame = self.view.frame
        hit = np.empty(len(frame), dtype=bool)
        if term.field == "text" and SEARCH_COLUMN in frame:
            # a word: its blocks on SCAN_THREADS threads (pyarrow releases the GIL), as `Query.mask` tests it
            search = self._search_text()

            def block(start: int) -> None:
                if stale():
                    raise Superseded
                found = search_hits(search.slice(start, BLOCK_ROWS), str(term.value))
                hit[start:start + BLOCK_ROWS] = ~found if term.negate else found

            with ThreadPoolExecutor(SCAN_THREADS) as pool:
                for done in [pool.submit(block, start) for start in range(0, len(frame), BLOCK_ROWS)]:
                    done.result()
            return hit
        single = Query(str(term.value), (term,))
        for start in range(0, len(frame), BLOCK_ROWS):
            if stale():
                raise Superseded
            hit[start:start + BLOCK_ROWS] = single.mask(frame.iloc[start:start + BLOCK_ROWS])
        return hit


class _Kept:
    """A query as `SnapshotView.select` sees it (`terms`, `mask(frame)`), its rows from TermMasks."""

    def __init__(self, masks: TermMasks, query: Query, stale) -> None:
        self.masks, self.query, self.terms, self.stale = masks, query, query.terms, stale

    def mask(self, frame) -> np.ndarray:
        keep = np.ones(len(frame), dtype=bool)
        for term in self.terms:
            keep &= self.masks.rows(term, self.stale)
        return keep


def lazy_rows(view, positions: np.ndarray, marked: np.ndarray) -> pa.Table:
    """The table's rows for `positions`, as `view.arrow` gives them, without copying a cell: every column is a
    dictionary array whose indices are the positions into the view's cached cells (a cell is looked up when
    drawn). At 1M snapshots a `take` of 400,000 matching rows cost 0.1-0.7 s; this costs about a millisecond."""
    indices = pa.array(positions, pa.int64())
    columns = [pa.DictionaryArray.from_arrays(pa.array(marked[positions].view(np.int8)), _MARKS)]
    # safe=False: the positions come from the view, so the per-index bounds check is skipped
    columns += [pa.DictionaryArray.from_arrays(indices, _one_chunk(c), safe=False) for c in view.cells.columns]
    return pa.table(columns, names=["mark", *view.cells.column_names])


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()  # the view builds one chunk
