"""After an ambiguous POST, a lookup that cannot get through is an "outcome unknown", never a plain GET failure.

A gateway answers the create (or clone) POST with 502 without passing it on, then the
emulator's own fault injection drops every later request, so the reconciling lookup
runs out of retries. A user told only "GET failed" would try again and could duplicate.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from explorer import errors
from explorer.client import AsyncCloudSigmaClient, CloudSigmaClient
from explorer.client.reconcile import RECONCILE_GRACE
from tests.client.conftest import resolve
from tests.client.test_delete_honesty import kind, serve  # noqa: F401  (the kind fixture)

BAD_GATEWAY = json.dumps([{"error_point": None, "error_type": "backend",
                           "error_message": "Bad gateway: the API backend did not answer."}]).encode()


class GatewayThenDark:
    """The first POST gets a 502 (never passed on); from then on every request is dropped."""

    def __init__(self, app):
        self.app, self.posts = app, 0

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "POST" and self.posts == 0:
            self.posts += 1
            self.app.state.faults.update(drop_rate=1.0)
            await send({"type": "http.response.start", "status": 502,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", b"%d" % len(BAD_GATEWAY))]})
            return await send({"type": "http.response.body", "body": BAD_GATEWAY})
        return await self.app(scope, receive, send)


async def snapshotable_drive(client):
    drives = await resolve(client.drives.list())
    return next(d for d in drives if d.status in ("mounted", "unmounted") and d.runtime and d.runtime.is_snapshotable)


async def test_create_whose_lookup_fails_is_outcome_unknown_naming_the_snapshot(kind):  # noqa: F811
    async with serve(kind, GatewayThenDark) as (client, gate):
        drive = await snapshotable_drive(client)
        with pytest.raises(errors.OutcomeUnknownError) as info:
            await resolve(client.snapshots.create(drive.uuid, name="lookup-lost"))
        text = str(info.value)
        assert "'lookup-lost'" in text and "by that name before trying again" in text
        assert info.value.method == "POST" and gate.posts == 1


async def test_clone_whose_lookup_fails_is_outcome_unknown_naming_the_drive(kind):  # noqa: F811
    async with serve(kind, GatewayThenDark) as (client, gate):
        snap = next(s for s in await resolve(client.snapshots.list()) if s.status == "available")
        with pytest.raises(errors.OutcomeUnknownError) as info:
            await resolve(client.snapshots.clone(snap.uuid, name="clone-lookup-lost"))
        assert "named 'clone-lookup-lost'" in str(info.value) and "before cloning again" in str(info.value)
        assert info.value.method == "POST" and gate.posts == 1


async def test_the_default_grace_is_the_one_the_readme_documents():
    """The README states the window once (chosen in benchmarks/client.md); both clients use it by default."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    documented = re.findall(r"`reconcile_grace` = ([0-9.]+) s", readme)
    assert documented == [f"{RECONCILE_GRACE:g}"]
    with CloudSigmaClient("https://zrh.cloudsigma.com/api/2.0/") as sync:  # nothing is sent
        assert sync.reconcile_grace == RECONCILE_GRACE == 10.0
    async with AsyncCloudSigmaClient("https://zrh.cloudsigma.com/api/2.0/") as client:
        assert client.reconcile_grace == RECONCILE_GRACE
