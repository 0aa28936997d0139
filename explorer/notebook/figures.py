"""Pure figure builders for snapshot growth and where the bytes are: frames in, plotly Figure out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from explorer.notebook.series import GIB, MAX_POINTS, cap_points, clip_steps, to_step_series

PALETTE = qualitative.Plotly + qualitative.D3
_BIN_WORDS = {"D": "daily", "W": "weekly", "MS": "monthly", "QS": "quarterly", "YS": "yearly"}
METRICS = {
    # metric -> (growth column, observed column, divisor, axis title)
    "bytes": ("cumulative_bytes", "allocated_bytes", GIB, "snapshot storage (GiB)"),
    "count": ("snapshot_count", "snapshot_count", 1, "snapshots"),
}


def _ts(value) -> pd.Timestamp | None:
    """Accept a date, datetime, string or Timestamp; naive values are taken as UTC."""
    if value is None:
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def growth_figure(
    growth: pd.DataFrame,
    *,
    drives: Iterable[str] | None = None,
    labels: Mapping[str, str] | None = None,
    observed: pd.DataFrame | None = None,
    metric: str = "bytes",
    scale: str = "linear",
    start=None,
    end=None,
    max_points: int = MAX_POINTS,
) -> go.Figure:
    """Cumulative snapshot growth per drive, one step line per drive.

    `growth` is `explorer.data.drive_growth(inv)` (drive_uuid, timestamp, cumulative_bytes,
    snapshot_count); `observed` is `HistoryStore.observed_growth()` (drive_uuid, observed_at,
    allocated_bytes, snapshot_count) and is overlaid dotted, same colour, where a drive has one.
    `start`/`end` clip the time axis (`end` is inclusive to the end of that day when a date is given).
    Each trace is resampled to the finest day/week/month bin that keeps it under `max_points`.
    Trace `meta` carries `{"drive_uuid", "series", "bin"}` for callers and tests.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, not {metric!r}")
    if scale not in ("linear", "log"):
        raise ValueError(f"scale must be 'linear' or 'log', not {scale!r}")
    value_col, observed_col, divisor, axis_title = METRICS[metric]
    start_ts, end_ts = _ts(start), _ts(end)
    if end_ts is not None and end_ts == end_ts.normalize():
        end_ts = end_ts + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
    labels = dict(labels or {})
    if drives is None:
        last = growth.groupby("drive_uuid", observed=True)["cumulative_bytes"].max().sort_values(ascending=False)
        drives = last.index.astype(str)[:10]
    drives = [str(d) for d in drives]
    by_drive = _split(growth, drives)
    obs_by_drive = _split(observed, drives) if observed is not None and not observed.empty else {}

    fig = go.Figure()
    bins_used: set[str] = set()
    for i, uuid in enumerate(drives):
        colour = PALETTE[i % len(PALETTE)]
        label = labels.get(uuid, uuid[:8])
        rows = by_drive.get(uuid)
        steps = to_step_series(rows, "timestamp", value_col) if rows is not None else pd.Series(dtype=float)
        steps, rule = cap_points(clip_steps(steps, start_ts, end_ts), max_points)
        if rule:
            bins_used.add(rule)
        fig.add_trace(go.Scatter(
            x=_utc_naive(steps.index), y=steps.to_numpy() / divisor, name=label, mode="lines",
            line={"shape": "hv", "color": colour}, legendgroup=uuid,
            meta={"drive_uuid": uuid, "series": "reconstructed", "bin": rule},
            hovertemplate=f"{label}<br>%{{x|%Y-%m-%d %H:%M}}<br>%{{y:,.2f}}<extra></extra>",
        ))
        if uuid in obs_by_drive:
            seen = to_step_series(obs_by_drive[uuid], "observed_at", observed_col)
            seen, orule = cap_points(clip_steps(seen, start_ts, end_ts), max_points)
            fig.add_trace(go.Scatter(
                x=_utc_naive(seen.index), y=seen.to_numpy() / divisor, name=f"{label} (observed)", mode="lines+markers",
                line={"dash": "dot", "color": colour}, marker={"size": 5}, legendgroup=uuid,
                meta={"drive_uuid": uuid, "series": "observed", "bin": orule},
            ))
    subtitle = " · ".join(_BIN_WORDS[b] + " points" for b in sorted(bins_used))
    fig.update_layout(
        title={"text": "Cumulative snapshot growth per drive" + (f" ({subtitle})" if subtitle else "")},
        xaxis={"title": {"text": "snapshot time (UTC)"}, "type": "date", "range": _range(start_ts, end_ts)},
        yaxis={"title": {"text": axis_title}, "type": scale, "rangemode": "tozero" if scale == "linear" else None},
        legend={"title": {"text": "drive"}},
        hovermode="closest",
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
    )
    return fig


