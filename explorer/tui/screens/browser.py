"""The main screen: summary, drives, the snapshots table, detail pane; keys, marks, filter and write actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from explorer.data import Inventory, Source, drive_growth
from explorer.data.query import Query
from explorer.tui.messages import ActionFinished, InventoryLoaded, LoadProgress
from explorer.tui.screens.help import HelpScreen
from explorer.tui.screens.owners import OWNER_BINDINGS, OwnersMixin
from explorer.tui.screens.panes import PanesMixin
from explorer.tui.screens.reports import ReportsMixin
from explorer.tui.screens.typeahead import TypeAheadMixin
from explorer.tui.screens.warm_start import WarmStartMixin
from explorer.tui.screens.write_actions import WriteActionsMixin
from explorer.tui.view import COLUMNS, KINDS, SORTABLE, Prepared, SnapshotView, locations_of, prepare, row_keys
from explorer.tui.widgets.detail_pane import DetailPane
from explorer.tui.widgets.drives_pane import DrivesPane
from explorer.tui.widgets.filter_bar import FilterBar
from explorer.tui.widgets.keys_footer import KeysFooter
from explorer.tui.widgets.snapshot_table import SnapshotTable
from explorer.tui.widgets.status_line import StatusLine
from explorer.tui.widgets.summary import SummaryBar
from explorer.tui.widgets.title_bar import TitleBar
from explorer.tui.workers import WorkersMixin


class BrowserScreen(PanesMixin, TypeAheadMixin, WriteActionsMixin, OwnersMixin, ReportsMixin, WarmStartMixin,
                    WorkersMixin, Screen):
    """Holds the UI state (inventory, view, filter, drive, marks); widgets only display it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", key_display="/", id="filter",
                tooltip="Filter as you type: words, size>10GiB, age>90d, status:creating, drive:web"),
        Binding("space", "mark", "Mark", id="mark", tooltip="Mark or unmark the current snapshot"),
        Binding("a", "mark_all", "Mark all", id="mark-all", show=False,
                tooltip="Mark every snapshot shown (the filter and drive decide which)"),
        Binding("u", "clear_marks", "Clear marks", id="clear-marks", show=False,
                tooltip="Unmark every snapshot, shown or hidden by the filter"),
        Binding("ctrl+d", "delete", "Delete", id="delete",
                tooltip="Delete the marked snapshots (or the current one) after confirmation"),
        Binding("n", "new", "New", id="new", tooltip="Take a new snapshot of the current drive"),
        Binding("e", "edit", "Edit", id="edit", tooltip="Rename the current snapshot or edit its meta"),
        Binding("c", "clone", "Clone", id="clone", tooltip="Clone the current snapshot to a new drive"),
        Binding("g", "growth", "Growth", id="growth", tooltip="Chart the current drive's snapshot growth"),
        Binding("B", "cycle_kind", "Backups", key_display="B", id="cycle-kind",
                tooltip="Show every snapshot, only local ones, or only backups (remote snapshots, ⇄; ⇄! orphaned)"),
        Binding("p", "retention", "Plan", id="retention", show=False,
                tooltip="Preview a retention plan (current drive, or the account) and mark what it deletes"),
        Binding("s", "sort_next", "Sort", id="sort", tooltip="Sort by the next column (click a header too)"),
        Binding("S", "sort_reverse", "Reverse", key_display="S", id="sort-reverse", show=False,
                tooltip="Reverse the sort order"),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Reload; keeps cursor, filter and marks"),
        Binding("escape", "back", "Back", id="back", show=False,
                tooltip="Clear the filter, then the drive narrowing (like k9s)"),
        Binding("question_mark", "help", "Help", key_display="?", id="help", tooltip="Show every key"),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Quit"),
        *PanesMixin.PANE_BINDINGS,
        *OWNER_BINDINGS,
    ]
    #: which keys the footer keeps on a narrow terminal, most needed first (every key is in help and the palette)
    FOOTER_PRIORITY: ClassVar[tuple[str, ...]] = (
        "help", "app.quit", "next_pane", "filter", "mark", "delete", "sort_next", "new", "refresh", "edit", "clone",
        "growth", "cycle_kind")

    def __init__(self, client, *, source: Source, read_only: bool, inventory: Inventory | None = None,
                 poll_seconds: float = 1.0, load_on_start: bool = True, warm_start: bool = False) -> None:
        super().__init__()
        self.load_on_start = load_on_start
        self.warm_start = warm_start
        #: several locations: {location: client}; each snapshot's writes go to its own location's client
        self.clients: dict[str, object] = dict(client) if isinstance(client, Mapping) else {}
        if self.clients:
            client = next(iter(self.clients.values()), None)
        self.client = client
        self.source = source
        self.read_only = read_only or client is None
        self.poll_seconds = poll_seconds
        self.inventory: Inventory | None = inventory
        self.view: SnapshotView | None = None
        self.positions = np.zeros(0, dtype=np.int64)
        self.query_: Query | None = None
        self.drive_uuid: str | None = None
        #: the location of the drive the table is narrowed to ("" for a location-less inventory)
        self.drive_location = ""
        #: which kind of snapshot is shown (`B` cycles): None every one, "local", or "remote" (backups)
        self.kind_shown: str | None = None
        self._marks: set[tuple[str, str]] = set()
        self._marked: tuple[SnapshotView, np.ndarray] | None = None  # the view's mark mask, until marks change
        self.generation = 0
        self.full_generation = -1  # newest generation whose full (not preview) inventory is shown
        self.last_report: ActionFinished | None = None
        #: the table shows a load's first page (the rest is on its way)
        self.preview_shown = False
        self.load_stages: dict[str, tuple[int, int | None]] = {}
        #: the HistoryStore the growth view reads (None: the user's, only if it exists)
        self.history = None

    def compose(self) -> ComposeResult:
        cached_at = self.inventory.loaded_at if self.source.offline and self.inventory is not None else None
        yield TitleBar(self.source, read_only=self.read_only, cached_at=cached_at, id="title-bar")
        yield SummaryBar("Loading…", id="summary")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield DrivesPane(id="drives")
                yield DetailPane(id="detail")
            with Vertical(id="centre"):
                yield FilterBar(id="filter-bar")
                yield SnapshotTable(id="snapshots")
                yield StatusLine(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(SnapshotTable).focus()
        if self.inventory is not None:
            self._show_inventory(self.inventory)
        if self.client is not None and self.load_on_start:
            self.action_refresh()

    @property
    def marks(self) -> set[tuple[str, str]]:
        """(location, uuid) of the marked snapshots (they survive a refresh); assign (or `|=`, `^=`) to change them."""
        return self._marks

    @marks.setter
    def marks(self, value: set[tuple[str, str]]) -> None:
        self._marks = value
        self._marked = None

    def _marked_mask(self) -> np.ndarray:
        # 100k marks take ~20 ms to map to rows: only after they change, not on every keystroke
        if self._marked is None or self._marked[0] is not self.view:
            self._marked = (self.view, self.view.marked_mask(self._marks))
        return self._marked[1]

    # ----- state -> widgets -------------------------------------------------------------------------

    @property
    def table(self) -> SnapshotTable:
        return self.query_one(SnapshotTable)

    def current_row(self) -> pd.Series | None:
        row = self.table.cursor_row
        if self.view is None or not 0 <= row < len(self.positions):
            return None
        return self.view.row(int(self.positions[row]))

    def current_key(self) -> tuple[str, str] | None:
        """(location, uuid) of the highlighted snapshot."""
        row = self.table.cursor_row
        if self.view is None or not 0 <= row < len(self.positions):
            return None
        return self.view.keys[int(self.positions[row])]

    @property
    def drive_key(self) -> tuple[str, str] | None:
        """The drive the table is narrowed to, as (location, uuid)."""
        return None if self.drive_uuid is None else (self.drive_location, self.drive_uuid)

    def client_for(self, location: str | None):
        """The client of a location's API: where that location's snapshots are written."""
        if not self.clients:
            return self.client
        return self.clients[location]

    def _show_inventory(self, inventory: Inventory, prepared: Prepared | None = None, *, top: bool = False) -> None:
        """`top`: put the cursor on the first row instead of following the current snapshot."""
        keep = None if top else self.current_key()
        prepared = prepared or prepare(inventory)
        self.inventory = inventory
        self.view = prepared.view
        self.table.currency = inventory.currency if self.view.currency is None else self.view.currency
        before = len(self.marks)
        self.marks &= set(self.view.position)  # marks of snapshots that are gone are dropped
        self.marks_dropped = before - len(self.marks)
        self._refresh_view(keep_uuid=keep, cursor_row=0 if top else None)
        self.warm_sort_orders(self.view)
        self.warm_search_index(self.view)  # above SYNC_ROWS: the type-ahead's n-gram index, in a thread
        self.query_one(SummaryBar).show(prepared.summary, prepared.locations, inventory.failures)
        several = {p.location: p.currency for p in inventory.parts}
        self.query_one(DrivesPane).show(inventory.drives if prepared.drives is None else prepared.drives,
                                        prepared.drive_costs, inventory.currency,
                                        several if len(set(several.values())) > 1 else None)
        self._fit_layout()

    def _refresh_view(self, *, keep_uuid: tuple[str, str] | None = None, cursor_row: int | None = None,
                      selected: tuple[np.ndarray, pa.Table] | None = None) -> None:
        """`keep_uuid`: the (location, uuid) the cursor stays on; `selected`: positions and rows the type-ahead
        worker computed for the current state (else computed here)."""
        if self.view is None:
            return
        self.whole_cache_if_asked()  # a warm start's first rows are the cache's newest: a filter or sort reads all
        table = self.table
        if selected is None:
            self.positions = self.view.select(self.query_, self.drive_key, table.sort_key, table.sort_descending,
                                              self.kind_shown)
        else:
            self.positions = selected[0]
        marked = self._marked_mask()
        row = table.cursor_row if cursor_row is None else cursor_row
        if keep_uuid is not None and keep_uuid in self.view.position:
            hits = np.flatnonzero(self.positions == self.view.position[keep_uuid])
            row = int(hits[0]) if len(hits) else row
        rows = self.view.arrow(self.positions, marked) if selected is None else selected[1]
        table.show(rows, cursor_row=row, widths=self.view.widths)
        status = self.query_one(StatusLine)
        status.shown, status.total = len(self.positions), self.rows_total()
        status.marked = len(self.marks)
        status.marked_bytes = int(self.view.frame["allocated_size"][marked].fillna(0).sum())
        status.hidden_marked = int(marked.sum() - marked[self.positions].sum())
        label = next(c.label for c in COLUMNS if c.key == table.sort_key)
        status.sort = f"{label} {'▼' if table.sort_descending else '▲'}"
        status.drive = "" if self.drive_uuid is None else self._drive_name(self.drive_uuid)
        status.kind = {None: "", "local": "local only", "remote": "backups only"}[self.kind_shown]
        self._show_detail()

    def _drive_name(self, uuid: str, location: str | None = None) -> str:
        """The drive's name (a gone drive's from its backups), with its location when there are several."""
        location = self.drive_location if location is None else location
        drives = self.inventory.drives if self.inventory is not None else None
        name = uuid
        if drives is not None:
            same = drives["uuid"].eq(uuid).fillna(False).to_numpy(bool) & (locations_of(drives) == location)
            names = drives.loc[same, "name"]
            if len(names) and isinstance(names.iloc[0], str):
                name = names.iloc[0]
            elif self.view is not None:
                gone = self.view.frame.loc[self.view.frame["drive_uuid"].eq(uuid).fillna(False), "drive_name"]
                name = next((n for n in gone if isinstance(n, str)), uuid)
        return f"{name} ({location})" if location and self.view is not None and self.view.several_locations else name

    def _show_detail(self) -> None:
        currency = self.inventory.currency if self.inventory is not None else ""
        row = self.current_row()
        if row is not None and isinstance(row.get("currency"), str):
            currency = row["currency"]
        stale = None
        if row is not None and self.inventory is not None:
            stale = next((f for f in self.inventory.failures if f.location == row.get("location")), None)
        self.query_one(DetailPane).show(row, currency, stale)

    # ----- widget events ------------------------------------------------------------------------------

    @on(SnapshotTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._show_detail()

    @on(SnapshotTable.HeaderSelected)
    def _header_selected(self, event: SnapshotTable.HeaderSelected) -> None:
        key = self.table.shown_keys[event.column_index]
        if key in SORTABLE:
            self.sort_by(key)

    @on(DrivesPane.DriveChosen)
    def _drive_chosen(self, event: DrivesPane.DriveChosen) -> None:
        self.drive_location, self.drive_uuid = event.drive or ("", None)
        self._refresh_view(cursor_row=0)
        self.table.focus()

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_as_typed(event.value)  # off the event loop; a newer keystroke supersedes it

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(FilterBar).close(self.query_.text.strip() if self.query_ is not None else "")
        self.table.focus()
        if len(self.positions):
            self.table.move_cursor(row=0)

    # ----- worker messages ----------------------------------------------------------------------------

    def on_load_progress(self, message: LoadProgress) -> None:
        if message.generation != self.generation:
            return  # a stale load's progress
        # The stages run concurrently: one line shows them all, each replacing its own previous value.
        self.load_stages[message.stage] = (message.done, message.total)
        parts = []
        for stage, (done, total) in self.load_stages.items():
            parts.append(f"{stage} ✓" if total and done >= total else
                         f"{stage} {done:,}" + (f"/{total:,}" if total else ""))
        self.query_one(StatusLine).activity = "loading " + ", ".join(parts)

    def on_inventory_loaded(self, message: InventoryLoaded) -> None:
        # A warm start's cache (source.offline with a client) is shown like a preview: until the fresh load's.
        early = message.partial or (message.inventory.source.offline and self.client is not None)
        if message.generation != self.generation or (early and self.full_generation == self.generation):
            return  # stale: a newer load started, or the full result already arrived
        if not early:
            self.full_generation = message.generation
            self.query_one(StatusLine).activity = ""
        # The full inventory, sorted, replaces the first page: unless the user moved, the top row stays
        # highlighted (and so in the detail pane, and the target of space and ctrl+d).
        top = self.preview_shown and self.table.cursor_row == 0
        self.preview_shown = message.partial
        self._show_inventory(message.inventory, message.prepared, top=top)
        if not early and self.client is not None:
            snaps = message.inventory.snapshots
            creating = snaps[(snaps["status"] == "creating").to_numpy(dtype=bool)]
            if len(creating):
                self.watch_creating(row_keys(creating))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Besides ReportsMixin's handler (Textual calls both): a first load that fails must not leave
        # the summary on "Loading…".
        if event.state == WorkerState.ERROR and event.worker.group == "load" and self.view is None:
            self.query_one(SummaryBar).show_failure(event.worker.error, self.source.endpoint)

    # ----- key actions --------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.client is None:
            self.notify("Offline: showing the cached inventory; nothing to reload.", severity="warning")
            return
        self.generation += 1
        self.load_stages = {}
        if not self.start_from_cache():  # the first load with a cache: it paints first, then the fresh load starts
            self.load_inventory(self.generation, preview=self.inventory is None)

    def action_back(self) -> None:
        filter_input = self.query_one("#filter-input", Input)
        if filter_input.value:
            filter_input.value = ""  # Input.Changed re-filters
            self.query_one(FilterBar).clear()
        elif self.drive_uuid is not None:
            self.drive_uuid = None
            self._refresh_view(cursor_row=0)

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()
        self.query_one("#filter-input", Input).focus()

    def sort_by(self, key: str) -> None:
        table = self.table
        keep = self.current_key()
        table.sort_descending = not table.sort_descending if table.sort_key == key else key in ("size", "cost")
        table.sort_key = key
        self._refresh_view(keep_uuid=keep)

    def action_sort_next(self) -> None:
        self.sort_by(SORTABLE[(SORTABLE.index(self.table.sort_key) + 1) % len(SORTABLE)])

    def action_sort_reverse(self) -> None:
        self.sort_by(self.table.sort_key)

    def action_mark(self) -> None:
        key = self.current_key()
        if key is None:
            return
        self.marks ^= {key}
        self._refresh_view(cursor_row=min(self.table.cursor_row + 1, len(self.positions) - 1))

    def action_mark_all(self) -> None:
        if self.view is None or not len(self.positions) or self.whole_cache_first("a", "mark them all"):
            return
        self.marks |= set(self.view.keys[self.positions])
        self._refresh_view()

    def action_clear_marks(self) -> None:
        if self.marks:
            self.marks = set()
            self._refresh_view()

    def action_cycle_kind(self) -> None:
        """All snapshots → local ones only → backups only → all."""
        self.kind_shown = KINDS[(KINDS.index(self.kind_shown) + 1) % len(KINDS)]
        self._refresh_view(keep_uuid=self.current_key(), cursor_row=0)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.BINDINGS, read_only=self.read_only))

    def action_growth(self) -> None:
        row = self.current_row()
        drive = self.drive_uuid or (None if row is None else row["drive_uuid"])
        if drive is None or self.inventory is None:
            self.notify("Choose a snapshot or a drive first.", severity="warning")
            return
        if self.whole_cache_first("g", "chart the drive's growth"):
            return
        location = self.drive_location if self.drive_uuid else self.view.locations[int(self.positions[
            self.table.cursor_row])]
        from explorer.tui.screens.growth import GrowthScreen  # here: it imports plotting and DuckDB (0.3 s)

        growth = drive_growth(self.inventory)
        if "location" in growth:  # several locations: this drive's own location
            growth = growth[locations_of(growth) == location]
        self.app.push_screen(GrowthScreen(self._drive_name(drive, location), growth[growth["drive_uuid"] == drive],
                                          drive_uuid=drive, source=self.inventory.source, history=self.history,
                                          inventory=self.inventory))

    def action_retention(self) -> None:
        from explorer.tui.screens.retention import RetentionScreen

        if self.inventory is None:
            self.notify("Nothing loaded yet.", severity="warning")
            return
        if self.whole_cache_first("p", "plan a retention"):
            return
        drive = self.drive_uuid  # the drive chosen in the drives pane, else the whole account (every location)
        name = self._drive_name(drive) if drive else None
        inventory = self.inventory
        if inventory.parts and drive:  # several locations: a drive is planned in its own location (its prices)
            from explorer.data.locations import part_for

            inventory = part_for(inventory, self.drive_location)
        self.app.push_screen(RetentionScreen(inventory, drive_uuid=drive, drive_name=name), self._plan_marked)

    def _plan_marked(self, deletions: set[tuple[str, str]] | None) -> None:
        if not deletions:
            return
        self.marks = set(deletions)
        self._refresh_view()
        self.notify(f"Marked the {len(deletions):,} snapshots the plan deletes; "
                    "ctrl+d deletes them after confirmation.")
