"""`connect()`: the configured account's inventory (or the labelled demo) for a notebook, with a progress bar."""

from __future__ import annotations

import atexit
import contextlib
import getpass
from types import SimpleNamespace

from explorer.config import load_settings
from explorer.data import inventory_source, load_cached_inventory, load_inventory
from explorer.data.inventory import Inventory
from explorer.errors import ExplorerError
from explorer.notebook.progress import LoadProgress, in_kernel
from explorer.session import Session, open_session

# Sessions opened by connect() stay open for the kernel's lifetime: in demo mode the emulator
# thread behind them must outlive the cell that started it. They are closed by close() or atexit.
_open: list[tuple[contextlib.ExitStack, Session]] = []


def _ask_password(username: str) -> str:
    # Jupyter forwards getpass to the browser; a plain terminal prompt is what config.py does elsewhere.
    return getpass.getpass(f"CloudSigma password for {username}: ")


def connect(
    *,
    demo: bool = False,
    region: str | None = None,
    endpoint: str | None = None,
    username: str | None = None,
    config: str | None = None,
    offline: bool = False,
    progress: bool | None = None,
    cache: bool = True,
) -> Inventory:
    """Load the inventory of the configured account, or of the embedded demo when none is configured.

    Settings come from the arguments, then the environment (`CLOUDSIGMA_USERNAME`, ...), then
    `~/.cloudsigma.conf`, else the demo (`inventory.source.demo` is True and the dashboards say so).
    `offline=True` opens the last cached inventory. `progress=None` shows a bar only inside a kernel.
    """
    args = SimpleNamespace(demo=demo, region=region, endpoint=endpoint, username=username, config=config,
                           offline=offline)
    # In a kernel there is no terminal; elsewhere config's own prompt (or its clear error) applies.
    settings = load_settings(args, **({"prompt": _ask_password} if in_kernel() else {}))
    if settings.offline:
        return load_cached_inventory()
    title = "Starting the embedded demo emulator…" if settings.demo else f"Connecting to {settings.endpoint}…"
    bar = LoadProgress(title, show=progress)
    stack = contextlib.ExitStack()
    try:
        session = stack.enter_context(open_session(settings))
        inv = load_inventory(session.client, progress=bar, source=inventory_source(session), cache=cache)
    except ExplorerError as exc:
        stack.close()
        bar.finish(f"Could not load the inventory: {exc}", ok=False)
        raise
    except BaseException:
        stack.close()  # a bug or Ctrl-C: never leave an emulator thread behind
        raise
    _open.append((stack, session))
    bar.finish(_summary(inv))
    return inv


def _summary(inv: Inventory) -> str:
    n, drives = len(inv.snapshots), len(inv.drives)
    where = ("DEMO DATA from the embedded emulator (no account configured)" if inv.source.demo
             else f"{inv.source.account or 'account'} at {inv.source.endpoint}")
    return f"Loaded {n:,} snapshots of {drives:,} drives — {where}."


def current_session() -> Session | None:
    """The most recent session opened by `connect()` (e.g. to reach the demo emulator's clock), if any."""
    return _open[-1][1] if _open else None


def close() -> None:
    """Close every session `connect()` opened (stops the demo emulator). Runs at interpreter exit too."""
    while _open:
        stack, _session = _open.pop()
        stack.close()


atexit.register(close)
