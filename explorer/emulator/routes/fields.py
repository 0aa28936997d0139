"""Validation of writable fields shared by snapshots, drives and tags (name, meta, tags, uuids)."""

from __future__ import annotations

from typing import Any

from explorer.emulator.objects import AFFINITIES
from explorer.emulator.state.model import Account
from explorer.emulator.wire import is_uuid, notexist, shown, validation

META_KEY_MAX = 32
# The real API's name limit is undocumented; 255 characters is the emulator's documented choice.
NAME_MAX = 255


def uuid_of(value: Any, point: str) -> str:
    """A related field written as a uuid string (or a `{uuid}` / `{resource_uri}` reference)."""
    if isinstance(value, dict):
        value = value.get("uuid") or str(value.get("resource_uri", "")).rstrip("/").rsplit("/", 1)[-1]
    if not is_uuid(value):
        raise validation(point, f"Invalid UUID: {shown(value)}")
    return value.lower()


def name_of(value: Any, point: str = "name", *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise validation(point, "This field is required")
        return None
    if not isinstance(value, str):
        raise validation(point, "Name must be a string")
    if len(value) > NAME_MAX:
        raise validation(point, f"Name must be at most {NAME_MAX} characters (this one has {len(value)})")
    return value


def meta_of(value: Any, point: str = "meta") -> dict:
    """Meta keys are at most 32 characters and values are strings (documented in meta.rst)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise validation(point, "Meta must be a dictionary of strings")
    for key, val in value.items():
        if len(key) > META_KEY_MAX:
            raise validation(point, f"Meta key {shown(key)} is longer than {META_KEY_MAX} characters")
        if not isinstance(val, str):
            raise validation(point, f"Meta value for key {shown(key)} must be a string")
    return dict(value)


def media_of(value, default: str) -> str:
    if value is None:
        return default
    if value not in ("disk", "cdrom"):
        raise validation("media", "Media must be one of: cdrom, disk")
    return value


def affinities_of(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or any(a not in AFFINITIES for a in value):
        raise validation("affinities", f"Affinities must be a list of: {', '.join(AFFINITIES)}")
    return list(value)


def tags_of(value: Any, acct: Account, point: str = "tags") -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise validation(point, "Tags must be a list of tag uuids")
    out = []
    for item in value:
        tid = uuid_of(item, point)
        if tid not in acct.tags:
            raise notexist(tid, point)
        out.append(tid)
    return out


def uuid_list(payload: Any, point: str = "objects") -> list[str]:
    """Bulk delete body: `{"objects": [{"uuid": ...}, ...]}` (a bare list is accepted too)."""
    items = payload.get("objects") if isinstance(payload, dict) else payload
    if not isinstance(items, list) or not items:
        raise validation(point, 'Expected {"objects": [{"uuid": ...}, ...]}')
    return [uuid_of(i.get("uuid") if isinstance(i, dict) else i, point) for i in items]
