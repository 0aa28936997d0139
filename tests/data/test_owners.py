"""Cost by owner: who a snapshot belongs to (meta key or tag prefix, snapshot before drive) and totals that add up."""

from __future__ import annotations

import msgspec
import pytest

from explorer.client import models
from explorer.data.cost import snapshot_costs
from explorer.data.inventory import Source
from explorer.data.load import build_inventory
from explorer.data.owners import UNATTRIBUTED, OwnerRule, owner_column, owner_costs
from explorer.errors import ValidationError


@pytest.fixture
def inv(make):
    g = make.GIB
    drives = [make.drive("d1", "web", 100 * g, meta={"owner": "web-team", "team": "blue"}, tags=[{"uuid": "t1"}]),
              make.drive("d2", "db", 100 * g, meta={"owner": "  "}),  # blank: no owner
              make.drive("d3", "cold", 100 * g, storage_type="zadara")]
    snaps = [make.snap("a", "d1", 10 * g, "2025-09-01 00:00:00+00:00"),
             make.snap("b", "d1", 1 * g, "2026-01-09 00:00:00+00:00", meta={"owner": "ops"}, tags=[{"uuid": "t2"}]),
             make.snap("c", "d2", 20 * g, "2025-01-01 00:00:00+00:00"),
             make.snap("d", "d3", 30 * g, "2025-06-01 00:00:00+00:00", meta={"owner": 42}),
             make.snap("x", "gone", 3 * g, "2025-06-01 00:00:00+00:00")]
    tags = [msgspec.convert({"uuid": "t1", "name": "team-web"}, models.Tag),
            msgspec.convert({"uuid": "t2", "name": "Team-Ops"}, models.Tag)]
    return build_inventory(snapshots=snaps, drives=drives, pricing=make.pricing(), tags=tags,
                           usage=make.usage(dssd=(20 * g, 134 * g, 14 * g)), balance=None, source=Source("http://x/"),
                           loaded_at=make.LOADED_AT)


def test_owner_is_the_snapshots_then_the_drives_meta_key(inv):
    got = owner_column(inv.snapshots, inv.drives).fillna(UNATTRIBUTED)
    # a: its drive's; b: its own beats the drive's; c: the drive's is blank; d: a number; x: its drive is gone
    assert got.tolist() == ["web-team", "ops", UNATTRIBUTED, "42", UNATTRIBUTED]
    team = owner_column(inv.snapshots, inv.drives, OwnerRule(key="team"))
    assert team.fillna(UNATTRIBUTED).tolist() == ["blue", "blue", UNATTRIBUTED, UNATTRIBUTED, UNATTRIBUTED]


def test_owner_from_a_tag_prefix_is_case_insensitive_and_whole(inv):
    tagged = owner_column(inv.snapshots, inv.drives, OwnerRule(tag_prefix="team-"))
    assert tagged.fillna(UNATTRIBUTED).tolist() == ["team-web", "Team-Ops", UNATTRIBUTED, UNATTRIBUTED, UNATTRIBUTED]


def test_owner_totals_add_up_to_the_account_with_an_explicit_unattributed_bucket(inv):
    costs = snapshot_costs(inv)
    owners = owner_costs(inv)
    # largest value first (30 GiB zadara at 0.05 = 1.50 before 10 GiB dssd at 0.14 = 1.40), the bucket last
    assert owners["owner"].tolist() == ["42", "web-team", "ops", UNATTRIBUTED]
    for column, source in (("value_at_subscription", "monthly_cost_subscription"),
                           ("burst_now_from_snapshots", "burst_now_from_snapshots"),
                           ("at_burst_price", "monthly_cost_burst"), ("snapshot_bytes", "allocated_size")):
        assert owners[column].sum() == pytest.approx(costs[source].sum())
    row = owners.set_index("owner").loc[UNATTRIBUTED]
    assert row["snapshot_count"] == 2 and row["snapshot_bytes"] == 23 * 2**30


def test_unattributed_is_listed_even_when_empty(inv):
    every = owner_costs(inv, OwnerRule(key="owner"), costs=snapshot_costs(inv).iloc[:2])
    assert every["owner"].tolist() == ["web-team", "ops", UNATTRIBUTED]
    assert every.iloc[-1]["snapshot_count"] == 0 and every.iloc[-1]["value_at_subscription"] == 0


@pytest.mark.parametrize(("kwargs", "message"), [({"key": " "}, "--owner-key needs a meta key"),
                                                 ({"tag_prefix": ""}, "--owner-tag needs a tag name prefix")])
def test_a_blank_rule_is_refused(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        OwnerRule(**kwargs)
