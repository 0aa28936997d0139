"""Account-wide endpoints: jobs, pricing, subscriptions, currentusage, balance, capabilities, profile."""

from __future__ import annotations

from explorer.emulator import billing
from explorer.emulator.clock import iso_time
from explorer.emulator.objects import CLONE_NAMING
from explorer.emulator.routes.base import Ctx, api_route, list_response, owned
from explorer.emulator.state.model import Collection
from explorer.emulator.wire import encode, envelope, json_response, notexist, split_or, validation

PRICES = billing.price_objects()
PRICE_RAWS = [encode(o) for o in PRICES]
# Profile fields a PUT may change; the rest (email, currency, uuid, bank_reference...) are read-only.
PROFILE_WRITABLE = ("first_name", "last_name", "title", "company", "address", "town", "postcode", "country",
                    "phone", "vat", "nickname", "language", "clone_naming", "api_https_only", "key_auth",
                    "has_autotopup", "autotopup_amount", "autotopup_threshold", "invoicing", "mailing_list",
                    "meta", "my_notes")


def _job(ctx: Ctx):
    return json_response(raw=ctx.acct.jobs.raw[owned(ctx, ctx.acct.jobs)["uuid"]])


def _jobs(ctx: Ctx):
    return list_response(ctx, ctx.acct.jobs, filters=("uuid", "state"))


def _pricing(ctx: Ctx):
    # Documented quirk: /pricing/ has default_limit 0 and answers everything; `level`/`currency` filter.
    keep = range(len(PRICES))
    for param in ("level", "currency", "resource"):
        if ctx.params.get(param):
            wanted = set(split_or(ctx.params[param]))
            keep = [i for i in keep if str(PRICES[i][param]) in wanted]
    raws = [PRICE_RAWS[i] for i in keep]
    return json_response(raw=envelope(raws, limit=0, offset=0, total=len(raws),
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


def _capabilities(ctx: Ctx):
    s = ctx.acct.settings
    body = {
        "drives": {t: {"max_size": 15492389427364 if t != "local_nvme" else 1099511627776, "min_size": 536870912}
                   for t in ("dssd", "zadara", "nvme", "local_nvme")},
        "remote_snapshots": {"current": 0, "max": 600, "remote_locations": ["ZRH"]},
        "servers": {"cpu": {"max": 80000, "min": 250}, "mem": {"max": 549755813888, "min": 268435456}},
        "snapshots": {"current": len(ctx.acct.snapshots), "max": s["quota_max"], "max_per_drive": s["quota_per_drive"]},
    }
    return json_response(body)


def _profile_put(ctx: Ctx):
    data = ctx.json_object()
    if "clone_naming" in data and data["clone_naming"] not in CLONE_NAMING:
        raise validation("clone_naming", f"clone_naming must be one of: {', '.join(CLONE_NAMING)}")
    # Everything is validated above; the new profile replaces the old one whole (a refused PUT changes nothing).
    ctx.acct.profile = {**ctx.acct.profile, **{key: data[key] for key in PROFILE_WRITABLE if key in data}}
    ctx.acct.save_account()
    return json_response(ctx.acct.profile)


def _usage(ctx: Ctx):
    return json_response(billing.current_usage(ctx.acct, iso_time(ctx.now)))


routes = [
    api_route("/api/2.0/jobs/", {"GET": _jobs}),
    api_route("/api/2.0/jobs/detail/", {"GET": _jobs}),
    api_route("/api/2.0/jobs/{uuid}/", {"GET": _job}),
    api_route("/api/2.0/pricing/", {"GET": _pricing}),
    api_route("/api/2.0/subscriptions/", {"GET": _subscriptions}),
    api_route("/api/2.0/subscriptions/detail/", {"GET": _subscriptions}),
    api_route("/api/2.0/subscriptions/{id}/", {"GET": _subscription}),
    api_route("/api/2.0/currentusage/", {"GET": _usage}),
    api_route("/api/2.0/balance/", {"GET": lambda c: json_response(c.acct.balance)}),
    api_route("/api/2.0/capabilities/", {"GET": _capabilities}),
    api_route("/api/2.0/profile/", {"GET": lambda c: json_response(c.acct.profile), "PUT": _profile_put}),
]
