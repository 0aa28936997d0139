"""The status line under the table: "N of M", marks, sort, and loading/job progress."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from explorer.tui.formatting import human_bytes


class StatusLine(Static):
    """State lives in reactives; the line re-renders whenever one changes."""

    shown: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    marked: reactive[int] = reactive(0)
    marked_bytes: reactive[int] = reactive(0)
    hidden_marked: reactive[int] = reactive(0)
    sort: reactive[str] = reactive("")
    activity: reactive[str] = reactive("")
    drive: reactive[str] = reactive("")
    #: which kind is shown when not every one (`B`): "local only" or "backups only"
    kind: reactive[str] = reactive("")

    def render(self) -> str:
        parts = [f"{self.shown:,} of {self.total:,}"]
        if self.drive:
            parts.append(f"drive {self.drive}")
        if self.kind:
            parts.append(self.kind)
        if self.marked:
            hidden = f", {self.hidden_marked:,} hidden by the filter" if self.hidden_marked else ""
            parts.append(f"{self.marked:,} marked ({human_bytes(self.marked_bytes)}{hidden})")
        if self.sort:
            parts.append(f"sorted by {self.sort}")
        if self.activity:
            parts.append(self.activity)
        return " · ".join(parts)
