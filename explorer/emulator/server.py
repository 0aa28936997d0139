"""Serve the emulator with uvicorn in a background thread; `running_emulator` yields a handle to it."""

from __future__ import annotations

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


class EmulatorServer:
    """uvicorn on `host:port` (0 = a free port) in a daemon thread; `start()` returns once it listens."""

    def __init__(self, app, *, host: str = "127.0.0.1", port: int = 0):
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                                http="h11", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="cloudsigma-emulator", daemon=True)
        self.host = host
        self.port = port

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                raise EmulatorError(f"the emulator could not listen on {self.host}:{self.port}")
            if time.monotonic() > deadline:
                self.stop()
                raise EmulatorError("the emulator did not start within 30 s")
            time.sleep(0.01)  # polling for the server thread's start-up, with a deadline
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C reaches the main thread, not this one)."""
        while self._thread.is_alive():
            self._thread.join(timeout=0.5)

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
                     deletion_delay_seconds: float = 0.0) -> Iterator[EmulatorHandle]:
    """Run the emulator on loopback for the duration of the `with` block.

    `deletion_delay_seconds`: a deleted snapshot stays listed this long after its 204 (the real API deletes
    asynchronously); also a fault setting, changeable while running.
    """
    accounts = parse_users(users)
    state = EmulatorState(seed=seed, drives=drives, snapshots=snapshots, users=accounts, db=db,
                          transition_seconds=transition_seconds, demo=demo)
    app = create_app(state=state, fail_rate=fail_rate, latency_ms=latency_ms,
                     faults={"deletion_delay_seconds": deletion_delay_seconds})
    server = EmulatorServer(app, host=host, port=port)
    try:
        server.start()
        yield EmulatorHandle(server, app, accounts)
    finally:
        server.stop()
        state.close()
