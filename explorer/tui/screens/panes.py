"""The browser's panes by keyboard: Tab / shift+Tab and 1 2 3 move focus, `b` shows or hides the side
pane, and the layout that gives the snapshots table its most wanted columns at every terminal width."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches

from explorer.tui.widgets.detail_pane import DetailPane
from explorer.tui.widgets.drives_pane import DrivesPane
from explorer.tui.widgets.snapshot_table import SnapshotTable

#: the side pane (drives and detail) takes what the snapshots table leaves, within these bounds
SIDE_MIN, SIDE_MAX = 30, 76
#: focus order of the panes, which is also their number key
PANES = ("drives", "snapshots", "detail")
#: the actions that move focus between the panes or change their layout
PANE_ACTIONS = frozenset({"focus_pane", "next_pane", "previous_pane", "toggle_side"})

PANE_BINDINGS: list[BindingType] = [
    # priority: the tables bind Tab to their own cell cursor, the filter input to its own focus chain
    Binding("tab", "next_pane", "Pane", id="next-pane", priority=True,
            tooltip="Focus the next pane: drives → snapshots → detail (shift+tab goes back)"),
    Binding("shift+tab", "previous_pane", "Previous pane", id="previous-pane", priority=True, show=False,
            tooltip="Focus the previous pane"),
    Binding("1", "focus_pane('drives')", "Drives", id="focus-drives", show=False,
            tooltip="Focus the drives pane (Enter on a drive narrows the table)"),
    Binding("2", "focus_pane('snapshots')", "Snapshots", id="focus-snapshots", show=False,
            tooltip="Focus the snapshots table"),
    Binding("3", "focus_pane('detail')", "Detail", id="focus-detail", show=False,
            tooltip="Focus the detail pane (the arrow keys scroll it)"),
    Binding("b", "toggle_side", "Side pane", id="toggle-side", show=False,
            tooltip="Show or hide the drives and detail panes (hidden by itself on narrow terminals)"),
]


def side_width(screen_width: int, table_width: int, drives_width: int = 0) -> int:
    """Width of the side pane: the snapshots table gets all its columns first (at 160 cells and up),
    then the side pane up to SIDE_MAX, or as much as the full drives pane needs when that is more."""
    return max(SIDE_MIN, min(max(SIDE_MAX, drives_width), screen_width - table_width))


class PanesMixin:
    """Mixed into the browser screen. `side_shown`: None follows the terminal's width; True / False is the
    user's choice (`b`). A pane that gets the focus is always shown, so Tab reaches it at any size."""

    side_shown: bool | None = None
    _pending_pane: str | None = None
    PANE_BINDINGS: ClassVar[list[BindingType]] = PANE_BINDINGS

    def _panes_here(self) -> bool:
        """The panes exist and this screen is the one on top (not under the growth view, not torn down)."""
        if not self.is_active:
            return False
        try:
            self._pane("drives")
        except NoMatches:
            return False
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in PANE_ACTIONS and not self._panes_here():
            return False
        parent = super()
        return parent.check_action(action, parameters) if hasattr(parent, "check_action") else True

    def _pane(self, name: str):
        return self.query_one({"drives": DrivesPane, "snapshots": SnapshotTable, "detail": DetailPane}[name])

    def _focused_pane(self) -> str:
        focused = self.focused
        for name in PANES:
            pane = self._pane(name)
            if focused is not None and (focused is pane or pane in focused.ancestors):
                return name
        return "snapshots"  # the filter input sits above the table

    def action_focus_pane(self, name: str) -> None:
        # Focus moves after this handler: until it has, lay out as if it had (a hidden pane takes no focus).
        self._pending_pane = name
        self._fit_layout()
        self._pane(name).focus()

    def action_next_pane(self) -> None:
        self.action_focus_pane(PANES[(PANES.index(self._focused_pane()) + 1) % len(PANES)])

    def action_previous_pane(self) -> None:
        self.action_focus_pane(PANES[(PANES.index(self._focused_pane()) - 1) % len(PANES)])

    def action_toggle_side(self) -> None:
        shown = bool(self.query_one("#side").display)
        self.side_shown = not shown
        if shown and self._focused_pane() != "snapshots":
            self._pane("snapshots").focus()
        self._fit_layout()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._pending_pane = None
        self._fit_layout()  # a side pane that lost the focus may hide again on a narrow terminal

    def on_resize(self, event: events.Resize) -> None:
        self._fit_layout()

    def _fit_layout(self) -> None:
        """Show or hide the side pane, size it, and let both tables pick the columns that fit."""
        width = self.size.width
        try:
            table = self._pane("snapshots")
        except NoMatches:  # composing, or torn down while quitting
            return
        if not width or not table.natural:
            return
        drives = self._pane("drives")
        side = self.query_one("#side")
        fits = width - SIDE_MIN >= table.essential_width
        show = (self._pending_pane or self._focused_pane()) != "snapshots" or (
            fits if self.side_shown is None else self.side_shown)
        side.display = show
        if show:
            side_cells = side_width(width, table.natural_width, drives.full_width)
            table.fit(width - side_cells)
            side_cells = max(side_cells, width - table.used_width)  # the columns that fit leave the rest
            side.styles.width = side_cells
            drives.fit(side_cells)
            table.fit(width - side_cells)
        else:
            table.fit(width)
