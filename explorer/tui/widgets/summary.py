"""The summary bar: count, allocated bytes, value at subscription price and burst now from snapshots."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
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


def summary_texts(summary: Summary) -> list[str]:
    """The bar's line, longest first (markup): the bar shows the longest that fits. Money is shown only with
    its basis; the bursting verdict is in every one, so it survives any terminal width."""
    count = f"[b]{summary.count:,}[/b] snapshots"
    size = f"[b]{human_bytes(summary.allocated)}[/b]"
    value = money(summary.cost_subscription, summary.currency)
    burst_now = money(summary.burst_now, summary.currency)
    if summary.bursting is None:
        note = short = tiny = "bursting unknown"
    elif summary.bursting:
        note, short, tiny = "BURSTING: deleting snapshots saves money now", "BURSTING: deleting saves money now", \
            "BURSTING"
    else:
        note, short = "snapshots within subscription: deleting frees subscribed space", "within subscription"
        tiny = short
    return [
        f"{count} · {size} allocated · value {value}/month at subscription price · "
        f"burst now from snapshots {burst_now}/month · {note}",
        f"{count} · {size} · value {value}/mo at subscription price · "
        f"burst now from snapshots {burst_now}/mo · {short}",
        f"{count} · {size} · value {value}/mo at sub. price · burst now {burst_now}/mo · {short}",
        f"{count} · {size} · value {value}/mo at sub. price · burst now {burst_now}/mo · {tiny}",
        f"{count} · value {value}/mo · burst now {burst_now}/mo · {tiny}",
        f"value {value}/mo · burst now {burst_now}/mo · {tiny}",
        f"{count} · {size} · {note}",
        f"{count} · {size} · {short}",
        f"{count} · {short}",
        short,
    ]


def failure_reason(error: Exception, endpoint: str) -> str:
    """Why a load failed, in a few words (the summary and the title say it; the notice says what to do)."""
    from explorer.errors import ApiError, AuthenticationError, TransportError

    if isinstance(error, AuthenticationError):
        return "CloudSigma refused the credentials"
    if isinstance(error, ApiError):
        return f"CloudSigma answered HTTP {error.status_code}"
    if isinstance(error, TransportError):
        return f"could not reach {endpoint}"
    return str(error)


class SummaryBar(Static):
    """One line of account-wide totals; the bursting note changes colour through a CSS class."""

    _texts: list[str] | None = None

    def show(self, summary: Summary) -> None:
        self.set_class(bool(summary.bursting), "-bursting")
        self._texts = summary_texts(summary)
        self._fit()

    def show_failure(self, error: Exception, endpoint: str) -> None:
        """The first load failed: say so here too (the notice says why and what to do), never "Loading…" forever."""
        why = failure_reason(error, endpoint)
        self.set_class(False, "-bursting")
        self._texts = [f"Not loaded: {why} · r retries", f"Not loaded: {why}", "Not loaded · r retries"]
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        if self._texts is None:
            return
        room = self.size.width - 2  # padding
        self.update(next((t for t in self._texts if Text.from_markup(t).cell_len <= room), self._texts[-1]))
