"""The delete confirmation: how many, their names, bytes and monthly cost freed, and what it saves now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from explorer.tui.formatting import human_bytes, money

_SHOW_NAMES = 8


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


class ConfirmDeleteScreen(ModalScreen[bool]):
    """`y` or Enter on Delete goes ahead; `n` or Escape cancels. Cancel has the focus, so a stray Enter is safe."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, delete", id="confirm.yes", tooltip="Delete the listed snapshots"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Keep them"),
    ]

    def __init__(self, plan: DeletePlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        p = self.plan
        count = len(p.names)
        with Vertical(id="dialog", classes="-danger"):
            yield Label(f"Delete {count} snapshot{'s' if count != 1 else ''}?", id="dialog-title")
            shown = "\n".join(f"  • {n}" for n in p.names[:_SHOW_NAMES])
            more = f"\n  … and {count - _SHOW_NAMES} more" if count > _SHOW_NAMES else ""
            yield Static(shown + more, id="delete-names")
            if p.bursting:
                saves = f"Saves {money(p.saves_now_monthly, p.currency)} per month now (the account is bursting)."
            else:
                saves = "Saves nothing now: the account is within its subscription (frees subscribed space)."
            yield Static(
                f"Frees {human_bytes(p.bytes_freed)} · monthly cost "
                f"{money(p.monthly_cost_subscription, p.currency)} at subscription price, "
                f"{money(p.monthly_cost_burst, p.currency)} at burst price.\n{saves}",
                id="delete-cost",
            )
            if p.hidden_by_filter:
                yield Label(
                    f"Warning: {p.hidden_by_filter} of the marked snapshots are hidden by the current filter.",
                    id="delete-hidden-warning",
                    classes="-warning",
                )
            yield Label("This cannot be undone.", classes="-warning")
            with Horizontal(id="dialog-buttons"):
                yield Button("Delete (y)", variant="error", id="confirm")
                yield Button("Cancel (n)", variant="primary", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
