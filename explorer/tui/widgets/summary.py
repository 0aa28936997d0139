"""The summary bar: count, allocated bytes, value at subscription price and burst now from snapshots."""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Static

from explorer.tui.formatting import human_bytes, money


@dataclass(frozen=True, slots=True)
class Summary:
    """What the bar shows, computed by the screen from the data layer's cost functions."""

    count: int
    allocated: int
    currency: str
    cost_subscription: float | None
    cost_burst: float | None  # at burst price, if none of it were subscribed: not a headline
    bursting: bool | None  # a resource holding snapshots bursts; None: usage not known (offline, no billing data)
    burst_now: float | None = None  # burst now from snapshots (explorer.data.cost.ATTRIBUTION_RULE)


class SummaryBar(Static):
    """One line of account-wide totals; the bursting note changes colour through a CSS class."""

    def show(self, summary: Summary) -> None:
        if summary.bursting is None:
            note = "bursting unknown"
        elif summary.bursting:
            note = "BURSTING: deleting snapshots saves money now"
        else:
            note = "snapshots within subscription: deleting frees subscribed space"
        self.set_class(bool(summary.bursting), "-bursting")
        self.update(
            f"[b]{summary.count:,}[/b] snapshots · [b]{human_bytes(summary.allocated)}[/b] allocated · "
            f"value {money(summary.cost_subscription, summary.currency)}/month at subscription price · "
            f"burst now from snapshots {money(summary.burst_now, summary.currency)}/month · {note}"
        )
