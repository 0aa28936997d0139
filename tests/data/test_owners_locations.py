"""Cost by owner over several locations: each location's own drives, prices and currency; a block per currency."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from explorer.data.cost import snapshot_costs
from explorer.data.locations import totals_by_currency
from explorer.data.owners import UNATTRIBUTED, owner_column, owner_costs


def _fra_drives_owned_by(inv, owner: str):
    """`inv` with every FRA drive's meta saying `owner` (ZRH's drives of the same uuids unchanged)."""
    d = inv.drives
    fra = d["location"].astype(str).eq("FRA").to_numpy()
    meta = d["meta"].astype(object).to_numpy().copy()
    meta[fra] = json.dumps({"owner": owner})
    return replace(inv, drives=d.assign(meta=pd.array(meta, dtype=d["meta"].dtype)))


def test_a_snapshots_drive_owner_is_that_of_the_drive_in_its_own_location(combined):
    inv = _fra_drives_owned_by(combined, "fra-team")
    owners = owner_column(inv.snapshots, inv.drives)
    s = inv.snapshots
    own_meta = s["meta"].astype(str).str.contains('"owner"').to_numpy()
    fra = s["location"].astype(str).eq("FRA").to_numpy()
    has_drive = s["drive_uuid"].isin(set(inv.drives["uuid"])).to_numpy()
    assert (owners[fra & ~own_meta & has_drive] == "fra-team").all()
    zrh_from_drive = owners[~fra & ~own_meta & has_drive]
    assert len(zrh_from_drive) and not (zrh_from_drive == "fra-team").any()  # ZRH's drives of the same uuids


def test_owner_costs_is_a_block_per_currency_each_adding_up_to_its_locations(combined):
    owners = owner_costs(combined)
    assert list(dict.fromkeys(owners["currency"])) == ["CHF", "EUR"]
    totals = {t.currency: t for t in totals_by_currency(combined)}
    for cur, block in owners.groupby("currency", sort=False):
        assert block["owner"].iloc[-1] == UNATTRIBUTED and (block["owner"] == UNATTRIBUTED).sum() == 1
        assert int(block["snapshot_count"].sum()) == totals[cur].snapshot_count
        assert int(block["snapshot_bytes"].sum()) == totals[cur].snapshot_bytes
        assert float(block["value_at_subscription"].sum()) == pytest.approx(totals[cur].value_at_subscription)
        assert float(block["burst_now_from_snapshots"].sum()) == pytest.approx(totals[cur].burst_now_from_snapshots)
    # each block is that location's own rollup, costed with its own prices
    for part in combined.parts:
        mine = owners[owners["currency"] == part.currency].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, owner_costs(part))


def test_owner_costs_of_a_selection_and_in_one_forced_currency(combined):
    costs = snapshot_costs(combined)
    some = costs[combined.snapshots["location"].astype(str).eq("FRA").to_numpy()]
    owners = owner_costs(combined, costs=some)
    assert int(owners.loc[owners["currency"] == "EUR", "snapshot_count"].sum()) == len(some)
    assert int(owners.loc[owners["currency"] == "CHF", "snapshot_count"].sum()) == 0  # still listed, empty
    forced = owner_costs(combined, currency="CHF")
    assert set(forced["currency"]) == {"CHF"} and int(forced["snapshot_count"].sum()) == len(combined.snapshots)
