"""`/tags/`: CRUD; a tag's `resources` are derived from the objects that carry it."""

from __future__ import annotations

from explorer.emulator.objects import make_tag
from explorer.emulator.routes.base import Ctx, api_route, list_response
from explorer.emulator.routes.fields import meta_of, name_of, uuid_of
from explorer.emulator.state.model import Account, Collection
from explorer.emulator.wire import (
    created_response,
    empty_response,
    fields_param,
    is_uuid,
    json_response,
    new_uuid,
    notexist,
    objects_of,
    ref,
    validation,
)

TAGGABLE = ("drives", "snapshots")


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


def _get_tag(ctx: Ctx) -> dict:
    uuid = ctx.request.path_params["uuid"].lower()
    tag = ctx.acct.tags.get(uuid) if is_uuid(uuid) else None
    if tag is None:
        raise notexist(ctx.request.path_params["uuid"])
    return tag


def _assign(acct: Account, tag_uuid: str, resources) -> None:
    """Make exactly `resources` (uuids of drives or snapshots) carry the tag; PUT replaces the list."""
    if not isinstance(resources, list):
        raise validation("resources", "Resources must be a list of uuids")
    wanted = {uuid_of(r, "resources") for r in resources}
    for u in wanted:
        if u not in acct.drives and u not in acct.snapshots:
            raise notexist(u, "resources")
    for res_type in TAGGABLE:
        coll = acct.collections[res_type]
        for obj in list(coll):
            has = any(t["uuid"] == tag_uuid for t in obj["tags"])
            if has != (obj["uuid"] in wanted):
                obj["tags"] = ([t for t in obj["tags"] if t["uuid"] != tag_uuid] if has
                               else [*obj["tags"], ref("tags", tag_uuid)])
                coll.put(obj)


def _create(ctx: Ctx):
    specs = [(name_of(s.get("name"), required=True), meta_of(s.get("meta")), s.get("resources"))
             for s in objects_of(ctx.json())]
    created = []
    for name, meta, resources in specs:
        tag = ctx.acct.tags.put(make_tag(uuid=new_uuid(), name=name, owner=ctx.acct.owner_ref, meta=meta))
        if resources is not None:
            _assign(ctx.acct, tag["uuid"], resources)
        created.append(_full(ctx.acct, tag))
    return created_response(created)


def _update(ctx: Ctx):
    tag = _get_tag(ctx)
    data = ctx.json_object()
    if "name" in data:
        tag["name"] = name_of(data["name"], required=True)
    if "meta" in data:
        tag["meta"] = meta_of(data["meta"])
    ctx.acct.tags.put(tag)
    if "resources" in data:
        _assign(ctx.acct, tag["uuid"], data["resources"])
    return json_response(_full(ctx.acct, tag))


def _delete(ctx: Ctx):
    tag = _get_tag(ctx)
    _assign(ctx.acct, tag["uuid"], [])
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
    tag = _get_tag(ctx)
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
    api_route("/api/2.0/tags/{uuid}/", {"GET": lambda c: json_response(_full(c.acct, _get_tag(c))),
                                             "PUT": _update, "DELETE": _delete}),
    api_route("/api/2.0/tags/{uuid}/{kind}/", {"GET": _tagged}),
    api_route("/api/2.0/tags/{uuid}/{kind}/detail/", {"GET": _tagged}),
]
