"""The Textual App: holds the client and settings, pushes the browser, offers palette commands."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

from explorer.data import Inventory, Source
from explorer.tui.screens.browser import BrowserScreen

#: bindings that make no sense as a palette command (Esc steps back from where the focus is)
PALETTE_SKIPS = {"back"}


class SnapshotExplorerApp(App[None]):
    """Build it with :func:`explorer.tui.make_app`; all state lives in the browser screen."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "Snapshot Explorer"

    def __init__(self, client, *, source: Source, read_only: bool = False, inventory: Inventory | None = None,
                 poll_seconds: float = 1.0, load_on_start: bool = True, close_client: bool = False,
                 warm_start: bool = False) -> None:
        super().__init__()
        self.client = client
        #: close the (async) client on the app's own event loop as it ends: its connections belong to that
        #: loop, and closing them after it has gone leaves unclosed transports behind (`-X dev` warns)
        self.close_client = close_client
        self.source = source
        self.read_only = read_only
        self.browser = BrowserScreen(client, source=source, read_only=read_only, inventory=inventory,
                                     poll_seconds=poll_seconds, load_on_start=load_on_start, warm_start=warm_start)

    def on_mount(self) -> None:
        self.push_screen(self.browser)

    async def on_unmount(self) -> None:
        if self.close_client and self.client is not None:
            for client in self.client.values() if isinstance(self.client, Mapping) else (self.client,):
                await client.aclose()  # several locations: each one's

    async def on_event(self, event: events.Event) -> None:
        # A key typed right after `q` arrives once the screens are gone: Textual would fail on it.
        if isinstance(event, events.Key) and (self._exit or not self._screen_stack):
            return
        await super().on_event(event)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel would be a second, thinner help next to ours (`?`).
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")
        # The palette offers the same commands as the keys, with the same read-only rule; the callback
        # returns the awaitable action, which the palette awaits, so the command runs as its key does.
        for binding in BrowserScreen.BINDINGS:
            if binding.action.startswith("app.") or binding.id in PALETTE_SKIPS:
                continue
            yield SystemCommand(
                f"{binding.description} ({binding.key_display or binding.key})",
                binding.tooltip,
                lambda action=binding.action: self.browser.run_command(action),
            )
