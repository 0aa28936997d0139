"""The one way sizes, ages and money are written, for the cost report, the CLI, the TUI and the notebooks.

Each has a scalar form and a vectorised column form (numpy, for 100k-row tables) with the
same output; an unknown value (a snapshot still creating, a missing price) is always
:data:`UNKNOWN`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

GIB = 2**30
MONTH_SECONDS = 30 * 24 * 3600  # CloudSigma's billing month (`multiplier` = GiB x 2592000)
UNKNOWN = "—"

_BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_YEAR = 365 * 86400


def _null(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (not isinstance(value, str) and bool(pd.isna(value)))


def _floats(values) -> np.ndarray:
    if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    return np.asarray(values, dtype="float64")


# ----- sizes ----------------------------------------------------------------------------------------------

def human_bytes(n: float | int | None) -> str:
    """`1536` -> `1.5 KiB`, `512` -> `512 B`; null -> `—` (a snapshot still creating has no size)."""
    if _null(n):
        return UNKNOWN
    return str(human_bytes_column(np.array([float(n)]))[0])


def human_bytes_column(values) -> np.ndarray:
    """Vectorised :func:`human_bytes` (an `Int64` column, nulls become `—`)."""
    raw = _floats(values)
    out = np.full(raw.shape, UNKNOWN, dtype=object)
    ok = ~np.isnan(raw)
    if not ok.any():
        return out
    vals = raw[ok]
    mag = np.abs(vals)
    idx = np.zeros(vals.shape, dtype=int)
    big = mag >= 1024
    idx[big] = np.minimum(np.floor(np.log(mag[big]) / np.log(1024)).astype(int), len(_BYTE_UNITS) - 1)
    scaled = vals / np.power(1024.0, idx)
    # 1023.96 KiB would print as "1024.0 KiB": move it up a unit as the scalar loop used to.
    up = (np.abs(np.round(scaled, 1)) >= 1024) & (idx > 0) & (idx < len(_BYTE_UNITS) - 1)
    idx[up] += 1
    scaled[up] /= 1024
    units = np.asarray(_BYTE_UNITS, dtype=object)[idx]
    text = np.where(idx == 0, np.char.mod("%d", vals.astype(np.int64)), np.char.mod("%.1f", scaled))
    out[ok] = np.char.add(np.char.add(text.astype(str), " "), units.astype(str))
    return out


# ----- ages -----------------------------------------------------------------------------------------------

def human_age(delta: pd.Timedelta | None) -> str:
    """A k9s-style age, the largest whole unit: `45s`, `12m`, `5h`, `3d`, `2y`; null -> `—`."""
    if _null(delta):
        return UNKNOWN
    return str(human_age_column(pd.Series([pd.Timedelta(delta)], dtype="timedelta64[ns]"))[0])


def human_age_column(values: pd.Series) -> np.ndarray:
    """Vectorised :func:`human_age` (negative ages, from clock skew, show as `0s`)."""
    secs = values.dt.total_seconds().to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(secs.shape, UNKNOWN, dtype=object)
    ok = ~np.isnan(secs)
    s = np.maximum(secs[ok], 0)
    whole = np.select(
        [s < 60, s < 3600, s < 86400, s < _YEAR], [s, s // 60, s // 3600, s // 86400], s // _YEAR
    ).astype(np.int64)
    unit = np.select([s < 60, s < 3600, s < 86400, s < _YEAR], ["s", "m", "h", "d"], "y")
    out[ok] = np.char.add(np.char.mod("%d", whole), unit)
    return out


# ----- money ----------------------------------------------------------------------------------------------

#: What an amount below one cent shows (never a misleading `0.00`); precision lives in the detail pane.
BELOW_A_CENT = "<0.01"


def _small_digits(value: float) -> int:
    """Decimals that keep 4 significant digits of an amount below one cent (0.004213, 0.00001234)."""
    return min(3 - math.floor(math.log10(abs(value))), 12)


def money_amount(value: float | None) -> str:
    """`1234.5` -> `1,234.50`; below one cent `<0.01` (`>-0.01` below zero); `0` -> `0.00`; null -> `—`."""
    if _null(value):
        return UNKNOWN
    value = float(value)
    if value != 0 and abs(value) < 0.01:
        return BELOW_A_CENT if value > 0 else ">-0.01"
    return f"{value:,.2f}"


def money(amount: float | None, currency: str = "") -> str:
    """`3.14159, "EUR"` -> `3.14 EUR`, `0.004, "EUR"` -> `<0.01 EUR` (see :func:`money_amount`); unknown -> `—`."""
    if _null(amount):
        return UNKNOWN
    return f"{money_amount(amount)} {currency}".strip()


def money_precise(amount: float | None, currency: str = "") -> str:
    """For one snapshot in a detail view: below one cent 4 significant digits (`0.004213 EUR`), else :func:`money`."""
    if _null(amount) or float(amount) == 0 or abs(float(amount)) >= 0.01:
        return money(amount, currency)
    return f"{float(amount):.{_small_digits(float(amount))}f} {currency}".strip()


def money_column(values) -> np.ndarray:
    """Vectorised :func:`money_amount` (no currency: the column header carries it)."""
    raw = _floats(values)
    out = np.full(raw.shape, UNKNOWN, dtype=object)
    ok = ~np.isnan(raw)
    small = ok & (raw != 0) & (np.abs(raw) < 0.01)
    out[small & (raw > 0)] = BELOW_A_CENT
    out[small & (raw < 0)] = ">-0.01"
    plain = ok & ~small & (np.abs(raw) < 999.995)
    out[plain] = np.char.mod("%.2f", raw[plain])
    for i in np.flatnonzero(ok & ~plain & ~small):  # a thousand and up, with separators: rare
        out[i] = money_amount(raw[i])
    return out
