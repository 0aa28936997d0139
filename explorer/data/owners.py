"""Who a snapshot belongs to, for chargeback: a meta key or a tag-name prefix of the snapshot, else of its drive.

The rule (:class:`OwnerRule`): by default the `owner` key of the snapshot's `meta`, else of
its drive's `meta`. With a tag prefix (`team-`) instead, the first tag name (in sorted order)
starting with it (case-insensitive), whole (`team-web`), the snapshot's tags before its
drive's. A snapshot with no owner goes to the explicit :data:`UNATTRIBUTED` bucket (always
listed, even when empty), so the owners' totals always add up to the account's.

Several locations (a combined inventory): a snapshot's drive is the drive of that uuid in the
snapshot's own location, and each location is costed with its own prices and currency; the rollup
then has a block of owners per currency (each with its `unattributed` row), money never added across
currencies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import msgspec
import numpy as np
import pandas as pd

from explorer.errors import ValidationError

_decode = msgspec.json.decode  # 5x json.loads on the metas that mention the key

UNATTRIBUTED = "unattributed"
DEFAULT_KEY = "owner"


@dataclass(frozen=True, slots=True)
class OwnerRule:
    """How an owner is found: a meta key (default `owner`) or, when `tag_prefix` is set, a tag-name prefix."""

    key: str = DEFAULT_KEY
    tag_prefix: str | None = None

    def __post_init__(self) -> None:
        if self.tag_prefix is not None and not self.tag_prefix.strip():
            raise ValidationError("--owner-tag needs a tag name prefix, e.g. --owner-tag team-")
        if self.tag_prefix is None and not self.key.strip():
            raise ValidationError("--owner-key needs a meta key, e.g. --owner-key team")

    def describe(self) -> str:
        """How a person reads the rule: `meta key 'owner' of the snapshot or its drive`."""
        if self.tag_prefix is not None:
            return f"tag name prefix {self.tag_prefix!r} of the snapshot or its drive"
        return f"meta key {self.key!r} of the snapshot or its drive"


def _from_meta(meta: pd.Series, key: str) -> pd.Series:
    """The value of `key` in each compact-JSON meta; NA when absent or blank."""
    values: list[str | None] = [None] * len(meta)
    # Most metas are `{}`: parse only those that mention the key at all.
    maybe = np.flatnonzero(meta.str.contains(json.dumps(key), regex=False).fillna(False).to_numpy(dtype=bool))
    texts = meta.to_numpy(dtype=object)
    for i in maybe:
        value = _decode(texts[i]).get(key)
        text = "" if value is None else str(value).strip()
        if text:
            values[i] = text
    # one build at the end: setting items of an Arrow-backed column one by one copies it each time
    return pd.Series(values, index=meta.index, dtype="string")


def _from_tags(tags: pd.Series, prefix: str) -> pd.Series:
    """The first tag name (sorted) starting with `prefix` (case-insensitive); NA when none."""
    values: list[str | None] = [None] * len(tags)
    low = prefix.lower()
    maybe = np.flatnonzero(tags.str.lower().str.contains(low, regex=False).fillna(False).to_numpy(dtype=bool))
    texts = tags.to_numpy(dtype=object)
    for i in maybe:
        hits = sorted(t for t in texts[i].split(",") if t.lower().startswith(low))
        if hits:
            values[i] = hits[0]
    return pd.Series(values, index=tags.index, dtype="string")


def _owners(frame: pd.DataFrame, rule: OwnerRule) -> pd.Series:
    if rule.tag_prefix is not None:
        return _from_tags(frame["tags"], rule.tag_prefix)
    return _from_meta(frame["meta"], rule.key)


def owner_column(snapshots: pd.DataFrame, drives: pd.DataFrame, rule: OwnerRule | None = None) -> pd.Series:
    """Each snapshot's owner by `rule` (the snapshot first, then its drive); NA means unattributed."""
    rule = rule or OwnerRule()
    own = _owners(snapshots, rule)
    if len(drives):
        found = _owners(drives, rule)
        if _several_locations(drives):  # a drive is (location, uuid): the same uuid elsewhere is another drive
            keys = list(zip(_locations(drives), drives["uuid"].tolist(), strict=True))
            wanted = list(zip(_locations(snapshots), snapshots["drive_uuid"].tolist(), strict=True))
        else:
            keys, wanted = drives["uuid"].tolist(), snapshots["drive_uuid"].tolist()
        per_drive = {k: o for k, o in zip(keys, found.tolist(), strict=True) if o is not pd.NA}
        # a plain dict: Series.map with an Arrow-string index silently matches nothing
        from_drive = pd.Series([per_drive.get(k) for k in wanted], index=snapshots.index, dtype="string")
        own = own.fillna(from_drive)
    return own.rename("owner")


