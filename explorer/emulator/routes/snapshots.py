"""`/snapshots/`: list, detail, get, schema, create one or many, PUT, DELETE one and bulk, clone."""

from __future__ import annotations

from explorer.emulator import schemas
from explorer.emulator.clock import default_snapshot_name
from explorer.emulator.objects import clone_name, make_drive, make_job, make_snapshot
from explorer.emulator.routes.base import Ctx, api_route, list_response, owned, require_known
from explorer.emulator.routes.fields import affinities_of, media_of, meta_of, name_of, tags_of, uuid_list, uuid_of
from explorer.emulator.state.lifecycle import deletion_key, remove_snapshots, sync_drive
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


def _list(ctx: Ctx):
    return list_response(ctx, ctx.acct.snapshots, filters=FILTERS)


def _get(ctx: Ctx):
    return json_response(raw=ctx.acct.snapshots.raw[owned(ctx, ctx.acct.snapshots)["uuid"]])


def _create(ctx: Ctx):
    acct, now = ctx.acct, ctx.now
    specs = []
    # Validate everything first: a refused item creates nothing.
    for spec in objects_of(ctx.json()):
        if "drive" not in spec or spec["drive"] is None:
            raise validation("drive", "This field is required")
        duuid = uuid_of(spec["drive"], "drive")
        drive = acct.drives.get(duuid)
        if drive is None:
            raise notexist(duuid, "drive")
        if drive["runtime"]["is_snapshotable"] is False:
            raise forbidden(f"Drive {duuid} of storage type {drive['storage_type']} does not support snapshots",
                            "drive")
        if drive["status"] not in ("mounted", "unmounted"):
            raise forbidden(f'Cannot snapshot drive {duuid} in state "{drive["status"]}". '
                            'Drive should be in state "mounted" or "unmounted"', "drive")
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


def _edited(ctx: Ctx, snap: dict, data: dict) -> dict:
    """The snapshot as `data` would leave it, validated; nothing is stored yet."""
    if data.get("drive") is not None and uuid_of(data["drive"], "drive") != snap["drive"]["uuid"]:
        raise validation("drive", "The drive of a snapshot cannot be changed")
    changed = dict(snap)
    if "name" in data:
        changed["name"] = name_of(data["name"]) or snap["name"]
    if "meta" in data:
        changed["meta"] = meta_of(data["meta"])  # PUT replaces the whole meta
    if "tags" in data:
        changed["tags"] = [ref("tags", t) for t in tags_of(data["tags"], ctx.acct)]
    return changed


def _update(ctx: Ctx):
    # Validate every field into a new object first: a refused PUT leaves the stored one (and its bytes) as it was.
    changed = _edited(ctx, owned(ctx, ctx.acct.snapshots), ctx.json_object())
    ctx.acct.snapshots.put(changed)
    return json_response(raw=ctx.acct.snapshots.raw[changed["uuid"]])


def _bulk_update(ctx: Ctx):
    """`PUT /snapshots/` edits many: each item names its `uuid`; unlisted snapshots are left alone."""
    items = objects_of(ctx.json())
    uuids = [uuid_of(item.get("uuid"), "uuid") for item in items]
    require_known(ctx.acct.snapshots, uuids)
    if len(set(uuids)) != len(uuids):
        raise validation("uuid", "Each snapshot may appear only once in one PUT")
    changed = [_edited(ctx, ctx.acct.snapshots.get(u), item) for u, item in zip(uuids, items, strict=True)]
    for snap in changed:  # everything was validated above: a refused item changes nothing
        ctx.acct.snapshots.put(snap)
    return json_response({"objects": changed})


delete_snapshots = remove_snapshots  # what a drive deletion uses: its snapshots go at once


def _start_deletion(ctx: Ctx, uuids: list[str]):
    """204 "deletion started": at once, or after the `deletion_delay_seconds` fault setting (real API: async).

    Until then the snapshot is listed and served as before; deleting it again is accepted
    and keeps the first deletion's due time.
    """
    delay = ctx.request.app.state.faults.settings.deletion_delay_seconds
    if delay <= 0:
        remove_snapshots(ctx.acct, uuids)
        return empty_response()
    now = ctx.now
    for uuid in dict.fromkeys(uuids):
        if deletion_key(uuid) not in ctx.acct.aux:
            ctx.state.schedule(ctx.acct, deletion_key(uuid), {"type": "delete", "uuid": uuid, "start": now,
                                                              "due": now + delay})
    return empty_response()


def _delete(ctx: Ctx):
    return _start_deletion(ctx, [owned(ctx, ctx.acct.snapshots)["uuid"]])


def _bulk_delete(ctx: Ctx):
    uuids = uuid_list(ctx.json())
    require_known(ctx.acct.snapshots, uuids)  # safe choice: nothing is deleted unless every uuid is known
    return _start_deletion(ctx, uuids)


def _action(ctx: Ctx):
    snap = owned(ctx, ctx.acct.snapshots)
    action = ctx.params.get("do")
    if action != "clone":
        raise validation("do", f"Unknown action {shown(action)}; snapshots support do=clone")
    data = ctx.json_object(required=False)
    for avoid in split_or(ctx.params.get("avoid", "")) if ctx.params.get("avoid") else []:
        uuid_of(avoid, "avoid")  # best effort placement: validated, otherwise nothing to emulate
    if snap["status"] != "available":
        raise forbidden(f'Cannot clone snapshot in state "{snap["status"]}". Snapshot should be in state "available"')
    return json_response(clone_to_drive(ctx, snap, data), 202)


def clone_to_drive(ctx: Ctx, snap: dict, data: dict) -> dict:
    acct, now = ctx.acct, ctx.now
    source = acct.drives.get(snap["drive"]["uuid"])
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
        acct.set_aux(duuid, {"rate": acct.aux.get(source["uuid"], {}).get("rate", 0.0) / 4})
    ctx.state.start_transition(acct, "clone", duuid, now, job=juuid)
    return drive


def _schema(ctx: Ctx):
    return json_response(schemas.SNAPSHOT)


routes = [
    api_route("/api/2.0/snapshots/", {"GET": _list, "POST": _create, "PUT": _bulk_update, "DELETE": _bulk_delete}),
    api_route("/api/2.0/snapshots/detail/", {"GET": _list}),
    api_route("/api/2.0/snapshots/schema/", {"GET": _schema}),
    api_route("/api/2.0/snapshots/{uuid}/", {"GET": _get, "PUT": _update, "DELETE": _delete}),
    api_route("/api/2.0/snapshots/{uuid}/action/", {"POST": _action}),
]
