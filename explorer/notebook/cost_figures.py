"""Pure figure builders for storage cost: cost by drive, by storage type, and the burst what-if."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.notebook.series import GIB

PRICES = ("subscription", "burst")


def _money(currency: str) -> str:
    return f"{currency}/month"


#: What each reading is called on every surface (explorer.data.cost's vocabulary).
_BASIS = {"subscription": "value at subscription price", "burst": "at burst price, if none of it were subscribed"}


def _cost_column(price: str) -> str:
    if price not in PRICES:
        raise ValueError(f"price must be one of {PRICES}, not {price!r}")
    return f"monthly_cost_{price}"


def _floats(values: pd.Series) -> pd.Series:
    """Nullable costs as plain floats; a missing price shows as 0 (the frame's `price_missing` says why)."""
    return values.astype("Float64").fillna(0.0).astype(float)


def _currency_of(frame: pd.DataFrame, default: str = "EUR") -> str:
    found = frame["currency"].dropna().unique() if "currency" in frame else []
    return str(found[0]) if len(found) else default


def cost_by_drive_figure(
    drive_costs: pd.DataFrame, *, price: str = "burst", top: int = 10, labels: Mapping[str, str] | None = None
):
    """Bars of monthly snapshot cost for the `top` most expensive drives, one trace per storage resource.

    `drive_costs` is `explorer.data.drive_costs(inv)`; `price` picks `monthly_cost_subscription` or
    `monthly_cost_burst`. Bar `customdata` is the drive uuid, so a click can find the drive.
    """
    column, currency = _cost_column(price), _currency_of(drive_costs)
    labels = dict(labels or {})
    shown = (
        drive_costs.assign(cost=_floats(drive_costs[column]), drive_uuid=drive_costs["drive_uuid"].astype(str))
        .sort_values(["cost", "drive_uuid"], ascending=[False, True])
        .head(max(top, 0))
    )
    shown["label"] = [labels.get(u) or (n if isinstance(n, str) and n else u[:8])
                      for u, n in zip(shown["drive_uuid"], shown["drive_name"], strict=True)]
    fig = go.Figure()
    for resource, part in shown.groupby(shown["resource"].astype("string").fillna("unknown"), sort=True):
        fig.add_trace(go.Bar(
            x=part["label"], y=part["cost"].to_numpy(dtype=float), name=str(resource),
            customdata=part["drive_uuid"], meta={"resource": str(resource)},
            hovertemplate=f"%{{x}}<br>%{{y:,.2f}} {_money(currency)}<extra>%{{fullData.name}}</extra>",
        ))
    fig.update_layout(
        title={"text": f"Monthly snapshot cost by drive: {_BASIS[price]} (top {len(shown)})"},
        xaxis={"categoryorder": "array", "categoryarray": shown["label"].tolist(), "tickangle": -30},
        yaxis={"title": {"text": _money(currency)}, "rangemode": "tozero"},
        legend={"title": {"text": "billed as"}},  # a storage type, or backup for remote snapshots
        barmode="stack",
        clickmode="event",
        margin={"l": 60, "r": 20, "t": 60, "b": 90},
    )
    return fig


def storage_type_figure(drive_costs: pd.DataFrame, *, price: str = "burst"):
    """Monthly snapshot cost of the whole account by storage resource (all drives, not only the top N).

    Remote snapshots (backups) are their own bar, `backup`, beside the local snapshots' storage types.
    """
    column, currency = _cost_column(price), _currency_of(drive_costs)
    resource = drive_costs["resource"].astype("string").fillna("unknown")
    totals = _floats(drive_costs[column]).groupby(resource).sum().sort_values(ascending=False)
    fig = go.Figure(go.Bar(
        x=totals.index.tolist(), y=totals.to_numpy(), marker={"color": "#636efa"},
        hovertemplate=f"%{{x}}<br>%{{y:,.2f}} {_money(currency)}<extra></extra>",
    ))
    fig.update_layout(
        title={"text": f"By storage type (backups as backup), {_BASIS[price]}: {totals.sum():,.2f} "
                       f"{_money(currency)} in all"},
        yaxis={"title": {"text": _money(currency)}, "rangemode": "tozero"},
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        showlegend=False,
    )
    return fig


def burst_cost(using: float, subscribed: float, price_gib_month: float) -> float:
    """Monthly burst cost if usage stays at `using` bytes: only bytes above the subscription burst."""
    return max(0.0, using - subscribed) / GIB * price_gib_month


def burst_figure(
    *,
    resource: str,
    subscribed: float,
    using: float,
    burst_price: float,
    what_if_subscribed: float | None = None,
    currency: str = "EUR",
    points: int = 101,
):
    """Subscription vs usage vs burst for one storage resource, and how the burst cost falls as the subscription grows.

    Left: GiB subscribed, in use and bursting now and under the what-if subscription. Right: monthly
    burst cost over subscribed amounts from 0 to 1.5 × usage, with markers at today and the what-if.
    `burst_price` is per GiB per month at the current burst level.
    """
    what_if = subscribed if what_if_subscribed is None else what_if_subscribed
    fig = make_subplots(rows=1, cols=2, column_widths=[0.4, 0.6],
                        subplot_titles=("GiB: subscribed, in use, bursting", f"Monthly burst cost ({currency})"))
    cases = {"now": subscribed, "what-if": what_if}
    for name, sub in cases.items():
        fig.add_trace(go.Bar(
            x=["subscribed", "in use", "burst"], y=[sub / GIB, using / GIB, max(0.0, using - sub) / GIB],
            name=name, meta={"case": name}, hovertemplate="%{x}: %{y:,.1f} GiB<extra>%{fullData.name}</extra>",
        ), row=1, col=1)
    top = max(using, subscribed, what_if) * 1.5 or GIB
    grid = np.linspace(0.0, top, points)
    costs = np.maximum(0.0, using - grid) / GIB * burst_price
    fig.add_trace(go.Scatter(x=grid / GIB, y=costs, mode="lines", name="burst cost", meta={"case": "curve"},
                             hovertemplate="subscribed %{x:,.0f} GiB<br>%{y:,.2f}<extra></extra>"), row=1, col=2)
    # "now" labels to the left of its marker, "what-if" to the right: equal subscriptions never print "nowat-if".
    sides = {"now": "top left", "what-if": "top right"}
    for name, sub in cases.items():
        fig.add_trace(go.Scatter(
            x=[sub / GIB], y=[burst_cost(using, sub, burst_price)], mode="markers+text", name=f"{name} cost",
            text=[name], textposition=sides[name], marker={"size": 11}, meta={"case": f"{name} marker"},
            showlegend=False,
        ), row=1, col=2)
    now, later = burst_cost(using, subscribed, burst_price), burst_cost(using, what_if, burst_price)
    if np.isnan(burst_price):
        title = f"{resource}: no burst price in {_money(currency)} in the price list; cost unknown"
    else:
        title = (f"{resource}: burst {now:,.2f} → {later:,.2f} {_money(currency)} "
                 f"with {what_if / GIB:,.0f} GiB subscribed")
    fig.update_layout(
        title={"text": title},
        barmode="group",
        margin={"l": 60, "r": 20, "t": 80, "b": 50},
        meta={"burst_cost_now": now, "burst_cost_what_if": later},
    )
    fig.update_xaxes(title_text="subscribed GiB", row=1, col=2)
    return fig
