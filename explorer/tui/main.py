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
