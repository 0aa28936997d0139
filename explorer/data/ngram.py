"""An n-gram index over a column of search text, so that a free word costs in proportion to its candidate rows.

`NgramIndex.build(search)` reads an Arrow string column (the filter's pre-lowered `search_text`: name, drive
name, uuid, one row per snapshot) once; `index.hits(search, word)` then gives exactly what
`query.search_hits(search, word)` gives (one bool per row) without a pass over every row:

- every byte of the text falls into one of at most 39 classes (the 38 most frequent bytes have their own, the
  rest share one), so a trigram of classes is a number below 39**3 (16 bits) and, with a row's place in its
  block, one 32-bit key: a block's index is one sort of those keys;
- rows are cut in blocks of 65,536; each block keeps, per trigram, the sorted rows (16 bits each) that hold it,
  and, per class, a bitmap of the rows that hold it;
- a word's candidates are the rows that hold all its trigrams (its rarest first; the intersection stops when
  a next list is much longer than the candidates left), or for a word of one or two bytes, every class it
  has; the candidates are then tested with `search_hits` itself, so the rows are the filter language's.
  A word of one byte, or of three, whose bytes all have a class of their own needs no test.

Newlines separate the fields: no gram holds one, and a word with a newline is not served (`usable`). Bytes,
not characters, are indexed, which is what `pyarrow.compute.match_substring` matches. At 1M snapshots the
index holds about 2 bytes per distinct trigram per row (see benchmarks/tui.md for build time and size).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from explorer.data.query import search_hits

#: rows per block: a row's position inside its block fits 16 bits
BLOCK = 65_536
#: byte classes: 39**3 trigram codes fit in 16 bits
CLASSES = 39
_GRAMS = CLASSES**3
_NONE = 255  # the class of a newline: no gram holds one
#: rows whose keys are made at once while a block is built
_PART = 4096
#: intersect a next trigram's rows only while they are at most this many times the candidates left
_INTERSECT_RATIO = 16


class _Block:
    __slots__ = ("chars", "count", "rows", "start", "starts")

    def __init__(self, start: int, count: int, rows: np.ndarray, starts: np.ndarray, chars: np.ndarray):
        self.start, self.count = start, count
        self.rows = rows  # uint16: the rows holding each trigram, trigram by trigram, each run sorted
        self.starts = starts  # int32, _GRAMS + 1: trigram g's rows are rows[starts[g]:starts[g + 1]]
        self.chars = chars  # uint8, CLASSES x ceil(count / 8): packed bitmaps, the rows holding each class

    def trigram(self, code: int) -> np.ndarray:
        return self.rows[self.starts[code]:self.starts[code + 1]]

    def char(self, cls: int) -> np.ndarray:
        return np.unpackbits(self.chars[cls], count=self.count).view(bool)

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes + self.starts.nbytes + self.chars.nbytes


class NgramIndex:
    """Trigram and byte-class postings of one string column, by blocks of rows (see the module's text)."""

    def __init__(self, length: int, classes: np.ndarray, own: np.ndarray, blocks: list[_Block]):
        self.length = length
        self._classes = classes  # uint8 per byte value
        self._own = own  # bool per byte value: its class is its alone (a hit on the class is a hit on the byte)
        self._blocks = blocks

    @property
    def nbytes(self) -> int:
        return sum(b.nbytes for b in self._blocks) + self._classes.nbytes + self._own.nbytes

    @classmethod
    def build(cls, search: pa.Array | pa.ChunkedArray, check: Callable[[], None] | None = None) -> NgramIndex:
        """Index `search` (string or large_string); `check` is called between blocks and may raise to stop."""
        data, offsets = _bytes_and_offsets(search)
        counts = np.zeros(256, dtype=np.int64)
        for at in range(0, len(data), 1 << 22):  # bincount makes its input intp: 8 bytes a byte, so by parts
            counts += np.bincount(data[at:at + (1 << 22)], minlength=256)
        counts[ord("\n")] = 0
        present = np.flatnonzero(counts)
        by_use = present[np.argsort(-counts[present], kind="stable")]
        classes = np.full(256, CLASSES - 1, dtype=np.uint8)
        own = np.zeros(256, dtype=bool)
        mine = by_use if len(by_use) <= CLASSES else by_use[:CLASSES - 1]
        classes[mine] = np.arange(len(mine), dtype=np.uint8)
        own[mine] = True
        classes[ord("\n")] = _NONE
        own[ord("\n")] = False
        blocks = []
        for start in range(0, len(offsets) - 1, BLOCK):
            if check is not None:
                check()
            blocks.append(_block(data, offsets, start, min(start + BLOCK, len(offsets) - 1), classes))
        return cls(len(offsets) - 1, classes, own, blocks)

    @staticmethod
    def usable(word: str) -> bool:
        """Can the index serve this word (at least one byte, no newline)?"""
        return bool(word) and "\n" not in word

    def hits(self, search: pa.Array | pa.ChunkedArray, word: str, within: np.ndarray | None = None,
             check: Callable[[], None] | None = None) -> np.ndarray:
        """`search_hits(search, word)` (one bool per row of `search`, the column this index was built from);
        `within`: a bool per row that holds every row the word matches (e.g. a shorter word's rows), to test
        fewer candidates; `check` is called between blocks and may raise to stop."""
        if not self.usable(word):
            raise ValueError("the index serves words of one byte or more without a newline")
        raw = np.frombuffer(word.encode(), dtype=np.uint8)
        cls = self._classes[raw]
        exact = bool(self._own[raw].all()) and len(raw) in (1, 3)
        grams = np.unique(cls[:-2].astype(np.int64) * CLASSES**2 + cls[1:-1].astype(np.int64) * CLASSES
                          + cls[2:]) if len(raw) >= 3 else None
        hit = np.zeros(self.length, dtype=bool)
        found = []
        for block in self._blocks:
            if check is not None:
                check()
            rows = self._candidates(block, cls, grams)
            if rows is None or not len(rows):
                continue
            rows = rows.astype(np.int64) + block.start
            if within is not None:
                rows = rows[within[rows]]
            found.append(rows)
        rows = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        if not exact and len(rows):
            rows = rows[search_hits(_take(search, rows), word)]
        hit[rows] = True
        return hit

    def _candidates(self, block: _Block, cls: np.ndarray, grams: np.ndarray | None) -> np.ndarray | None:
        if grams is None:  # one or two bytes: the rows holding each of their classes
            keep = block.char(int(cls[0]))
            for c in cls[1:]:
                keep = keep & block.char(int(c))
            return np.flatnonzero(keep)
        lists = sorted((block.trigram(int(g)) for g in grams), key=len)
        rows = lists[0]
        for more in lists[1:]:
            if not len(rows) or len(more) > _INTERSECT_RATIO * len(rows):
                break
            seen = np.zeros(block.count, dtype=bool)
            seen[more] = True
            rows = rows[seen[rows]]
        return rows


def _bytes_and_offsets(search: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The column's UTF-8 bytes and its row offsets into them (int64, len + 1; a null row is empty)."""
    if isinstance(search, pa.ChunkedArray):
        search = search.combine_chunks() if search.num_chunks != 1 else search.chunk(0)
    if pa.types.is_string(search.type):
        search = search.cast(pa.large_string())
    if not pa.types.is_large_string(search.type):
        raise TypeError(f"an n-gram index needs a string column, not {search.type}")
    if search.null_count:
        search = search.fill_null("")  # no grams: never a candidate, as search_hits never matches a null
    _, off_buf, data_buf = search.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64)[search.offset:search.offset + len(search) + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    return data, offsets


def _block(data: np.ndarray, offsets: np.ndarray, first: int, end: int, classes: np.ndarray) -> _Block:
    count = end - first
    chars = np.zeros((CLASSES + 1, count), dtype=bool)  # the last line takes the newlines and is dropped
    # (trigram, row) in one 32-bit key, made a few thousand rows at a time (few temporaries at once); one sort
    # (numpy's vectorised one) then groups the block's rows by trigram, in order
    parts = [_keys(data, offsets, first, at, min(at + _PART, end), classes, chars) for at in range(first, end, _PART)]
    packed = np.packbits(chars[:CLASSES], axis=1)
    del chars
    key = np.concatenate(parts) if parts else np.zeros(0, np.uint32)
    del parts
    key.sort()
    if len(key):
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]  # a row holding a trigram twice: once
    codes = (key >> 16).astype(np.uint16)
    starts = np.zeros(_GRAMS + 1, dtype=np.int32)
    np.cumsum(np.bincount(codes, minlength=_GRAMS), out=starts[1:])
    del codes
    return _Block(first, count, (key & 0xFFFF).astype(np.uint16), starts, packed)


def _keys(data: np.ndarray, offsets: np.ndarray, first: int, lo_row: int, hi_row: int, classes: np.ndarray,
          chars: np.ndarray) -> np.ndarray:
    """The (trigram << 16 | row in block) keys of rows lo_row..hi_row; marks their classes in `chars`."""
    cls = classes[data[int(offsets[lo_row]):int(offsets[hi_row])]]
    row = np.repeat(np.arange(lo_row - first, hi_row - first, dtype=np.uint16), np.diff(offsets[lo_row:hi_row + 1]))
    chars[np.minimum(cls, CLASSES), row] = True
    if len(cls) < 3:
        return np.zeros(0, np.uint32)
    a, b, c = cls[:-2], cls[1:-1], cls[2:]
    valid = (a != _NONE) & (b != _NONE) & (c != _NONE) & (row[:-2] == row[2:])
    key = a[valid].astype(np.uint32) * CLASSES**2
    key += b[valid].astype(np.uint32) * CLASSES
    key += c[valid]
    key <<= 16
    key |= row[:-2][valid]
    return key


def _take(search: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> pa.Array | pa.ChunkedArray:
    return search.take(pa.array(rows, pa.int64()))
