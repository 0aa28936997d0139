"""`g`: the current drive's snapshot growth drawn in the terminal (cumulative size and count over time).

The reconstructed series (from the snapshots' timestamps) draws at once; the observed one
(from the history store that `snapshot-explorer record` fills) is read in a worker and
drawn over it when the store exists and has rows for this drive. Viewing never creates a store.
Given the inventory, the forecast band (`data.forecast`, low / forecast / high) is computed in a
worker and drawn after the series.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label
from textual_plotext import PlotextPlot

from explorer.data import Source, recorded_growth
from explorer.tui.formatting import human_bytes
from explorer.tui.messages import ObservedGrowthLoaded

_DATE_FORM = "d/m/Y H:M:S"
_STRFTIME = "%d/%m/%Y %H:%M:%S"


class ForecastReady(Message):
    """The drive's forecast band (`Forecast.band`) and a one-line note, computed off the event loop."""

    def __init__(self, band: pd.DataFrame, note: str) -> None:
        super().__init__()
        self.band = band
        self.note = note


class GrowthScreen(ModalScreen[None]):
    """`growth` is this drive's slice of `data.drive_growth` (timestamp, cumulative_bytes, snapshot_count).

    With a `source` and `drive_uuid`, the observed series of that drive is read from `history`
    (default: the user's store, only if it exists) and overlaid.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,g,q", "dismiss", "Close", id="growth.close", tooltip="Back to the table")
    ]

    def __init__(self, drive_name: str, growth: pd.DataFrame, *, drive_uuid: str | None = None,
                 source: Source | None = None, history=None, inventory=None, days: int = 30) -> None:
        super().__init__()
        self.inventory = inventory
        self.days = days
        #: the forecast band once computed (timestamp, bytes_low, bytes_forecast, bytes_high)
        self.band: pd.DataFrame | None = None
        self.forecast_note = ""
        self.drive_name = drive_name
        self.growth = growth
        self.drive_uuid = drive_uuid
        self.source = source
        self.history = history
        #: the observed series once read (empty: the store has nothing for this drive; None: not read / no store)
        self.observed: pd.DataFrame | None = None
        self.history_note = "reading the history store…" if self._wants_history else ""

    @property
    def _wants_history(self) -> bool:
        return self.source is not None and self.drive_uuid is not None

    def compose(self) -> ComposeResult:
        with Vertical(id="growth-dialog"):
            yield Label(self._title(), id="dialog-title")
            yield PlotextPlot(id="growth-bytes")
            yield PlotextPlot(id="growth-count")

    def _title(self) -> str:
        if self.growth.empty:
            head = f"{self.drive_name}: no snapshots now"
        else:
            last = self.growth.iloc[-1]
            head = (f"Growth of {self.drive_name}: {int(last['snapshot_count'])} snapshots, "
                    f"{human_bytes(int(last['cumulative_bytes']))} in total")
        note = "".join(f" · {n}" for n in (self.history_note, self.forecast_note) if n)
        return f"{head}{note} (esc closes)"

    def on_mount(self) -> None:
        self._draw()
        if self._wants_history:
            self.read_history()
        if self.inventory is not None and self.drive_uuid is not None and not self.growth.empty:
            self.compute_forecast()

    @work(thread=True, exclusive=True, group="forecast", exit_on_error=False, description="forecasting")
    def compute_forecast(self) -> None:
        from explorer.data.forecast import forecast

        f = forecast(self.inventory, days=self.days)
        band = f.band(self.drive_uuid)
        note = ""
        if len(band):
            end = band.iloc[-1]
            note = (f"in {self.days} d: {human_bytes(int(end['bytes_forecast']))} "
                    f"({human_bytes(int(end['bytes_low']))}–{human_bytes(int(end['bytes_high']))}; {f.method})")
        self.post_message(ForecastReady(band, note))

    def _gone(self) -> bool:
        """A worker's result came after the screen was dismissed (or before its plots exist): drop it."""
        return not self.is_attached or not self.query("#growth-bytes")

    def on_forecast_ready(self, message: ForecastReady) -> None:
        if self._gone():
            return
        self.band, self.forecast_note = message.band, message.note
        self.query_one("#dialog-title", Label).update(self._title())
        self._draw()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False, description="reading the history")
    def read_history(self) -> None:
        # DuckDB is blocking (and may wait for a recorder's lock): never on the event loop.
        observed, note = recorded_growth(self.source, [self.drive_uuid], history=self.history)
        self.post_message(ObservedGrowthLoaded(observed, note))

    def on_observed_growth_loaded(self, message: ObservedGrowthLoaded) -> None:
        if self._gone():
            return
        observed = message.observed
        if observed is not None:
            observed = observed[observed["drive_uuid"] == self.drive_uuid]
        self.observed = observed
        if message.note:
            self.history_note = message.note
        elif observed is None:
            self.history_note = "no history store yet (snapshot-explorer record starts one)"
        elif observed.empty:
            self.history_note = "no recorded history for this drive"
        else:
            since = observed["observed_at"].min().strftime("%Y-%m-%d")
            self.history_note = f"observed: {len(observed):,} records since {since}, drawn as o points"
        self.query_one("#dialog-title", Label).update(self._title())
        self._draw()

    def _draw(self) -> None:
        # plotext wants strings for dates; GiB keeps the axis readable.
        series = []
        if not self.growth.empty:
            series.append(("reconstructed", self.growth["timestamp"], self.growth["cumulative_bytes"],
                           self.growth["snapshot_count"], "braille"))
        if self.observed is not None and not self.observed.empty:
            series.append(("observed", self.observed["observed_at"], self.observed["allocated_bytes"],
                           self.observed["snapshot_count"], "o"))
        band = self.band if self.band is not None and len(self.band) else None
        overlay = len(series) > 1 or band is not None
        for widget_id, column, title in (("#growth-bytes", 2, "allocated (GiB)"), ("#growth-count", 3, "snapshots")):
            widget = self.query_one(widget_id, PlotextPlot)
            plt = widget.plt
            plt.clear_data()
            plt.date_form(_DATE_FORM)
            for label, times, gib_bytes, count, marker in series:
                values = gib_bytes.astype("float64") / 2**30 if column == 2 else count.astype("float64")
                plt.plot(times.dt.strftime(_STRFTIME).tolist(), values.tolist(), marker=marker,
                         label=label if overlay else None)
            if band is not None and column == 2:  # the forecast band after the series (bytes only)
                when = band["timestamp"].dt.strftime(_STRFTIME).tolist()
                for key, label in (("bytes_high", "forecast high"), ("bytes_forecast", "forecast"),
                                   ("bytes_low", "forecast low")):
                    plt.plot(when, (band[key] / 2**30).tolist(), marker="dot", label=label)
            plt.title(title if series else f"{title}: nothing to draw")
            widget.refresh()
