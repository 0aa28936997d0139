"""The forecast band drawn after each drive's growth line (pure: a Forecast and a figure in, traces added)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from explorer.data.forecast import Forecast
from explorer.notebook.figures import PALETTE, _utc_naive
from explorer.notebook.series import GIB


def add_forecast_band(fig: go.Figure, forecast: Forecast, drives: Iterable[str],
                      labels: Mapping[str, str] | None = None) -> go.Figure:
    """Per drive: the low–high band (filled) and the forecast line, `forecast.days` past the inventory's time.

    Bytes only (GiB), in the drive's colour (the same order as `growth_figure` gives them). Trace
    `meta` is `{"drive_uuid", "series": "forecast" | "forecast band", "days"}`.
    """
    labels = dict(labels or {})
    for i, uuid in enumerate(drives):
        band = forecast.band(uuid)
        if band.empty:
            continue
        colour = PALETTE[i % len(PALETTE)]
        label = labels.get(uuid, uuid[:8])
        x = _utc_naive(pd.DatetimeIndex(band["timestamp"]))
        meta = {"drive_uuid": uuid, "days": forecast.days}
        fig.add_trace(go.Scatter(x=x, y=band["bytes_high"] / GIB, mode="lines", line={"width": 0, "color": colour},
                                 showlegend=False, legendgroup=uuid, hoverinfo="skip",
                                 meta={**meta, "series": "forecast band", "edge": "high"}))
        fig.add_trace(go.Scatter(x=x, y=band["bytes_low"] / GIB, mode="lines", line={"width": 0, "color": colour},
                                 fill="tonexty", opacity=0.25, showlegend=False, legendgroup=uuid, hoverinfo="skip",
                                 meta={**meta, "series": "forecast band", "edge": "low"}))
        fig.add_trace(go.Scatter(x=x, y=band["bytes_forecast"] / GIB, mode="lines", name=f"{label} (forecast)",
                                 line={"dash": "dash", "color": colour}, legendgroup=uuid,
                                 meta={**meta, "series": "forecast"},
                                 hovertemplate=f"{label} forecast<br>%{{x|%Y-%m-%d}}<br>%{{y:,.2f}} GiB"
                                               "<extra></extra>"))
    return fig
