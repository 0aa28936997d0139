"""The top line: app name, DEMO / READ-ONLY / OFFLINE badges, and where the data comes from (shortened to fit)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from explorer.data import Source
from explorer.data.units import human_age


def where_texts(source: Source, *, cached_at: pd.Timestamp | None = None, now: pd.Timestamp | None = None,
                stale: str | None = None) -> list[str]:
    """Ways to say where the data comes from, longest first (the title bar shows the longest that fits).

    Offline, the endpoint is not being talked to: the line says how old the cache is instead of
    naming a (possibly long gone) demo emulator's address. Online with `cached_at` (a warm start),
    the rows are the cache until the fresh load arrives; `stale`: why that load failed.
    """
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
        texts = where_texts(self.source, cached_at=self.cached_at, stale=self.stale)
        where.update(next((t for t in texts if len(t) <= room), texts[-1]))
