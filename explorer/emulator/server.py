"""Serve the emulator with uvicorn in a background thread; `running_emulator` yields a handle to it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import uvicorn

from explorer.emulator.app import create_app
from explorer.emulator.state.core import EmulatorState, parse_users
from explorer.errors import EmulatorError

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or an EmulatorError saying in one line why there is none."""
    if not 0 <= port <= 65535:
        raise EmulatorError(f"cannot listen on port {port}: a port is a number from 0 to 65535 (0 picks a free one)")
    where = f"{host}:{port}" if port else host
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise EmulatorError(f"cannot listen on {host!r}: no such host ({exc.strerror})") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: restart at once
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise EmulatorError(f"cannot listen on {where}: {exc.strerror or exc}") from None
    return sock


class EmulatorServer:
    """uvicorn on `host:port` (0 = a free port) in a daemon thread; `start()` returns once it listens."""

    def __init__(self, app, *, host: str = "127.0.0.1", port: int = 0, sock: socket.socket | None = None):
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                                http="h11", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name="cloudsigma-emulator", daemon=True)
        # Set when uvicorn's loop has returned. Waiting on it, not on Thread.join: a Ctrl-C that interrupts a
        # join marks the thread stopped while it still runs (CPython 3.11), and stop() would then return at once.
        self._finished = threading.Event()
        self._socket = sock  # already listening (see `bind`), else bound by start()
        self.host = host
        self.port = sock.getsockname()[1] if sock is not None else port

    def _serve(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._finished.set()

    def start(self) -> None:
        if self._socket is None:
            self._socket = bind(self.host, self.port)
            self.port = self._socket.getsockname()[1]
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if self._finished.is_set():
                raise EmulatorError(f"the emulator could not serve on {self.host}:{self.port}")
            if time.monotonic() > deadline:
                self.stop()
                raise EmulatorError("the emulator did not start within 30 s")
            self._finished.wait(0.01)  # polling for the server thread's start-up, with a deadline

    def stop(self) -> None:
        """Stop serving and return once uvicorn has finished (open requests get up to 2 s)."""
        self._server.should_exit = True
        if self._thread.is_alive() and not self._finished.wait(STOP_TIMEOUT):
            self._server.force_exit = True
            self._finished.wait(STOP_TIMEOUT)
        if self._socket is not None:
            self._socket.close()

    def wait(self) -> None:
        """Block until the server stops; Ctrl-C reaches the main thread (not this one) as KeyboardInterrupt."""
        self._finished.wait()

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class EmulatorHandle:
    """What `running_emulator` yields: where it listens, the demo credentials and clock/fault controls."""

    def __init__(self, server: EmulatorServer, app, users: list[tuple[str, str]]):
        self._server = server
        self.app = app
        self.state: EmulatorState = app.state.emu
        self.base_url = server.base_url
        self.url = f"{self.base_url}/api/2.0/"
        self.users = users
        self.username, self.password = users[0]
        self.location = self.state.location.code if self.state.location else None

    def __repr__(self) -> str:  # the password is the demo's, but keep credentials out of reprs anyway
        return f"EmulatorHandle(url={self.url!r}, username={self.username!r})"

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.state.clock.now(), UTC)

    def advance(self, *, days: float = 0, hours: float = 0, seconds: float = 0) -> datetime:
        """Move the simulated clock forward: transitions complete and drives keep writing."""
        return datetime.fromtimestamp(self.state.advance(days=days, hours=hours, seconds=seconds), UTC)

    def set_faults(self, **settings) -> dict:
        self.app.state.faults.update(**settings)
        return self.app.state.faults.as_dict()

    def clear_faults(self) -> None:
        self.app.state.faults.clear()


@contextmanager
def running_emulator(*, seed: int = 1, drives: int | None = None, snapshots: int | None = None, users=None,
                     db=None, fail_rate: float = 0.0, latency_ms: int = 0, transition_seconds: float | None = None,
                     demo: bool = True, host: str = "127.0.0.1", port: int = 0,
                     deletion_delay_seconds: float = 0.0, location: str | None = None) -> Iterator[EmulatorHandle]:
    """Run the emulator on loopback for the duration of the `with` block.

    `location`: the CloudSigma location code it describes itself as (its currency, prices and
    `/locations/` entry, and demo backups elsewhere); None is the historic location-less demo.

    `deletion_delay_seconds`: a deleted snapshot stays listed this long after its 204 (the real API deletes
    asynchronously); also a fault setting, changeable while running.
    """
    accounts = parse_users(users)
    state = EmulatorState(seed=seed, drives=drives, snapshots=snapshots, users=accounts, db=db,
                          transition_seconds=transition_seconds, demo=demo, location=location)
    app = create_app(state=state, fail_rate=fail_rate, latency_ms=latency_ms,
                     faults={"deletion_delay_seconds": deletion_delay_seconds})
    server = EmulatorServer(app, host=host, port=port)
    try:
        server.start()
        yield EmulatorHandle(server, app, accounts)
    finally:
        server.stop()
        state.close()
