"""Bulk meta edits (set `owner=...` on many snapshots) through the normal write path, reported item by item."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from explorer.data.actions import META_KEY_MAX, ItemResult, validate_meta
from explorer.errors import ExplorerError, NotFoundError, ValidationError

#: snapshots updated at once (each is a GET then a PUT: the meta is read fresh so no other key is lost)
CONCURRENCY = 4


def check_key_value(key: str, value: str) -> tuple[str, str]:
    """The key and value a person typed, stripped; ValidationError with what to fix."""
    key, value = key.strip(), value.strip()
    if not key:
        raise ValidationError("the meta key is empty")
    if len(key) > META_KEY_MAX:
        raise ValidationError(f"meta key {key!r} has {len(key)} characters; the limit is {META_KEY_MAX}")
    if not value:
        raise ValidationError(f"type a value for {key}, e.g. {key}=web-team")
    return key, value


async def set_meta_key(client: Any, items: Mapping[str, str], key: str, value: str, *,
                       on_item: Callable[[ItemResult], None] | None = None) -> list[ItemResult]:
    """Set `meta[key] = value` on each snapshot (`items`: uuid -> name), keeping its other meta keys.

    Each snapshot is read fresh, merged and written with a PUT; one failure never stops the
    others. Returns one :class:`ItemResult` per snapshot, in the order given.
    """
    import asyncio

    key, value = check_key_value(key, value)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(uuid: str, name: str) -> ItemResult:
        async with gate:
            try:
                snap = await client.snapshots.get(uuid)
                meta = validate_meta({**(snap.meta or {}), key: value})
                await client.snapshots.update(uuid, meta=meta, drive=snap.drive)
            except NotFoundError:
                result = ItemResult(uuid, name, False, "not found (deleted meanwhile?)")
            except ExplorerError as exc:
                result = ItemResult(uuid, name, False, str(exc))
            else:
                previous = (snap.meta or {}).get(key)
                how = f"{key}={value}" + (f" (was {previous})" if previous not in (None, "", value) else "")
                result = ItemResult(uuid, name, True, how)
        if on_item is not None:
            on_item(result)
        return result

    return list(await asyncio.gather(*(one(u, n) for u, n in items.items())))
