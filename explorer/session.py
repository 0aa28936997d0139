"""open_session(): a connected client for the settings, starting the embedded emulator in demo mode."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.config import DEMO_FLEET, DEMO_LOCATIONS, Settings, with_endpoint
from explorer.errors import ConfigError


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """Where a session is connected; the data layer turns it into its ``Source``. Never holds a secret."""

    endpoint: str
    demo: bool = False
    account: str | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A client (sync or async) and what it is connected to."""

    client: CloudSigmaClient | AsyncCloudSigmaClient
    source: SessionInfo
    settings: Settings
    #: the running emulator's handle in demo mode (its clock and fault controls), else None.
    emulator: Any = None
    #: the location's code (``ZRH``), or for an endpoint no table or ``/locations/`` names, its host[:port];
    #: always set by :func:`open_sessions`, None from :func:`open_session` for an endpoint it did not ask.
    location: str | None = None




@contextlib.contextmanager
def open_session(settings: Settings, *, asynchronous: bool = False, **client_options: Any) -> Iterator[Session]:
    """Yield a :class:`Session`; in demo mode the emulator runs (in its own thread) until the block ends.

    With ``asynchronous=True`` the client is an :class:`AsyncCloudSigmaClient` usable from
    any event loop (e.g. a Textual app's); close it there with ``await client.aclose()``,
    or leave that to the end of this block.
    """
    if settings.offline:
        raise ConfigError("offline mode reads the inventory cache; it has no API session to open")
    with contextlib.ExitStack() as stack:
        emulator = None
        if settings.demo:
            from explorer.emulator import running_emulator  # only demo mode pays for starting it

            emulator = stack.enter_context(running_emulator())
            settings = with_endpoint(settings, emulator.url, emulator.username, emulator.password)
        if not settings.endpoint:
            raise ConfigError("no endpoint to connect to")
        cls = AsyncCloudSigmaClient if asynchronous else CloudSigmaClient
        client = cls(settings.endpoint, **settings.client_kwargs(), **client_options)
        stack.callback(_close, client)
        info = SessionInfo(endpoint=client.endpoint, demo=settings.demo, account=settings.username)
        yield Session(client=client, source=info, settings=settings, emulator=emulator, location=settings.location)


@contextlib.contextmanager
def open_sessions(settings: Settings | Sequence[Settings], *, asynchronous: bool = False,
                  demo_locations: Sequence[tuple[str, int]] = DEMO_LOCATIONS,
                  **client_options: Any) -> Iterator[tuple[Session, ...]]:
    """Yield one :class:`Session` per location (explorer.config.load_locations_settings), in the given order.

    Demo settings open the demo's locations: one embedded emulator per ``(code, seed)`` of `demo_locations`
    (ZRH in CHF and FRA in EUR by default), started at the same time. A location whose code the settings do not
    know (an endpoint outside the documented table) is asked through its own client: the entry of the
    endpoint's ``GET /locations/`` whose ``api_endpoint`` is this endpoint names it, else its host[:port] does.
    Nothing is sent to a host other than the location's own.
    """
    group = (settings,) if isinstance(settings, Settings) else tuple(settings)
    if not group:
        raise ConfigError("no location to connect to")
    if any(s.offline for s in group):
        raise ConfigError("offline mode reads the inventory cache; it has no API session to open")
    with contextlib.ExitStack() as stack:
        emulators: list[Any] = [None] * len(group)
        if len(group) == 1 and group[0].demo:
            emulators = _start_demo(stack, demo_locations)
            group = tuple(replace(with_endpoint(group[0], e.url, e.username, e.password), location=e.location)
                          for e in emulators)
        if any(not s.endpoint for s in group):
            raise ConfigError("no endpoint to connect to")
        codes = _locations_of(group, client_options)
        cls = AsyncCloudSigmaClient if asynchronous else CloudSigmaClient
        sessions = []
        for s, emulator, code in zip(group, emulators, codes, strict=True):
            client = cls(s.endpoint, **s.client_kwargs(), **client_options)
            stack.callback(_close, client)
            info = SessionInfo(endpoint=client.endpoint, demo=s.demo, account=s.username)
            sessions.append(Session(client=client, source=info, settings=replace(s, location=code),
                                    emulator=emulator, location=code))
        yield tuple(sessions)


