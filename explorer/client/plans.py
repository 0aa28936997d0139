"""Plans for every resource call except listing-all and the reconciling POSTs (paging.py, reconcile.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import msgspec

from explorer import errors
from explorer.client import wire
from explorer.client.models import (
    Balance,
    Capabilities,
    CurrentUsage,
    Job,
    Objects,
    Page,
    Pricing,
    Profile,
    Snapshot,
    SnapshotQuota,
    Subscription,
    Tag,
)

# Job states after which nothing will change any more (only "success" is documented).
JOB_DONE_STATES = ("success", "failed", "failure", "error", "cancelled")


WaitTimeoutError = errors.WaitTimeoutError


def get(path: str, tp: Any, params: dict[str, str] | None = None) -> wire.Plan:
    return (yield wire.Call("GET", path, params, decode=wire.typed(tp)))


def put(path: str, tp: Any, body: dict[str, Any]) -> wire.Plan:
    return (yield wire.Call("PUT", path, body=body, decode=wire.typed(tp)))


def update_snapshot(uuid: str, body: dict[str, Any], drive: Any = None, *, resource: str = "snapshots",
                    item: type = Snapshot) -> wire.Plan:
    """PUT a snapshot with its drive uuid in the body (the documented edit request; the schema requires it).

    A remote snapshot (``resource="remotesnapshots"``) whose drive was deleted is sent without one.
    """
    path = uuid_path(resource, uuid)
    if isinstance(drive, str) or drive is None:
        drive_uuid = drive or None
    else:
        drive_uuid = drive.get("uuid") if isinstance(drive, dict) else getattr(drive, "uuid", None)
    if drive is not None and not drive_uuid:
        raise errors.ValidationError(f"drive must be a drive uuid, got {drive!r}")
    if drive_uuid is None:
        current: Snapshot = yield from get(path, Snapshot)
        if current.drive is None and resource == "remotesnapshots":  # an orphan: its drive is gone
            return (yield from put(path, item, body))
        if current.drive is None:
            raise errors.DecodeError(f"GET {path} answered a snapshot without its drive")
        drive_uuid = current.drive.uuid
    return (yield from put(path, item, {"drive": drive_uuid, **body}))


def delete(path: str, body: Any = None) -> wire.Plan:
    yield wire.Call("DELETE", path, body=body, gone_ok_on_retry=True)


def uuid_path(resource: str, uuid: str) -> str:
    if not uuid or "/" in uuid or "?" in uuid:
        raise errors.ValidationError(f"not a valid object id: {uuid!r}")
    return f"{resource}/{uuid}/"


def given(**fields: Any) -> dict[str, Any]:
    """Only the fields the caller set; a PUT with nothing to change is refused before sending."""
    body = {k: v for k, v in fields.items() if v is not None}
    if not body:
        raise errors.ValidationError("nothing to change: give at least one field")
    return body


def wait_for_status(uuid: str, status: str, *, timeout: float, poll: float, resource: str = "snapshots",
                    item: type = Snapshot) -> wire.Plan:
    deadline = time.monotonic() + timeout
    while True:
        snap: Snapshot = yield from get(uuid_path(resource, uuid), item)
        if snap.status == status:
            return snap
        if time.monotonic() + poll > deadline:
            raise WaitTimeoutError(
                f"snapshot {uuid} is still {snap.status!r} after {timeout:g} s (waiting for {status!r})"
            )
        yield wire.Sleep(poll)


def wait_for_job(
    uuid: str, *, timeout: float, poll: float, progress: Callable[[int, int | None], None] | None
) -> wire.Plan:
    deadline = time.monotonic() + timeout
    while True:
        job: Job = yield from get(uuid_path("jobs", uuid), Job)
        pct = job.data.progress if job.data is not None else None
        if progress is not None:
            progress(pct or 0, 100)
        if job.state in JOB_DONE_STATES or pct == 100:
            return job
        if time.monotonic() + poll > deadline:
            raise WaitTimeoutError(f"job {uuid} ({job.operation}) is still {job.state!r} after {timeout:g} s")
        yield wire.Sleep(poll)


def create_tag(name: str, resources: list[str] | None, meta: dict[str, Any] | None) -> wire.Plan:
    body = {"name": name, "resources": resources or [], "meta": meta or {}}
    try:
        answer: Objects = yield wire.Call("POST", "tags/", body={"objects": [body]}, decode=wire.typed(Objects[Tag]))
    except errors.OutcomeUnknownError as exc:
        raise errors.OutcomeUnknownError(
            f"{exc}; check whether a tag named {name!r} exists before creating it again", method="POST", url=exc.url
        ) from exc
    if len(answer.objects) != 1:
        raise errors.DecodeError(f"creating tag {name!r} answered {len(answer.objects)} objects, expected one")
    return answer.objects[0]


def pricing() -> wire.Plan:
    # /pricing/ returns everything by default; limit=0 says so explicitly.
    return (yield from get("pricing/", Pricing, {"limit": "0"}))


def subscriptions(status: str | None, resource: str | list[str] | None) -> wire.Plan:
    params = {"limit": "0"}
    if status:
        params["status"] = status
    if resource:
        params["resource"] = resource if isinstance(resource, str) else ",".join(resource)
    page: Page = yield from get("subscriptions/", Page[Subscription], params)
    return page.objects


def current_usage() -> wire.Plan:
    return (yield from get("currentusage/", CurrentUsage))


def balance() -> wire.Plan:
    return (yield from get("balance/", Balance))


def _decode_capabilities(content: bytes) -> Capabilities:
    raw = wire.typed(dict[str, Any])(content)
    snapshots = raw.pop("snapshots", None)
    quota = None if snapshots is None else msgspec.convert(snapshots, SnapshotQuota)
    return Capabilities(snapshots=quota, extra=raw)


def capabilities() -> wire.Plan:
    return (yield wire.Call("GET", "capabilities/", decode=_decode_capabilities))


def profile() -> wire.Plan:
    return (yield from get("profile/", Profile))


def update_profile(fields: dict[str, Any]) -> wire.Plan:
    return (yield from put("profile/", Profile, given(**fields)))
