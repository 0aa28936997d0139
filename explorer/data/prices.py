"""Prices per byte: the price list read as `price / multiplier`, and each snapshot's billing resource."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from explorer.data.inventory import Inventory
from explorer.data.units import MONTH_SECONDS

#: Billed as when the drive (and so its storage type) is unknown: the API's default storage type.
DEFAULT_RESOURCE = "dssd"
#: What remote snapshots (backups) are billed as: a resource of its own (price, subscriptions, burst level).
BACKUP_RESOURCE = "backup"


def _per_byte_second(inv: Inventory, currency: str) -> dict[tuple[str, int], float]:
    """`{(resource, level): price / multiplier}` for one currency: the first price object of each, NaN if unusable."""
    p = inv.prices
    p = p[(p["currency"] == currency).fillna(False).to_numpy(bool)]
    out: dict[tuple[str, int], float] = {}
    for res, level, price, mult in zip(p["resource"].astype(object), p["level"].astype(object),
                                       p["price"].astype(object), p["multiplier"].astype(object), strict=True):
        if pd.isna(res) or pd.isna(level) or (res, level) in out:
            continue
        bad = pd.isna(mult) or mult == 0 or pd.isna(price)
        out[(res, int(level))] = float("nan") if bad else float(price) / float(mult)
    return out


def price_per_byte_second(inv: Inventory, resource: str, level: int, currency: str | None = None) -> float:
    """`price / multiplier` for one price object; NaN when the price list has no such entry."""
    return _per_byte_second(inv, currency or inv.currency).get((resource, level), float("nan"))


def rates(inv: Inventory, resources: Iterable[str], currency: str | None = None) -> pd.DataFrame:
    """Per resource: burst level and the monthly price of a byte at level 0 and at that level (NaN if unknown)."""
    table = _per_byte_second(inv, currency or inv.currency)
    rows = []
    for r in resources:
        level = inv.burst_levels.get(r)
        sub = table.get((r, 0), float("nan")) * MONTH_SECONDS
        burst = table.get((r, level), float("nan")) * MONTH_SECONDS if level is not None else float("nan")
        rows.append((r, level, sub, burst))
    out = pd.DataFrame(rows, columns=["resource", "burst_level", "sub_rate", "burst_rate"]).set_index("resource")
    out["burst_level"] = out["burst_level"].astype("Int64")
    return out


def billing_resource(snapshots: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """(resource names, code per snapshot): a local snapshot's drive storage type (`dssd` when the drive is
    unknown), `backup` for a remote snapshot (cloudsigma-api.md §2.10: not billed as drive storage)."""
    st = snapshots["storage_type"]
    if not isinstance(st.dtype, pd.CategoricalDtype):
        st = st.astype("category")
    cats = [str(c) for c in st.cat.categories]
    if DEFAULT_RESOURCE not in cats:
        cats.append(DEFAULT_RESOURCE)
    codes = st.cat.codes.to_numpy().astype(np.intp)
    codes[codes == -1] = cats.index(DEFAULT_RESOURCE)
    if "kind" in snapshots:
        remote = (snapshots["kind"] == "remote").to_numpy(dtype=bool, na_value=False)
        if remote.any():
            if BACKUP_RESOURCE not in cats:
                cats.append(BACKUP_RESOURCE)
            codes[remote] = cats.index(BACKUP_RESOURCE)
    return cats, codes
