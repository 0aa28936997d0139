"""The shared data layer: typed frames, inventory loading, cost, growth, history and the offline cache.

Names are imported lazily so `import explorer.data` stays cheap (pandas and DuckDB load on first use).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Inventory": "explorer.data.inventory",
    "Source": "explorer.data.inventory",
    "load_inventory": "explorer.data.load",
    "load_inventory_async": "explorer.data.load",
    "LocationFailure": "explorer.data.inventory",
    "load_locations": "explorer.data.locations",
    "load_locations_async": "explorer.data.locations",
    "totals_by_currency": "explorer.data.locations",
    "build_inventory": "explorer.data.load",
    "inventory_source": "explorer.data.load",
    "snapshot_costs": "explorer.data.cost",
    "drive_costs": "explorer.data.cost",
    "account_cost_summary": "explorer.data.cost",
    "deletion_savings": "explorer.data.cost",
    "DeletionSavings": "explorer.data.cost",
    "price_per_byte_second": "explorer.data.cost",
    "snapshot_resources_bursting": "explorer.data.cost",
    "cost_totals": "explorer.data.cost",
    "CostTotals": "explorer.data.cost",
    "OwnerRule": "explorer.data.owners",
    "owner_costs": "explorer.data.owners",
    "QueryError": "explorer.data.query",
    "parse_query": "explorer.data.query",
    "drive_growth": "explorer.data.growth",
    "HistoryStore": "explorer.data.history",
    "HistoryDiff": "explorer.data.history",
    "recorded_growth": "explorer.data.history",
    "save_cached_inventory": "explorer.data.cache",
    "load_cached_inventory": "explorer.data.cache",
    "inventory_age": "explorer.data.cache",
    "data_dir": "explorer.data.paths",
}

__all__ = [
    "CostTotals",
    "DeletionSavings",
    "HistoryDiff",
    "HistoryStore",
    "Inventory",
    "LocationFailure",
    "OwnerRule",
    "QueryError",
    "Source",
    "account_cost_summary",
    "build_inventory",
    "cost_totals",
    "data_dir",
    "deletion_savings",
    "drive_costs",
    "drive_growth",
    "inventory_age",
    "inventory_source",
    "load_cached_inventory",
    "load_inventory",
    "load_inventory_async",
    "load_locations",
    "load_locations_async",
    "owner_costs",
    "parse_query",
    "price_per_byte_second",
    "recorded_growth",
    "save_cached_inventory",
    "snapshot_costs",
    "snapshot_resources_bursting",
    "totals_by_currency",
]

if TYPE_CHECKING:
    from explorer.data.cache import inventory_age, load_cached_inventory, save_cached_inventory
    from explorer.data.cost import (
        CostTotals,
        DeletionSavings,
        account_cost_summary,
        cost_totals,
        deletion_savings,
        drive_costs,
        price_per_byte_second,
        snapshot_costs,
        snapshot_resources_bursting,
    )
    from explorer.data.growth import drive_growth
    from explorer.data.history import HistoryDiff, HistoryStore, recorded_growth
    from explorer.data.inventory import Inventory, LocationFailure, Source
    from explorer.data.load import build_inventory, inventory_source, load_inventory, load_inventory_async
    from explorer.data.locations import load_locations, load_locations_async, totals_by_currency
    from explorer.data.owners import OwnerRule, owner_costs
    from explorer.data.paths import data_dir
    from explorer.data.query import QueryError, parse_query


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'explorer.data' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
