"""Fault injection for `/api/2.0/` only: latency, 5xx, 429 with Retry-After, dropped and truncated responses."""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import asdict, dataclass, fields

import msgspec

_ERRORS = (
    (500, "backend", "Internal server error. Please try again later."),
    (502, "backend", "Bad gateway: the API backend did not answer."),
    (503, "concurrency", "Service temporarily unavailable. Please retry."),
)


@dataclass
class FaultSettings:
    """What `GET|PUT /_emulator/faults` shows and accepts. Rates are probabilities per API request."""

    latency_ms: int = 0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after: int = 1
    drop_rate: float = 0.0
    # For writes: drop the connection after the write is applied (the client must reconcile), not before.
    drop_after_write: bool = False
    truncate_rate: float = 0.0
    # Deletion is asynchronous on the real API: a deleted snapshot stays listed this long after the 204.
    deletion_delay_seconds: float = 0.0


class Faults:
    """Thread-safe holder of the fault settings with its own seeded random source."""

    def __init__(self, seed: int = 0, **settings):
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self.settings = FaultSettings()
        self.update(**settings)

    def update(self, **changes) -> FaultSettings:
        known = {f.name: f.type for f in fields(FaultSettings)}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown fault setting {name!r}; known: {', '.join(known)}")
            if name.endswith("_rate") and not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
                raise ValueError(f"{name} must be a number between 0 and 1")
            if name in ("latency_ms", "retry_after") and not (isinstance(value, int) and value >= 0):
                raise ValueError(f"{name} must be a non-negative integer")
            if name == "deletion_delay_seconds" and (isinstance(value, bool) or not isinstance(value, int | float)
                                                     or not 0 <= value <= 86400):
                raise ValueError("deletion_delay_seconds must be a number of seconds from 0 to 86400")
            if name == "drop_after_write" and not isinstance(value, bool):
                raise ValueError("drop_after_write must be true or false")
        with self._lock:
            for name, value in changes.items():
                numeric = name.endswith("_rate") or name == "deletion_delay_seconds"
                setattr(self.settings, name, float(value) if numeric else value)
        return self.settings

    def clear(self) -> None:
        with self._lock:
            self.settings = FaultSettings()

    def as_dict(self) -> dict:
        return asdict(self.settings)

    def roll(self) -> tuple[str | None, FaultSettings]:
        """Pick at most one fault for this request."""
        with self._lock:
            s = FaultSettings(**asdict(self.settings))
            for kind, rate in (("error", s.error_rate), ("rate_limit", s.rate_limit_rate), ("drop", s.drop_rate),
                               ("truncate", s.truncate_rate)):
                if rate and self._rng.random() < rate:
                    return kind, s
        return None, s

    def pick_error(self) -> tuple[int, str, str]:
        with self._lock:
            return _ERRORS[self._rng.randrange(len(_ERRORS))]


async def _drop_connection(receive) -> None:
    """Close the client's connection without an answer.

    Under uvicorn the request cycle owns the transport; closing it makes the client see
    "server disconnected". In-process (httpx.ASGITransport) there is no socket, so we raise
    what httpx raises for that case over a real connection.
    """
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        try:
            import httpx
        except ImportError:  # pragma: no cover - httpx is a dependency
            raise ConnectionResetError("emulator fault: connection dropped") from None
        raise httpx.RemoteProtocolError("Server disconnected without sending a response (emulator fault)")
    await _close(cycle)


async def _close(cycle) -> None:
    cycle.transport.close()
    for _ in range(100):  # let connection_lost run, so uvicorn knows the client is gone and stays quiet
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)


class FaultMiddleware:
    """ASGI middleware: faults apply only under `/api/2.0/`, never to `/_emulator/` controls."""

    def __init__(self, app, faults: Faults):
        self.app = app
        self.faults = faults

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/2.0/"):
            return await self.app(scope, receive, send)
        kind, s = self.faults.roll()
        if s.latency_ms:
            await asyncio.sleep(s.latency_ms / 1000)  # simulated network latency, not synchronisation
        if kind == "error":
            status, etype, message = self.faults.pick_error()
            return await _send_error(send, status, etype, message)
        if kind == "rate_limit":
            return await _send_error(send, 429, "permission", "Request was throttled. Too many requests.",
                                     [(b"retry-after", str(s.retry_after).encode())])
        if kind == "drop":
            if s.drop_after_write and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
                await self.app(scope, receive, _discard)
            return await _drop_connection(receive)
        if kind == "truncate":
            return await self._truncated(scope, receive, send)
        return await self.app(scope, receive, send)

    async def _truncated(self, scope, receive, send):
        start, chunks = {}, []

        async def collect(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        body = b"".join(chunks)
        # Headers promise the whole body; only half arrives before the connection closes.
        cycle = getattr(receive, "__self__", None)
        real = getattr(cycle, "transport", None) is not None
        await send(start)
        # In-process there is no connection to close: end the message early instead.
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": real})
        if real:
            await _close(cycle)


async def _discard(message) -> None:
    pass


async def _send_error(send, status: int, etype: str, message: str, extra=()):
    body = msgspec.json.encode([{"error_point": None, "error_type": etype, "error_message": message}])
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
