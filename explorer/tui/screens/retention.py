"""`p`: preview a retention plan for the current drive or the whole account, then mark its deletions.

Rules are typed in a form (Enter previews); the plan is listed with each snapshot's reasons
(or `delete`), with the money preview of `data.retention.plan_money_by_location`. `ctrl+s` closes
with the plan's deletions as the browser's marks, so deleting goes through the normal `ctrl+d`
confirmation. The plan is a pure function of the shown inventory (no IO here).

Several locations: "the whole account" is every location that loaded this time (a failed one's cached
rows are named, never planned); each location's drives are planned on their own and its money is a
line of its own in its own currency (never added across currencies); the plan has a location column
and the marks are (location, uuid).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from explorer.data import Inventory
from explorer.data.units import money
from explorer.errors import ExplorerError, ValidationError
from explorer.tui.formatting import human_bytes
from explorer.tui.view import row_keys

#: the form's fields: (id, label, placeholder, default) — son-father-grandfather by default
FIELDS = (
    ("keep-last", "last", "N newest", ""),
    ("keep-daily", "daily", "N days", "7"),
    ("keep-weekly", "weekly", "N ISO weeks", "4"),
    ("keep-monthly", "monthly", "N months", "12"),
    ("keep-within", "within", "36h 30d 8w 1y", ""),
    ("keep-tag", "tags", "keep,critical", "keep"),
)
SHOWN_ROWS = 500  # the table lists the newest rows of the plan; the totals cover all of it


class RetentionScreen(ModalScreen[set[str] | None]):
    """Dismissed with the (location, uuid) keys of what the plan deletes (ctrl+s) or None (escape)."""

    DEFAULT_CSS = """
    #retention-dialog { width: 96%; height: 92%; border: thick $primary; background: $surface; padding: 0 1; }
    #retention-form { height: auto; }
    #retention-form Vertical { width: 1fr; height: auto; }
    #retention-form Input { width: 100%; }
    #retention-preview { height: auto; margin: 0 0 1 0; }
    #retention-plan { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "mark", "Mark deletions", id="retention.mark",
                tooltip="Close and mark the plan's deletions (ctrl+d then deletes them after confirmation)"),
        Binding("escape", "cancel", "Cancel", id="retention.cancel", tooltip="Close without marking"),
    ]

    def __init__(self, inventory: Inventory, *, drive_uuid: str | None = None, drive_name: str | None = None):
        super().__init__()
        self.inventory = inventory
        self.drive_uuid = drive_uuid
        self.scope_name = drive_name or (drive_uuid or "the whole account")
        #: several locations: every location of the inventory is planned but those that failed to load
        self.locations = tuple(p.location for p in inventory.parts)
        self.failed = tuple(f for f in inventory.failures if f.location in self.locations)
        if self.locations and not drive_uuid:
            self.scope_name += f" ({', '.join(self.locations)})"
        self.plan = None
        self.totals = None  # one location: its DeletionSavings; several: None (see self.money)
        self.money: tuple = ()  # LocationMoney per location with rows in the plan

    def compose(self) -> ComposeResult:
        with Vertical(id="retention-dialog"):
            yield Label(f"Retention plan for {self.scope_name} (Enter previews · ctrl+s marks · esc closes)",
                        id="dialog-title")
            with Horizontal(id="retention-form"):
                for field_id, label, placeholder, default in FIELDS:
                    with Vertical():
                        yield Label(label)
                        yield Input(default, placeholder=placeholder, id=field_id)
            yield Static("", id="retention-preview")
            yield Button("Mark the deletions (ctrl+s)", id="retention-mark", variant="warning")
            yield DataTable(id="retention-plan", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(("loc",) if self.locations else ()), "snapshot", "drive", "taken", "size", "plan")
        self.preview()

    def _rules(self):
        from explorer.data.retention import RetentionRules

        values = {f: self.query_one(f"#{f}", Input).value.strip() for f, *_ in FIELDS}
        counts = {}
        for name in ("last", "daily", "weekly", "monthly"):
            text = values[f"keep-{name}"]
            if text and not text.isdigit():
                raise ValidationError(f"{name}: type a whole number (got {text!r})")
            counts[name] = int(text) if text else None
        tags = tuple(t.strip() for t in values["keep-tag"].split(",") if t.strip())
        return RetentionRules(**counts, within=values["keep-within"] or None, tags=tags)

    def preview(self) -> None:
        """Plan with the form's rules and show it; a bad rule is shown, and nothing can be marked."""
        from explorer.data.retention import plan_money_by_location, plan_retention

        note = self.query_one("#retention-preview", Static)
        table = self.query_one(DataTable)
        table.clear()
        try:
            drives = (self.drive_uuid,) if self.drive_uuid else ()
            self.plan = plan_retention(self.inventory, self._rules(), drives=drives, scope=self._scope())
            self.money = plan_money_by_location(self.inventory, self.plan)
        except ExplorerError as exc:
            self.plan = self.totals = None
            self.money = ()
            note.update(f"[b]Cannot plan:[/b] {exc}")
            self.query_one("#retention-mark", Button).disabled = True
            return
        self.totals = None if self.locations else self.money[0].savings
        deleted = self.delete_count
        keep = int(self.plan.snapshots["keep"].sum())
        where = f" in {len(self.money)} locations" if len(self.money) > 1 else ""
        head = (f"Keeps {keep:,} and deletes {deleted:,} of {len(self.plan.snapshots):,} "
                f"available snapshots{where} (plan at {self.plan.now:%Y-%m-%d %H:%M} UTC).")
        if not self.locations:
            lines = [self.totals.describe()] if deleted else []
        else:
            lines = [_location_line(m) for m in self.money]
            lines += [f"{f.location}: not planned, not loaded this time ({f.reason}); its rows are the cache."
                      for f in self.failed]
        note.update("\n".join([head, *lines]))
        self.query_one("#retention-mark", Button).disabled = deleted == 0
        rows = self.plan.snapshots.head(SHOWN_ROWS)
        several = bool(self.locations)
        for r in rows.itertuples():
            loc = str(r.location) if several and isinstance(r.location, str) else "—"
            table.add_row(*((loc,) if several else ()), r.name if isinstance(r.name, str) else r.uuid,
                          r.drive_name if isinstance(r.drive_name, str) else "—",
                          f"{r.timestamp:%Y-%m-%d %H:%M}", human_bytes(r.allocated_size),
                          r.reasons if r.reasons else "DELETE", key=f"{loc}:{r.uuid}" if several else r.uuid)

    @property
    def delete_count(self) -> int:
        return sum(m.savings.snapshot_count for m in self.money)

    def _scope(self) -> np.ndarray | None:
        """Several locations: the rows of the locations that loaded this time (a failed one's are its cache)."""
        if not self.failed:
            return None
        failed = [f.location for f in self.failed]
        return ~self.inventory.snapshots["location"].astype("string").isin(failed).fillna(False).to_numpy(bool)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "retention-mark":
            event.stop()
            self.action_mark()

    def action_mark(self) -> None:
        self.preview()  # what is marked is what the form says now
        if self.plan is None or not self.delete_count:
            self.notify("Nothing to mark under these rules.", severity="warning")
            return
        # marks are (location, uuid) keys: those of the plan's rows of the inventory's snapshots frame
        self.dismiss(set(row_keys(self.inventory.snapshots.iloc[self.plan.delete["row"].to_numpy(dtype="int64")])))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _location_line(m) -> str:
    """One location's money in its own currency: `ZRH (CHF): deletes 12, frees 3.2 GiB · ...`."""
    s, cur = m.savings, m.currency
    kept = int(m.per_drive["kept"].sum())
    if not s.snapshot_count:
        return f"{m.location} ({cur}): keeps {kept:,}, deletes none."
    if s.price_missing:
        saves = f"no {cur} price known for part of it"
    elif s.bursting:
        saves = f"saves now {money(s.saves_now_monthly, cur)}/month (bursting)"
    else:
        saves = "saves nothing now (within subscription)"
    return (f"{m.location} ({cur}): keeps {kept:,}, deletes {s.snapshot_count:,}, frees {human_bytes(s.bytes_freed)} · "
            f"{saves} · value {money(s.monthly_cost_subscription, cur)}/month at subscription price")
