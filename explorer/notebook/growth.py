"""The growth dashboard: drive picker, date range, bytes/count and linear/log over one live FigureWidget."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace

import ipywidgets as widgets
import pandas as pd

from explorer.data.inventory import Inventory
from explorer.notebook.figures import growth_figure
from explorer.notebook.forecast_band import add_forecast_band
from explorer.notebook.series import MAX_POINTS, drive_labels, top_drives
from explorer.notebook.widgets import ExportableDashboard, figure_widget, gib, source_banner, sync_figure


class GrowthDashboard(ExportableDashboard, widgets.VBox):
    """Per-drive cumulative snapshot growth; every control redraws the same `figure` in place."""

    static_title = "Snapshot growth dashboard"

    def __init__(
        self,
        inventory: Inventory,
        *,
        growth: pd.DataFrame | None = None,
        observed: pd.DataFrame | None = None,
        top: int = 10,
        max_points: int = MAX_POINTS,
    ):
        # Several locations: every location's drives (bytes have no currency), each keyed and labelled by it.
        shown = keyed_by_location(inventory)
        if growth is None:
            from explorer.data import drive_growth

            growth = drive_growth(shown)
        self.inventory, self.growth, self.observed, self.max_points = inventory, growth, observed, max_points
        from explorer.data.forecast import forecast

        #: the forecast whose band is drawn after the series (bytes; up to the last date shown)
        self.forecast = forecast(shown, observed=observed)
        self.labels = location_labels(inventory)
        snaps = shown.snapshots
        bytes_per_drive = snaps["allocated_size"].fillna(0).groupby(snaps["drive_uuid"], observed=True).sum()
        ranked = top_drives(snaps, len(bytes_per_drive))
        self.drives = widgets.SelectMultiple(
            options=[(f"{self.labels.get(u, u[:8])} — {gib(bytes_per_drive[u])}", u) for u in ranked],
            value=tuple(ranked[:top]), rows=min(10, max(len(ranked), 2)), description="drives",
            layout=widgets.Layout(width="45%"),
        )
        first, last = self._date_bounds()
        self.start = widgets.DatePicker(value=first, description="from")
        self.end = widgets.DatePicker(value=last, description="to")
        self.metric = widgets.ToggleButtons(options=[("bytes", "bytes"), ("snapshot count", "count")],
                                            value="bytes", description="show")
        self.scale = widgets.ToggleButtons(options=["linear", "log"], value="linear", description="scale")
        self.metric.style.button_width = self.scale.style.button_width = "auto"
        self.status = widgets.HTML()
        self.banner = widgets.HTML(source_banner(inventory))
        self.figure = figure_widget(self.build_figure())
        self._update_status()
        for control in (self.drives, self.start, self.end, self.metric, self.scale):
            control.observe(self._refresh, names="value")
        controls = widgets.HBox([self.drives, widgets.VBox([self.start, self.end, self.metric, self.scale])],
                                layout=widgets.Layout(width="100%"))
        super().__init__([self.banner, controls, self.figure, self.status], layout=widgets.Layout(width="100%"))

    def live_figures(self):
        return [self.figure]

    def _date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        stamps = self.growth["timestamp"]
        if self.observed is not None and not self.observed.empty:
            stamps = pd.concat([stamps, self.observed["observed_at"]])
        stamps = stamps.dropna()
        if stamps.empty:
            return None, None
        return stamps.min().date(), stamps.max().date()

    def build_figure(self):
        """The figure the controls currently describe (pure: uses only frames and control values)."""
        fig = growth_figure(
            self.growth, drives=list(self.drives.value), labels=self.labels, observed=self.observed,
            metric=self.metric.value, scale=self.scale.value, start=self.start.value, end=self.end.value,
            max_points=self.max_points,
        )
        last = self._date_bounds()[1]
        if self.metric.value == "bytes" and (self.end.value is None or last is None or self.end.value >= last):
            add_forecast_band(fig, self.forecast, list(self.drives.value), self.labels)
        return fig

    def _refresh(self, _change=None) -> None:
        if self.start.value and self.end.value and self.start.value > self.end.value:
            self.status.value = "<b>The start date is after the end date</b>; the chart is unchanged."
            return
        sync_figure(self.figure, self.build_figure())
        self._update_status()

    def _update_status(self) -> None:
        points = max((len(t.x) for t in self.figure.data if t.x is not None), default=0)
        observed = sum(1 for t in self.figure.data if (t.meta or {}).get("series") == "observed")
        note = f"{len(self.drives.value)} drives, at most {points:,} points per trace"
        if any((t.meta or {}).get("series") == "forecast" for t in self.figure.data):
            note += f"; dashed: forecast {self.forecast.days} days ahead with its band ({self.forecast.method})"
        if observed:
            note += f", {observed} with observed history (dotted)"
        elif self.observed is None or self.observed.empty:
            note += "; no recorded history yet (run <code>snapshot-explorer record</code> to start one)"
        self.status.value = note + "."


def _several(inventory: Inventory) -> bool:
    return len(inventory.parts) > 1


def _keys(locations: pd.Series | str, uuids: pd.Series) -> pd.Series:
    """`LOC:uuid` for each row: a drive's identity across locations."""
    return (locations + ":" + uuids.astype("string")).astype("string")


