"""Regenerate the README screenshots docs/img/tui-*.svg from the demo fleet (run by hand, not a test).

    .venv/bin/python tests/tui/readme_screenshots.py
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient  # noqa: E402
from explorer.data import HistoryStore, load_inventory  # noqa: E402
from explorer.data.load import inventory_source  # noqa: E402
from explorer.emulator import running_emulator  # noqa: E402
from explorer.session import DEMO_FLEET, DEMO_LOCATIONS  # noqa: E402
from explorer.tui import make_app  # noqa: E402

OUT = ROOT / "docs" / "img"
SIZE = (204, 46)
SMALL = (80, 24)


async def shoot(handles) -> None:
    """The default demo as a new user sees it: two locations (ZRH in CHF, FRA in EUR) in one inventory."""
    client = {h.location: AsyncCloudSigmaClient(h.url, username=h.username, password=h.password) for h in handles}
    source = inventory_source(endpoint=handles[0].url, demo=True)
    app = make_app(client, source=source)
    async with app.run_test(size=SIZE) as pilot:
        b = app.browser
        while b.full_generation != b.generation or b.generation == 0:
            await pilot.pause(0.05)
        await pilot.press("down", "down")
        app.save_screenshot("tui-main.svg", str(OUT))
        await pilot.press("space", "space", "space", "slash", *"pre-", "enter", "ctrl+d")
        app.save_screenshot("tui-delete.svg", str(OUT))
        await pilot.press("escape", "question_mark")
        app.save_screenshot("tui-help.svg", str(OUT))
        await pilot.press("escape", "g")
        while "reading" in app.screen.history_note:  # the observed series is read in a worker
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        app.save_screenshot("tui-growth.svg", str(OUT))
    # An ordinary 80x24 terminal: the side pane steps aside, the table keeps size, age and money.
    small = make_app(client, source=source)
    async with small.run_test(size=SMALL) as pilot:
        b = small.browser
        while b.full_generation != b.generation or b.generation == 0:
            await pilot.pause(0.05)
        await pilot.press("slash", *"size>1GiB", "enter", "down")
        small.save_screenshot("tui-80x24.svg", str(OUT))
    for c in client.values():
        await c.aclose()


def record_history(handles, days: int = 6) -> None:
    """A week of daily `record`s (the drives keep writing), so the growth view has an observed series."""
    store = HistoryStore()
    for _ in range(days):
        for handle in handles:
            source = inventory_source(endpoint=handle.url, demo=True)
            with CloudSigmaClient(handle.url, username=handle.username, password=handle.password) as client:
                store.record(load_inventory(client, source=source, cache=False))
            handle.advance(days=1)


def on_emulator_time(handle) -> None:
    """Inventories are taken "now" on the emulator's clock, which `record_history` moves days ahead: else the
    newest snapshots would be in the future (age 0s) and the week of records would share one real instant."""
    import pandas as pd

    from explorer.data import load

    real_build = load.build_inventory

    def build_inventory(*args, loaded_at=None, **kwargs):
        return real_build(*args, loaded_at=loaded_at if loaded_at is not None else pd.Timestamp(handle.now()),
                          **kwargs)

    load.build_inventory = build_inventory


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data, contextlib.ExitStack() as stack:
        handles = [stack.enter_context(running_emulator(location=code, seed=seed, **DEMO_FLEET))
                   for code, seed in DEMO_LOCATIONS]
        os.environ["SNAPSHOT_EXPLORER_DATA_DIR"] = data  # never the user's own history or cache
        on_emulator_time(handles[0])  # the clocks move together
        record_history(handles)
        asyncio.run(shoot(handles))
    print("\n".join(str(p) for p in sorted(OUT.glob("tui-*.svg"))))


if __name__ == "__main__":
    main()
