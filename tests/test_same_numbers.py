"""One inventory, one set of numbers: the TUI's drawn summary, `cost --format json` and the notebook dashboard agree."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from explorer.client import CloudSigmaClient
from explorer.data.cache import load_cached_inventory, save_cached_inventory
from explorer.data.load import load_inventory
from explorer.data.units import money
from explorer.emulator import running_emulator
from explorer.notebook import cost_dashboard
from explorer.tui import make_app

SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))


def _drawn(pilot) -> str:
    """The terminal's characters as a person sees them (the render `export_screenshot` makes, as text)."""
    app = pilot.app
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None,
                      record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text().split("\n")[:height])


async def _wait_drawn(pilot, *patterns: str) -> str:
    import time

    deadline = time.monotonic() + 30  # a hang guard only: we wait for the text itself
    while True:
        screen = _drawn(pilot)
        if all(re.search(p, screen) for p in patterns):
            return screen
        assert time.monotonic() < deadline, f"never drawn: {patterns}\n{screen}"
        await pilot.pause(0.05)


async def test_tui_cli_and_notebook_show_the_same_money(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("SNAPSHOT_EXPLORER_DATA_DIR", str(data))
    with running_emulator(seed=5, drives=6, snapshots=40) as fleet, \
            CloudSigmaClient(fleet.url, username=fleet.username, password=fleet.password) as client:
        save_cached_inventory(load_inventory(client))  # one frozen inventory (the emulator's drives keep writing)

    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDSIGMA_")}
    env.update(HOME=str(tmp_path), SNAPSHOT_EXPLORER_DATA_DIR=str(data))
    out = subprocess.run([SCRIPT, "cost", "--offline", "--format", "json"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    cur = doc["currency"]
    value = money(doc["account"]["value_at_subscription"], cur)
    burst_now = money(doc["account"]["burst_now_from_snapshots"], cur)
    top_owner = doc["owners"][0]
    assert doc["account"]["burst_now_from_snapshots"] > 0  # the seed-5 fleet bursts: both figures mean something

    inventory = load_cached_inventory()
    dash = cost_dashboard(inventory)
    headline = dash.headline.get_state()["value"]
    assert f"value at subscription price: <b>{value}/month</b>" in headline
    assert f"burst now from snapshots: <b>{burst_now}/month</b>" in headline
    owners = dash.owners.get_state()["value"]
    assert f"<td>{top_owner['owner']}</td>" in owners and money(top_owner["value_at_subscription"], cur) in owners

    app = make_app(None, read_only=True, inventory=inventory)
    async with app.run_test(size=(120, 40)) as pilot:
        # the bar writes /month or /mo, whichever fits
        screen = await _wait_drawn(pilot, rf"value {re.escape(value)}/mo(nth)?\b",
                                   rf"burst now (from snapshots )?{re.escape(burst_now)}/mo(nth)?\b")
        assert "at burst price" not in screen  # the if-unsubscribed figure is never a headline
        await pilot.press("o")  # cost by owner: the same rows as `cost`'s owners
        screen = await _wait_drawn(pilot, "Cost by owner")
        for owner in doc["owners"]:
            row = rf"\b{re.escape(owner['owner'])}\s+{owner['snapshots']:,}\s.*" \
                  rf"{re.escape(money(owner['value_at_subscription'], cur))}\s+" \
                  rf"{re.escape(money(owner['burst_now_from_snapshots'], cur))}"
            assert re.search(row, screen), (owner, screen)
