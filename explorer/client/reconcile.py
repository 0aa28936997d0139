"""Creating snapshots and cloning them without ever making a duplicate after a lost answer.

A POST is not idempotent, so after an ambiguous failure (sent, but the answer was lost or
a gateway error came back) these plans look for what the request would have created. On
the real API a gateway error can arrive while the backend is still working, so they keep
looking for :data:`RECONCILE_GRACE` seconds before deciding anything.

- Snapshots are named client-side when the user gave no name, so they can be found by
  name and drive; the ones still missing after the window are sent again, but only once
  (:data:`CREATE_RESENDS`): a second ambiguous failure ends in OutcomeUnknownError.
- A clone is never sent again after an ambiguous failure (a duplicate is a full-size
  drive): the new drive is looked for, and if it does not turn up the plan raises
  OutcomeUnknownError naming the drive to look for.

Requests that provably never left (connect errors) or were refused with 429 are retried
by the driver's retry policy, before any of this.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import msgspec

from explorer import errors
from explorer.client import wire
from explorer.client.models import Drive, Objects, Page, Snapshot, UuidOnly

log = logging.getLogger(__name__)

RECONCILE_GRACE = 10.0
"""Seconds to keep looking for the object a lost request may still be creating.

Measured (benchmarks/client.md, "A lost create"): a create whose POST never reached the
server costs this long plus ~0.35 s before it is sent again; one whose answer was lost after
the write is found by the first lookup (~0.25 s) whatever the window. 10 s still covers a
backend that finishes well after a gateway gave up, without a 30 s stall on every lost POST.
"""
CREATE_RESENDS = 1
"""How often a snapshot create is sent again after an ambiguous failure (whose object did not turn up)."""
RECONCILE_POLL = 0.25


def default_snapshot_name(drive_uuid: str, now: datetime | None = None) -> str:
    """CloudSigma's own default: ``{drive_uuid}__{YYYY-MM-DD}__{HH_MM_SS}`` in UTC."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{drive_uuid}__{now:%Y-%m-%d}__{now:%H_%M_%S}"


def _drive_uuid(value: Any) -> str:
    if isinstance(value, str) and value:
        return value
    uuid = getattr(value, "uuid", None) or (value.get("uuid") if isinstance(value, dict) else None)
    if not uuid:
        raise errors.ValidationError(f"a snapshot needs a drive uuid, got {value!r}")
    return uuid


def snapshot_bodies(specs: Iterable[dict[str, Any]], now: datetime | None = None, *,
                    remote: bool = False) -> list[dict[str, Any]]:
    """Request bodies with drive as a uuid and a name always set (and, for remote ones, a `location`)."""
    bodies = []
    allowed = {"drive", "name", "meta", "tags", *(("location",) if remote else ())}
    for spec in specs:
        unknown = set(spec) - allowed
        if unknown:
            raise errors.ValidationError(f"unknown snapshot field(s): {', '.join(sorted(unknown))}")
        drive = _drive_uuid(spec.get("drive"))
        body: dict[str, Any] = {"drive": drive, "name": spec.get("name") or default_snapshot_name(drive, now)}
        if remote:
            if not isinstance(spec.get("location"), str) or not spec["location"].strip():
                raise errors.ValidationError("a remote snapshot needs the location to keep it in, e.g. location='ZRH'")
            body["location"] = spec["location"].strip().upper()
        if spec.get("meta") is not None:
            body["meta"] = spec["meta"]
        if spec.get("tags") is not None:
            body["tags"] = [_drive_uuid(t) for t in spec["tags"]]
        bodies.append(body)
    return bodies


def _poll_until(lookup: Callable[[], wire.Plan], enough: Callable[[Any], bool], grace: float) -> wire.Plan:
    """Run the lookup plan until ``enough(result)`` or ``grace`` seconds passed; return the last result."""
    deadline = time.monotonic() + grace
    while True:
        result = yield from lookup()
        if enough(result) or time.monotonic() >= deadline:
            return result
        yield wire.Sleep(RECONCILE_POLL)


