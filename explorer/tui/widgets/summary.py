"""The summary bar: count, allocated bytes and monthly cost (subscription and burst price)."""

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
    cost_burst: float | None
    bursting: bool | None  # a resource holding snapshots bursts; None: usage not known (offline, no billing data)


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
            f"monthly {money(summary.cost_subscription, summary.currency)} at subscription price, "
            f"{money(summary.cost_burst, summary.currency)} at burst price · {note}"
        )
