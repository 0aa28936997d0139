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


def price_per_byte_second(inv: Inventory, resource: str, level: int, currency: str | None = None) -> float:
    """`price / multiplier` for one price object; NaN when the price list has no such entry."""
    p = inv.prices
    hit = p[(p["resource"] == resource) & (p["level"] == level) & (p["currency"] == (currency or inv.currency))]
    if hit.empty or pd.isna(hit["multiplier"].iloc[0]) or hit["multiplier"].iloc[0] == 0:
        return float("nan")
    return float(hit["price"].iloc[0]) / float(hit["multiplier"].iloc[0])


def rates(inv: Inventory, resources: Iterable[str], currency: str | None = None) -> pd.DataFrame:
    """Per resource: burst level and the monthly price of a byte at level 0 and at that level (NaN if unknown)."""
    rows = []
    for r in resources:
        level = inv.burst_levels.get(r)
        sub = price_per_byte_second(inv, r, 0, currency) * MONTH_SECONDS
        burst = price_per_byte_second(inv, r, level, currency) * MONTH_SECONDS if level is not None else float("nan")
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
