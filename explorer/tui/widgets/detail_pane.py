"""The detail pane: every field of the current snapshot, its meta, tags and drive."""

from __future__ import annotations

import json

import pandas as pd
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from explorer.data.units import money_precise
from explorer.tui.formatting import human_age, human_bytes

_SNAPSHOT_FIELDS = (
    ("uuid", "uuid"),
    ("name", "name"),
    ("status", "status"),
    ("size", "allocated_size"),
    ("created", "timestamp"),
    ("age", "age"),
    ("value at sub/mo", "monthly_cost_subscription"),  # value at subscription price per month
    ("share of drive", "share_of_drive"),
)
_DRIVE_FIELDS = (
    ("drive", "drive_name"),
    ("drive uuid", "drive_uuid"),
    ("drive size", "drive_size"),
    ("drive status", "drive_status"),
    ("storage type", "storage_type"),
    ("mounted", "drive_mounted"),
)


def _cell(field: str, value, currency: str) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if field in ("allocated_size", "drive_size"):
        return f"{human_bytes(value)} ({int(value):,} B)"
    if field == "age":
        return human_age(value)
    if field == "timestamp":
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    if field == "monthly_cost_subscription":
        return money_precise(value, currency)  # the table says <0.01; here the digits
    if field == "share_of_drive":
        return f"{value:.1%}"
    return str(value)


def _where_and_kind(grid: Table, row: pd.Series, stale) -> None:
    """The location (stale: cached, with why its load failed) and, for a backup, its kind and orphan flag."""
    location = row.get("location")
    if isinstance(location, str):
        grid.add_row("location", Text(location))
    if stale is not None:
        since = "" if stale.stale_since is None else \
            f", cached {human_age(pd.Timestamp.now(tz='UTC') - stale.stale_since)} ago"
        grid.add_row("", Text(f"stale{since}: {stale.reason}", style="italic"))
    if row.get("kind") == "remote":
        kept = row.get("backup_location")
        kept = f", kept in {kept}" if isinstance(kept, str) else ""
        grid.add_row("kind", Text(f"backup (remote snapshot){kept}"))
        orphan = row.get("orphan")
        if orphan is not None and not pd.isna(orphan) and bool(orphan):
            why = row.get("orphan_reason")
            grid.add_row("orphan", Text(why if isinstance(why, str) else "yes", style="bold"))


class DetailPane(VerticalScroll):
    """Rendered from one row of the snapshots frame (a pandas Series); focused, the arrow keys scroll it."""

    DEFAULT_CSS = """
    DetailPane #detail-body { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = "[3] Detail"
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static("No snapshot selected.", id="detail-body")

    def update(self, content) -> None:
        self.query_one("#detail-body", Static).update(content)

    def show(self, row: pd.Series | None, currency: str = "", stale=None) -> None:
        """`stale`: the LocationFailure of the row's location when the row is from its cache."""
        # Typing in the filter re-selects the same row on every key: skip the relayout then.
        key = None if row is None else (*(str(v) for v in row.to_numpy()), str(stale))
        if key == self._shown and key is not None:
            return
        self._shown = key
        if row is None:
            self.update("No snapshot selected.")
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, field in _SNAPSHOT_FIELDS:
            grid.add_row(label, Text(_cell(field, row.get(field), currency)))
            if field == "name":  # where it lives and what kind it is come right after what it is called
                _where_and_kind(grid, row, stale)
        grid.add_row("", "")
        for label, field in _DRIVE_FIELDS:
            grid.add_row(label, Text(_cell(field, row.get(field), currency)))
        missing = row.get("drive_missing")  # numpy.bool_ or pd.NA in the frame, never the `True` singleton
        if missing is not None and not pd.isna(missing) and bool(missing):
            grid.add_row("", Text("drive not found (deleted or not visible)", style="italic"))
        grid.add_row("", "")
        tags = row.get("tags")
        grid.add_row("tags", Text(tags if isinstance(tags, str) and tags else "—"))
        meta = json.loads(row.get("meta") or "{}") if isinstance(row.get("meta"), str) else {}
        grid.add_row("meta", Text("—" if not meta else ""))
        for key, value in sorted(meta.items()):
            grid.add_row(Text(f"  {key}", style="italic"), Text(str(value)))
        self.update(grid)
