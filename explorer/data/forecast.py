"""Growth forecasts: snapshot bytes and count `days` ahead with a band, quota and burst ETAs (pure functions).

Method (chosen by backtest, README "Forecast"): the drift over a trailing window. The
series V(t) is the account's snapshot bytes at time t: reconstructed from the snapshots'
timestamps, and, when the history store covers long enough, also the observed totals
(which see deletions). Each candidate (window of 1, 2 or 4 horizons, or the whole history;
reconstructed or observed) forecasts the last `days` from the data before them; the one
with the smallest relative error of the account total wins (judged against the observed
totals when the history covers the backtest, else the reconstruction), and that error is reported.
Band: ±1.96 σ of the window's daily increments, widened for the drift's own uncertainty,
and never narrower than the winning backtest's error.

Remote snapshots (backups) are included: their bytes in the account's series, as rows of their
own per drive (`kind` remote beside the drive's local row) and under the `backup` storage type
(what they are billed as). Counts and the quota ETA are of local snapshots (the `snapshots`
quota of `/capabilities/`; backups have a quota of their own).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explorer.data.inventory import Inventory

DAY_NS = 86400 * 10**9
Z = 1.96
BAND_POINTS = 8


@dataclass(frozen=True, slots=True)
class Forecast:
    """What `forecast()` found; `drives` and `storage_types` are frames, times are UTC Timestamps or None."""

    now: pd.Timestamp
    days: int
    method: str
    account: dict
    drives: pd.DataFrame  # uuid, name, kind, bytes_now, bytes_forecast, bytes_low, bytes_high, count_now, ...
    quota: dict  # current, max, max_per_drive, eta, eta_reason
    storage_types: pd.DataFrame  # resource, subscribed_bytes, used_bytes, eta_burst, burst_cost_at_horizon, ...

    def band(self, drive_uuid: str | None = None) -> pd.DataFrame:
        """timestamp, bytes_low, bytes_forecast, bytes_high from now to the horizon (a drive's, or the account's).

        A drive's local snapshots' band when it has any, else its backups'.
        """
        if drive_uuid is None:
            row = self.account
        else:
            hit = self.drives[self.drives["uuid"] == drive_uuid]
            if hit.empty:
                return pd.DataFrame(columns=["timestamp", "bytes_low", "bytes_forecast", "bytes_high"])
            row = hit.iloc[0]
        frac = np.linspace(0.0, 1.0, BAND_POINTS)
        now, fc = float(row["bytes_now"]), float(row["bytes_forecast"])
        half_hi, half_lo = float(row["bytes_high"]) - fc, fc - float(row["bytes_low"])
        return pd.DataFrame({
            "timestamp": [self.now + pd.Timedelta(days=self.days * f) for f in frac],
            "bytes_low": np.maximum(0.0, now + (fc - now) * frac - half_lo * np.sqrt(frac)),
            "bytes_forecast": now + (fc - now) * frac,
            "bytes_high": now + (fc - now) * frac + half_hi * np.sqrt(frac),
        })


class _Series:
    """A step series V(t) (sorted times in ns, cumulative values) evaluated at any time."""

    def __init__(self, t_ns: np.ndarray, values: np.ndarray, start_ns: int):
        self.t, self.v, self.start = t_ns, values.astype("float64"), start_ns

    def at(self, when_ns: float) -> float:
        i = np.searchsorted(self.t, when_ns, side="right")
        return float(self.v[i - 1]) if i else 0.0


def _windows(days: int) -> list[tuple[str, float | None]]:
    return [(f"{k * days}-day drift", float(k * days)) for k in (1, 2, 4)] + [("whole-history drift", None)]


def _drift(series: _Series, end_ns: int, window_days: float | None) -> tuple[float, float] | None:
    """(bytes per day, window in days) of the drift over the window ending at `end_ns`; None if no data before it."""
    span = (end_ns - series.start) / DAY_NS
    w = span if window_days is None else window_days
    if w <= 0 or span < w * 0.999:
        return None
    return (series.at(end_ns) - series.at(end_ns - w * DAY_NS)) / w, w


def _choose(candidates: dict[str, _Series], ends: dict[str, int], days: int
            ) -> tuple[str, str, float, float, float | None]:
    """(series name, method label, slope per day, window days, relative backtest error or None).

    Every candidate's drift, fitted on the data before the last `days`, is judged against the
    truest series there is: the observed one when it covers the whole backtest, else the reconstruction.
    """
    truth = "observed" if "observed" in candidates and \
        candidates["observed"].start <= ends["observed"] - days * DAY_NS else "reconstructed"
    t_end = ends[truth]
    t0 = t_end - days * DAY_NS
    actual, base = candidates[truth].at(t_end), candidates[truth].at(t0)
    best = None
    for series_name, series in candidates.items():
        for label, w in _windows(days):
            past = _drift(series, t0, w)
            if past is None or actual <= 0:
                continue
            error = abs(base + past[0] * days - actual) / actual
            if best is None or error < best[4]:
                now_fit = _drift(series, ends[series_name], w) or past
                best = (series_name, label, now_fit[0], now_fit[1], error)
    if best is None:  # too little history for any backtest: the whole history's drift, error unknown
        fit = _drift(candidates["reconstructed"], ends["reconstructed"], None) or (0.0, 1.0)
        return "reconstructed", "whole-history drift", fit[0], fit[1], None
    return best


def _daily_sd(t_ns: np.ndarray, weights: np.ndarray, codes: np.ndarray, n_groups: int, now_ns: int,
              window: float) -> np.ndarray:
    """Per group: the standard deviation of its daily increments over the trailing window (zero days count)."""
    w = max(1, round(window))
    day = (now_ns - t_ns) // DAY_NS
    inside = (day >= 0) & (day < w)
    keys = codes[inside].astype(np.int64) * w + day[inside]
    sums = np.bincount(keys, weights=weights[inside], minlength=n_groups * w).reshape(n_groups, w)
    return sums.std(axis=1)


def _band(now: float, slope: float, sd: np.ndarray | float, window: float, days: int, floor: float = 0.0):
    mid = now + slope * days
    half = Z * sd * np.sqrt(days) + Z * sd / np.sqrt(max(window, 1.0)) * days
    half = np.maximum(half, floor)
    return mid, np.maximum(0.0, mid - half), mid + half


def _eta(now: pd.Timestamp, room: float, per_day: float, days: int) -> pd.Timestamp | None:
    if room <= 0:
        return now
    if per_day <= 0 or room / per_day > days:
        return None
    return now + pd.Timedelta(days=room / per_day)


def forecast(inv: Inventory, *, days: int = 30, observed: pd.DataFrame | None = None) -> Forecast:
    """Forecast `days` ahead; `observed` is a `HistoryStore.observed_growth` frame of this account (or None)."""
    from explorer.data.cost import account_cost_summary, rates
    from explorer.data.prices import billing_resource

    now = inv.loaded_at
    now_ns = now.as_unit("ns").value
    s = inv.snapshots
    known = s["timestamp"].notna().to_numpy(bool)
    remote = (s["kind"] == "remote").to_numpy(bool, na_value=False)[known]  # backups: counted apart from the quota
    t = s["timestamp"].to_numpy(dtype="datetime64[ns]").view(np.int64)[known]
    size = s["allocated_size"].to_numpy(dtype="float64", na_value=0.0)[known]
    order = np.argsort(t, kind="stable")
    t_sorted = t[order]
    start = int(t_sorted[0]) if len(t_sorted) else now_ns
    candidates: dict[str, _Series] = {}
    ends = {"reconstructed": now_ns}
    if observed is not None and not observed.empty:  # first: on a tie, the series that sees deletions wins
        obs = observed.groupby("observed_at")["allocated_bytes"].sum().sort_index()
        ot = obs.index.as_unit("ns").asi8
        candidates["observed"] = _Series(ot, obs.to_numpy("float64"), int(ot[0]))
        ends["observed"] = int(ot[-1])
    candidates["reconstructed"] = _Series(t_sorted, np.cumsum(size[order]), start)
    series_name, label, slope, window, error = _choose(candidates, ends, days)
    bytes_now = float(np.nansum(s["allocated_size"].to_numpy("float64", na_value=0.0)))
    count_now = len(s) - int((s["kind"] == "remote").sum())
    # Count: local snapshots taken per day over the same window (the reconstruction sees every one still listed).
    in_window = t > now_ns - window * DAY_NS
    count_rate = float((in_window & ~remote).sum()) / window
    quota = inv.snapshot_quota or {}
    q_max, q_drive = quota.get("max"), quota.get("max_per_drive")
    count_fc = count_now + count_rate * days
    if q_max is not None:
        count_fc = min(count_fc, max(count_now, q_max))  # the API refuses snapshots beyond the quota
    acct_sd = float(_daily_sd(t, size, np.zeros(len(t), dtype=np.intp), 1, now_ns, window)[0])
    floor = (error or 0.0) * bytes_now
    mid, low, high = _band(bytes_now, slope, acct_sd, window, days, floor)
    if series_name == "reconstructed":  # it only ever sees growth: a fall would have to come from deletions
        low = max(low, min(bytes_now, mid))
    account = {"bytes_now": bytes_now, "bytes_forecast": float(mid), "bytes_low": float(low), "bytes_high": float(high),
               "count_now": count_now, "count_forecast": float(count_fc),
               "backtest": {"days": days, "relative_error": error}}
    # Per drive and kind (a drive's backups are a row of their own, after its local one): the same window.
    drive_col = s["drive_uuid"].fillna("").to_numpy(object)[known]
    codes, uniques = pd.factorize(drive_col, sort=True)
    pairs, codes = np.unique(codes * 2 + remote, return_inverse=True)
    uniques, kinds = np.asarray(uniques, dtype=object)[pairs // 2], np.where(pairs % 2, "remote", "local")
    n = len(uniques)
    first = np.full(n, len(codes), dtype=np.intp)
    np.minimum.at(first, codes, np.arange(len(codes)))
    listed_names = s["drive_name"].to_numpy(object, na_value=None)[known]  # an orphan's: its drive_meta name
    grown = np.bincount(codes[in_window], weights=size[in_window], minlength=n) / window
    per_count = np.bincount(codes, minlength=n)
    rate_count = np.bincount(codes[in_window], minlength=n) / window
    d_now = np.bincount(codes, weights=size, minlength=n)
    d_sd = _daily_sd(t, size, codes, n, now_ns, window)
    d_mid, d_low, d_high = _band(d_now, grown, d_sd, window, days)
    d_low = np.maximum(d_low, np.minimum(d_now, d_mid))  # per drive the reconstruction is used: growth only
    names = inv.drives.drop_duplicates("uuid").set_index("uuid")["name"].astype(object)
    name = names.reindex(list(uniques)).to_numpy(dtype=object)
    name = np.where(pd.isna(name), listed_names[first] if n else name, name)
    drives = pd.DataFrame({
        "uuid": list(uniques), "name": name, "kind": kinds,
        "bytes_now": d_now, "bytes_forecast": d_mid, "bytes_low": d_low, "bytes_high": d_high,
        "count_now": per_count, "count_per_day": rate_count, "bytes_per_day": grown,
    })
    drives = drives[drives["uuid"] != ""].reset_index(drop=True)
    # Quota: the account's max, and the first drive to reach max_per_drive.
    current = int(quota.get("current", count_now) or count_now)
    etas = []
    if q_max is not None:
        etas.append((_eta(now, q_max - current, count_rate, days), "account max"))
    local = drives[drives["kind"] == "local"].reset_index(drop=True)
    if q_drive is not None and len(local):
        room = q_drive - local["count_now"].to_numpy()
        per = local["count_per_day"].to_numpy()
        for i in np.argsort(np.where(per > 0, room / np.where(per > 0, per, 1), np.inf))[:1]:
            etas.append((_eta(now, float(room[i]), float(per[i]), days), f"max_per_drive on {local['name'][i]}"))
    hits = [(e, why) for e, why in etas if e is not None]
    eta, why = min(hits, key=lambda x: x[0]) if hits else (None, None)
    quota_out = {"current": current, "max": q_max, "max_per_drive": q_drive, "eta": eta, "eta_reason": why}
    # Storage types: usage (drives + snapshots) plus each type's snapshot growth, against the subscription.
    # Billed as their drive's storage type (dssd when the drive is unknown), backups as `backup`, as in data.cost.
    cats, res_codes = billing_resource(s)
    res = np.asarray(cats, dtype=object)[res_codes][known]
    growth_by_res = pd.Series(size[in_window] / window).groupby(res[in_window]).sum().to_dict()
    summary = account_cost_summary(inv)
    burst_rates = rates(inv, list(summary["resource"]))["burst_rate"]
    rows = []
    for _, r in summary.iterrows():
        res, sub, using = r["resource"], int(r["subscribed"]), int(r["using"])
        g = float(growth_by_res.get(res, 0.0))
        burst_rate = burst_rates[res]
        at_h = max(0.0, using + g * days - sub) * burst_rate
        rows.append({"resource": res, "subscribed_bytes": sub, "used_bytes": using, "bytes_per_day": g,
                     "eta_burst": _eta(now, sub - using, g, days) if not r["bursting"] else now,
                     "burst_cost_at_horizon": None if np.isnan(at_h) else float(at_h), "currency": inv.currency})
    storage = pd.DataFrame(rows, columns=["resource", "subscribed_bytes", "used_bytes", "bytes_per_day", "eta_burst",
                                          "burst_cost_at_horizon", "currency"])
    method = f"{label} of the {series_name} series"
    return Forecast(now=now, days=days, method=method, account=account, drives=drives, quota=quota_out,
                    storage_types=storage)
