"""Clients wired to the real emulator: in-process over ASGI (async) and over loopback HTTP (sync)."""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient, RetryPolicy
from explorer.emulator import create_app, running_emulator

DEMO_USER, DEMO_PASSWORD = "demo@example.com", "demo-password"
# Same rules as the default policy, shorter waits, more attempts: tests stay fast under 20% faults.
FAST_RETRY = RetryPolicy(max_attempts=10, max_elapsed=30.0, backoff=0.002, backoff_max=0.02)
FLEET = dict(seed=7, drives=8, snapshots=120, transition_seconds=0)


def no_prompt(user: str) -> str:
    """A settings prompt that must not be called."""
    raise AssertionError(f"unexpected password prompt for {user}")


def write_conf(home, text: str, mode: int = 0o600):
    """A pycloudsigma-style ~/.cloudsigma.conf in `home`, with the given permissions."""
    path = home / ".cloudsigma.conf"
    path.write_text(text)
    os.chmod(path, mode)
    return path


# ----- ASGI middlewares in front of the emulator: read a request's body, answer it, or pass it on ----------------

async def read_body(receive) -> bytes:
    """The whole body of an ASGI request."""
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


def replay_body(body: bytes):
    """An ASGI `receive` that hands the app a body already read by the middleware."""
    replayed = False

    async def receive():
        nonlocal replayed
        if replayed:
            return {"type": "http.disconnect"}
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def send_json(send, status: int, data: bytes) -> None:
    """Answer with `status` and the JSON body `data` (a CloudSigma error list, say)."""
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]})
    await send({"type": "http.response.body", "body": data})


async def resolve(value: Any) -> Any:
    """Await what the async client returns; pass the sync client's results through."""
    return await value if inspect.isawaitable(value) else value


async def collect(pages: Any) -> list:
    if hasattr(pages, "__aiter__"):
        return [p async for p in pages]
    return list(pages)


@dataclass
class Api:
    """A client plus the emulator controls behind it."""

    client: CloudSigmaClient | AsyncCloudSigmaClient
    kind: str
    set_faults: Any
    clear_faults: Any
    advance: Any
    # A blocking client on the same account, for changing things while the client under test works.
    other: CloudSigmaClient | None = None

    async def __call__(self, value: Any) -> Any:
        return await resolve(value)


@pytest.fixture(scope="module")
def loopback():
    with running_emulator(**FLEET) as emu:
        yield emu


@pytest.fixture(params=["async-asgi", "sync-loopback"])
async def api(request):
    async for value in _make_api(request):
        yield value


@pytest.fixture(params=["async-loopback", "sync-loopback"])
async def socket_api(request):
    """Over real sockets only: dropped and truncated answers are only faithful on a real connection."""
    async for value in _make_api(request):
        yield value


async def _make_api(request):
    emu = request.getfixturevalue("loopback") if request.param.endswith("loopback") else None
    if request.param == "async-loopback":
        async with AsyncCloudSigmaClient(emu.url, username=emu.username, password=emu.password, retry=FAST_RETRY,
                                         page_size=25) as client:
            try:
                yield Api(client, request.param, emu.set_faults, emu.clear_faults, emu.advance)
            finally:
                emu.clear_faults()
        return
    if request.param == "async-asgi":
        app = create_app(**FLEET)
        faults, state = app.state.faults, app.state.emu
        async with AsyncCloudSigmaClient(
            "http://emulator/api/2.0/", username=DEMO_USER, password=DEMO_PASSWORD,
            transport=httpx.ASGITransport(app=app), retry=FAST_RETRY, page_size=25,
        ) as client:
            yield Api(client, request.param, faults.update, faults.clear, state.advance)
        return
    with CloudSigmaClient(emu.url, username=emu.username, password=emu.password, retry=FAST_RETRY,
                          page_size=25) as client, \
            CloudSigmaClient(emu.url, username=emu.username, password=emu.password, retry=FAST_RETRY) as other:
        try:
            yield Api(client, request.param, emu.set_faults, emu.clear_faults, emu.advance, other)
        finally:
            emu.clear_faults()
