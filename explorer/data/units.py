"""Small formatting helpers shared by the cost report, the CLI and the front ends."""

from __future__ import annotations

import math

import pandas as pd

GIB = 2**30
MONTH_SECONDS = 30 * 24 * 3600  # CloudSigma's billing month (`multiplier` = GiB x 2592000)


def human_bytes(n: float | int | None) -> str:
    """1536 -> '1.5 KiB'; null -> '-'."""
    if n is None or n is pd.NA or (isinstance(n, float) and math.isnan(n)):
        return "-"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def money(amount: float | None, currency: str) -> str:
    """Two decimals, or four below one cent so small snapshots do not all read 0.00; '?' when unknown."""
    if amount is None or amount is pd.NA or (isinstance(amount, float) and math.isnan(amount)):
        return f"? {currency}"
    digits = 4 if 0 < abs(amount) < 0.01 else 2
    return f"{amount:.{digits}f} {currency}"


def human_age(delta: pd.Timedelta | None) -> str:
    """A Timedelta as '3d 4h', '5m' or '12s'."""
    if delta is None or pd.isna(delta):
        return "-"
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m" if minutes else f"{seconds}s"
