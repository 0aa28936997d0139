"""The top line: app name, DEMO / READ-ONLY / OFFLINE badges, and where the data comes from (shortened to fit)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import pandas as pd
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from explorer.data import Source
from explorer.data.units import human_age


def where_texts(source: Source, *, cached_at: pd.Timestamp | None = None, now: pd.Timestamp | None = None,
                stale: str | None = None, locations: Sequence[str] = ()) -> list[str]:
    """Ways to say where the data comes from, longest first (the title bar shows the longest that fits).

    Offline, the endpoint is not being talked to: the line says how old the cache is instead of
    naming a (possibly long gone) demo emulator's address. Online with `cached_at` (a warm start),
    the rows are the cache until the fresh load arrives; `stale`: why that load failed.
    Several `locations`: every text starts with their codes (`ZRH+FRA: ...`) instead of one endpoint.
    """
    if len(locations) > 1:
        return _several_texts(source, list(locations), cached_at=cached_at, now=now, stale=stale)
    host = urlsplit(source.endpoint).hostname or source.endpoint
    who = f"{source.account} @ " if source.account else ""
    if source.offline or cached_at is not None:
        age = "" if cached_at is None else human_age((now or pd.Timestamp.now(tz="UTC")) - cached_at)
        cached = f"cached {age} ago" if age else "cached"
        if not source.offline and stale is not None:
            return [f"{cached}; refresh failed: {stale}", f"{cached}; refresh failed", cached]
        if not source.offline:
            return [f"{cached}, refreshing from {who}{host}", f"{cached}, refreshing…", cached]
        if source.demo:
            return [f"{cached} from the demo emulator", f"{cached}, demo", cached]
        return [f"{cached} from {who}{host}", f"{cached} from {host}", cached]
    if source.demo:
        return [f"embedded demo emulator at {source.endpoint} (no credentials configured)",
                "embedded demo emulator (no credentials configured)", "demo emulator, no credentials", "demo"]
    return [f"{who}{source.endpoint}", f"{who}{host}", host]


def _cached_text(cached_at: pd.Timestamp | None, now: pd.Timestamp | None) -> str:
    age = "" if cached_at is None else human_age((now or pd.Timestamp.now(tz="UTC")) - cached_at)
    return f"cached {age} ago" if age else "cached"


def _several_texts(source: Source, codes: list[str], *, cached_at: pd.Timestamp | None, now: pd.Timestamp | None,
                   stale: str | None) -> list[str]:
    """:func:`where_texts` for several locations: `ZRH+FRA: <detail>`, the details longest first; the cache's
    age is never dropped (when the codes are too many, `ZRH+3 more: cached 5m ago`)."""
    who = source.account or ""
    joined, short = "+".join(codes), f"{codes[0]}+{len(codes) - 1} more"
    places = [joined, short] if len(short) < len(joined) else [joined]
    if source.offline or cached_at is not None:
        cached = _cached_text(cached_at, now)
        if not source.offline and stale is not None:
            details = [f"{cached}; refresh failed: {stale}", f"{cached}; refresh failed", cached]
        elif not source.offline:
            details = [*([f"{cached} of {who}, refreshing…"] if who else []), f"{cached}, refreshing…", cached]
        elif source.demo:
            details = [f"{cached} from the demo emulators", f"{cached}, demo", cached]
        else:
            details = [f"{cached} of {who}", cached] if who else [cached]
        return [f"{place}: {d}" for place in places for d in details]
    if source.demo:
        details = ["embedded demo emulators (no credentials configured)", "demo emulators, no credentials", "demo"]
    else:
        details = [who] if who else []
    return [f"{place}: {d}" for place in places for d in details] + places


class TitleBar(Horizontal):
    """Badges are labels with their own CSS class so the theme colours them; they never give way."""

    DEFAULT_CSS = """
    TitleBar { height: 1; }
    TitleBar Label { padding: 0 1; }
    TitleBar #where { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, source: Source, *, read_only: bool, cached_at: pd.Timestamp | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.read_only = read_only
        #: when an offline inventory was loaded (its age is shown, kept current once a minute)
        self.cached_at = cached_at
        #: why the fresh load failed while a warm start shows the cache (a STALE badge then)
        self.stale: str | None = None
        #: the codes of the screen's locations when it has several (`ZRH+FRA` in the title); found on mount
        self.locations: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Label("Snapshot Explorer", id="app-name")
        if self.source.demo:
            yield Label("DEMO", classes="badge -demo", id="badge-demo")
        if self.source.offline:
            yield Label("OFFLINE", classes="badge -offline", id="badge-offline")
        if self.read_only:
            yield Label("READ-ONLY", classes="badge -read-only", id="badge-read-only")
        stale = Label("STALE", classes="badge -offline", id="badge-stale")
        stale.display = False
        yield stale
        yield Label(where_texts(self.source, cached_at=self.cached_at)[0], id="where", markup=False)

    def on_mount(self) -> None:
        self.locations = _screen_locations(self.screen)
        if self.locations:
            self.call_after_refresh(self._fit)
        if self.source.offline:
            self.set_interval(30, self._fit)

    def show_cache(self, cached_at: pd.Timestamp | None, stale: str | None = None) -> None:
        """A warm start: the rows are the cache of `cached_at` (None: fresh rows now); `stale`: the refresh failed."""
        if cached_at is not None and self.cached_at is None and not self.source.offline:
            self.set_interval(30, self._fit)  # the age keeps counting while the cache is shown
        self.cached_at, self.stale = cached_at, stale
        self.query_one("#badge-stale", Label).display = stale is not None
        self.call_after_refresh(self._fit)

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        """The longest description that fits beside the name and the badges (those are never cut)."""
        where = self.query_one("#where", Label)
        others = sum(w.outer_size.width for w in self.query(Label) if w is not where)
        room = self.size.width - others - 2  # the label's own padding
        texts = where_texts(self.source, cached_at=self.cached_at, stale=self.stale, locations=self.locations)
        where.update(next((t for t in texts if len(t) <= room), texts[-1]))


def _screen_locations(screen) -> tuple[str, ...]:
    """The codes of the locations a screen shows when there are several, else ``()``: its clients'
    (`{location: client}`, online) or its inventory's parts and failed locations (offline)."""
    codes = list(getattr(screen, "clients", None) or ())
    inv = getattr(screen, "inventory", None)
    if not codes and inv is not None:
        codes = [p.location for p in inv.parts if p.location] + [f.location for f in inv.failures]
    codes = list(dict.fromkeys(str(c) for c in codes))
    return tuple(codes) if len(codes) > 1 else ()
