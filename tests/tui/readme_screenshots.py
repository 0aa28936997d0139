"""Regenerate the README screenshots docs/img/tui-*.svg from the demo fleet (run by hand, not a test).

    .venv/bin/python tests/tui/readme_screenshots.py
"""

from __future__ import annotations

import asyncio
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
from explorer.tui import make_app  # noqa: E402

OUT = ROOT / "docs" / "img"
SIZE = (204, 46)


async def shoot(handle) -> None:
    client = AsyncCloudSigmaClient(handle.url, username=handle.username, password=handle.password)
    source = inventory_source(endpoint=handle.url, demo=True)
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
    await client.aclose()


def record_history(handle, days: int = 6) -> None:
    """A week of daily `record`s (the drives keep writing), so the growth view has an observed series."""
    store = HistoryStore()
    source = inventory_source(endpoint=handle.url, demo=True)
    with CloudSigmaClient(handle.url, username=handle.username, password=handle.password) as client:
        for _ in range(days):
            store.record(load_inventory(client, source=source, cache=False))
            handle.advance(days=1)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data, running_emulator(seed=1) as handle:
        os.environ["SNAPSHOT_EXPLORER_DATA_DIR"] = data  # never the user's own history or cache
        record_history(handle)
        asyncio.run(shoot(handle))
    print("\n".join(str(p) for p in sorted(OUT.glob("tui-*.svg"))))


if __name__ == "__main__":
    main()
