"""`g`: the current drive's snapshot growth drawn in the terminal (cumulative size and count over time)."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label
from textual_plotext import PlotextPlot

from explorer.tui.formatting import human_bytes


class GrowthScreen(ModalScreen[None]):
    """`growth` is this drive's slice of `data.drive_growth` (timestamp, cumulative_bytes, snapshot_count)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,g,q", "dismiss", "Close", id="growth.close", tooltip="Back to the table")
    ]

    def __init__(self, drive_name: str, growth: pd.DataFrame) -> None:
        super().__init__()
        self.drive_name = drive_name
        self.growth = growth

    def compose(self) -> ComposeResult:
        with Vertical(id="growth-dialog"):
            if self.growth.empty:
                yield Label(f"{self.drive_name}: no snapshots to draw.", id="dialog-title")
                return
            last = self.growth.iloc[-1]
            yield Label(
                f"Growth of {self.drive_name}: {int(last['snapshot_count'])} snapshots, "
                f"{human_bytes(int(last['cumulative_bytes']))} in total (esc closes)",
                id="dialog-title",
            )
            yield PlotextPlot(id="growth-bytes")
            yield PlotextPlot(id="growth-count")

    def on_mount(self) -> None:
        if self.growth.empty:
            return
        # plotext wants strings for dates; GiB keeps the axis readable.
        dates = self.growth["timestamp"].dt.strftime("%d/%m/%Y %H:%M:%S").tolist()
        gib = (self.growth["cumulative_bytes"].astype("float64") / 2**30).tolist()
        count = self.growth["snapshot_count"].astype("float64").tolist()
        for widget_id, values, title in (
            ("#growth-bytes", gib, "cumulative allocated (GiB)"),
            ("#growth-count", count, "snapshot count"),
        ):
            plt = self.query_one(widget_id, PlotextPlot).plt
            plt.date_form("d/m/Y H:M:S")
            plt.plot(dates, values, marker="braille")
            plt.title(title)