def clients_by_location(sessions: Sequence[Session]) -> dict[str, CloudSigmaClient | AsyncCloudSigmaClient]:
    """``{location: client}``: where each snapshot's writes go (its ``location`` column names the key)."""
    return {s.location or s.source.endpoint: s.client for s in sessions}


def _start_demo(stack: contextlib.ExitStack, demo_locations: Sequence[tuple[str, int]]) -> list[Any]:
    """Start the demo's emulators concurrently (each start is mostly waiting for uvicorn) and stop them at exit."""
    from explorer.emulator import running_emulator  # only demo mode pays for starting it

    managers = [running_emulator(location=code, seed=seed, **DEMO_FLEET) for code, seed in demo_locations]
    with ThreadPoolExecutor(max_workers=len(managers), thread_name_prefix="demo-start") as pool:
        started = [pool.submit(m.__enter__) for m in managers]
    handles = []
    errors = []
    for manager, future in zip(managers, started, strict=True):
        try:
            handles.append(future.result())
            stack.push(manager.__exit__)
        except Exception as exc:  # re-raised below, once the started ones are registered to stop
            errors.append(exc)
    if errors:
        raise errors[0]
    return handles


def _locations_of(group: Sequence[Settings], client_options: dict[str, Any]) -> list[str]:
    """Each location's code: known from the settings, else asked from its endpoint (concurrently)."""
    unknown = [i for i, s in enumerate(group) if not s.location]
    codes = [s.location for s in group]
    if unknown:
        with ThreadPoolExecutor(max_workers=len(unknown), thread_name_prefix="locations") as pool:
            for i, code in zip(unknown, pool.map(lambda i: ask_location(group[i], client_options), unknown),
                               strict=True):
                codes[i] = code
    return [c or "" for c in codes]


def ask_location(settings: Settings, client_options: dict[str, Any] | None = None) -> str:
    """The code ``GET /locations/`` of the settings' own endpoint gives it, else the endpoint's host[:port].

    The request goes to that endpoint only, with that location's own credentials (a failing location is
    named by its host and reports its failure when loaded).
    """
    from explorer.client import plans
    from explorer.errors import ExplorerError

    host = urlsplit(settings.endpoint or "").netloc.lower()
    from explorer.client.retry import RetryPolicy

    # One quick question: a location that is down is named by its host now and reports its failure when loaded.
    options = {"retry": RetryPolicy(max_attempts=2),
               **{k: v for k, v in (client_options or {}).items() if k in ("transport", "retry")}}
    try:
        with CloudSigmaClient(settings.endpoint, **settings.client_kwargs(), timeout=10.0, **options) as client:
            listed = client._run(plans.get("locations/", dict, {"limit": "0"}))
    except ExplorerError:
        return host
    own = urlsplit(client.endpoint)
    for obj in (listed or {}).get("objects") or ():
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or not obj.get("api_endpoint"):
            continue
        theirs = urlsplit(str(obj["api_endpoint"]))
        if (theirs.scheme, theirs.netloc.lower(), theirs.path.rstrip("/")) == \
                (own.scheme, own.netloc.lower(), own.path.rstrip("/")):
            return obj["id"].strip().upper()
    return host


def _close(client: CloudSigmaClient | AsyncCloudSigmaClient) -> None:
    if isinstance(client, CloudSigmaClient):
        client.close()
        return
    if client.closed:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        # No loop here (the app's loop has ended): close on a fresh one. Connections opened on
        # the finished loop cannot be closed gracefully any more; dropping them is all that is left.
        with contextlib.suppress(RuntimeError):
            asyncio.run(client.aclose())
        return
    # Inside a running loop (a sync `with` around async code): let the loop finish the close.
    _closing.add(task := loop.create_task(client.aclose()))
    task.add_done_callback(_closing.discard)


_closing: set[asyncio.Task] = set()  # keeps close tasks alive until done (the loop only holds weak refs)
