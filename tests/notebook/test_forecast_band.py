"""The growth dashboard draws each selected drive's forecast band after its series (serialized figure state)."""

from __future__ import annotations

import pandas as pd
import pytest

from explorer.data.forecast import forecast
from explorer.notebook import growth_dashboard
from explorer.notebook.series import GIB


def _series(fig, name):
    return [t for t in fig.data if (t.meta or {}).get("series") == name]


def test_band_follows_each_selected_drive_and_goes_with_bytes_only(inventory):
    dash = growth_dashboard(inventory, history=False)
    lines = _series(dash.figure, "forecast")
    assert [t.meta["drive_uuid"] for t in lines] == list(dash.drives.value)
    expected = forecast(inventory)
    for line in lines:
        band = expected.band(line.meta["drive_uuid"])
        assert line.y[-1] == pytest.approx(band["bytes_forecast"].iloc[-1] / GIB)
        # It starts at the inventory's time, where the series ends, and reaches the horizon.
        assert pd.Timestamp(line.x[0], tz="UTC") == inventory.loaded_at.floor("ms")
        assert pd.Timestamp(line.x[-1], tz="UTC") == (inventory.loaded_at + pd.Timedelta(days=30)).floor("ms")
    edges = _series(dash.figure, "forecast band")
    assert len(edges) == 2 * len(lines) and all(t.fill == "tonexty" for t in edges if t.meta["edge"] == "low")
    assert "dashed: forecast 30 days ahead" in dash.status.value
    dash.metric.value = "count"
    assert _series(dash.figure, "forecast") == [] and "dashed" not in dash.status.value
    dash.metric.value = "bytes"
    dash.drives.value = dash.drives.value[:2]
    assert [t.meta["drive_uuid"] for t in _series(dash.figure, "forecast")] == list(dash.drives.value)
