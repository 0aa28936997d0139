"""`connect()`: every configured location's inventory (or the labelled demo's two) in a notebook, with progress."""

from __future__ import annotations

import atexit
import contextlib
import getpass
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

from explorer.config import Settings, load_locations_settings
from explorer.data.commands import checked_load, failure_lines, offline_inventory
from explorer.data.inventory import Inventory
from explorer.data.locations import load_locations
from explorer.errors import ExplorerError
from explorer.notebook.progress import LoadProgress, in_kernel
from explorer.session import Session, open_sessions

if TYPE_CHECKING:
    from explorer.client.auth import Secret

# Sessions opened by connect() stay open for the kernel's lifetime: in demo mode the emulator
# thread behind them must outlive the cell that started it. They are closed by close() or atexit.
# A later connect() for the same account (or the demo again) reuses its sessions: one set of emulators per kernel.
_open: list[_OpenSession] = []

#: what the password prompt answers while connect() looks for an open session to reuse
_DEFERRED = "\0deferred-password-prompt"


@dataclass(slots=True)
class _OpenSession:
    stack: contextlib.ExitStack
    sessions: tuple[Session, ...]
    key: tuple
    passwords: tuple[Secret | None, ...]


def _account_key(group: tuple[Settings, ...]) -> tuple:
    """Which account (at which locations) a connection is for: the demo is one, else each location's
    endpoint, user and auth."""
    if any(s.demo for s in group):
        return ("demo",)
    return tuple((s.endpoint, s.username, s.auth_method, s.token) for s in group)


def _reusable(group: tuple[Settings, ...], *, prompted: bool) -> _OpenSession | None:
    """Open sessions of the same account (and, unless it was about to be asked for, the same passwords)."""
    key = _account_key(group)
    passwords = tuple(s.password for s in group)
    for entry in reversed(_open):
        if entry.key == key and (prompted or entry.key == ("demo",) or entry.passwords == passwords):
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
    """Load the inventory of every configured location, or of the embedded demo when none is configured.

    Settings come from the arguments (`region="ZRH,FRA"` for several locations), then the environment
    (`CLOUDSIGMA_USERNAME`, ...), then `~/.cloudsigma.conf`, else the demo (its two locations, ZRH in CHF and
    FRA in EUR; `inventory.source.demo` is True and the dashboards say so). Several locations load at once into
    one inventory (`explorer.data.locations`): its frames carry `location`, `inventory.parts` are the
    locations' own inventories and `inventory.failures` the ones that could not be loaded (the others still
    load). `offline=True` opens the last cached inventory. `progress=None` shows a bar only inside a kernel.
    Called again for the same account (or the demo again), it reloads through the sessions already open: one
    set of demo emulators per kernel, and no second password prompt. `close()` ends the sessions.
    """
    args = SimpleNamespace(demo=demo, region=region, endpoint=endpoint, username=username, config=config,
                           offline=offline)
    # A password is asked for only when no open session of the account can be reused.
    asked: list[str] = []

    def deferred(user: str) -> str:
        asked.append(user)
        return _DEFERRED

    group = load_locations_settings(args, prompt=deferred)
    if any(s.offline for s in group):
        return offline_inventory(args)
    reused = _reusable(group, prompted=bool(asked))
    if reused is None and asked:
        # In a kernel there is no terminal; elsewhere config's own prompt (or its clear error) applies.
        group = load_locations_settings(args, **({"prompt": _ask_password} if in_kernel() else {}))
    if reused is not None:
        _open.remove(reused)
        _open.append(reused)  # the most recent for current_session()
        where = ("the open demo emulators" if reused.key == ("demo",)
                 else "the open session to " + ", ".join(s.source.endpoint for s in reused.sessions))
        bar = LoadProgress(f"Reloading from {where}…", show=progress)
        return _load(reused.sessions, bar, cache)
    title = "Starting the embedded demo emulators…" if any(s.demo for s in group) else (
        "Connecting to " + ", ".join(s.endpoint or "" for s in group) + "…")
    bar = LoadProgress(title, show=progress)
    stack = contextlib.ExitStack()
    try:
        sessions = stack.enter_context(open_sessions(group))
        inv = _load(sessions, bar, cache)
    except ExplorerError as exc:
        stack.close()
        if bar.bar.bar_style != "danger":  # an error opening the sessions, before any load
            bar.finish(f"Could not load the inventory: {exc}", ok=False)
        raise
    except BaseException:
        stack.close()  # a bug or Ctrl-C: never leave an emulator thread behind
        raise
    _open.append(_OpenSession(stack, sessions, _account_key(group), tuple(s.password for s in group)))
    return inv


def _load(sessions: tuple[Session, ...], bar: LoadProgress, cache: bool) -> Inventory:
    """Every location of `sessions` into one inventory; raises when none of them gave any rows."""
    errors: list = []
    try:
        inv = checked_load(load_locations(sessions, progress=bar, cache=cache, errors=errors), errors,
                           len(sessions))
    except ExplorerError as exc:
        bar.finish(f"Could not load the inventory: {exc}", ok=False)
        raise
    bar.finish(_summary(inv))  # a failed location is named in it; the others loaded
    return inv


def _summary(inv: Inventory) -> str:
    n, drives = len(inv.snapshots), len(inv.drives)
    where = ("DEMO DATA from the embedded emulator (no account configured)" if inv.source.demo
             else f"{inv.source.account or 'account'} at {inv.source.endpoint}")
    line = f"Loaded {n:,} snapshots of {drives:,} drives — {where}."
    if not inv.parts:
        return line
    each = "; ".join(f"{p.location}: {len(p.snapshots):,} snapshots of {len(p.drives):,} drives ({p.currency})"
                     + (" — cached, stale" if p.source.offline else "") for p in inv.parts)
    return " ".join([line, f"Locations — {each}.", *failure_lines(inv)])


def current_session() -> Session | None:
    """The first location's session of the most recent `connect()` (the demo's ZRH emulator, e.g. to reach
    its clock), if any; :func:`current_sessions` gives every location's."""
    return _open[-1].sessions[0] if _open else None


def current_sessions() -> tuple[Session, ...]:
    """Every location's session of the most recent `connect()`, in location order (empty when none is open)."""
    return _open[-1].sessions if _open else ()


def close() -> None:
    """Close every session `connect()` opened (stops the demo emulator). Runs at interpreter exit too."""
    while _open:
        _open.pop().stack.close()


atexit.register(close)
