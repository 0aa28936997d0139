"""The Textual App: holds the client and settings, pushes the browser, offers palette commands.

Importing this module imports Textual only: the browser (pandas, numpy, pyarrow) is imported as the app is
built, or, for a launch with a preview (:meth:`SnapshotExplorerApp.launching`), in a thread once the preview
is on screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from explorer.data import Inventory, Source
    from explorer.tui.screens.browser import BrowserScreen

#: bindings that make no sense as a palette command (Esc steps back from where the focus is)
PALETTE_SKIPS = {"back"}


class SnapshotExplorerApp(App[None]):
    """Build it with :func:`explorer.tui.make_app`; all state lives in the browser screen."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "Snapshot Explorer"

    #: a launch with a preview: what `launching` was given, and the thread that runs it (None otherwise)
    _launch: Callable[[], dict[str, Any]] | None = None
    _preview: dict | None = None
    _demo: bool = False
    launch_thread: threading.Thread | None = None
    #: why the launch failed (the app exits; the CLI raises it), else None
    launch_error: BaseException | None = None

    def __init__(self, client, *, source: Source | None, read_only: bool = False, inventory: Inventory | None = None,
                 poll_seconds: float = 1.0, load_on_start: bool = True, close_client: bool = False,
                 warm_start: bool = False, browser: bool = True) -> None:
        super().__init__()
        self.client = client
        #: close the (async) client on the app's own event loop as it ends: its connections belong to that
        #: loop, and closing them after it has gone leaves unclosed transports behind (`-X dev` warns)
        self.close_client = close_client
        self.source = source
        self.read_only = read_only
        self.browser: BrowserScreen | None = None
        if browser:
            from explorer.tui.screens.browser import BrowserScreen

            self.browser = BrowserScreen(client, source=source, read_only=read_only, inventory=inventory,
                                         poll_seconds=poll_seconds, load_on_start=load_on_start,
                                         warm_start=warm_start)

    @classmethod
    def launching(cls, preview: dict, launch: Callable[[], dict[str, Any]], *, demo: bool = False,
                  read_only: bool = False) -> SnapshotExplorerApp:
        """An app that first shows `preview` (explorer.data.preview; Textual only), then, in a thread, calls
        `launch()` (which opens the session) and imports the browser, which then replaces the preview.

        `launch()` returns the client (`client`, one or `{location: client}`) and its `source`; the browser
        warm-starts on them with `close_client=True`, as the CLI's start does. Its exception ends the app
        (`launch_error`).
        """
        app = cls(None, source=None, read_only=read_only, close_client=True, browser=False)
        app._launch, app._preview, app._demo = launch, preview, demo
        return app

    def on_mount(self) -> None:
        if self.browser is not None:
            self.push_screen(self.browser)
            return
        from explorer.tui.screens.preview import PreviewScreen

        self.push_screen(PreviewScreen(self._preview or {}, demo=self._demo, read_only=self.read_only))
        # after the first frame: the imports would otherwise share the CPU with drawing the preview
        self.call_after_refresh(self._start_launch)

    def _start_launch(self) -> None:
        self.launch_thread = threading.Thread(target=self._run_launch, name="launch", daemon=True)
        self.launch_thread.start()

    def _run_launch(self) -> None:
        try:
            opened = self._launch()
            import explorer.tui.screens.browser  # noqa: F401  (the heavy imports, off the event loop)
        except BaseException as exc:  # the CLI raises it once the app has ended (unless q ended it first)
            if not self._exit:
                self.launch_error = exc
            self._call_if_running(lambda: self.exit(return_code=1))
            return
        self._call_if_running(self._open_browser, opened)

    def _call_if_running(self, callback, *args) -> None:
        # Never waits for the loop (`call_from_thread` would, for ever, if it ended meanwhile: q on the preview);
        # a closed loop raises RuntimeError. The CLI closes whatever was opened once the app has ended.
        loop = self._loop
        if loop is None or self._exit:
            return

        async def call() -> None:
            with self._context():  # as call_from_thread runs it: the app is the active one
                callback(*args)

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(call(), loop)  # not waited for

    def _open_browser(self, opened: dict[str, Any]) -> None:
        from explorer.tui.screens.browser import BrowserScreen

        if self._exit:
            return
        self.client, self.source = opened["client"], opened["source"]
        self.browser = BrowserScreen(self.client, source=self.source, read_only=self.read_only, warm_start=True)
        self.switch_screen(self.browser)

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
        if self.browser is None:
            return  # the launch preview: nothing to act on yet
        from explorer.tui.screens.browser import BrowserScreen

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
