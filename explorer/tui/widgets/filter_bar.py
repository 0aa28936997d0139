"""The `/` filter input with its "N of M" hint and the message of a term it cannot read."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from explorer.data.query import HELP


class FilterInput(Input):
    """Escape leaves the filter (kept) and returns to the table, like Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to table", id="filter.leave", tooltip="Keep the filter, back to the table")
    ]

    def action_leave(self) -> None:
        self.post_message(self.Submitted(self, self.value))


class FilterBar(Vertical):
    """Hidden until `/`; the screen does the filtering, this only shows text. While a filter applies and the
    input is closed, one line says so (the table never hides rows without saying why)."""

    DEFAULT_CSS = """
    FilterBar { height: auto; display: none; }
    FilterBar.-open, FilterBar.-active { display: block; }
    FilterBar #filter-error { height: auto; width: 1fr; }
    FilterBar #filter-active { display: none; padding: 0 1; width: 1fr; }
    FilterBar.-active #filter-active { display: block; }
    FilterBar.-active FilterInput, FilterBar.-active #filter-error { display: none; }
    """

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=HELP, id="filter-input")
        yield Label("", id="filter-error")
        yield Label("", id="filter-active", markup=False)

    def show_error(self, message: str) -> None:
        label = self.query_one("#filter-error", Label)
        label.update(message)
        label.set_class(bool(message), "-error")

    def open(self) -> None:
        """Show the input (the active-filter line gives way to it)."""
        self.remove_class("-active")
        self.add_class("-open")

    def close(self, applied: str) -> None:
        """Hide the input; while `applied` (the filter the table shows) is not empty, say so in one line."""
        self.remove_class("-open")
        typed = self.query_one("#filter-input", Input).value.strip()
        error = str(self.query_one("#filter-error", Label).render())
        line = f"Filter: {applied}" if applied else ""
        if typed != applied and error:
            line = f"{line} · {typed!r} not applied: {error}" if line else f"Filter {typed!r} not applied: {error}"
        self.query_one("#filter-active", Label).update(f"{line} (/ edits, esc clears)" if line else "")
        self.set_class(bool(line), "-active")

    def clear(self) -> None:
        self.remove_class("-open", "-active")
