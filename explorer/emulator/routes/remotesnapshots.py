"""`/remotesnapshots/`: backups in another location, served by the snapshot handlers plus their own create."""

from __future__ import annotations

from explorer.emulator import schemas
from explorer.emulator.clock import default_snapshot_name
from explorer.emulator.locations import remote_locations
from explorer.emulator.routes.base import Ctx
from explorer.emulator.routes.fields import meta_of, name_of, tags_of
from explorer.emulator.routes.snapshots import Kind, make_routes, snapshot_drive
from explorer.emulator.state import remote
from explorer.emulator.state.lifecycle import transition_key
from explorer.emulator.wire import created_response, forbidden, new_uuid, objects_of, ref, validation


def _location_of(ctx: Ctx, value) -> str:
    allowed = remote_locations(ctx.state.location)
    if value is None:
        raise validation("location", f"This field is required; one of: {', '.join(allowed)}")
    code = value.strip().upper() if isinstance(value, str) else value
    if code not in allowed:
        raise validation("location", f"Remote snapshots can be kept in: {', '.join(allowed)} (not {value!r})")
    return code


def _create(ctx: Ctx):
    acct, now = ctx.acct, ctx.now
    specs, drives = [], set()
    # Everything is validated first: a refused item creates nothing.
    for spec in objects_of(ctx.json()):
        drive = snapshot_drive(acct, spec)
        if drive["uuid"] in drives:
            raise forbidden(f"Cannot create two remote snapshots of drive {drive['uuid']} at once", "drive")
        drives.add(drive["uuid"])
        if (why := remote.refusal(acct, drive, now)) is not None:
            raise forbidden(why, "drive")
        specs.append((drive, _location_of(ctx, spec.get("location")), name_of(spec.get("name")),
                      meta_of(spec.get("meta")), tags_of(spec.get("tags"), acct)))
    quota = acct.settings.get("remote_quota_max", remote.DEFAULT_QUOTA)
    if len(acct.remotesnapshots) + len(specs) > quota:
        raise forbidden(f"Remote snapshot limit exceeded: the account may hold at most {quota} remote snapshots")
    created = []
    for drive, location, name, meta, tags in specs:
        uuid = new_uuid()
        obj = remote.make_remote_snapshot(
            uuid=uuid, drive=drive, owner=acct.owner_ref, location=location, meta=meta, tags=tags, epoch=now,
            name=name if name is not None else default_snapshot_name(drive["uuid"], now))
        acct.remotesnapshots.put(obj)
        drive["remote_snapshots"] = [*drive.get("remote_snapshots", []), ref("remotesnapshots", uuid)]
        acct.drives.put(drive)
        ctx.state.schedule(acct, transition_key(uuid), {"type": "remote_creating", "uuid": uuid, "taken": now,
                                                        "start": now, "due": now + ctx.state.transition_seconds})
        created.append(obj)
    return created_response(created)


REMOTE = Kind("remotesnapshots", "remote snapshot", schemas.REMOTE_SNAPSHOT, _create, remote.remove,
              busy=remote.BUSY)
routes = make_routes(REMOTE)
