"""`o` over several locations (Pilot, keys in, screen out): cost by owner per currency, each location's own prices.

Two emulators on loopback as ZRH (CHF) and FRA (EUR), the same seed, so the same owners in both: each
location's owners are a table of their own in its currency, never added across currencies.
"""

from __future__ import annotations

import pytest

from explorer.data.owners import owner_costs
from explorer.data.units import money
from tests.tui import test_locations as two_locations
from tests.tui.conftest import new_app, start
from tests.tui.screen import screen_lines, wait_drawn

# the two-location fixtures (ZRH and FRA emulators, the same seed) and their async clients
emulators, clients = two_locations.emulators, two_locations.clients


def block(pilot, heading: str) -> list[str]:
    """The drawn lines from `heading` to the next currency's heading or the note under the tables."""
    # inside the dialog's borders (█ ... █): the panes behind it cut off on both sides
    lines = [(line.split("█")[1] if line.count("█") >= 2 else line).strip() for line in screen_lines(pilot)]
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    out = []
    for line in lines[start + 1:]:
        if line.startswith("Per 30-day month") or "have no owner" in line or "has an owner" in line:
            break
        out.append(line)
    return out


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_owners_are_a_table_per_currency_with_each_locations_own_prices(clients, size):
    app = new_app(clients)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app)
        await wait_drawn(pilot, "78 of 78")
        parts = {p.location: p for p in app.browser.inventory.parts}
        await pilot.press("o")
        await wait_drawn(pilot, "Per 30-day month in CHF (ZRH, their own prices)")
        seen = {}
        for code, cur in (("ZRH", "CHF"), ("FRA", "EUR")):
            if code == "FRA":
                await pilot.press("end")  # at 80x24 the second table is below: scroll the dialog to it
                await wait_drawn(pilot, "Per 30-day month in EUR (FRA, their own prices)")
            lines = block(pilot, f"Per 30-day month in {cur}")
            other = {"CHF": "EUR", "EUR": "CHF"}[cur]
            assert not any(other in line for line in lines), lines
            own = owner_costs(parts[code])
            for o in own.itertuples():
                line = next(x for x in lines if x.split(" ")[0] == o.owner)
                assert f" {o.snapshot_count} " in line, line
                assert money(o.value_at_subscription, cur) in line and money(o.burst_now_from_snapshots, cur) in line
            seen[code] = own
        # the same owners and snapshots in both, costed differently: each location's own prices
        assert list(seen["ZRH"]["owner"]) == list(seen["FRA"]["owner"])
        assert seen["ZRH"]["value_at_subscription"].sum() != seen["FRA"]["value_at_subscription"].sum()
        unowned = sum(int(o.loc[o["owner"] == "unattributed", "snapshot_count"].sum()) for o in seen.values())
        await wait_drawn(pilot, f"{unowned} snapshots have no owner")
        await pilot.press("escape")
        await wait_drawn(pilot, "Cost by owner", gone=True)
