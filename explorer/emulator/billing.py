"""Billing as documented: price table with burst levels, subscriptions, usage computed from state."""

from __future__ import annotations

import functools
from decimal import Decimal

from explorer.emulator.clock import iso_time
from explorer.emulator.state.model import Account

# 2^30 bytes x 2592000 s (30 days): price per GB/month -> price per byte-second.
STORAGE_MULTIPLIER = 2783138807808000
CURRENCY_RATE = {"EUR": 1.0, "USD": 1.12, "GBP": 0.87, "CHF": 1.07}
# Level-0 (subscription) price in EUR per GB/month; burst level n costs base x BURST_FACTOR[n].
STORAGE_BASE = {"dssd": 0.105, "zadara": 0.045, "nvme": 0.16, "local_nvme": 0.12, "backup": 0.03,
                "ssd": 0.105, "magnetic": 0.04}
BURST_FACTOR = (1.0, 2.0, 2.4, 2.9, 3.5, 4.2)
OTHER = {"cpu": ("0.00800000", "GHz/hour", 3600000), "mem": ("0.01000000", "GB/hour", 3865470566400),
         "tx": ("0.04000000", "GB", 1073741824), "ip": ("3.50000000", "IP/month", 2592000)}
CURRENT = {"dssd": 2, "zadara": 1, "nvme": 2, "local_nvme": 1, "backup": 1, "ssd": 2, "magnetic": 1,
           "cpu": 1, "mem": 1, "tx": 0, "ip": 0}
NEXT = {**CURRENT, "dssd": 3, "nvme": 1}
SNAPSHOT_USAGE_TYPES = ("dssd", "zadara", "nvme", "local_nvme", "ssd", "magnetic")


def fmt_decimal(value: float) -> str:
    """Decimal strings with 20 places, like the API ("0.14000000000000000000"), without float noise."""
    return f"{Decimal(repr(value)):.20f}"


@functools.cache
def price_objects(location_factor: float = 1.0) -> list[dict]:
    """Every (resource, level, currency) price; ids are stable strings. A location scales them all."""
    out, n = [], 0
    for resource, base in STORAGE_BASE.items():
        for level, factor in enumerate(BURST_FACTOR):
            for cur, rate in CURRENCY_RATE.items():
                n += 1
                out.append({"currency": cur, "id": str(n), "level": level, "multiplier": STORAGE_MULTIPLIER,
                            "price": fmt_decimal(round(base * factor * rate * location_factor, 6)),
                            "resource": resource, "unit": "GB/month"})
    for resource, (price, unit, mult) in OTHER.items():
        for level, factor in enumerate(BURST_FACTOR[:3]):
            for cur, rate in CURRENCY_RATE.items():
                n += 1
                out.append({"currency": cur, "id": str(n), "level": level, "multiplier": mult,
                            "price": fmt_decimal(round(float(price) * factor * rate * location_factor, 8)),
                            "resource": resource, "unit": unit})
    return out


def make_subscription(acct: Account, *, sub_id: str, resource: str, amount: int, now: float,
                      days: int = 365) -> dict:
    start, end = now - 120 * 86400, now + (days - 120) * 86400
    price = (STORAGE_BASE.get(resource, 0.1) * CURRENCY_RATE[acct.profile.get("currency", "EUR")]
             * acct.settings.get("price_factor", 1.0))
    months = days / 30
    return {
        "amount": str(amount), "auto_renew": True, "descendants": [], "discount_amount": None, "discount_percent": None,
        "discounts": None, "end_time": iso_time(end), "free_tier": False, "id": sub_id,
        "period": f"{days} days, 0:00:00", "price": fmt_decimal(round(price * amount / (1 << 30) * months, 4)),
        "remaining": str(amount), "resource": resource, "resource_uri": f"/api/2.0/subscriptions/{sub_id}/",
        "start_time": iso_time(start), "status": "active", "subscribed_object": None,
        "uuid": sub_id and f"00000000-0000-4000-8000-{int(sub_id):012d}", "was_billed": True,
    }


def subscription_status(sub: dict, now_iso: str) -> str:
    if sub["end_time"] < now_iso:
        return "expired"
    if sub["start_time"] > now_iso:
        return "inactive"
    return "active"


def current_usage(acct: Account, now_iso: str) -> dict:
    """`/currentusage/`: drive sizes plus snapshots' allocated bytes per storage type, against subscriptions."""
    using = dict.fromkeys(SNAPSHOT_USAGE_TYPES, 0)
    for d in acct.drives:
        st = d["storage_type"]
        using[st] = using.get(st, 0) + d["size"] + (d["runtime"]["snapshots_allocated_size"] or 0)
    if len(acct.remotesnapshots):  # remote snapshots are billed as `backup`, not as drive storage
        using["backup"] = sum(r["allocated_size"] or 0 for r in acct.remotesnapshots)
    subscribed: dict[str, int] = {}
    for s in acct.subscriptions:
        if subscription_status(s, now_iso) == "active":
            subscribed[s["resource"]] = subscribed.get(s["resource"], 0) + int(s["amount"])
    usage = {}
    for res in sorted(set(using) | set(subscribed) | {"cpu", "mem", "ip", "tx"}):
        u, s = using.get(res, 0), subscribed.get(res, 0)
        usage[res] = {"burst": max(0, u - s), "subscribed": s, "using": u}
    return {"balance": {"balance": acct.balance["balance"], "currency": acct.balance["currency"]}, "usage": usage}
