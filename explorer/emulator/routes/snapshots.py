"""`/snapshots/`: list, detail, get, schema, create one or many, PUT, DELETE one and bulk, clone.

The same handlers serve `/remotesnapshots/` (routes/remotesnapshots.py): a `Kind` names the
collection and what differs (schema, create, removal, the states that refuse writes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from starlette.responses import Response

from explorer.emulator import schemas
from explorer.emulator.clock import default_snapshot_name
from explorer.emulator.objects import clone_name, make_drive, make_job, make_snapshot
from explorer.emulator.routes.base import Ctx, api_route, list_response, owned, require_known
from explorer.emulator.routes.fields import affinities_of, media_of, meta_of, name_of, tags_of, uuid_list, uuid_of
from explorer.emulator.state.lifecycle import deletion_key, remove_snapshots, sync_drive
from explorer.emulator.state.model import Account, Collection
from explorer.emulator.wire import (
    created_response,
    empty_response,
    forbidden,
    json_response,
    new_uuid,
    notexist,
    objects_of,
    ref,
    shown,
    split_or,
    validation,
)

FILTERS = ("uuid", "name", "name__contains", "tag", "tag__name", "drive")


@dataclass(frozen=True)
class Kind:
    """What differs between `/snapshots/` and `/remotesnapshots/`; everything else is shared."""

    path: str  # the collection and the URL segment
    noun: str  # for messages: "snapshot", "remote snapshot"
    schema: dict
    create: Callable[[Ctx], Response]
    remove: Callable[[Account, list[str]], None]
    busy: tuple[str, ...] = ()  # states in which the object cannot be edited, deleted or cloned

    def coll(self, ctx: Ctx) -> Collection:
        return ctx.acct.collections[self.path]

    def check_idle(self, obj: dict, doing: str) -> None:
        if obj["status"] in self.busy:
            raise forbidden(f'Cannot {doing} {self.noun} {obj["uuid"]} in state "{obj["status"]}"')


def _list(kind: Kind, ctx: Ctx):
    return list_response(ctx, kind.coll(ctx), filters=FILTERS)


def _get(kind: Kind, ctx: Ctx):
    coll = kind.coll(ctx)
    return json_response(raw=coll.raw[owned(ctx, coll)["uuid"]])


def snapshot_drive(acct: Account, spec: dict) -> dict:
    """The drive a new snapshot (local or remote) of `spec` is taken of, if the API allows one now."""
    if "drive" not in spec or spec["drive"] is None:
        raise validation("drive", "This field is required")
    duuid = uuid_of(spec["drive"], "drive")
    drive = acct.drives.get(duuid)
    if drive is None:
        raise notexist(duuid, "drive")
    if drive["runtime"]["is_snapshotable"] is False:
        raise forbidden(f"Drive {duuid} of storage type {drive['storage_type']} does not support snapshots", "drive")
    if drive["status"] not in ("mounted", "unmounted"):
        raise forbidden(f'Cannot snapshot drive {duuid} in state "{drive["status"]}". '
                        'Drive should be in state "mounted" or "unmounted"', "drive")
    return drive


def _create(ctx: Ctx):
    acct, now = ctx.acct, ctx.now
    specs = []
    # Validate everything first: a refused item creates nothing.
    for spec in objects_of(ctx.json()):
        drive = snapshot_drive(acct, spec)
        specs.append((drive, name_of(spec.get("name")), meta_of(spec.get("meta")), tags_of(spec.get("tags"), acct)))
    quota_max, per_drive = acct.settings["quota_max"], acct.settings["quota_per_drive"]
    if len(acct.snapshots) + len(specs) > quota_max:
        raise forbidden(f"Snapshot limit exceeded: the account may hold at most {quota_max} snapshots")
    added: dict[str, int] = {}
    for drive, *_ in specs:
        added[drive["uuid"]] = added.get(drive["uuid"], 0) + 1
        if len(drive["snapshots"]) + added[drive["uuid"]] > per_drive:
            raise forbidden(f"Snapshot limit exceeded: drive {drive['uuid']} may hold at most {per_drive} snapshots")
    created = []
    for drive, name, meta, tags in specs:
        suuid = new_uuid()
        snap = make_snapshot(uuid=suuid, drive_uuid=drive["uuid"], owner=acct.owner_ref,
                             name=name if name is not None else default_snapshot_name(drive["uuid"], now),
                             epoch=now, meta=meta, tags=tags, status="creating", allocated_size=None)
        acct.snapshots.put(snap)
        drive["snapshots"].append(ref("snapshots", suuid))
        sync_drive(acct, drive)
        ctx.state.start_transition(acct, "snapshot", suuid, now)
        created.append(snap)
    return created_response(created)


def _edited(kind: Kind, ctx: Ctx, snap: dict, data: dict) -> dict:
    """The snapshot as `data` would leave it, validated; nothing is stored yet."""
    kind.check_idle(snap, "edit")
    # A remote snapshot whose drive was deleted still names it in `drive_meta.src_uuid`.
    source = (snap["drive"] or {}).get("uuid") or snap.get("drive_meta", {}).get("src_uuid")
    if data.get("drive") is not None and uuid_of(data["drive"], "drive") != source:
        raise validation("drive", f"The drive of a {kind.noun} cannot be changed")
    changed = dict(snap)
    if "name" in data:
        changed["name"] = name_of(data["name"]) or snap["name"]
    if "meta" in data:
        changed["meta"] = meta_of(data["meta"])  # PUT replaces the whole meta
    if "tags" in data:
        changed["tags"] = [ref("tags", t) for t in tags_of(data["tags"], ctx.acct)]
    return changed


def _update(kind: Kind, ctx: Ctx):
    # Validate every field into a new object first: a refused PUT leaves the stored one (and its bytes) as it was.
    coll = kind.coll(ctx)
    changed = _edited(kind, ctx, owned(ctx, coll), ctx.json_object())
    coll.put(changed)
    return json_response(raw=coll.raw[changed["uuid"]])


def _bulk_update(kind: Kind, ctx: Ctx):
    """`PUT /snapshots/` edits many: each item names its `uuid`; unlisted snapshots are left alone."""
    coll = kind.coll(ctx)
    items = objects_of(ctx.json())
    uuids = [uuid_of(item.get("uuid"), "uuid") for item in items]
    require_known(coll, uuids)
    if len(set(uuids)) != len(uuids):
        raise validation("uuid", f"Each {kind.noun} may appear only once in one PUT")
    changed = [_edited(kind, ctx, coll.get(u), item) for u, item in zip(uuids, items, strict=True)]
    for snap in changed:  # everything was validated above: a refused item changes nothing
        coll.put(snap)
    return json_response({"objects": changed})


delete_snapshots = remove_snapshots  # what a drive deletion uses: its snapshots go at once


def _start_deletion(kind: Kind, ctx: Ctx, uuids: list[str]):
    """204 "deletion started": at once, or after the `deletion_delay_seconds` fault setting (real API: async).

    Until then the snapshot is listed and served as before; deleting it again is accepted
    and keeps the first deletion's due time.
    """
    coll = kind.coll(ctx)
    for uuid in uuids:  # all checked first: a refused item deletes nothing
        kind.check_idle(coll.get(uuid), "delete")
    delay = ctx.request.app.state.faults.settings.deletion_delay_seconds
    if delay <= 0:
        kind.remove(ctx.acct, uuids)
        return empty_response()
    now = ctx.now
    for uuid in dict.fromkeys(uuids):
        if deletion_key(uuid) not in ctx.acct.aux:
            ctx.state.schedule(ctx.acct, deletion_key(uuid), {"type": "delete", "kind": kind.path, "uuid": uuid,
                                                              "start": now, "due": now + delay})
    return empty_response()


def _delete(kind: Kind, ctx: Ctx):
    return _start_deletion(kind, ctx, [owned(ctx, kind.coll(ctx))["uuid"]])


def _bulk_delete(kind: Kind, ctx: Ctx):
    uuids = uuid_list(ctx.json())
    require_known(kind.coll(ctx), uuids)  # safe choice: nothing is deleted unless every uuid is known
    return _start_deletion(kind, ctx, uuids)


def _action(kind: Kind, ctx: Ctx):
    snap = owned(ctx, kind.coll(ctx))
    action = ctx.params.get("do")
    if action != "clone":
        raise validation("do", f"Unknown action {shown(action)}; {kind.path} support do=clone")
    data = ctx.json_object(required=False)
    for avoid in split_or(ctx.params.get("avoid", "")) if ctx.params.get("avoid") else []:
        uuid_of(avoid, "avoid")  # best effort placement: validated, otherwise nothing to emulate
    if snap["status"] != "available":
        raise forbidden(f'Cannot clone {kind.noun} in state "{snap["status"]}". '
                        f'{kind.noun.capitalize()} should be in state "available"')
    return json_response(clone_to_drive(ctx, snap, data), 202)


def clone_to_drive(ctx: Ctx, snap: dict, data: dict) -> dict:
    acct, now = ctx.acct, ctx.now
    # The source drive, or (a remote snapshot whose drive was deleted) what it recorded of it.
    source = acct.drives.get((snap["drive"] or {}).get("uuid", "")) or snap.get("drive_meta")
    name = name_of(data.get("name"))
    if name is None:
        name = clone_name(snap["name"], acct.profile.get("clone_naming", "NONE"), now)
    media = media_of(data.get("media"), source["media"] if source else "disk")
    affinities = affinities_of(data.get("affinities"))
    duuid, juuid = new_uuid(), new_uuid()
    drive = make_drive(uuid=duuid, owner=acct.owner_ref, name=name, size=source["size"] if source else 1 << 30,
                       storage_type=source["storage_type"] if source else "dssd", status="cloning_dst", media=media,
                       affinities=affinities)
    drive["jobs"] = [ref("jobs", juuid)]
    acct.jobs.put(make_job(uuid=juuid, operation="drive_clone", epoch=now,
                           resources=[snap["resource_uri"], drive["resource_uri"]]))
    acct.drives.put(drive)
    if source is not None:
        rate = acct.aux.get(source.get("uuid") or source.get("src_uuid", ""), {}).get("rate", 0.0)
        acct.set_aux(duuid, {"rate": rate / 4})
    ctx.state.start_transition(acct, "clone", duuid, now, job=juuid)
    return drive


def make_routes(kind: Kind) -> list:
    """The documented endpoint set under `/api/2.0/{kind.path}/`."""
    base = f"/api/2.0/{kind.path}"

    def h(fn):
        return partial(fn, kind)

    return [
        api_route(f"{base}/", {"GET": h(_list), "POST": kind.create, "PUT": h(_bulk_update),
                               "DELETE": h(_bulk_delete)}),
        api_route(f"{base}/detail/", {"GET": h(_list)}),
        api_route(f"{base}/schema/", {"GET": lambda ctx: json_response(kind.schema)}),
        api_route(f"{base}/{{uuid}}/", {"GET": h(_get), "PUT": h(_update), "DELETE": h(_delete)}),
        api_route(f"{base}/{{uuid}}/action/", {"POST": h(_action)}),
    ]


LOCAL = Kind("snapshots", "snapshot", schemas.SNAPSHOT, _create, remove_snapshots)
routes = make_routes(LOCAL)
