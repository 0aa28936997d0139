"""Pure pandas helpers behind the charts: top drives, date clipping and point-capped resampling."""

from __future__ import annotations

import pandas as pd

GIB = 2**30
#: No trace carries more points than this (browsers slow down past a few thousand per trace).
MAX_POINTS = 5_000
#: Coarser and coarser bins, tried in order until a series fits under the cap.
_BINS = ("D", "W", "MS", "QS", "YS")


def top_drives(snapshots: pd.DataFrame, n: int = 10) -> list[str]:
    """Uuids of the `n` drives holding the most snapshot bytes (ties broken by uuid, so the order is stable)."""
    if snapshots.empty or n <= 0:
        return []
    sizes = snapshots["allocated_size"].fillna(0).groupby(snapshots["drive_uuid"], observed=True).sum()
    order = sizes.reset_index().sort_values(["allocated_size", "drive_uuid"], ascending=[False, True])
    return order["drive_uuid"].head(n).astype(str).tolist()


def drive_labels(snapshots: pd.DataFrame, drives: pd.DataFrame | None = None) -> dict[str, str]:
    """Drive uuid -> a readable label: the drive's name, or the uuid's first block when the drive is gone."""
    labels: dict[str, str] = {}
    if drives is not None and not drives.empty:
        labels.update(zip(drives["uuid"].astype(str), drives["name"].fillna("").astype(str), strict=True))
    if not snapshots.empty:
        pairs = snapshots[["drive_uuid", "drive_name"]].drop_duplicates("drive_uuid")
        for uuid, name in zip(pairs["drive_uuid"].astype(str), pairs["drive_name"], strict=True):
            if not labels.get(uuid):
                labels[uuid] = "" if pd.isna(name) else str(name)
    # A deleted drive has no name: show a short uuid so the legend stays readable.
    labels = {uuid: name or f"{uuid[:8]}… (missing)" for uuid, name in labels.items()}
    # Two drives may share a name; bars are placed by label, so make each one unique.
    seen = pd.Series(list(labels.values())).value_counts()
    return {uuid: f"{name} ({uuid[:8]})" if seen[name] > 1 else name for uuid, name in labels.items()}


def clip_steps(series: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    """Restrict a cumulative step series (time index) to [start, end].

    The value reached before `start` is carried to `start`, so a clipped chart starts at the
    chain's real size instead of dropping to zero.
    """
    if start is not None:
        before = series[series.index < start]
        series = series[series.index >= start]
        if not before.empty and (series.empty or series.index[0] > start):
            head = pd.Series([before.iloc[-1]], index=pd.DatetimeIndex([start]), dtype=series.dtype)
            series = pd.concat([head, series])
    if end is not None:
        series = series[series.index <= end]
    return series


def cap_points(series: pd.Series, max_points: int = MAX_POINTS) -> tuple[pd.Series, str | None]:
    """Resample a step series to the finest of day/week/month/quarter/year that fits `max_points`.

    Returns the series and the bin used (None when it already fits). The last value of each
    bin is kept: for a cumulative series that is the size at the end of the day/week.
    """
    if len(series) <= max_points:
        return series, None
    series = series[~series.index.duplicated(keep="last")]
    for rule in _BINS:
        binned = series.resample(rule).last().dropna()
        if len(binned) <= max_points:
            return binned, rule
    # Even yearly bins overflow only for absurd spans; thin evenly as the last resort.
    step = -(-len(binned) // max_points)
    return binned.iloc[::step], rule


def to_step_series(frame: pd.DataFrame, time_col: str, value_col: str) -> pd.Series:
    """One drive's rows as a float series indexed by time, sorted, last value per instant."""
    s = pd.Series(frame[value_col].astype("Float64").to_numpy(dtype=float, na_value=0.0),
                  index=pd.DatetimeIndex(frame[time_col]))
    s = s.sort_index(kind="stable")
    return s[~s.index.duplicated(keep="last")]
