"""The Inventory: everything the TUI and notebooks show, as typed frames."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from explorer.data import schema


@dataclass(frozen=True, slots=True)
class Source:
    """Where an inventory came from."""

    endpoint: str
    demo: bool = False
    offline: bool = False
    account: str | None = None  # e-mail / username, never a password or token
    #: the location code, when loaded as one of several locations (explorer.data.locations); the demo's
    #: locations share the demo's endpoint-less identity otherwise.
    location: str | None = None


@dataclass(frozen=True, slots=True)
class LocationFailure:
    """A location that could not be loaded: named on screen and in the CLI with the reason (never a secret)."""

    location: str
    endpoint: str
    reason: str
    #: when the cached rows shown instead of it were loaded; None when there is no cache of it.
    stale_since: pd.Timestamp | None = None


@dataclass(slots=True)
class Inventory:
    """Snapshots, drives and billing data of one account at one moment."""

    snapshots: pd.DataFrame = field(default_factory=lambda: schema.empty_frame(schema.SNAPSHOT_COLUMNS))
    drives: pd.DataFrame = field(default_factory=lambda: schema.empty_frame(schema.DRIVE_COLUMNS))
    prices: pd.DataFrame = field(default_factory=lambda: schema.empty_frame(schema.PRICE_COLUMNS))
    subscriptions: pd.DataFrame = field(default_factory=lambda: schema.empty_frame(schema.SUBSCRIPTION_COLUMNS))
    usage: pd.DataFrame = field(default_factory=lambda: schema.empty_frame(schema.USAGE_COLUMNS))
    #: resource -> burst level now / after the next recomputation (from /pricing/).
    burst_levels: dict[str, int] = field(default_factory=dict)
    next_levels: dict[str, int] = field(default_factory=dict)
    #: snapshot quota from /capabilities/: {"current", "max", "max_per_drive"}.
    snapshot_quota: dict[str, Any] = field(default_factory=dict)
    currency: str = "EUR"
    source: Source = field(default_factory=lambda: Source(endpoint=""))
    loaded_at: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now(tz="UTC"))
    #: the location code this inventory was loaded from; None for a combined or location-less one.
    location: str | None = None
    #: per-location inventories a combined inventory was made of (empty for a single location).
    parts: tuple[Inventory, ...] = ()
    #: locations that could not be loaded this time.
    failures: tuple[LocationFailure, ...] = ()

    def where(self, text: str) -> pd.DataFrame:
        """The snapshots matching a filter (`"size>10GiB age>90d -tag:keep"`, the TUI's `/` language).

        Raises :class:`explorer.data.query.QueryError` (a ValidationError) with the TUI's message on a bad term.
        """
        from explorer.data.query import where

        return where(self, text)
