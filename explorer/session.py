"""open_session(): a connected client for the settings, starting the embedded emulator in demo mode."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.config import Settings, with_endpoint
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
        yield Session(client=client, source=info, settings=settings, emulator=emulator)


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
