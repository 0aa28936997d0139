"""The CloudSigma API 2.0 client: sync and async twins over one sans-IO core (no pandas here).

The names below are imported when first used, so that `explorer.client.secret` or `.regions` (all the config
needs) come without httpx: the TUI's first paint starts before httpx is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_HOMES = {
    "AsyncCloudSigmaClient": "api",
    "CloudSigmaClient": "api",
    "Secret": "secret",
    "Deletion": "deletion",
    "WaitTimeoutError": "plans",
    "default_snapshot_name": "reconcile",
    "LOCATIONS": "regions",
    "normalize_endpoint": "regions",
    "region_endpoint": "regions",
    "resolve_endpoint": "regions",
    "NO_RETRY": "retry",
    "RetryPolicy": "retry",
}

if TYPE_CHECKING:
    from explorer.client.api import AsyncCloudSigmaClient, CloudSigmaClient
    from explorer.client.deletion import Deletion
    from explorer.client.plans import WaitTimeoutError
    from explorer.client.reconcile import default_snapshot_name
    from explorer.client.regions import LOCATIONS, normalize_endpoint, region_endpoint, resolve_endpoint
    from explorer.client.retry import NO_RETRY, RetryPolicy
    from explorer.client.secret import Secret


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'explorer.client' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"explorer.client.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "LOCATIONS",
    "NO_RETRY",
    "AsyncCloudSigmaClient",
    "CloudSigmaClient",
    "Deletion",
    "RetryPolicy",
    "Secret",
    "WaitTimeoutError",
    "default_snapshot_name",
    "normalize_endpoint",
    "region_endpoint",
    "resolve_endpoint",
]
