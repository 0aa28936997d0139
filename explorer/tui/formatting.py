"""Human-readable cells for the TUI: sizes, ages and money come from :mod:`explorer.data.units` (the one
implementation the report and the notebooks use too); times and cut names are the table's own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from explorer.data.units import (
    UNKNOWN,
    human_age,
    human_age_column,
    human_bytes,
    human_bytes_column,
    money,
    money_column,
)

__all__ = [
    "UNKNOWN", "human_age", "human_age_column", "human_bytes", "human_bytes_column", "middle_ellipsis_column",
    "money", "money_column", "time_column",
]


def time_column(values: pd.Series) -> np.ndarray:
    """UTC timestamps as `YYYY-MM-DD HH:MM` (nulls become `—`)."""
    text = values.dt.strftime("%Y-%m-%d %H:%M")
    return text.astype(object).where(text.notna(), UNKNOWN).to_numpy(dtype=object)


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