def create_snapshots(
    specs: list[dict[str, Any]], *, grace: float = RECONCILE_GRACE, resends: int = CREATE_RESENDS,
    now: datetime | None = None, path: str = "snapshots", item: type = Snapshot,
) -> wire.Plan:
    """Plan: create snapshots; after a lost answer, adopt the ones that turn up and resend only the rest.

    After an ambiguous failure the snapshots are looked up by name and drive for ``grace``
    seconds; the missing ones are sent again at most ``resends`` times in all.
    ``path="remotesnapshots"`` (with ``item=RemoteSnapshot``) creates remote snapshots the same way.
    """
    pending = snapshot_bodies(specs, now, remote=path == "remotesnapshots")
    if not pending:
        return []
    names = sorted({b["name"] for b in pending})
    by_name = {"name": names, "drive": sorted({b["drive"] for b in pending})}
    lookup_params = {**wire.encode_filters(by_name), "limit": "0"}
    # Snapshots that already carry these names are not ours: remember them first.
    before: Page = yield wire.Call(
        "GET", f"{path}/", {**lookup_params, "fields": "uuid"}, decode=wire.typed(Page[UuidOnly])
    )
    known = {o.uuid for o in before.objects}
    found: dict[int, Snapshot] = {}
    order = list(range(len(pending)))

    def lookup() -> wire.Plan:
        page = yield wire.Call("GET", f"{path}/detail/", lookup_params, decode=wire.typed(Page[item]))
        return _match_new(page.objects, pending, [i for i in order if i not in found], known)

    for sent in range(resends + 1):
        todo = [i for i in order if i not in found]
        try:
            answer: Objects = yield wire.Call(
                "POST", f"{path}/", body={"objects": [pending[i] for i in todo]},
                decode=wire.typed(Objects[item]),
            )
        except errors.OutcomeUnknownError as exc:
            log.info("snapshot create answer lost (%s); looking the snapshots up by name for up to %g s", exc, grace)
            wanted = len(todo)
            try:
                matched = yield from _poll_until(lookup, lambda m, n=wanted: len(m) == n, grace)
            except errors.ExplorerError as lookup_exc:  # the snapshots may exist: this is no plain GET failure
                missing = ", ".join(repr(pending[i]["name"]) for i in order if i not in found)
                raise errors.OutcomeUnknownError(
                    f"could not confirm that snapshot(s) {missing} were created ({exc}), and looking them up failed "
                    f"({lookup_exc}); they may exist: list the drive's snapshots by that name before trying again",
                    method="POST", url=exc.url,
                ) from lookup_exc
            found.update(matched)
            known.update(s.uuid for s in matched.values())
            if len(found) == len(pending):
                return [found[i] for i in order]
            if sent == resends:
                missing = ", ".join(repr(pending[i]["name"]) for i in order if i not in found)
                raise errors.OutcomeUnknownError(
                    f"could not confirm that snapshot(s) {missing} were created ({exc}); they may still appear: "
                    "list the drive's snapshots by that name before trying again",
                    method="POST", url=exc.url,
                ) from exc
            log.info("snapshot(s) not found after %g s; sending the create once more", grace)
            continue
        found.update(_pair_answer(answer.objects, pending, todo))
        return [found[i] for i in order]
    raise AssertionError("unreachable")


def _pair_answer(objects: list[Snapshot], pending: list[dict[str, Any]], todo: list[int]) -> dict[int, Snapshot]:
    """The created snapshots of a successful answer, one per request, or DecodeError naming the missing ones."""
    if len(objects) == len(todo):
        return dict(zip(todo, objects, strict=True))
    paired = _match_new(objects, pending, todo, set())
    missing = [pending[i]["name"] for i in todo if i not in paired]
    if not missing:
        return paired
    raise errors.DecodeError(
        f"POST snapshots/ answered {len(objects)} snapshot(s) for {len(todo)} requested; missing from the answer: "
        + ", ".join(repr(n) for n in missing)
        + " (they may exist: list the drive's snapshots by that name before trying again)"
    )


