"""`/drives/`: short list, detail, get, schema, create, PUT, DELETE (with its snapshots), clone/resize."""

from __future__ import annotations

from explorer.emulator import schemas
from explorer.emulator.objects import STORAGE_TYPES, clone_name, make_drive, make_job, short_drive
from explorer.emulator.routes.base import Ctx, api_route, list_response, owned, require_known
from explorer.emulator.routes.fields import meta_of, name_of, tags_of, uuid_list
from explorer.emulator.routes.snapshots import FILTERS as SNAPSHOT_FILTERS
from explorer.emulator.routes.snapshots import delete_snapshots
from explorer.emulator.state.lifecycle import transition_key
from explorer.emulator.wire import (
    created_response,
    empty_response,
    forbidden,
    json_response,
    new_uuid,
    objects_of,
    ref,
    validation,
)

FILTERS = (*(f for f in SNAPSHOT_FILTERS if f != "drive"), "status")
GIB = 1 << 30
MIN_SIZE, MAX_SIZE = 512 * 1024 * 1024, 15492389427364


def _size_of(value, point="size") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation(point, "Size must be an integer number of bytes")
    if not MIN_SIZE <= value <= MAX_SIZE:
        raise validation(point, f"Size must be between {MIN_SIZE} and {MAX_SIZE} bytes")
    return -(-value // 16384) * 16384  # the backend rounds up to 16 KiB


def _create(ctx: Ctx):
    acct, now = ctx.acct, ctx.now
    specs = []
    for spec in objects_of(ctx.json()):
        name = name_of(spec.get("name"), required=True)
        if "size" not in spec:
            raise validation("size", "This field is required")
        if spec.get("media") not in ("disk", "cdrom"):
            raise validation("media", "This field is required; choices: disk, cdrom")
        stype = spec.get("storage_type") or "dssd"
        if stype not in STORAGE_TYPES:
            raise validation("storage_type", f"Storage type must be one of: {', '.join(STORAGE_TYPES)}")
        specs.append(dict(name=name, size=_size_of(spec["size"]), media=spec["media"], storage_type=stype,
                          meta=meta_of(spec.get("meta")), tags=tags_of(spec.get("tags"), acct),
                          allow_multimount=bool(spec.get("allow_multimount", False))))
    created = []
    for spec in specs:
        duuid = new_uuid()
        drive = acct.drives.put(make_drive(uuid=duuid, owner=acct.owner_ref, status="creating", **spec))
        ctx.state.start_transition(acct, "drive_ready", duuid, now)
        created.append(drive)
    return created_response(created)


def _update(ctx: Ctx):
    drive = owned(ctx, ctx.acct.drives)
    data = ctx.json_object()
    # Validate every field into a new object first: a refused PUT leaves the stored one (and its bytes) as it was.
    changed = dict(drive)
    if "name" in data:
        changed["name"] = name_of(data["name"], required=True)
    if "meta" in data:
        changed["meta"] = meta_of(data["meta"])
    if "tags" in data:
        changed["tags"] = [ref("tags", t) for t in tags_of(data["tags"], ctx.acct)]
    if "allow_multimount" in data:
        changed["allow_multimount"] = bool(data["allow_multimount"])
    # Size and media only change on a drive that is not mounted (silently ignored otherwise, as documented).
    resize = False
    if drive["status"] == "unmounted":
        if "media" in data and data["media"] in ("disk", "cdrom"):
            changed["media"] = data["media"]
        if "size" in data:
            size = _size_of(data["size"])
            if size != drive["size"]:
                changed["size"], changed["status"], resize = size, "resizing", True
    if resize:
        _schedule_resize(ctx, drive["uuid"])
    ctx.acct.drives.put(changed)
    return json_response(raw=ctx.acct.drives.raw[changed["uuid"]])


def _schedule_resize(ctx: Ctx, duuid: str) -> None:
    now = ctx.now
    ctx.state.start_transition(ctx.acct, "resize", duuid, now)


def delete_drives(acct, uuids: list[str]) -> None:
    for uuid in uuids:
        drive = acct.drives.get(uuid)
        if drive is None:
            continue
        delete_snapshots(acct, [r["uuid"] for r in drive["snapshots"]])  # a drive takes its snapshots with it
        acct.drives.remove(uuid)
        for key in (uuid, transition_key(uuid)):
            if key in acct.aux:
                acct.set_aux(key, None)


def _check_deletable(drive: dict) -> None:
    if drive["status"] == "mounted" or drive["mounted_on"]:
        raise forbidden(f"Drive {drive['uuid']} is mounted on a server; detach it before deleting")
    if drive["status"] in ("cloning_dst", "cloning_src", "creating", "resizing"):
        raise forbidden(f'Cannot delete drive in state "{drive["status"]}"')


def _delete(ctx: Ctx):
    drive = owned(ctx, ctx.acct.drives)
    _check_deletable(drive)
    delete_drives(ctx.acct, [drive["uuid"]])
    return empty_response()


def _bulk_delete(ctx: Ctx):
    uuids = uuid_list(ctx.json())
    require_known(ctx.acct.drives, uuids)  # nothing is deleted unless every uuid is known and deletable
    for u in uuids:
        _check_deletable(ctx.acct.drives.get(u))
    delete_drives(ctx.acct, uuids)
    return empty_response()


def _action(ctx: Ctx):
    drive = owned(ctx, ctx.acct.drives)
    action = ctx.params.get("do")
    data = ctx.json_object(required=False)
    if action == "clone":
        return json_response({"objects": [_clone(ctx, drive, data)]}, 202)
    if action == "resize":
        if drive["status"] != "unmounted":
            raise forbidden(f'Cannot resize drive in state "{drive["status"]}". Drive should be in state "unmounted"')
        resized = {**drive, "size": _size_of(data.get("size", drive["size"])), "status": "resizing"}
        _schedule_resize(ctx, drive["uuid"])
        ctx.acct.drives.put(resized)
        return json_response({"objects": [resized]}, 202)
    raise validation("do", f"Unknown action {action!r}; drives support do=clone and do=resize")


def _clone(ctx: Ctx, source: dict, data: dict) -> dict:
    acct, now = ctx.acct, ctx.now
    if source["status"] not in ("mounted", "unmounted"):
        raise forbidden(f'Cannot clone drive in state "{source["status"]}"')
    name = name_of(data.get("name")) or clone_name(source["name"], acct.profile.get("clone_naming", "NONE"), now)
    size = _size_of(data.get("size", source["size"]))
    if size < source["size"]:
        raise validation("size", "A clone can only be the same size or bigger")
    stype = data.get("storage_type") or source["storage_type"]
    if stype not in STORAGE_TYPES:
        raise validation("storage_type", f"Storage type must be one of: {', '.join(STORAGE_TYPES)}")
    duuid, juuid = new_uuid(), new_uuid()
    drive = make_drive(uuid=duuid, owner=acct.owner_ref, name=name, size=size, storage_type=stype,
                       status="cloning_dst", media=data.get("media") or source["media"],
                       meta=meta_of(data.get("meta", source["meta"])))
    drive["jobs"] = [ref("jobs", juuid)]
    acct.jobs.put(make_job(uuid=juuid, operation="drive_clone", epoch=now,
                           resources=[source["resource_uri"], drive["resource_uri"]]))
    acct.drives.put(drive)
    ctx.state.start_transition(acct, "clone", duuid, now, job=juuid)
    return drive


def _get(ctx: Ctx):
    return json_response(raw=ctx.acct.drives.raw[owned(ctx, ctx.acct.drives)["uuid"]])


routes = [
    api_route("/api/2.0/drives/", {
        "GET": lambda c: list_response(c, c.acct.drives, filters=FILTERS, view=short_drive),
        "POST": _create, "DELETE": _bulk_delete}),
    api_route("/api/2.0/drives/detail/", {"GET": lambda c: list_response(c, c.acct.drives, filters=FILTERS)}),
    api_route("/api/2.0/drives/schema/", {"GET": lambda c: json_response(schemas.DRIVE)}),
    api_route("/api/2.0/drives/{uuid}/", {"GET": _get, "PUT": _update, "DELETE": _delete}),
    api_route("/api/2.0/drives/{uuid}/action/", {"POST": _action}),
]
