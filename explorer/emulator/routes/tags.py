"""`/tags/`: CRUD; a tag's `resources` are derived from the objects that carry it."""

from __future__ import annotations

from explorer.emulator import schemas
from explorer.emulator.objects import make_tag
from explorer.emulator.routes.base import Ctx, api_route, list_response, owned
from explorer.emulator.routes.fields import meta_of, name_of, uuid_of
from explorer.emulator.state.model import Account, Collection
from explorer.emulator.wire import (
    created_response,
    empty_response,
    fields_param,
    json_response,
    new_uuid,
    notexist,
    objects_of,
    ref,
    validation,
)

# Remote snapshots carry tags too (their documented create body has `tags`).
TAGGABLE = ("drives", "snapshots", "remotesnapshots")


def _resources(acct: Account, tag_uuid: str, kind: str | None = None) -> list[dict]:
    out = []
    for res_type in TAGGABLE if kind is None else (kind,):
        for obj in acct.collections[res_type]:
            if any(t["uuid"] == tag_uuid for t in obj["tags"]):
                out.append({"owner": acct.owner_ref, "res_type": res_type, "resource_uri": obj["resource_uri"],
                            "uuid": obj["uuid"]})
    return out


def _full(acct: Account, tag: dict) -> dict:
    return {**tag, "resources": _resources(acct, tag["uuid"])}


def _resources_of(acct: Account, resources) -> set[str]:
    """Validate a tag's `resources` (uuids of the caller's drives, snapshots or remote snapshots); change nothing."""
    if not isinstance(resources, list):
        raise validation("resources", "Resources must be a list of uuids")
    wanted = {uuid_of(r, "resources") for r in resources}
    for u in wanted:
        if not any(u in acct.collections[kind] for kind in TAGGABLE):
            raise notexist(u, "resources")
    return wanted


def _assign(acct: Account, tag_uuid: str, wanted: set[str]) -> None:
    """Make exactly the (validated) `wanted` objects carry the tag; PUT replaces the list."""
    for res_type in TAGGABLE:
        coll = acct.collections[res_type]
        for obj in list(coll):
            has = any(t["uuid"] == tag_uuid for t in obj["tags"])
            if has != (obj["uuid"] in wanted):
                tags = ([t for t in obj["tags"] if t["uuid"] != tag_uuid] if has
                        else [*obj["tags"], ref("tags", tag_uuid)])
                coll.put({**obj, "tags": tags})


def _create(ctx: Ctx):
    acct = ctx.acct
    # Validate every item, resources included, before anything is written: a refused item creates nothing.
    specs = [(name_of(s.get("name"), required=True), meta_of(s.get("meta")),
              None if s.get("resources") is None else _resources_of(acct, s["resources"]))
             for s in objects_of(ctx.json())]
    created = []
    for name, meta, wanted in specs:
        tag = acct.tags.put(make_tag(uuid=new_uuid(), name=name, owner=acct.owner_ref, meta=meta))
        if wanted is not None:
            _assign(acct, tag["uuid"], wanted)
        created.append(_full(acct, tag))
    return created_response(created)


def _update(ctx: Ctx):
    acct = ctx.acct
    tag = owned(ctx, acct.tags)
    data = ctx.json_object()
    # Validate every field into a new object first: a refused PUT leaves the tag and its objects as they were.
    changed = dict(tag)
    if "name" in data:
        changed["name"] = name_of(data["name"], required=True)
    if "meta" in data:
        changed["meta"] = meta_of(data["meta"])
    wanted = _resources_of(acct, data["resources"]) if "resources" in data else None
    acct.tags.put(changed)
    if wanted is not None:
        _assign(acct, changed["uuid"], wanted)
    return json_response(_full(acct, changed))


def _delete(ctx: Ctx):
    tag = owned(ctx, ctx.acct.tags)
    _assign(ctx.acct, tag["uuid"], set())
    ctx.acct.tags.remove(tag["uuid"])
    return empty_response()


def _resource_index(acct: Account) -> dict[str, list[dict]]:
    """Every tag's `resources`, from one pass over the taggable objects (not one pass per tag)."""
    index: dict[str, list[dict]] = {}
    for res_type in TAGGABLE:
        for obj in acct.collections[res_type]:
            for t in obj["tags"]:
                index.setdefault(t["uuid"], []).append({"owner": acct.owner_ref, "res_type": res_type,
                                                        "resource_uri": obj["resource_uri"], "uuid": obj["uuid"]})
    return index


def _list(ctx: Ctx):
    fields = fields_param(ctx.request)
    # A client asking only for uuid/name (the explorer does) skips the scan of every drive and snapshot.
    index = _resource_index(ctx.acct) if not fields or "resources" in fields else {}
    view = Collection("tags", lambda *a: None)
    for tag in ctx.acct.tags:
        view.put({**tag, "resources": index.get(tag["uuid"], [])})
    return list_response(ctx, view, filters=("uuid", "name", "name__contains"))


def _tagged(ctx: Ctx):
    tag = owned(ctx, ctx.acct.tags)
    kind = ctx.request.path_params["kind"]
    if kind not in TAGGABLE:
        raise notexist(kind)
    coll = ctx.acct.collections[kind]
    view = Collection(kind, lambda *a: None)
    for obj in coll:
        if any(t["uuid"] == tag["uuid"] for t in obj["tags"]):
            view.load(obj, coll.raw[obj["uuid"]])
    return list_response(ctx, view, filters=("uuid", "name", "name__contains"))


routes = [
    api_route("/api/2.0/tags/", {"GET": _list, "POST": _create}),
    api_route("/api/2.0/tags/detail/", {"GET": _list}),
    api_route("/api/2.0/tags/schema/", {"GET": lambda c: json_response(schemas.TAG)}),
    api_route("/api/2.0/tags/{uuid}/", {"GET": lambda c: json_response(_full(c.acct, owned(c, c.acct.tags))),
                                             "PUT": _update, "DELETE": _delete}),
    api_route("/api/2.0/tags/{uuid}/{kind}/", {"GET": _tagged}),
    api_route("/api/2.0/tags/{uuid}/{kind}/detail/", {"GET": _tagged}),
]