def _match_new(
    objects: list[Snapshot], pending: list[dict[str, Any]], todo: list[int], known: set[str]
) -> dict[int, Snapshot]:
    """Pair each still-missing spec with a new snapshot of the same name and drive."""
    pool = [s for s in objects if s.uuid not in known]
    matched: dict[int, Snapshot] = {}
    for i in todo:
        for s in pool:
            if s.name == pending[i]["name"] and s.drive is not None and s.drive.uuid == pending[i]["drive"]:
                matched[i] = s
                pool.remove(s)
                break
    return matched


class _MaybeWrapped(msgspec.Struct):
    objects: list[Drive] | None = None


def decode_clone_answer(content: bytes) -> Drive:
    """The clone answer is a bare drive in the docs' dump but ``{"objects": [drive]}`` for drive clones."""
    wrapped = wire.typed(_MaybeWrapped)(content).objects
    if wrapped is None:
        return wire.typed(Drive)(content)
    if len(wrapped) != 1:
        # Raised as msgspec's error so the caller reports it like any other wrong shape.
        raise msgspec.ValidationError(f"a clone answer held {len(wrapped)} drives, expected one")
    return wrapped[0]


def clone_name_stem(name: str) -> str:
    """The part of a clone's name the profile's clone naming leaves alone.

    Without a name the new drive is named after the snapshot, then COUNTER, DATE or
    TIMESTAMP naming appends or *updates* a trailing number, date or time (a default
    snapshot name ends in ``__HH_MM_SS``, so COUNTER turns ``..._52`` into ``..._53``).
    Trailing digits and separators are therefore not part of the search.
    """
    return name.rstrip("0123456789_-:. ")


def clone_snapshot(
    uuid: str, body: dict[str, Any], params: dict[str, str], *, grace: float = RECONCILE_GRACE,
    path: str = "snapshots",
) -> wire.Plan:
    """Plan: clone a snapshot to a new drive.

    The POST is sent once: after an ambiguous failure the new drive is looked for during
    ``grace`` seconds and adopted when exactly one turned up; otherwise OutcomeUnknownError
    says which drive name to look for. A clone is never sent again here.
    """
    snap: Snapshot = yield wire.Call("GET", f"{path}/{uuid}/", decode=wire.typed(Snapshot))
    expected = body.get("name") or snap.name or uuid
    stem = clone_name_stem(expected)
    lookup_params = {**wire.encode_filters({"name__contains": stem} if stem else {}), "limit": "0"}
    before: Page = yield wire.Call(
        "GET", "drives/", {**lookup_params, "fields": "uuid"}, decode=wire.typed(Page[UuidOnly])
    )
    known = {o.uuid for o in before.objects}

    def lookup() -> wire.Plan:
        page = yield wire.Call("GET", "drives/detail/", lookup_params, decode=wire.typed(Page[Drive]))
        return [d for d in page.objects if d.uuid not in known]

    try:
        return (
            yield wire.Call(
                "POST", f"{path}/{uuid}/action/", {"do": "clone", **params}, body=body,
                decode=decode_clone_answer,
            )
        )
    except errors.OutcomeUnknownError as exc:
        log.info("clone answer lost (%s); looking for the new drive for up to %g s", exc, grace)
        named = f"named {expected!r}" if body.get("name") else f"named like {expected!r}"
        hint = f"look for a drive {named} (status cloning_dst) in the drive list before cloning again"
        try:
            new = yield from _poll_until(lookup, bool, grace)
        except errors.ExplorerError as lookup_exc:  # the clone may have started: this is no plain GET failure
            raise errors.OutcomeUnknownError(
                f"cloning snapshot {uuid} may or may not have started ({exc}), and looking for the new drive failed "
                f"({lookup_exc}); {hint}",
                method="POST", url=exc.url,
            ) from lookup_exc
        if len(new) == 1:
            return new[0]
        if new:
            uuids = ", ".join(d.uuid for d in new)
            raise errors.OutcomeUnknownError(
                f"cloning snapshot {uuid}: its answer was lost and several new drives appeared ({uuids}); {hint}",
                method="POST", url=exc.url,
            ) from exc
        raise errors.OutcomeUnknownError(
            f"cloning snapshot {uuid} may or may not have started ({exc}); no new drive appeared within "
            f"{grace:g} s; it was not sent again: {hint}",
            method="POST", url=exc.url,
        ) from exc
