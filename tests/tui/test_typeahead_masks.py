"""Property test: the type-ahead's kept term rows (TermMasks) select exactly what the filter language selects,
whatever texts came before (words that extend earlier words, repeated terms, negations, comparisons), with
and without the n-gram index of the search text (one block, and blocks of 37 rows)."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.data import ngram
from explorer.data.query import SEARCH_COLUMN, parse_query
from explorer.tui.screens.typeahead import TermMasks, lazy_rows
from explorer.tui.view import prepare
from tests.tui.factory import make_inventory

VIEW = prepare(make_inventory(400)).view
SEARCH = pa.array(VIEW.frame[SEARCH_COLUMN])
INDEXES = {"none": None, "one block": ngram.NgramIndex.build(SEARCH)}
with mock.patch.object(ngram, "BLOCK", 37):
    INDEXES["blocks of 37"] = ngram.NgramIndex.build(SEARCH)
WORDS = ["w", "we", "web", "web-0", "web-01", "web-01-snap-0001", "snap", "snap-00", "d0", "d000000", "2026",
         "__", "s00001", "backup", "backup-snap", "zz", "-", "0", "00", "p-0", "1-s", "nap-0001", '""', "'b a'"]
OTHER = ["size>1GiB", "size>10GiB", "age>1d", "age>30d", "status:creating", "status:available", "drive:web",
         "cost>1", "storage:dssd", "kind:local", "orphan"]
TERM = st.one_of(st.sampled_from(WORDS), st.sampled_from(OTHER)).flatmap(
    lambda term: st.sampled_from([term, "-" + term]))
TEXT = st.lists(TERM, min_size=0, max_size=4).map(" ".join)


def _never_stale() -> bool:
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=8), st.sampled_from(sorted(INDEXES)))
def test_kept_term_rows_select_what_the_query_selects(texts, index):
    masks = TermMasks(VIEW, INDEXES[index])
    for text in texts:  # one after another, as typed: later texts reuse and narrow the earlier terms' rows
        query = parse_query(text)
        got = VIEW.select(masks.query(query, _never_stale))
        assert got.tolist() == VIEW.select(query).tolist(), (texts, text)


def test_lazy_rows_are_the_view_rows():
    positions = VIEW.select(parse_query("web"), sort="size", descending=True)
    marked = np.zeros(len(VIEW), dtype=bool)
    marked[positions[::3]] = True
    assert lazy_rows(VIEW, positions, marked).to_pylist() == VIEW.arrow(positions, marked).to_pylist()
