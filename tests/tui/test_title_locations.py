"""The title bar with several locations: their codes (`ZRH+FRA`) instead of the first one's endpoint, and the
badges and the cache's age whole at 80x24 (the codes and the rest shortened first); read from the drawn screen."""

from __future__ import annotations

import dataclasses
import os
import re

import pandas as pd
import pytest

from explorer.client import AsyncCloudSigmaClient
from explorer.data.locations import _located, combine
from explorer.emulator import running_emulator
from explorer.tui import make_app
from explorer.tui.widgets.title_bar import where_texts
from tests.tui.conftest import new_app, start, wait_until
from tests.tui.factory import make_inventory
from tests.tui.screen import screen_lines

SIZES = [(80, 24), (200, 50)]
AGE = re.compile(r"cached \d+[smhdy] ago")


def _offline_demo(minutes: int = 34):
    """A cached two-location demo inventory, `minutes` old: DEMO + OFFLINE + READ-ONLY, the longest title."""
    loaded = pd.Timestamp.now(tz="UTC") - pd.Timedelta(minutes=minutes)
    parts = []
    for code, currency, n in (("ZRH", "CHF", 12), ("FRA", "EUR", 9)):
        inv = make_inventory(n, seed=n)
        inv = dataclasses.replace(inv, currency=currency, loaded_at=loaded,
                                  source=dataclasses.replace(inv.source, offline=True))
        parts.append(_located(inv, code))
    return combine(parts)


async def _title(pilot, *needles: str) -> str:
    """The drawn title line once it holds every needle (the codes are fitted a frame after mounting)."""
    def drawn() -> str | None:
        line = screen_lines(pilot)[0]
        return line if all(n in line for n in needles) else None

    return await wait_until(pilot, drawn, what=f"a title with {needles}")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_offline_two_locations_title_names_both_codes_and_keeps_every_badge_and_the_age(size):
    app = make_app(None, inventory=_offline_demo())
    async with app.run_test(size=size) as pilot:
        title = await _title(pilot, "ZRH+FRA")
        for badge in ("DEMO", "OFFLINE", "READ-ONLY"):
            assert f" {badge} " in title, (badge, title)
        assert re.search(r"ZRH\+FRA: cached 34m ago", title), title
        assert "…" not in title and len(title) <= size[0]
        assert "127.0.0.1" not in title and "fabricated" not in title
        if size[0] >= 200:
            assert "ZRH+FRA: cached 34m ago from the demo emulators" in title, title


@pytest.fixture
def emulators():
    with running_emulator(seed=3, drives=3, snapshots=12, location="ZRH") as zrh, \
            running_emulator(seed=4, drives=3, snapshots=12, location="FRA") as fra:
        yield {"ZRH": zrh, "FRA": fra}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_online_two_locations_title_names_both_not_the_first_endpoint(emulators, size):
    clients = {code: AsyncCloudSigmaClient(e.url, username=e.username, password=e.password)
               for code, e in emulators.items()}
    try:
        app = new_app(clients, read_only=True)
        async with app.run_test(size=size) as pilot:
            await start(pilot, app)
            title = await _title(pilot, "ZRH+FRA")
            assert " READ-ONLY " in title and "…" not in title, title
            assert emulators["ZRH"].url not in title and "127.0.0.1" not in title, title
            assert f"ZRH+FRA: {emulators['ZRH'].username}" in title, title
    finally:
        for c in clients.values():
            await c.aclose()


async def test_tui_offline_over_configured_locations_titles_every_one(monkeypatch, tmp_path):
    """`snapshot-explorer tui --offline` with a config section per location (one never cached): the app opens both
    caches read-only, and the title names all three configured locations; nothing asks for a password."""
    from explorer.cli import build_parser
    from explorer.client.regions import normalize_endpoint
    from explorer.data.cache import save_cached_inventory
    from explorer.data.inventory import Source
    from explorer.tui import main
    from explorer.tui.app import SnapshotExplorerApp

    urls = {code: f"http://127.0.0.1:{port}/api/2.0/" for code, port in (("ZRH", 1), ("FRA", 2), ("GVA", 3))}
    for code, n in (("ZRH", 12), ("FRA", 9)):
        inv = make_inventory(n, seed=n)
        inv = dataclasses.replace(inv, source=Source(normalize_endpoint(urls[code]), account="me@example.com"),
                                  loaded_at=pd.Timestamp.now(tz="UTC") - pd.Timedelta(minutes=5))
        save_cached_inventory(_located(inv, code))
    conf = tmp_path / "locations.conf"
    conf.write_text("".join(f"[{c}]\napi_endpoint = {u}\nusername = me@example.com\n" for c, u in urls.items()))
    os.chmod(conf, 0o600)
    monkeypatch.setenv("CLOUDSIGMA_CONFIG", str(conf))
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("asked for a password"))
    apps = []
    monkeypatch.setattr(SnapshotExplorerApp, "run", lambda self, *a, **k: apps.append(self))
    main.run(build_parser().parse_args(["tui", "--offline"]))
    (app,) = apps
    inv = app.browser.inventory
    assert app.client is None and app.read_only and inv.source.offline
    assert [p.location for p in inv.parts] == ["ZRH", "FRA"] and [f.location for f in inv.failures] == ["GVA"]
    assert len(inv.snapshots) == 21
    async with app.run_test(size=(80, 24)) as pilot:
        title = await _title(pilot, "ZRH+FRA+GVA")
        assert " OFFLINE " in title and " READ-ONLY " in title and "ZRH+FRA+GVA: cached 5m ago" in title, title
        await wait_until(pilot, lambda: any("GVA" in line and "no cached inventory" in line
                                            for line in screen_lines(pilot)), what="GVA named as having no cache")


def test_many_codes_shorten_to_the_first_and_a_count_never_dropping_the_age():
    inv = _offline_demo()
    codes = ["ZRH", "FRA", "SJC", "WDC", "GVA", "LON", "TYO", "MNL", "DUS", "PER"]
    texts = where_texts(inv.source, cached_at=inv.loaded_at, locations=codes)
    assert texts[0].startswith("+".join(codes) + ": cached 34m ago")
    assert texts[-1] == "ZRH+9 more: cached 34m ago"
    assert all(AGE.search(t) for t in texts)
