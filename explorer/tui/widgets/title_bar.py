"""The top line: app name, where the data comes from, and DEMO / READ-ONLY / OFFLINE badges."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from explorer.data import Source


class TitleBar(Horizontal):
    """Badges are labels with their own CSS class so the theme colours them."""

    DEFAULT_CSS = """
    TitleBar { height: 1; }
    TitleBar Label { padding: 0 1; }
    TitleBar #where { width: 1fr; }
    """

    def __init__(self, source: Source, *, read_only: bool, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        yield Label("Snapshot Explorer", id="app-name")
        if self.source.demo:
            yield Label("DEMO", classes="badge -demo", id="badge-demo")
        if self.source.offline:
            yield Label("OFFLINE", classes="badge -offline", id="badge-offline")
        if self.read_only:
            yield Label("READ-ONLY", classes="badge -read-only", id="badge-read-only")
        if self.source.demo:
            where = f"embedded demo emulator at {self.source.endpoint} (no credentials configured)"
        else:
            who = f"{self.source.account} @ " if self.source.account else ""
            where = f"{who}{self.source.endpoint}"
        yield Label(where, id="where")
