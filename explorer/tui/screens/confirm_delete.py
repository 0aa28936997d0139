"""The delete confirmation: how many, their names, bytes and monthly cost freed, and what it saves now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from explorer.tui.formatting import human_bytes, money
from explorer.tui.screens.snapshot_form import SHORT_HEIGHT, tight

#: above these a delete is "large": `y` alone is refused and the count must be typed
LARGE_COUNT = 20
LARGE_SHARE = 0.10


@dataclass(frozen=True, slots=True)
class DeletePlan:
    """What the dialog shows; built by the browser from the marks and `deletion_savings`."""

    names: tuple[str, ...]
    bytes_freed: int
    currency: str
    monthly_cost_subscription: float | None
    monthly_cost_burst: float | None
    saves_now_monthly: float | None
    bursting: bool
    hidden_by_filter: int = 0
    #: snapshots in the account (0: unknown), for the share rule
    account_total: int = 0
    #: names of the drives whose every snapshot is in this delete
    whole_drives: tuple[str, ...] = ()
    #: several locations: one line per location, its money in its own currency (the totals above are unused)
    per_location: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.names)

    def large_reasons(self) -> list[str]:
        """Why this delete needs the count typed (empty: `y` is enough)."""
        reasons = []
        if self.count > LARGE_COUNT:
            reasons.append(f"more than {LARGE_COUNT}")
        if self.whole_drives:
            drives = ", ".join(self.whole_drives[:3]) + (" …" if len(self.whole_drives) > 3 else "")
            reasons.append(f"every snapshot of {drives}")
        if self.account_total and self.count > LARGE_SHARE * self.account_total:
            reasons.append(f"{self.count / self.account_total:.0%} of the account's {self.account_total:,}")
        return reasons


def typed_count(text: str) -> int | None:
    """The number a person typed, with or without thousands separators (`100,000`, `100 000`, `100_000`)."""
    digits = re.sub(r"[\s,._']", "", text)
    return int(digits) if digits.isdigit() else None


class ConfirmDeleteScreen(ModalScreen[bool]):
    """`y` or Enter on Delete goes ahead; `n` or Escape cancels. Cancel has the focus, so a stray Enter is safe.

    A large delete (see :meth:`DeletePlan.large_reasons`) goes ahead only once the count is typed.
    """

    DEFAULT_CSS = """
    ConfirmDeleteScreen #dialog { overflow-y: auto; }
    ConfirmDeleteScreen #delete-cost, ConfirmDeleteScreen #delete-large { width: 1fr; height: auto; }
    ConfirmDeleteScreen #delete-large.-error { color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, delete", id="confirm.yes", tooltip="Delete the listed snapshots"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Keep them"),
    ]

    def __init__(self, plan: DeletePlan) -> None:
        super().__init__()
        self.plan = plan
        self.large = bool(plan.large_reasons())
        # a large delete starts in the count field: `y` types a letter there, it never confirms
        self.AUTO_FOCUS = "#delete-typed" if self.large else "#cancel"

    def compose(self) -> ComposeResult:
        p = self.plan
        count = p.count
        short = self.app.size.height < SHORT_HEIGHT
        show = 2 if short else 8  # the dialog fits 80x24
        with tight(Vertical(id="dialog", classes="-danger"), short, padding=(0, 1)):
            yield tight(Label(f"Delete {count:,} snapshot{'s' if count != 1 else ''}?", id="dialog-title"),
                        short, margin=0)
            shown = "\n".join(f"  • {n}" for n in p.names[:show])
            more = f"\n  … and {count - show:,} more" if count > show else ""
            yield tight(Static(shown + more, id="delete-names", markup=False), short, margin=0)
            if p.bursting:
                saves = f"Saves now {money(p.saves_now_monthly, p.currency)} per month (the account is bursting)."
            else:
                saves = "Saves nothing now: the account is within its subscription (frees subscribed space)."
            if p.per_location:
                cost = "\n".join(p.per_location)  # each location in its own currency, never added up
            else:
                cost = (f"Frees {human_bytes(p.bytes_freed)} · value {money(p.monthly_cost_subscription, p.currency)}"
                        f"/month at subscription price ({money(p.monthly_cost_burst, p.currency)}/month at burst "
                        f"price, if none of it were subscribed).\n{saves}")
            yield Static(cost, id="delete-cost", markup=False)
            if p.hidden_by_filter:
                yield Label(
                    f"Warning: {p.hidden_by_filter:,} of the marked snapshots are hidden by the current filter.",
                    id="delete-hidden-warning",
                    classes="-warning",
                )
            if self.large:
                yield Static(f"Large delete ({'; '.join(p.large_reasons())}); this cannot be undone. "
                             f"Type {count:,} and press Enter to delete them.", id="delete-large",
                             classes="-warning", markup=False)
                yield Input(placeholder=f"type {count:,} to delete", id="delete-typed", compact=True)
            else:
                yield Label("This cannot be undone.", classes="-warning")
            with tight(Horizontal(id="dialog-buttons"), short, margin=0):
                yield Button("Delete" if self.large else "Delete (y)", variant="error", id="confirm")
                yield Button("Cancel (esc)" if self.large else "Cancel (n)", variant="primary", id="cancel")

    def _count_typed(self) -> bool:
        return typed_count(self.query_one("#delete-typed", Input).value) == self.plan.count

    def _refuse(self) -> None:
        note = self.query_one("#delete-large", Static)
        note.update(f"Not deleted: type {self.plan.count:,} (the number of snapshots) and press Enter to delete "
                    f"them, or press Esc to keep them.")
        note.add_class("-error")
        self.query_one("#delete-typed", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_answer(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id == "confirm")

    def action_answer(self, yes: bool) -> None:
        if yes and self.large and not self._count_typed():
            self._refuse()
            return
        self.dismiss(yes)
