"""`snapshot-explorer` / `snapshot-explorer tui`: resolve settings, open the session, run the app."""

from __future__ import annotations

from typing import Any


def run(args: Any) -> int:
    """Run the TUI for parsed CLI flags; returns the exit status.

    No credentials: the embedded demo emulator (DEMO badge). `--offline`: the cached
    inventory, read-only. `--read-only`: every write disabled. Otherwise the app opens on the
    account's (or the demo's) cached inventory at once and swaps in the fresh one when it arrives.
    """
    from explorer.tui import make_app

    if getattr(args, "offline", False):
        # Before any settings: the cache needs no credentials, so nothing may prompt for a password.
        from explorer.data.commands import offline_inventory

        app = make_app(None, read_only=True, inventory=offline_inventory(args))
        app.run()
        return app.return_code or 0

    from explorer.config import load_locations_settings

    settings = load_locations_settings(args)
    read_only = bool(getattr(args, "read_only", False))
    preview = _launch_preview(settings)
    if preview is not None:
        return _run_previewed(settings, read_only, preview)

    from explorer.data import inventory_source
    from explorer.session import clients_by_location, open_sessions

    # Several locations (and the demo's two): one inventory, each snapshot's writes to its own location.
    with open_sessions(settings, asynchronous=True) as sessions:
        source = inventory_source(sessions[0].source)
        if len(sessions) == 1:
            app = make_app(sessions[0].client, read_only=read_only, source=source, close_client=True, warm_start=True)
        else:  # the warm start reads each location's own cache
            app = make_app(clients_by_location(sessions), read_only=read_only, source=source, close_client=True,
                           warm_start=True)
        app.run()
    return app.return_code or 0


def _group(settings: Any) -> tuple:
    return tuple(settings) if isinstance(settings, (list, tuple)) else (settings,)


def _launch_preview(settings: Any) -> dict | None:
    """The preview of the cache this start would warm-start from (explorer.data.preview), or None: no cache
    with a preview, a cache saved since, or slots only the session can name."""
    from explorer.data.preview import read_preview, settings_slots

    try:
        return read_preview(settings_slots(_group(settings)))
    except (OSError, ValueError):
        return None


def _run_previewed(settings: Any, read_only: bool, preview: dict) -> int:
    """The warm start with a first paint that needs only Textual: the preview is drawn at once; the session
    is opened and pandas & co imported in a thread (SnapshotExplorerApp.launching), then the browser takes over."""
    import contextlib

    from explorer.tui.app import SnapshotExplorerApp

    stack = contextlib.ExitStack()

    def launch() -> dict[str, Any]:
        from explorer.data import inventory_source
        from explorer.session import clients_by_location, open_sessions

        sessions = stack.enter_context(open_sessions(settings, asynchronous=True))
        client = sessions[0].client if len(sessions) == 1 else clients_by_location(sessions)
        return {"client": client, "source": inventory_source(sessions[0].source)}

    demo = any(getattr(s, "demo", False) for s in _group(settings))
    app = SnapshotExplorerApp.launching(preview, launch, demo=demo, read_only=read_only)
    try:
        app.run()
    finally:
        if app.launch_thread is not None:
            app.launch_thread.join()  # q on the preview while the session opens: close it once it is open
        stack.close()
    if app.launch_error is not None:
        raise app.launch_error
    return app.return_code or 0
