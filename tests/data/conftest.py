"""Tiny inline API objects and inventories for the data-layer tests."""

from __future__ import annotations

import msgspec
import pandas as pd
import pytest

from explorer.client import models
from explorer.data.inventory import Source
from explorer.data.load import build_inventory

LOADED_AT = pd.Timestamp("2026-01-10 12:00:00", tz="UTC")
GIB = 2**30
MULT = 2**30 * 2592000


def snap(uuid, drive, size, ts, status="available", **kw):
    raw = {"uuid": uuid, "status": status, "allocated_size": size, "timestamp": ts, **kw}
    if drive is not None:
        raw["drive"] = {"uuid": drive, "resource_uri": f"/api/2.0/drives/{drive}/"}
    return msgspec.convert(raw, models.Snapshot)


def drive(uuid, name, size, storage_type="dssd", status="unmounted", **kw):
    raw = {"uuid": uuid, "name": name, "size": size, "storage_type": storage_type, "status": status, "media": "disk",
           "runtime": {"is_snapshotable": True, "snapshots_allocated_size": 0, "storage_type": storage_type}, **kw}
    return msgspec.convert(raw, models.Drive)


def pricing(currency="EUR", levels=None, prices=None):
    prices = prices or {("dssd", 0): "0.14", ("dssd", 1): "0.28", ("zadara", 0): "0.05", ("zadara", 2): "0.10"}
    objs = [{"resource": r, "level": lv, "currency": currency, "price": p, "unit": "GB/month", "multiplier": MULT}
            for (r, lv), p in prices.items()]
    return msgspec.convert({"objects": objs, "current": levels or {"dssd": 1, "zadara": 2},
                            "next": levels or {"dssd": 1, "zadara": 2}}, models.Pricing)


def usage(**resources):
    return msgspec.convert({"usage": {r: dict(zip(("subscribed", "using", "burst"), v, strict=True))
                                      for r, v in resources.items()}}, models.CurrentUsage)


@pytest.fixture
def make():
    """Factories as a namespace, so tests read `make.snap(...)`."""

    class Make:
        pass

    m = Make()
    m.snap, m.drive, m.pricing, m.usage = snap, drive, pricing, usage
    m.LOADED_AT, m.GIB = LOADED_AT, GIB
    return m


@pytest.fixture
def small_inventory():
    """Two dssd drives (one mounted), one zadara drive, four snapshots, one of them on a deleted drive."""
    drives = [
        drive("d1", "web", 10 * GIB, status="mounted", mounted_on=[{"uuid": "s1"}]),
        drive("d2", "db", 20 * GIB),
        drive("d3", "archive", 100 * GIB, storage_type="zadara"),
    ]
    snaps = [
        snap("a", "d1", 1 * GIB, "2026-01-01 00:00:00.000000+00:00", meta={"k": "v"}, tags=[{"uuid": "t1"}]),
        snap("b", "d1", 2 * GIB, "2026-01-02T00:00:00+00:00"),
        snap("c", "d3", 4 * GIB, "2026-01-03 00:00:00+00:00"),
        snap("x", "gone", 3 * GIB, "2026-01-04 00:00:00+00:00"),
        snap("n", "d2", None, "2026-01-09 00:00:00+00:00", status="creating"),
    ]
    tags = [msgspec.convert({"uuid": "t1", "name": "keep"}, models.Tag)]
    return build_inventory(
        snapshots=snaps, drives=drives, pricing=pricing(), tags=tags,
        usage=usage(dssd=(35 * GIB, 37 * GIB, 2 * GIB), zadara=(200 * GIB, 104 * GIB, 0)),
        balance=models.Balance(currency="EUR"), source=Source("http://x/api/2.0/", demo=True, account="me@x"),
        loaded_at=LOADED_AT,
    )


@pytest.fixture(scope="module")
def combined():
    """ZRH (CHF) and FRA (EUR) loaded as one inventory, from two emulators with the same seed: the same drive
    uuids (and owners) in both locations."""
    from explorer.client import CloudSigmaClient
    from explorer.data.locations import load_locations
    from explorer.emulator import running_emulator

    with running_emulator(location="ZRH", seed=3, drives=5, snapshots=30) as zrh, \
            running_emulator(location="FRA", seed=3, drives=5, snapshots=30) as fra:
        made = {code: CloudSigmaClient(e.url, username=e.username, password=e.password)
                for code, e in (("ZRH", zrh), ("FRA", fra))}
        try:
            yield load_locations(made, cache=False)
        finally:
            for c in made.values():
                c.close()
