"""Notebook front end: `connect()`, the growth and cost dashboards, and the pure figure builders.

    from explorer.notebook import connect, growth_dashboard, cost_dashboard
    inv = connect()              # your account, or the embedded demo when none is configured
    growth_dashboard(inv)        # ipywidgets; one live plotly FigureWidget
    cost_dashboard(inv)
    retention_whatif(inv)        # what a keep policy (7 daily, 4 weekly, 12 monthly...) would delete and save

Names load lazily, so importing this package does not pull in plotly until a chart is made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "connect": "explorer.notebook.loader",
    "close": "explorer.notebook.loader",
    "growth_dashboard": "explorer.notebook.growth",
    "GrowthDashboard": "explorer.notebook.growth",
    "cost_dashboard": "explorer.notebook.cost",
    "CostDashboard": "explorer.notebook.cost",
    "retention_whatif": "explorer.notebook.retention",
    "RetentionWhatIf": "explorer.notebook.retention",
    "growth_figure": "explorer.notebook.figures",
    "bytes_by_drive_figure": "explorer.notebook.figures",
    "cost_by_drive_figure": "explorer.notebook.cost_figures",
    "storage_type_figure": "explorer.notebook.cost_figures",
    "burst_figure": "explorer.notebook.cost_figures",
    "top_drives": "explorer.notebook.series",
    "drive_labels": "explorer.notebook.series",
    "figure_to_svg": "explorer.notebook.svg",
    "embed_plotly": "explorer.notebook.live",
}

__all__ = [  # noqa: RUF022 - grouped as in _EXPORTS, spelled out so linters see the lazy names
    "connect", "close", "growth_dashboard", "GrowthDashboard", "cost_dashboard", "CostDashboard",
    "retention_whatif", "RetentionWhatIf",
    "growth_figure", "bytes_by_drive_figure", "cost_by_drive_figure", "storage_type_figure", "burst_figure",
    "top_drives", "drive_labels", "figure_to_svg", "embed_plotly",
]

if TYPE_CHECKING:
    from explorer.notebook.cost import CostDashboard, cost_dashboard
    from explorer.notebook.cost_figures import burst_figure, cost_by_drive_figure, storage_type_figure
    from explorer.notebook.figures import bytes_by_drive_figure, growth_figure
    from explorer.notebook.growth import GrowthDashboard, growth_dashboard
    from explorer.notebook.live import embed_plotly
    from explorer.notebook.loader import close, connect
    from explorer.notebook.retention import RetentionWhatIf, retention_whatif
    from explorer.notebook.series import drive_labels, top_drives
    from explorer.notebook.svg import figure_to_svg


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'explorer.notebook' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
