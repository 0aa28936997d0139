"""The n-gram index gives exactly the rows `query.search_hits` gives, for any text and word (property test), over
several blocks, with bytes that share a class, non-ASCII text, nulls and newlines."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.data import ngram
from explorer.data.ngram import NgramIndex
from explorer.data.query import search_hits

# 26 letters, 10 digits and 10 more: more bytes than classes, so the rarest share one (and need their test);
# or three letters, so a row often holds every trigram of a word and not the word (the candidates' test decides)
ALPHABETS = ("abcdefghijklmnopqrstuvwxyz0123456789-_.:/ é€\n", "ab-\n")


def _rows(alphabet: str) -> st.SearchStrategy[list[str | None]]:
    """Rows of the alphabet, and a row holding every one of its bytes (so the big one's rarest share a class)."""
    rows = st.lists(st.one_of(st.none(), st.text(alphabet, max_size=24)), min_size=1, max_size=80)
    return st.tuples(rows, st.integers(0, 80)).map(lambda t: [*t[0][:t[1]], alphabet, *t[0][t[1]:]])


def _index(rows: list[str | None], block: int) -> tuple[pa.Array, NgramIndex]:
    search = pa.array(rows, pa.string())
    with mock.patch.object(ngram, "BLOCK", block):
        return search, NgramIndex.build(search)


def _words(rows: list[str | None], alphabet: str) -> st.SearchStrategy[str]:
    """Substrings of the rows (some match) and free text (most do not), never with a newline."""
    texts = [r for r in rows if r]
    free = st.text(alphabet.replace("\n", ""), min_size=1, max_size=7)
    if not texts:
        return free
    cut = st.tuples(st.sampled_from(texts), st.integers(0, 24), st.integers(1, 8)).map(
        lambda t: t[0][t[1]:t[1] + t[2]])
    return st.one_of(cut, free).filter(NgramIndex.usable)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(ALPHABETS), st.sampled_from([1, 7, 64, ngram.BLOCK]))
def test_the_index_finds_exactly_the_rows_search_hits_finds(data, alphabet, block):
    rows = data.draw(_rows(alphabet))
    search, index = _index(rows, block)
    for word in data.draw(st.lists(_words(rows, alphabet), min_size=1, max_size=8)):
        want = search_hits(search, word)
        assert index.hits(search, word).tolist() == want.tolist(), (rows, word)
        within = want | data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)).map(
            lambda b: np.array(b, dtype=bool)))  # any superset of the word's rows
        assert index.hits(search, word, within=within).tolist() == want.tolist(), (rows, word)


def test_a_row_with_every_trigram_of_a_word_but_not_the_word_is_not_a_hit():
    search, index = _index(["aba-bab", "abab", "ab\nab", "a", "/", "é"] + [chr(c) for c in range(48, 123)], 7)
    singles = [chr(c) for c in range(48, 123)]  # 75 bytes: the rarest share a class
    for word in ["abab", "bab", "ab", "a", "/", "é", "ba-b", "b\x00", *singles]:  # exact, or tested
        assert index.hits(search, word).tolist() == search_hits(search, word).tolist(), word
    assert index.hits(search, "abab").sum() == 1


def test_the_search_column_of_snapshots_over_blocks():
    """The TUI's column shape (name, drive, uuid on three lines), over 3 blocks of 100 rows."""
    rows = [f"web-{i % 3:02d}-snap-{i:06d}\nweb-{i % 3:02d}\ns{i:07d}-1111-4000-8000-{i:012d}" for i in range(250)]
    search, index = _index(rows, 100)
    for word in ("w", "we", "web", "web-", "web-01-snap-0001", "0001", "s0000123", "zz", "p-0", "1\nw", "-"):
        if NgramIndex.usable(word):
            assert index.hits(search, word).tolist() == search_hits(search, word).tolist(), word
    assert index.hits(search, "snap-000123").sum() == 1
    assert not NgramIndex.usable("1\nw") and not NgramIndex.usable("")
    with pytest.raises(ValueError):
        index.hits(search, "")


def test_a_chunked_large_string_column_is_read_without_losing_rows():
    chunks = pa.chunked_array([pa.array(["alpha", None, "beta"], pa.large_string()),
                               pa.array(["gamma", "alphabet"], pa.large_string())])
    index = NgramIndex.build(chunks)
    assert index.hits(chunks, "alph").tolist() == [True, False, False, False, True]
    assert index.hits(chunks, "a").tolist() == search_hits(chunks, "a").tolist()
    sliced = pa.array(["xx", "abc", "zabc", "q"]).slice(1, 2)  # an offset into the buffers
    assert NgramIndex.build(sliced).hits(sliced, "abc").tolist() == [True, True]


def test_check_stops_a_build_and_a_search_between_blocks():
    search = pa.array([f"row-{i}" for i in range(50)])
    calls = []

    def check():
        calls.append(1)
        if len(calls) == 3:
            raise InterruptedError

    with mock.patch.object(ngram, "BLOCK", 10), pytest.raises(InterruptedError):
        NgramIndex.build(search, check)
    assert len(calls) == 3  # the third of five blocks: stopped there
    search, index = _index([f"row-{i}" for i in range(50)], 10)
    calls.clear()
    with pytest.raises(InterruptedError):
        index.hits(search, "row-4", check=check)
