"""`/drives/`: short list, detail, get, schema, create, PUT, DELETE (with its snapshots), clone/resize."""

from __future__ import annotations

import re

from explorer.emulator import schemas
from explorer.emulator.capabilities import iops_range, size_range
from explorer.emulator.objects import STORAGE_TYPES, clone_name, make_drive, make_job, short_drive
from explorer.emulator.routes.base import Ctx, api_route, list_response, owned, require_known
from explorer.emulator.routes.fields import affinities_of, media_of, meta_of, name_of, tags_of, uuid_list, uuid_of
from explorer.emulator.routes.snapshots import FILTERS as SNAPSHOT_FILTERS
from explorer.emulator.routes.snapshots import delete_snapshots
from explorer.emulator.state import remote
from explorer.emulator.state.lifecycle import transition_key
from explorer.emulator.wire import (
    created_response,
    empty_response,
    forbidden,
    json_response,
    new_uuid,
    objects_of,
    ref,
    shown,
    validation,
)

FILTERS = (*(f for f in SNAPSHOT_FILTERS if f != "drive"), "status")
_DIGITS = re.compile(r"^[0-9]{1,20}$")


def _size_of(value, storage_type: str, point="size") -> int:
    """Bytes as an integer or an integer-valued string (`"1024000000"`, as pycloudsigma's tests send it)."""
    if isinstance(value, str) and _DIGITS.match(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation(point, "Size must be an integer number of bytes")
    low, high = size_range(storage_type)
    if not low <= value <= high:
        raise validation(point, f"Size of a {storage_type} drive must be between {low} and {high} bytes")
    return -(-value // 16384) * 16384  # the backend rounds up to 16 KiB


def _iops_of(value, storage_type: str) -> int | None:
    """A drive's IOPS limit: null (the storage type's base) or an integer in the type's range."""
    if value is None:
        return None
    low, high = iops_range(storage_type)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise validation("iops", f"IOPS of a {storage_type} drive must be null or an integer from {low} to {high}")
    return value


def _flag(data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise validation(key, f"{key} must be true or false")
    return value


def _storage_type(value, default: str) -> str:
    stype = value or default
    if stype not in STORAGE_TYPES:
        raise validation("storage_type", f"Storage type must be one of: {', '.join(STORAGE_TYPES)}")
    return stype


def _create(ctx: Ctx):
    acct, now = ctx.acct, ctx.now
    specs = []
    for spec in objects_of(ctx.json()):
        name = name_of(spec.get("name"), required=True)
        if "size" not in spec:
            raise validation("size", "This field is required")
        if spec.get("media") not in ("disk", "cdrom"):
            raise validation("media", "This field is required; choices: disk, cdrom")
        stype = _storage_type(spec.get("storage_type"), "dssd")
        specs.append(dict(name=name, size=_size_of(spec["size"], stype), media=spec["media"], storage_type=stype,
                          meta=meta_of(spec.get("meta")), tags=tags_of(spec.get("tags"), acct),
                          allow_multimount=_flag(spec, "allow_multimount", False),
                          affinities=affinities_of(spec.get("affinities")),
                          iops=_iops_of(spec.get("iops"), stype)))
    created = []
    for spec in specs:
        duuid = new_uuid()
        drive = acct.drives.put(make_drive(uuid=duuid, owner=acct.owner_ref, status="creating", **spec))
        ctx.state.start_transition(acct, "drive_ready", duuid, now)
        created.append(drive)
    return created_response(created)


def _edited(ctx: Ctx, drive: dict, data: dict) -> dict:
    """The drive as `data` would leave it, validated; nothing is stored or scheduled yet."""
    changed = dict(drive)
    if "name" in data:
        changed["name"] = name_of(data["name"], required=True)
    if "meta" in data:
        changed["meta"] = meta_of(data["meta"])
    if "tags" in data:
        changed["tags"] = [ref("tags", t) for t in tags_of(data["tags"], ctx.acct)]
    if "allow_multimount" in data:
        changed["allow_multimount"] = _flag(data, "allow_multimount", False)
    if "affinities" in data:
        changed["affinities"] = affinities_of(data["affinities"])
    if "iops" in data:
        changed["iops"] = _iops_of(data["iops"], drive["storage_type"])
    # Size and media only change on a drive that is not mounted (silently ignored otherwise, as documented).
    if drive["status"] == "unmounted":
        if "media" in data and data["media"] in ("disk", "cdrom"):
            changed["media"] = data["media"]
        if "size" in data:
            size = _size_of(data["size"], drive["storage_type"])
            if size != drive["size"]:
                changed["size"], changed["status"] = size, "resizing"
    return changed


def _store(ctx: Ctx, before: dict, changed: dict) -> None:
    if changed["status"] == "resizing" and before["status"] != "resizing":
        _schedule_resize(ctx, changed["uuid"])
    ctx.acct.drives.put(changed)


def _update(ctx: Ctx):
    drive = owned(ctx, ctx.acct.drives)
    # Validate every field into a new object first: a refused PUT leaves the stored one (and its bytes) as it was.
    changed = _edited(ctx, drive, ctx.json_object())
    _store(ctx, drive, changed)
    return json_response(raw=ctx.acct.drives.raw[changed["uuid"]])


def _bulk_update(ctx: Ctx):
    """`PUT /drives/` edits many: each item names its `uuid`; unlisted drives are left alone."""
    items = objects_of(ctx.json())
    uuids = [uuid_of(item.get("uuid"), "uuid") for item in items]
    require_known(ctx.acct.drives, uuids)
    if len(set(uuids)) != len(uuids):
        raise validation("uuid", "Each drive may appear only once in one PUT")
    pairs = [(ctx.acct.drives.get(u), item) for u, item in zip(uuids, items, strict=True)]
    changed = [_edited(ctx, drive, item) for drive, item in pairs]
    for (drive, _), new in zip(pairs, changed, strict=True):  # all validated: a refused item changes nothing
        _store(ctx, drive, new)
    return json_response({"objects": changed})


def _schedule_resize(ctx: Ctx, duuid: str) -> None:
    now = ctx.now
    ctx.state.start_transition(ctx.acct, "resize", duuid, now)


def delete_drives(acct, uuids: list[str]) -> None:
    for uuid in uuids:
        drive = acct.drives.get(uuid)
        if drive is None:
            continue
        delete_snapshots(acct, [r["uuid"] for r in drive["snapshots"]])  # a drive takes its snapshots with it
        remote.orphan(acct, drive)  # but its remote snapshots (backups) survive it
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
        resized = {**drive, "size": _size_of(data.get("size", drive["size"]), drive["storage_type"]),
                   "status": "resizing"}
        _schedule_resize(ctx, drive["uuid"])
        ctx.acct.drives.put(resized)
        return json_response({"objects": [resized]}, 202)
    raise validation("do", f"Unknown action {shown(action)}; drives support do=clone and do=resize")


def _clone(ctx: Ctx, source: dict, data: dict) -> dict:
    acct, now = ctx.acct, ctx.now
    if source["status"] not in ("mounted", "unmounted"):
        raise forbidden(f'Cannot clone drive in state "{source["status"]}"')
    name = name_of(data.get("name")) or clone_name(source["name"], acct.profile.get("clone_naming", "NONE"), now)
    stype = _storage_type(data.get("storage_type"), source["storage_type"])
    size = _size_of(data.get("size", source["size"]), stype)
    if size < source["size"]:
        raise validation("size", "A clone can only be the same size or bigger")
    media = media_of(data.get("media"), source["media"])
    affinities = affinities_of(data.get("affinities", source["affinities"]))
    duuid, juuid = new_uuid(), new_uuid()
    drive = make_drive(uuid=duuid, owner=acct.owner_ref, name=name, size=size, storage_type=stype,
                       status="cloning_dst", media=media, affinities=affinities,
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
        "POST": _create, "PUT": _bulk_update, "DELETE": _bulk_delete}),
    api_route("/api/2.0/drives/detail/", {"GET": lambda c: list_response(c, c.acct.drives, filters=FILTERS)}),
    api_route("/api/2.0/drives/schema/", {"GET": lambda c: json_response(schemas.DRIVE)}),
    api_route("/api/2.0/drives/{uuid}/", {"GET": _get, "PUT": _update, "DELETE": _delete}),
    api_route("/api/2.0/drives/{uuid}/action/", {"POST": _action}),
]
