"""Human-readable cells: sizes, ages, money and times, vectorised for whole columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_bytes(value: int | float | None) -> str:
    """`1536` -> `1.5 KiB`; `None`/NA -> `—` (a snapshot still creating has no size)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "—"
    size = float(value)
    for unit in _BYTE_UNITS:
        if abs(size) < 1024 or unit == _BYTE_UNITS[-1]:
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def human_bytes_column(values: pd.Series) -> np.ndarray:
    """Vectorised :func:`human_bytes` for an `Int64` column (nulls become `—`)."""
    raw = values.to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(raw.shape, "—", dtype=object)
    ok = ~np.isnan(raw)
    if not ok.any():
        return out
    vals = raw[ok]
    # Unit index from the magnitude; 0 stays in bytes.
    idx = np.zeros(vals.shape, dtype=int)
    nz = vals > 0
    idx[nz] = np.minimum(np.floor(np.log(vals[nz]) / np.log(1024)).astype(int), len(_BYTE_UNITS) - 1)
    scaled = vals / np.power(1024.0, idx)
    units = np.asarray(_BYTE_UNITS, dtype=object)[idx]
    text = np.where(idx == 0, np.char.mod("%d", vals.astype(np.int64)), np.char.mod("%.1f", scaled))
    out[ok] = np.char.add(np.char.add(text.astype(str), " "), units.astype(str))
    return out


def human_age(value: pd.Timedelta | None) -> str:
    """A k9s-style age: `45s`, `12m`, `5h`, `3d`, `2y`."""
    if value is None or value is pd.NaT or pd.isna(value):
        return "—"
    return str(human_age_column(pd.Series([value], dtype="timedelta64[ns]"))[0])


def human_age_column(values: pd.Series) -> np.ndarray:
    """Vectorised :func:`human_age` (negative ages, from clock skew, show as `0s`)."""
    secs = values.dt.total_seconds().to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(secs.shape, "—", dtype=object)
    ok = ~np.isnan(secs)
    s = np.maximum(secs[ok], 0)
    text = np.select(
        [s < 60, s < 3600, s < 86400, s < 365 * 86400],
        [
            np.char.add(np.char.mod("%d", s.astype(np.int64)), "s"),
            np.char.add(np.char.mod("%d", (s // 60).astype(np.int64)), "m"),
            np.char.add(np.char.mod("%d", (s // 3600).astype(np.int64)), "h"),
            np.char.add(np.char.mod("%d", (s // 86400).astype(np.int64)), "d"),
        ],
        np.char.add(np.char.mod("%d", (s // (365 * 86400)).astype(np.int64)), "y"),
    )
    out[ok] = text
    return out


def money(value: float | None, currency: str = "") -> str:
    """`3.14159, "EUR"` -> `3.14 EUR`; small non-zero amounts keep significant digits."""
    if value is None or value is pd.NA or pd.isna(value):
        return "—"
    amount = f"{value:,.2f}" if value == 0 or abs(value) >= 0.01 else f"{value:.4f}"
    return f"{amount} {currency}".strip()


def money_column(values: pd.Series) -> np.ndarray:
    """Vectorised amounts (no currency: the column header carries it)."""
    raw = values.to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(raw.shape, "—", dtype=object)
    ok = ~np.isnan(raw)
    out[ok] = np.char.mod("%.2f", raw[ok])
    return out


def time_column(values: pd.Series) -> np.ndarray:
    """UTC timestamps as `YYYY-MM-DD HH:MM` (nulls become `—`)."""
    text = values.dt.strftime("%Y-%m-%d %H:%M")
    return text.astype(object).where(text.notna(), "—").to_numpy(dtype=object)


def middle_ellipsis_column(values: pa.Array, width: int) -> pa.Array:
    """Cut strings longer than `width` in the middle: a quarter of the head, `…`, then the tail.

    The tail is what tells snapshots apart (default names end in `__YYYY-MM-DD__HH_MM_SS`,
    human ones in a number or a date), so it gets most of the room. Vectorised (Arrow).
    """
    head = width // 4
    tail = width - 1 - head
    short = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(values, 0, head), pc.utf8_slice_codeunits(values, -tail), "…"
    )
    return pc.if_else(pc.greater(pc.utf8_length(values), width), short, values)
