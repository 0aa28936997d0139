"""`?`: every binding of the browser with its tooltip, plus the filter language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from explorer.data.query import HELP as FILTER_HELP


class HelpScreen(ModalScreen[None]):
    """Built from the Binding objects themselves, so help cannot drift from the keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close", tooltip="Close help")
    ]

    def __init__(self, bindings: Iterable[Binding], *, read_only: bool = False) -> None:
        super().__init__()
        self.bindings = list(bindings)
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
        table.add_column("key")
        table.add_column("action")
        table.add_column("what it does")
        for b in self.bindings:
            key = b.key_display or b.key.replace("question_mark", "?").replace("slash", "/").replace("space", "space")
            table.add_row(key, b.description, b.tooltip)
        with VerticalScroll(id="help-dialog"):
            yield Label("Keys (esc closes)", id="dialog-title")
            yield Static(table, id="help-keys")
            yield Label("Filter (/)", classes="help-heading")
            yield Static(FILTER_HELP, id="help-filter")
            yield Label(
                "Dialogs: y or Enter on the confirm button go ahead; n or Escape cancel.", classes="help-heading"
            )
            if self.read_only:
                yield Label("Read-only mode: writes are disabled (started with --read-only).", classes="-warning")