def keyed_by_location(inventory: Inventory) -> Inventory:
    """`inventory` as one set of drives: with several locations each drive uuid becomes `LOC:uuid`
    (uuids are unique within a location only); a single location's inventory is returned as it is."""
    if not _several(inventory):
        return inventory
    snaps, drives = inventory.snapshots, inventory.drives
    return replace(inventory, parts=(), failures=(),
                   snapshots=snaps.assign(drive_uuid=_keys(snaps["location"].astype("string"), snaps["drive_uuid"])),
                   drives=drives.assign(uuid=_keys(drives["location"].astype("string"), drives["uuid"])))


def location_labels(inventory: Inventory) -> dict[str, str]:
    """Drive key -> label: the drive's name, and with several locations its location (`db-1 (FRA)`)."""
    if not _several(inventory):
        return drive_labels(inventory.snapshots, inventory.drives)
    return {f"{p.location}:{u}": f"{label} ({p.location})" for p in inventory.parts
            for u, label in drive_labels(p.snapshots, p.drives).items()}


def recorded_growth(inventory: Inventory, history=None) -> tuple[pd.DataFrame | None, str | None]:
    """This account's observed growth from `history` (default: the user's history store, if one exists).

    Returns (frame or None, a note to show when the store could not be read). Viewing never
    creates a store: without one there is simply no observed series (`explorer.data.recorded_growth`,
    shared with the TUI's growth view). With several locations, each location's, keyed `LOC:uuid`.
    """
    from explorer.data import recorded_growth as read_recorded_growth

    if not _several(inventory):
        return read_recorded_growth(inventory.source, history=history)
    frames, notes = [], []
    for part in inventory.parts:
        frame, note = read_recorded_growth(part.source, history=history)
        if frame is not None:
            frames.append(frame.assign(drive_uuid=_keys(part.location, frame["drive_uuid"])))
        if note:
            notes.append(f"{part.location}: {note}")
    return (pd.concat(frames, ignore_index=True) if frames else None), ("; ".join(notes) or None)


def record_demo_history(store, inventory: Inventory, sessions, *, rounds: int = 3, days: float = 10) -> Inventory:
    """A simulated history on the demo: record every location of `inventory` in `store` (a HistoryStore), then
    `rounds` times run every location's emulator clock `days` on, reload all locations and record again.

    `sessions` are the demo's (:func:`explorer.notebook.loader.current_sessions`: one emulator per location).
    Each observation is stamped with its emulator's simulated clock, and nothing is written to the offline
    cache. Returns the last inventory (stamped with the clock too), ready for `growth_dashboard(..., history=store)`.
    """
    from explorer.data.locations import combine, load_locations

    clocks = {s.location: s.emulator for s in sessions if s.emulator is not None}
    if not clocks:
        raise ValueError("record_demo_history needs the demo's sessions (each with its emulator)")

    def stamped(inv: Inventory) -> Inventory:
        parts = [replace(p, loaded_at=pd.Timestamp(clocks[p.location].now())) if p.location in clocks else p
                 for p in (inv.parts or (inv,))]
        return combine(parts, inv.failures) if inv.parts else parts[0]  # loaded_at: the newest part's

    latest = stamped(inventory)
    store.record_locations(latest)
    for _ in range(rounds):
        for emulator in clocks.values():
            emulator.advance(days=days)
        latest = stamped(load_locations(sessions, cache=False))
        store.record_locations(latest)
    return latest


def growth_dashboard(inventory: Inventory, *, observed: pd.DataFrame | None = None, history=None, top: int = 10,
                     max_points: int = MAX_POINTS) -> GrowthDashboard:
    """Chart per-drive snapshot growth, overlaying observed growth from the history store where there is some.

    `observed` is a ready `HistoryStore.observed_growth()` frame; otherwise `history` (a HistoryStore,
    default the user's) is read; `history=False` shows reconstructed growth only.
    """
    note = None
    if observed is None and history is not False:
        observed, note = recorded_growth(inventory, history)
    dash = GrowthDashboard(inventory, observed=observed, top=top, max_points=max_points)
    if note:
        dash.status.value += f" <i>{html.escape(note)}</i>"
    return dash