def _utc_naive(index: pd.DatetimeIndex) -> np.ndarray:
    """UTC instants as ISO strings (millisecond precision), the form plotly.js reads as dates.

    Not datetime64: the FigureWidget serializer sends those to the browser as integer nanoseconds
    (`.tolist()`), which plotly.js draws on a linear axis. `np.datetime_as_string` is vectorised.
    """
    return np.datetime_as_string(index.tz_convert("UTC").tz_localize(None).to_numpy(), unit="ms")


def _split(frame: pd.DataFrame, drives: list[str]) -> dict[str, pd.DataFrame]:
    """Rows of the wanted drives only, by drive: grouping all drives of a big fleet costs more than the chart."""
    wanted = frame[frame["drive_uuid"].isin(drives)]
    return dict(tuple(wanted.groupby(wanted["drive_uuid"].astype(str), observed=True)))


def _range(start: pd.Timestamp | None, end: pd.Timestamp | None):
    if start is None or end is None:
        return None
    # plotly.js date strings carry no zone: send UTC wall time, as the x values are.
    return [t.tz_convert("UTC").strftime("%Y-%m-%d %H:%M:%S.%f") for t in (start, end)]


def bytes_by_drive_figure(snapshots: pd.DataFrame, *, labels: Mapping[str, str] | None = None, top: int = 15):
    """Where the snapshot bytes are: horizontal bars of each drive's snapshot GiB, one trace per storage type.

    The top `top` drives are shown, largest at the top; bar `customdata` is the drive uuid.
    """
    labels = dict(labels or {})
    size = snapshots["allocated_size"].fillna(0)
    per = (
        pd.DataFrame({"drive_uuid": snapshots["drive_uuid"].astype(str), "bytes": size,
                      "storage_type": snapshots["storage_type"].astype("string").fillna("unknown")})
        .groupby(["drive_uuid"], observed=True)
        .agg(bytes=("bytes", "sum"), count=("bytes", "size"), storage_type=("storage_type", "first"))
        .reset_index()
        .sort_values(["bytes", "drive_uuid"], ascending=[False, True])
        .head(top)
    )
    per["label"] = [labels.get(u, u[:8]) for u in per["drive_uuid"]]
    fig = go.Figure()
    for stype, part in per.groupby("storage_type", sort=True):
        fig.add_trace(go.Bar(
            y=part["label"], x=part["bytes"].to_numpy(dtype=float) / GIB, name=str(stype), orientation="h",
            customdata=part["drive_uuid"], meta={"storage_type": str(stype)},
            text=[f"{c} snapshots" for c in part["count"]], textposition="none",
            hovertemplate="%{y}<br>%{x:,.2f} GiB<br>%{text}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(
        title={"text": f"Snapshot storage by drive (top {len(per)})"},
        xaxis={"title": {"text": "snapshot storage (GiB)"}},
        yaxis={"categoryorder": "array", "categoryarray": per["label"].tolist()[::-1]},
        legend={"title": {"text": "storage type"}},
        barmode="stack",
        margin={"l": 160, "r": 20, "t": 60, "b": 50},
    )
    return fig
