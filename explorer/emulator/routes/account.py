"""Account-wide endpoints: jobs, pricing, subscriptions, currentusage, balance, capabilities, and their schemas."""

from __future__ import annotations

import functools

from explorer.emulator import billing, schemas
from explorer.emulator.capabilities import capabilities
from explorer.emulator.clock import iso_time
from explorer.emulator.locations import location_objects, remote_locations
from explorer.emulator.routes.base import Ctx, api_route, list_response, owned
from explorer.emulator.state.model import Collection
from explorer.emulator.wire import encode, envelope, int_param, json_response, notexist, split_or, validation

PRICES = billing.price_objects()  # the location-less emulator's table


@functools.cache
def _price_raws(factor: float) -> list[bytes]:
    return [encode(o) for o in billing.price_objects(factor)]


def _job(ctx: Ctx):
    return json_response(raw=ctx.acct.jobs.raw[owned(ctx, ctx.acct.jobs)["uuid"]])


def _jobs(ctx: Ctx):
    return list_response(ctx, ctx.acct.jobs, filters=("uuid", "state"))


def _pricing(ctx: Ctx):
    # /pricing/ has default_limit 0 (everything); `limit`/`offset` page as elsewhere (`?limit=5` holds 5
    # objects in the documented dump) and `level`/`currency`/`resource` filter.
    limit = int_param(ctx.request, "limit", 0)
    offset = int_param(ctx.request, "offset", 0)
    factor = ctx.state.location.price_factor if ctx.state.location else 1.0
    raws = _price_raws(factor)  # each location has its own prices; the table's shape is the same
    keep = range(len(PRICES))
    for param in ("level", "currency", "resource"):
        if ctx.params.get(param):
            wanted = set(split_or(ctx.params[param]))
            keep = [i for i in keep if str(PRICES[i][param]) in wanted]
    page = keep[offset: offset + limit] if limit else keep[offset:]
    return json_response(raw=envelope([raws[i] for i in page], limit=limit, offset=offset, total=len(keep),
                                      extra={"current": billing.CURRENT, "next": billing.NEXT}))


def _subscriptions(ctx: Ctx):
    now_iso = iso_time(ctx.now)
    status = ctx.params.get("status", "all")
    if status not in ("all", "active", "inactive", "expired", "notexpired"):
        raise validation("status", "status must be one of: active, inactive, expired, all, notexpired")
    resources = set(split_or(ctx.params["resource"])) if ctx.params.get("resource") else None
    view = Collection("subscriptions", lambda *a: None, key="id")
    total_price = 0.0
    for sub in ctx.acct.subscriptions:
        current = billing.subscription_status(sub, now_iso)
        if status == "notexpired" and current == "expired":
            continue
        if status not in ("all", "notexpired") and current != status:
            continue
        if resources and sub["resource"] not in resources:
            continue
        view.put({**sub, "status": current})
        total_price += float(sub["price"])
    return list_response(ctx, view, filters=(), extra={"price": billing.fmt_decimal(total_price)})


def _subscription(ctx: Ctx):
    sub = ctx.acct.subscriptions.get(ctx.request.path_params["id"])
    if sub is None:
        raise notexist(ctx.request.path_params["id"])
    return json_response({**sub, "status": billing.subscription_status(sub, iso_time(ctx.now))})


def _usage(ctx: Ctx):
    return json_response(billing.current_usage(ctx.acct, iso_time(ctx.now)))


def _capabilities(ctx: Ctx):
    body = capabilities(ctx.acct, remote_locations=remote_locations(ctx.state.location))
    body["remote_snapshots"]["current"] = len(ctx.acct.remotesnapshots)
    body["remote_snapshots"]["max"] = ctx.acct.settings.get("remote_quota_max", body["remote_snapshots"]["max"])
    return json_response(body)


def _locations(ctx: Ctx):
    """`/locations/`: the documented list; this emulator's own location names the emulator's URL."""
    base = f"{ctx.request.url.scheme}://{ctx.request.url.netloc}"
    view = Collection("locations", lambda *a: None, key="id")
    for obj in location_objects(ctx.state.location, base):
        view.put(obj)
    return list_response(ctx, view, filters=())


def _schema(body: dict):
    return {"GET": lambda c: json_response(body)}


# Each `schema/` comes before the `{id}` route it would otherwise be taken for.
routes = [
    api_route("/api/2.0/jobs/", {"GET": _jobs}),
    api_route("/api/2.0/jobs/detail/", {"GET": _jobs}),
    api_route("/api/2.0/jobs/schema/", _schema(schemas.JOB)),
    api_route("/api/2.0/jobs/{uuid}/", {"GET": _job}),
    api_route("/api/2.0/pricing/", {"GET": _pricing}),
    api_route("/api/2.0/pricing/schema/", _schema(schemas.PRICING)),
    api_route("/api/2.0/subscriptions/", {"GET": _subscriptions}),
    api_route("/api/2.0/subscriptions/detail/", {"GET": _subscriptions}),
    api_route("/api/2.0/subscriptions/schema/", _schema(schemas.SUBSCRIPTION)),
    api_route("/api/2.0/subscriptions/{id}/", {"GET": _subscription}),
    api_route("/api/2.0/currentusage/", {"GET": _usage}),
    api_route("/api/2.0/currentusage/schema/", _schema(schemas.CURRENT_USAGE)),
    api_route("/api/2.0/balance/", {"GET": lambda c: json_response(c.acct.balance)}),
    api_route("/api/2.0/balance/schema/", _schema(schemas.BALANCE)),
    api_route("/api/2.0/capabilities/", {"GET": _capabilities}),
    api_route("/api/2.0/locations/", {"GET": _locations}),
    api_route("/api/2.0/capabilities/schema/", _schema(schemas.CAPABILITIES)),
]
