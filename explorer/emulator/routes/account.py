"""Account-wide endpoints: jobs, pricing, subscriptions, currentusage, balance, capabilities, and their schemas."""

from __future__ import annotations

from explorer.emulator import billing, schemas
from explorer.emulator.capabilities import capabilities
from explorer.emulator.clock import iso_time
from explorer.emulator.routes.base import Ctx, api_route, list_response, owned
from explorer.emulator.state.model import Collection
from explorer.emulator.wire import encode, envelope, int_param, json_response, notexist, split_or, validation

PRICES = billing.price_objects()
PRICE_RAWS = [encode(o) for o in PRICES]


def _job(ctx: Ctx):
    return json_response(raw=ctx.acct.jobs.raw[owned(ctx, ctx.acct.jobs)["uuid"]])


def _jobs(ctx: Ctx):
    return list_response(ctx, ctx.acct.jobs, filters=("uuid", "state"))


def _pricing(ctx: Ctx):
    # /pricing/ has default_limit 0 (everything); `limit`/`offset` page as elsewhere (`?limit=5` holds 5
    # objects in the documented dump) and `level`/`currency`/`resource` filter.
    limit = int_param(ctx.request, "limit", 0)
    offset = int_param(ctx.request, "offset", 0)
    keep = range(len(PRICES))
    for param in ("level", "currency", "resource"):
        if ctx.params.get(param):
            wanted = set(split_or(ctx.params[param]))
            keep = [i for i in keep if str(PRICES[i][param]) in wanted]
    page = keep[offset: offset + limit] if limit else keep[offset:]
    return json_response(raw=envelope([PRICE_RAWS[i] for i in page], limit=limit, offset=offset, total=len(keep),
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
    api_route("/api/2.0/capabilities/", {"GET": lambda c: json_response(capabilities(c.acct))}),
    api_route("/api/2.0/capabilities/schema/", _schema(schemas.CAPABILITIES)),
]