def _several_locations(frame: pd.DataFrame) -> bool:
    return "location" in frame and frame["location"].nunique(dropna=False) > 1


def _locations(frame: pd.DataFrame) -> list:
    if "location" not in frame:
        return [None] * len(frame)
    return frame["location"].astype(object).where(frame["location"].notna(), None).tolist()


def bucket(owners: pd.Series) -> pd.Series:
    """Owners with the unattributed ones named, for grouping and showing."""
    return owners.fillna(UNATTRIBUTED)


def owner_costs(inv, rule: OwnerRule | None = None, *, costs: pd.DataFrame | None = None,
                currency: str | None = None) -> pd.DataFrame:
    """Snapshot bytes and money per owner, largest value first, `unattributed` last (schema.OWNER_COST_COLUMNS).

    `costs` are rows of `snapshot_costs(inv)` (a filtered selection keeps only its own rows). Several
    locations (and no `currency` forced): each location costed in its own currency, one block of owners per
    currency in location order, each block with its own `unattributed` row; never added across currencies.
    """
    from explorer.data import schema
    from explorer.data.cost import snapshot_costs

    owners = bucket(owner_column(inv.snapshots, inv.drives, rule))
    if not getattr(inv, "parts", ()) or currency is not None:
        cur = currency or inv.currency
        costs = snapshot_costs(inv, currency=cur) if costs is None else costs
        return schema.conform(_rollup(costs, owners.reindex(costs.index), cur), schema.OWNER_COST_COLUMNS)
    from explorer.data.locations import currencies

    costs = snapshot_costs(inv) if costs is None else costs
    row_currency = costs["currency"].astype("string")
    blocks = []
    for cur in dict.fromkeys([*currencies(inv), *row_currency.dropna()]):
        mine = costs[row_currency.eq(cur).fillna(False).to_numpy(bool)]
        blocks.append(_rollup(mine, owners.reindex(mine.index), cur))
    return schema.conform(pd.concat(blocks, ignore_index=True), schema.OWNER_COST_COLUMNS)


def _rollup(costs: pd.DataFrame, owners: pd.Series, cur: str) -> pd.DataFrame:
    """One currency's owners: `costs` rows grouped by `owners` (aligned), `unattributed` always and last."""
    g = costs.groupby(owners.to_numpy(dtype=object), sort=False)
    frame = pd.DataFrame({
        "snapshot_count": g["uuid"].size(),
        "snapshot_bytes": g["allocated_size"].sum(),
        "value_at_subscription": g["monthly_cost_subscription"].sum(min_count=1),
        "burst_now_from_snapshots": g["burst_now_from_snapshots"].sum(min_count=1),
        "at_burst_price": g["monthly_cost_burst"].sum(min_count=1),
        "price_missing": g["price_missing"].any(),
    })
    frame.index.name = "owner"
    frame = frame.reset_index()
    if not (frame["owner"] == UNATTRIBUTED).any():  # explicit, even when every snapshot has an owner
        frame.loc[len(frame)] = {"owner": UNATTRIBUTED, "snapshot_count": 0, "snapshot_bytes": 0,
                                 "value_at_subscription": 0.0, "burst_now_from_snapshots": 0.0,
                                 "at_burst_price": 0.0, "price_missing": False}
    frame = frame.assign(currency=cur, last=lambda f: f["owner"] == UNATTRIBUTED)
    frame = frame.sort_values(["last", "value_at_subscription", "snapshot_bytes", "owner"],
                              ascending=[True, False, False, True], na_position="last")
    return frame.drop(columns=["last"]).reset_index(drop=True)
