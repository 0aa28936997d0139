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
    """Hidden until `/`; the screen does the filtering, this only shows text."""

    DEFAULT_CSS = """
    FilterBar { height: auto; display: none; }
    FilterBar.-open { display: block; }
    FilterBar #filter-error { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=HELP, id="filter-input")
        yield Label("", id="filter-error")

    def show_error(self, message: str) -> None:
        label = self.query_one("#filter-error", Label)
        label.update(message)
        label.set_class(bool(message), "-error")
