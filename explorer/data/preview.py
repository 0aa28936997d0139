"""The launch preview: what a warm start's first screen shows, as plain JSON a start can draw with Textual alone.

The TUI writes `preview.json` (0600, like every cache file; data facts only, never a credential) into the
first cache slot of what it shows, each time it has shown a fresh inventory: the summary line, the column
labels and the first rows' display cells in the default sort, and the stamp of every slot's cache. A start
reads it before pandas, numpy or pyarrow are imported, and only when every slot's manifest still has the
stamp it was written with (a cache saved since by someone else, e.g. `snapshot-explorer load`: no preview).

Stdlib only (and the cache's paths): nothing here may import pandas, numpy or pyarrow.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from explorer.data import paths, private

PREVIEW = "preview.json"
#: rows a preview keeps (more than any terminal shows at once)
PREVIEW_ROWS = 100
PREVIEW_VERSION = 1
MANIFEST = "inventory.json"


def slot_dir(root: Path, source: Any, location: str | None = None) -> Path:
    """The cache slot of `source` (a Source: `demo`, `endpoint`, `account`): see explorer.data.cache._slot."""
    if source.demo:
        if not location:
            return root / "demo"
        return root / f"demo-{location if location.isalnum() else hashlib.sha256(location.encode()).hexdigest()[:8]}"
    key = f"{source.endpoint}\n{source.account or ''}".encode()
    return root / f"account-{hashlib.sha256(key).hexdigest()[:16]}"


def _manifest(slot: Path) -> dict | None:
    try:
        return json.loads((slot / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def write_preview(slots: Sequence[Path], payload: dict) -> Path | None:
    """Write `payload` as the preview of these slots' caches (their manifests' stamps recorded); None when a
    slot has no readable manifest."""
    if not slots:
        return None
    manifests = [_manifest(s) for s in slots]
    if any(m is None or "stamp" not in m for m in manifests):
        return None
    body = {**payload, "version": PREVIEW_VERSION,
            "slots": {s.name: m["stamp"] for s, m in zip(slots, manifests, strict=True)},
            "loaded_at": min(str(m.get("loaded_at")) for m in manifests)}
    target = slots[0] / PREVIEW
    tmp = slots[0] / f".{PREVIEW}.{os.getpid()}-{threading.get_ident()}.tmp"
    with private.open_private(tmp, "w", encoding="utf-8") as fh:  # 0600 from the start: names of snapshots
        fh.write(json.dumps(body))
    os.replace(tmp, target)
    return target


def read_preview(slots: Sequence[Path]) -> dict | None:
    """The preview of these slots, or None: none written, unreadable, or a cache saved since it was."""
    if not slots:
        return None
    try:
        body = json.loads((slots[0] / PREVIEW).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("version") != PREVIEW_VERSION:
        return None
    manifests = [_manifest(s) for s in slots]
    stamps = {s.name: m.get("stamp") if m else None for s, m in zip(slots, manifests, strict=False)}
    if body.get("slots") != stamps or not isinstance(body.get("rows"), list):
        return None
    return body


def settings_slots(group: Sequence[Any], root: Path | None = None) -> list[Path]:
    """The cache slots a TUI start on these settings (explorer.config.load_locations_settings) warm-starts from,
    in the order its screen lists them; [] when they are not known before the session opens."""
    from types import SimpleNamespace

    from explorer.client.regions import normalize_endpoint

    root = root or paths.cache_dir()
    if len(group) == 1 and group[0].demo:
        from explorer.config import DEMO_LOCATIONS

        return [slot_dir(root, SimpleNamespace(demo=True), code) for code, _ in DEMO_LOCATIONS]
    if any(s.demo or not s.endpoint for s in group):
        return []
    slots = [slot_dir(root, SimpleNamespace(demo=False, endpoint=normalize_endpoint(s.endpoint), account=s.username))
             for s in group]
    return slots
