"""`connect()`: the configured account's inventory (or the labelled demo) for a notebook, with a progress bar."""

from __future__ import annotations

import atexit
import contextlib
import getpass
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

from explorer.config import Settings, load_settings
from explorer.data import inventory_source, load_cached_inventory, load_inventory
from explorer.data.inventory import Inventory
from explorer.errors import ExplorerError
from explorer.notebook.progress import LoadProgress, in_kernel
from explorer.session import Session, open_session

if TYPE_CHECKING:
    from explorer.client.auth import Secret

# Sessions opened by connect() stay open for the kernel's lifetime: in demo mode the emulator
# thread behind them must outlive the cell that started it. They are closed by close() or atexit.
# A later connect() for the same account (or the demo again) reuses its session: one emulator per kernel.
_open: list[_OpenSession] = []

#: what the password prompt answers while connect() looks for an open session to reuse
_DEFERRED = "\0deferred-password-prompt"


@dataclass(slots=True)
class _OpenSession:
    stack: contextlib.ExitStack
    session: Session
    key: tuple
    password: Secret | None


def _account_key(settings: Settings) -> tuple:
    """Which account a session is for: the demo is one, an account is its endpoint, user and auth."""
    if settings.demo:
        return ("demo",)
    return (settings.endpoint, settings.username, settings.auth_method, settings.token)


def _reusable(settings: Settings, *, prompted: bool) -> _OpenSession | None:
    """An open session for the same account (and, unless it was about to be asked for, the same password)."""
    key = _account_key(settings)
    for entry in reversed(_open):
        if entry.key == key and (prompted or entry.password == settings.password):
            return entry
    return None


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
    Called again for the same account (or the demo again), it reloads through the session already
    open: one emulator per kernel, and no second password prompt. `close()` ends the sessions.
    """
    args = SimpleNamespace(demo=demo, region=region, endpoint=endpoint, username=username, config=config,
                           offline=offline)
    # A password is asked for only when no open session of the account can be reused.
    asked: list[str] = []

    def deferred(user: str) -> str:
        asked.append(user)
        return _DEFERRED

    settings = load_settings(args, prompt=deferred)
    if settings.offline:
        return load_cached_inventory()
    reused = _reusable(settings, prompted=bool(asked))
    if reused is None and asked:
        # In a kernel there is no terminal; elsewhere config's own prompt (or its clear error) applies.
        settings = load_settings(args, **({"prompt": _ask_password} if in_kernel() else {}))
    if reused is not None:
        _open.remove(reused)
        _open.append(reused)  # the most recent for current_session()
        where = "the open demo emulator" if settings.demo else f"the open session to {reused.session.source.endpoint}"
        bar = LoadProgress(f"Reloading from {where}…", show=progress)
        try:
            inv = load_inventory(reused.session.client, progress=bar, source=inventory_source(reused.session),
                                 cache=cache)
        except ExplorerError as exc:
            bar.finish(f"Could not load the inventory: {exc}", ok=False)
            raise
        bar.finish(_summary(inv))
        return inv
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
    _open.append(_OpenSession(stack, session, _account_key(settings), settings.password))
    bar.finish(_summary(inv))
    return inv


def _summary(inv: Inventory) -> str:
    n, drives = len(inv.snapshots), len(inv.drives)
    where = ("DEMO DATA from the embedded emulator (no account configured)" if inv.source.demo
             else f"{inv.source.account or 'account'} at {inv.source.endpoint}")
    return f"Loaded {n:,} snapshots of {drives:,} drives — {where}."


def current_session() -> Session | None:
    """The most recent session opened by `connect()` (e.g. to reach the demo emulator's clock), if any."""
    return _open[-1].session if _open else None


def close() -> None:
    """Close every session `connect()` opened (stops the demo emulator). Runs at interpreter exit too."""
    while _open:
        _open.pop().stack.close()


atexit.register(close)
