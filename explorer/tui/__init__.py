"""The Textual TUI; :func:`make_app` is the one factory for the CLI and the tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer.data import Inventory, Source
    from explorer.tui.app import SnapshotExplorerApp


def make_app(
    client: Any,
    *,
    read_only: bool = False,
    source: Source | None = None,
    inventory: Inventory | None = None,
    poll_seconds: float = 1.0,
    load_on_start: bool = True,
    close_client: bool = False,
    warm_start: bool = False,
) -> SnapshotExplorerApp:
    """Build the app around an async client (or `client=None` to show a given, e.g. cached, inventory read-only).

    Several locations: `client` is `{location: async client}` (explorer.session.clients_by_location); they
    load at once into one inventory and each snapshot's writes go to its own location's client.

    `source` says where the data comes from (badges); by default it is taken from the
    client or the inventory. `poll_seconds` is how often creating snapshots and clone
    jobs are polled. `load_on_start=False` shows the given inventory without fetching
    (screenshots; a reload still happens on `r`). `close_client=True`: the app closes the client
    on its own event loop as it ends (the CLI's; tests keep using theirs after the app).
    `warm_start=True` (the CLI's): open on this account's cached inventory, if it has one, while the fresh
    one loads; writes wait for the fresh one.
    """
    from explorer.data import inventory_source
    from explorer.tui.app import SnapshotExplorerApp

    if source is None:
        first = next(iter(client.values()), None) if isinstance(client, Mapping) else client
        source = inventory.source if inventory is not None else inventory_source(first)
    if client is None and inventory is None:
        raise ValueError("make_app needs a client or an inventory")
    return SnapshotExplorerApp(client, source=source, read_only=read_only, inventory=inventory,
                               poll_seconds=poll_seconds, load_on_start=load_on_start, close_client=close_client,
                               warm_start=warm_start)


__all__ = ["make_app"]
