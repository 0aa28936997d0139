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


def location_texts(location: str, summary: Summary | None, failure=None, *, now=None) -> list[str]:
    """One location's line of the bar, longest first (markup): its code, then its own figures in its own
    currency; a location that failed to load says so with the reason (and how old its cached rows are)."""
    import pandas as pd
    from rich.markup import escape

    from explorer.data.units import human_age

    code = f"[b]{escape(location)}[/b]"
    texts = [] if summary is None else summary_texts(summary)
    if failure is None:
        return [f"{code} {t}" for t in texts]
    reason, short = escape(failure.reason), escape(short_reason(failure.reason))
    if summary is None or failure.stale_since is None:
        return [f"{code} not loaded: {reason} · r retries", f"{code} not loaded: {short} · r retries",
                f"{code} not loaded: {short}"]
    age = human_age((now or pd.Timestamp.now(tz="UTC")) - failure.stale_since)
    stale = f"{code} [b]stale, cached {age} ago[/b]"
    return ([f"{stale} ({reason}) · {t}" for t in texts] + [f"{stale} ({short}) · {t}" for t in texts]
            + [f"{stale} ({short}) · {summary.count:,} snapshots · {_tiny(summary)}",
               f"{stale} ({short}) · {_tiny(summary)}", f"{stale}: {short}"])


def _tiny(summary: Summary) -> str:
    """The bursting verdict in the fewest words."""
    return {None: "bursting unknown", True: "BURSTING"}.get(summary.bursting, "within subscription")


def short_reason(reason: str) -> str:
    """A load failure's message in a few words for a narrow line (`HTTP 401 Unauthorized`, `could not connect
    to 10.0.0.1`); the whole message where there is room."""
    import re

    status = re.search(r"\b(?:failed with|HTTP) (\d{3}(?: [A-Z][A-Za-z]*)*)", reason)
    if status:
        return f"HTTP {status.group(1)}"
    reach = re.search(r"(could not (?:connect to|reach) [^\s(]+|timed out)", reason)
    if reach:
        return reach.group(1)
    return reason if len(reason) <= 40 else reason[:39] + "…"


class SummaryBar(Static):
    """Account-wide totals (a line per location when there are several); the bursting note changes colour
    through a CSS class."""

    _texts: list[str] | None = None
    #: several locations: one list of candidate texts per line
    _lines: list[list[str]] | None = None

    def show(self, summary: Summary, locations: tuple = (), failures: tuple = ()) -> None:
        """`locations`: (code, Summary) of each location of a combined inventory; `failures`: the
        LocationFailures of its locations that could not be loaded (named with their reason)."""
        failed = {f.location: f for f in failures}
        if not locations and not failures:
            self.set_class(bool(summary.bursting), "-bursting")
            self._texts, self._lines = summary_texts(summary), None
            self.styles.height = 1
            self._fit()
            return
        self.set_class(any(s.bursting for _, s in locations), "-bursting")
        shown = {code for code, _ in locations}
        self._lines = [location_texts(code, s, failed.get(code)) for code, s in locations]
        self._lines += [location_texts(f.location, None, f) for f in failures if f.location not in shown]
        self._texts = None
        self.styles.height = len(self._lines)
        self._fit()

    def show_failure(self, error: Exception, endpoint: str) -> None:
        """The first load failed: say so here too (the notice says why and what to do), never "Loading…" forever."""
        why = failure_reason(error, endpoint)
        self.set_class(False, "-bursting")
        self._texts = [f"Not loaded: {why} · r retries", f"Not loaded: {why}", "Not loaded · r retries"]
        self._lines = None
        self.styles.height = 1
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        room = self.size.width - 2  # padding
        if self._lines is not None:
            self.update(Text("\n").join(_longest(texts, room) for texts in self._lines))
            return
        if self._texts is None:
            return
        self.update(next((t for t in self._texts if Text.from_markup(t).cell_len <= room), self._texts[-1]))


def _longest(texts: list[str], room: int) -> Text:
    """The longest of `texts` that fits in `room` cells, else the shortest cut to it with `…`."""
    for t in texts:
        text = Text.from_markup(t)
        if text.cell_len <= room:
            return text
    text = Text.from_markup(texts[-1])
    text.truncate(max(room, 1), overflow="ellipsis")
    return text
