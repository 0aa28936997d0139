"""`/profile/`: GET, PUT with each writable field checked against its documented type, and the schema."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from explorer.emulator import schemas
from explorer.emulator.objects import CLONE_NAMING
from explorer.emulator.routes.base import Ctx, api_route
from explorer.emulator.routes.fields import NAME_MAX, meta_of
from explorer.emulator.wire import json_response, shown, validation

# Writable fields by their type in the documented profile schema; the rest (email, currency, uuid,
# bank_reference, state, tax_name, tax_rate, signup_time, reseller) are read-only and ignored on PUT.
STRINGS = ("address", "company", "country", "first_name", "last_name", "title", "town", "phone", "vat",
           "nickname", "language", "network_restrictions")
NULLABLE_STRINGS = ("postcode", "my_notes")
BOOLEANS = ("api_https_only", "key_auth", "has_autotopup", "invoicing", "mailing_list", "has_tx_autotopup")
DECIMALS = ("autotopup_amount", "autotopup_threshold", "tx_autotopup_amount", "tx_autotopup_threshold")
# Undocumented lengths: profile text at most NAME_MAX characters, notes at most NOTES_MAX.
NOTES_MAX = 10_000


def _string(key: str, value: Any, *, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise validation(key, f"{key} must be a string")
    limit = NOTES_MAX if key == "my_notes" else NAME_MAX
    if len(value) > limit:
        raise validation(key, f"{key} must be at most {limit} characters (this one has {len(value)})")
    return value


def _decimal(key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)) or len(str(value)) > 64:
        raise validation(key, f"{key} must be a decimal number")
    try:
        number = Decimal(value if isinstance(value, str) else repr(value))
    except InvalidOperation:
        raise validation(key, f"{key} must be a decimal number, not {shown(value)}") from None
    if not number.is_finite() or (isinstance(value, float) and not math.isfinite(value)) or number < 0:
        raise validation(key, f"{key} must be a finite, non-negative decimal number")
    return str(number)


def edited_profile(profile: dict, data: dict) -> dict:
    """The profile as the PUT body `data` would leave it; every field is checked before anything changes."""
    changed = dict(profile)
    for key, value in data.items():
        if key in STRINGS or key in NULLABLE_STRINGS:
            changed[key] = _string(key, value, nullable=key in NULLABLE_STRINGS)
        elif key in BOOLEANS:
            if not isinstance(value, bool):
                raise validation(key, f"{key} must be true or false")
            changed[key] = value
        elif key in DECIMALS:
            changed[key] = _decimal(key, value)
        elif key == "clone_naming":
            if value not in CLONE_NAMING:
                raise validation("clone_naming", f"clone_naming must be one of: {', '.join(CLONE_NAMING)}")
            changed[key] = value
        elif key == "meta":
            changed[key] = meta_of(value)
    return changed


def _put(ctx: Ctx):
    # The new profile replaces the old one whole, and only once it is valid (a refused PUT changes nothing).
    ctx.acct.profile = edited_profile(ctx.acct.profile, ctx.json_object())
    ctx.acct.save_account()
    return json_response(ctx.acct.profile)


routes = [
    api_route("/api/2.0/profile/", {"GET": lambda c: json_response(c.acct.profile), "PUT": _put}),
    api_route("/api/2.0/profile/schema/", {"GET": lambda c: json_response(schemas.PROFILE)}),
]
