"""Several locations as one inventory: two and three emulators on loopback, each describing itself as a location."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import replace

import pandas as pd
import pytest

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.retry import RetryPolicy
from explorer.config import Settings
from explorer.data import schema
from explorer.data.cache import save_cached_inventory
from explorer.data.cost import account_cost_summary, cost_totals, drive_costs, snapshot_costs
from explorer.data.locations import load_locations, load_locations_async, part_for, totals_by_currency
from explorer.emulator import running_emulator
from explorer.session import open_sessions

NO_RETRY = RetryPolicy(max_attempts=1)


@pytest.fixture(scope="module")
def zrh():
    with running_emulator(location="ZRH", seed=4, drives=4, snapshots=30) as handle:
        yield handle


@pytest.fixture(scope="module")
def fra():
    # The same seed as ZRH: the same uuids in two locations, as nothing makes uuids unique across them.
    with running_emulator(location="FRA", seed=4, drives=4, snapshots=30) as handle:
        yield handle


@pytest.fixture(scope="module")
def gva():
    with running_emulator(location="GVA", seed=9, drives=3, snapshots=20) as handle:
        yield handle


def client(emu, *, password=None, asynchronous=False):
    cls = AsyncCloudSigmaClient if asynchronous else CloudSigmaClient
    return cls(emu.url, username=emu.username, password=password or emu.password, retry=NO_RETRY)


@contextlib.contextmanager
def clients(**emus):
    made = {code: client(emu) for code, emu in emus.items()}
    try:
        yield made
    finally:
        for c in made.values():
            c.close()


def test_two_locations_load_into_one_inventory_with_every_row_located(zrh, fra, tmp_path):
    with clients(ZRH=zrh, FRA=fra) as by_code:
        inv = load_locations(by_code, cache_dir=tmp_path)
    assert [p.location for p in inv.parts] == ["ZRH", "FRA"] and inv.failures == ()
    assert [p.currency for p in inv.parts] == ["CHF", "EUR"]
    for name in ("snapshots", "drives"):
        frame = getattr(inv, name)
        schema.check(frame, schema.SCHEMAS[name])
        counts = frame["location"].value_counts()
        assert {code: counts[code] for code in ("ZRH", "FRA")} == {
            p.location: len(getattr(p, name)) for p in inv.parts}
        assert frame["location"].notna().all() and len(frame) == sum(len(getattr(p, name)) for p in inv.parts)


def test_the_same_uuid_in_two_locations_is_two_snapshots(zrh, fra, tmp_path):
    with clients(ZRH=zrh, FRA=fra) as by_code:
        inv = load_locations(by_code, cache_dir=tmp_path)
    snaps = inv.snapshots
    shared = set(part_for(inv, "ZRH").snapshots["uuid"]) & set(part_for(inv, "FRA").snapshots["uuid"])
    assert shared  # same seed: the fleets share uuids
    assert not snaps.duplicated(["location", "uuid"]).any()
    one = sorted(shared)[0]
    assert sorted(snaps.loc[snaps["uuid"] == one, "location"].astype(str)) == ["FRA", "ZRH"]


def test_costs_use_each_locations_own_prices_and_totals_stay_per_currency(zrh, fra, tmp_path):
    with clients(ZRH=zrh, FRA=fra) as by_code:
        inv = load_locations(by_code, cache_dir=tmp_path)
    costs = snapshot_costs(inv)
    schema.check(costs, schema.SNAPSHOT_COST_COLUMNS)
    assert costs.index.equals(inv.snapshots.index)
    assert (costs["location"].astype(str) == inv.snapshots["location"].astype(str)).all()
    for part in inv.parts:
        mine = costs[costs["location"] == part.location].reset_index(drop=True)
        alone = snapshot_costs(part).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine.drop(columns="location"), alone.drop(columns="location"),
                                      check_categorical=False)
        assert set(mine["currency"]) == {part.currency}
    # The fleets are alike, the prices are not: the same bytes cost differently in ZRH (CHF) and FRA (EUR).
    totals = totals_by_currency(inv)
    assert [t.currency for t in totals] == ["CHF", "EUR"]
    for t, part in zip(totals, inv.parts, strict=True):
        assert t == cost_totals(snapshot_costs(part), part.currency)
    assert totals[0].value_at_subscription != pytest.approx(totals[1].value_at_subscription)
    summary = account_cost_summary(inv)
    schema.check(summary, schema.ACCOUNT_COST_COLUMNS)
    assert list(dict.fromkeys(zip(summary["location"].astype(str), summary["currency"], strict=True))) == [
        ("ZRH", "CHF"), ("FRA", "EUR")]
    drives = drive_costs(inv)
    schema.check(drives, schema.DRIVE_COST_COLUMNS)
    assert drives.groupby("location", observed=True)["currency"].unique().map(list).to_dict() == {
        "ZRH": ["CHF"], "FRA": ["EUR"]}


def test_three_locations_async_two_currencies_summed_only_within_one(zrh, fra, gva, tmp_path):
    async def load():
        made = {code: client(emu, asynchronous=True) for code, emu in (("ZRH", zrh), ("FRA", fra), ("GVA", gva))}
        try:
            return await load_locations_async(made, cache_dir=tmp_path)
        finally:
            for c in made.values():
                await c.aclose()

    inv = asyncio.run(load())
    assert [(p.location, p.currency) for p in inv.parts] == [("ZRH", "CHF"), ("FRA", "EUR"), ("GVA", "CHF")]
    counts = inv.snapshots["location"].value_counts()
    assert [counts[p.location] for p in inv.parts] == [len(p.snapshots) for p in inv.parts]
    chf, eur = totals_by_currency(inv)
    assert (chf.currency, eur.currency) == ("CHF", "EUR")
    zrh_t, gva_t = (cost_totals(snapshot_costs(p), "CHF") for p in (inv.parts[0], inv.parts[2]))
    assert chf.snapshot_count == zrh_t.snapshot_count + gva_t.snapshot_count
    assert chf.value_at_subscription == pytest.approx(zrh_t.value_at_subscription + gva_t.value_at_subscription)


def test_a_location_down_is_named_and_its_cached_rows_are_shown_stale(zrh, fra, tmp_path):
    with clients(FRA=fra) as by_code:
        fra_then = load_locations(by_code, cache=False)
    with socket.socket() as held:  # bound, never listening: connecting is refused, and the port stays ours
        held.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{held.getsockname()[1]}/api/2.0/"
        # what an earlier session at that (now down) endpoint cached
        save_cached_inventory(replace(fra_then, source=replace(fra_then.source, endpoint=dead)), tmp_path)
        down = CloudSigmaClient(dead, username=fra.username, password=fra.password, retry=NO_RETRY)
        with clients(ZRH=zrh) as by_code:
            inv = load_locations({**by_code, "FRA": down}, cache_dir=tmp_path)
        down.close()
    (failure,) = inv.failures
    assert failure.location == "FRA" and failure.endpoint == dead
    assert "could not connect" in failure.reason
    assert failure.stale_since == fra_then.loaded_at
    zrh_part, fra_part = inv.parts
    assert not zrh_part.source.offline and fra_part.source.offline and fra_part.location == "FRA"
    counts = inv.snapshots["location"].value_counts()
    assert counts["FRA"] == len(fra_then.snapshots) and counts["ZRH"] == len(zrh_part.snapshots)
    # its cached rows are costed with its cached prices, in EUR
    assert totals_by_currency(inv)[1] == cost_totals(snapshot_costs(fra_then), "EUR")


def test_a_location_refusing_the_credentials_never_blocks_the_others(zrh, fra, tmp_path):
    bad = client(fra, password="wrong-password")
    with clients(ZRH=zrh) as by_code:
        inv = load_locations({**by_code, "FRA": bad}, cache_dir=tmp_path / "empty")
    bad.close()
    (failure,) = inv.failures
    assert failure.location == "FRA" and "401" in failure.reason and '"' in failure.reason  # CloudSigma's message
    assert failure.stale_since is None and "wrong-password" not in failure.reason
    assert [p.location for p in inv.parts] == ["ZRH"] and set(inv.snapshots["location"].dropna()) == {"ZRH"}


def test_the_demo_opens_two_locations_with_their_own_currency_and_fleet(tmp_path):
    with open_sessions(Settings(demo=True)) as sessions:
        assert [s.location for s in sessions] == ["ZRH", "FRA"]
        assert [s.client.balance().currency for s in sessions] == ["CHF", "EUR"]
        inv = load_locations(sessions, cache_dir=tmp_path)
    zrh_part, fra_part = inv.parts
    assert inv.source.demo and not set(zrh_part.snapshots["uuid"]) & set(fra_part.snapshots["uuid"])


def test_an_endpoint_outside_the_table_is_named_by_its_own_locations_list(gva):
    settings = Settings(endpoint=gva.url, username=gva.username, password=gva.password)
    with running_emulator(seed=2, drives=1, snapshots=2) as nameless:
        other = Settings(endpoint=nameless.url, username=nameless.username, password=nameless.password)
        with open_sessions([settings, other]) as sessions:
            # a location-less emulator's /locations/ names no entry at its URL: its host:port labels it
            assert [s.location for s in sessions] == ["GVA", nameless.url.split("/")[2]]


def test_savings_of_marked_rows_are_per_location_even_for_a_uuid_both_have(zrh, fra, tmp_path):
    from explorer.data.cost import deletion_savings
    from explorer.data.locations import savings_by_location

    with clients(ZRH=zrh, FRA=fra) as by_code:
        inv = load_locations(by_code, cache_dir=tmp_path)
    zrh_part = part_for(inv, "ZRH")
    one = zrh_part.snapshots["uuid"].iloc[0]  # the same uuid exists in FRA too (same seed)
    rows = inv.snapshots[(inv.snapshots["uuid"] == one) & (inv.snapshots["location"] == "ZRH")]
    (saving,) = savings_by_location(inv, rows)
    assert saving.currency == "CHF" and saving.snapshot_count == 1
    alone = deletion_savings(zrh_part, [one])
    assert (saving.bytes_freed, saving.monthly_cost_subscription, saving.saves_now_monthly) == \
        (alone.bytes_freed, alone.monthly_cost_subscription, alone.saves_now_monthly)
