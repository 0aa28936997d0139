"""Creates and clones after ambiguous failures, against the emulator behind a gateway that misbehaves.

The gateway is ASGI middleware in front of the real emulator app: it answers a POST with
502 at once and lets the emulator act on it only later (as a real gateway can time out
while the backend is still cloning), or it cuts objects out of a 201 answer. Client and
emulator still speak the real protocol to each other.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from explorer import errors
from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.reconcile import RECONCILE_GRACE
from explorer.emulator import create_app
from explorer.emulator.server import EmulatorServer
from tests.client.conftest import DEMO_PASSWORD, DEMO_USER, FAST_RETRY, FLEET, read_body, replay_body, resolve

BAD_GATEWAY = json.dumps([{"error_point": None, "error_type": "backend",
                           "error_message": "Bad gateway: the API backend did not answer."}]).encode()


async def _discard(message) -> None:
    pass


RELEASED = "when released"


class LateGateway:
    """Answers the first ``times`` matching POSTs with 502; the emulator acts on each ``delay`` s later.

    ``delay=None``: the request never reaches the emulator at all. ``delay=RELEASED``: it acts when the
    test calls ``release()`` (after the client gave up: no race with the client's last lookup on a busy machine).
    """

    def __init__(self, app, match: Callable[[str], bool], *, delay: float | str | None, times: float = 1):
        self.app, self.match, self.delay, self.times = app, match, delay, times
        self.released = threading.Event()
        self.posts = 0  # matching POSTs seen, intercepted or not
        self.applied = 0  # intercepted POSTs the emulator has since acted on
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task] = set()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not self.match(scope["path"]):
            return await self.app(scope, receive, send)
        with self._lock:
            self.posts += 1
            intercept = self.times > 0
            self.times -= 1
        if not intercept:
            return await self.app(scope, receive, send)
        body = await read_body(receive)
        if self.delay is not None:
            task = asyncio.get_running_loop().create_task(self._later(dict(scope), body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await send({"type": "http.response.start", "status": 502,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(BAD_GATEWAY))]})
        await send({"type": "http.response.body", "body": BAD_GATEWAY})

    def release(self) -> None:
        self.released.set()

    async def _later(self, scope, body: bytes) -> None:
        if self.delay == RELEASED:
            while not self.released.is_set():  # set from the test's thread; this runs on the emulator's loop
                await asyncio.sleep(0.01)
        else:
            await asyncio.sleep(self.delay)
        await self.app(scope, replay_body(body), _discard)
        with self._lock:
            self.applied += 1


class ShortAnswer:
    """Lets the emulator create, then cuts the 201 answer's ``objects`` to the first ``keep``."""

    def __init__(self, app, keep: int):
        self.app, self.keep = app, keep

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/api/2.0/snapshots/":
            return await self.app(scope, receive, send)
        start, chunks = {}, []

        async def collect(message):
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        answer = json.loads(b"".join(chunks))
        answer["objects"] = answer["objects"][: self.keep]
        body = json.dumps(answer).encode()
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(params=["async-asgi", "sync-loopback"])
def kind(request) -> str:
    return request.param


@asynccontextmanager
async def serve(kind: str, wrap: Callable):
    """A client of ``kind`` talking to the emulator through ``wrap(app)``; yields (client, wrapper)."""
    app = create_app(**FLEET)
    outer = wrap(app)
    try:
        if kind == "async-asgi":
            async with AsyncCloudSigmaClient("http://emulator/api/2.0/", username=DEMO_USER, password=DEMO_PASSWORD,
                                             transport=httpx.ASGITransport(app=outer), retry=FAST_RETRY) as client:
                yield client, outer
            return
        server = EmulatorServer(outer)
        server.start()
        try:
            with CloudSigmaClient(f"{server.base_url}/api/2.0/", username=DEMO_USER, password=DEMO_PASSWORD,
                                  retry=FAST_RETRY) as client:
                yield client, outer
        finally:
            server.stop()
    finally:
        app.state.emu.close()


async def until(condition: Callable[[], bool], timeout: float = 120.0) -> None:  # a hang guard only
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the late write never happened"
        await asyncio.sleep(0.02)  # the late write runs on the emulator's loop (this one, in-process)


def is_clone(path: str) -> bool:
    return path.startswith("/api/2.0/snapshots/") and path.endswith("/action/")


def is_create(path: str) -> bool:
    return path == "/api/2.0/snapshots/"


async def available_snapshot(client):
    return next(s for s in await resolve(client.snapshots.list()) if s.status == "available")


async def snapshotable_drive(client):
    drives = await resolve(client.drives.list())
    return next(d for d in drives if d.status in ("mounted", "unmounted") and d.runtime and d.runtime.is_snapshotable)


async def test_clone_after_a_gateway_error_is_never_sent_again(kind):
    """The backend clones after the client stopped looking: an "outcome unknown" error, one drive in the end."""
    async with serve(kind, lambda app: LateGateway(app, is_clone, delay=RELEASED)) as (client, gateway):
        client.reconcile_grace = 0.3
        snap = await available_snapshot(client)
        name = f"late-clone-{kind}"
        with pytest.raises(errors.OutcomeUnknownError) as info:
            await resolve(client.snapshots.clone(snap.uuid, name=name))
        assert f"named {name!r}" in str(info.value) and "before cloning again" in str(info.value)
        assert "502" in str(info.value)
        gateway.release()  # the backend clones only now, after the client stopped looking
        await until(lambda: gateway.applied == 1)
        assert gateway.posts == 1, "a clone that may have arrived was sent again"
        assert len(await resolve(client.drives.list(name=name))) == 1


async def test_clone_keeps_looking_while_the_backend_may_still_be_cloning(kind):
    """With the default window a drive that appears 2.5 s after the gateway error is adopted."""
    assert RECONCILE_GRACE >= 10
    async with serve(kind, lambda app: LateGateway(app, is_clone, delay=2.5)) as (client, gateway):
        snap = await available_snapshot(client)
        name = f"slow-clone-{kind}"
        drive = await resolve(client.snapshots.clone(snap.uuid, name=name))
        assert drive.name == name
        assert gateway.posts == 1 and gateway.applied == 1
        assert [d.uuid for d in await resolve(client.drives.list(name=name))] == [drive.uuid]


async def test_create_is_sent_again_at_most_once_after_ambiguous_failures(kind):
    async with serve(kind, lambda app: LateGateway(app, is_create, delay=None, times=float("inf"))) as (client, gw):
        client.reconcile_grace = 0.05
        drive = await snapshotable_drive(client)
        with pytest.raises(errors.OutcomeUnknownError, match=r"'never-confirmed'.*by that name"):
            await resolve(client.snapshots.create(drive.uuid, name="never-confirmed"))
        assert gw.posts == 2, f"{gw.posts} POSTs after ambiguous failures"


async def test_create_looks_long_enough_before_sending_again(kind):
    """A snapshot that appears 2.5 s after the gateway error is adopted, not created a second time."""
    async with serve(kind, lambda app: LateGateway(app, is_create, delay=2.5)) as (client, gateway):
        drive = await snapshotable_drive(client)
        snap = await resolve(client.snapshots.create(drive.uuid, name="slow-create"))
        await until(lambda: gateway.applied == 1)
        assert gateway.posts == 1
        assert [s.uuid for s in await resolve(client.snapshots.list(name="slow-create"))] == [snap.uuid]


async def test_create_that_may_have_never_left_is_resent_once_and_succeeds(kind):
    """The first POST never reached the backend: after the window it is sent once more and succeeds."""
    async with serve(kind, lambda app: LateGateway(app, is_create, delay=None)) as (client, gateway):
        client.reconcile_grace = 0.05
        drive = await snapshotable_drive(client)
        snap = await resolve(client.snapshots.create(drive.uuid, name="second-try"))
        assert gateway.posts == 2 and snap.name == "second-try"


async def test_created_answer_missing_objects_is_a_decode_error_naming_them(kind):
    async with serve(kind, lambda app: ShortAnswer(app, keep=0)) as (client, _):
        drive = await snapshotable_drive(client)
        with pytest.raises(errors.DecodeError, match=r"answered 0 snapshot\(s\) for 1 requested.*'empty-answer'"):
            await resolve(client.snapshots.create(drive.uuid, name="empty-answer"))
    async with serve(kind, lambda app: ShortAnswer(app, keep=1)) as (client, _):
        drive = await snapshotable_drive(client)
        specs = [{"drive": drive.uuid, "name": f"short-{i}"} for i in range(3)]
        with pytest.raises(errors.DecodeError, match=r"answered 1 snapshot\(s\) for 3 requested") as info:
            await resolve(client.snapshots.create_many(specs))
        assert "'short-1', 'short-2'" in str(info.value) and "'short-0'" not in str(info.value)
