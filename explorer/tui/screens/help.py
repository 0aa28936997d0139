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

from explorer.data.cost import MONEY_HELP
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
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold", expand=False)
        table.add_column("key", no_wrap=True)
        table.add_column("action", no_wrap=True)
        table.add_column("what it does", overflow="fold")
        for b in self.bindings:
            table.add_row(key_name(b), b.description, b.tooltip)
        for key, action, what in EXTRA_KEYS:
            table.add_row(key, action, what)
        with VerticalScroll(id="help-dialog"):
            yield Label("Keys (esc closes; ↑ ↓ pgup pgdn scroll)", id="dialog-title")
            yield Static(table, id="help-keys")
            yield Label("Filter (/)", classes="help-heading")
            yield Static(FILTER_HELP, id="help-filter")
            yield Label("Money (per 30-day month, in the account's currency)", classes="help-heading")
            yield Static(MONEY_HELP, id="help-money", markup=False)
            yield Label("Locations and backups", classes="help-heading")
            yield Static(LOCATIONS_HELP, id="help-locations", markup=False)
            yield Label("Growth view (g)", classes="help-heading")
            yield Static(GROWTH_HELP, id="help-growth")
            yield Label("Dialogs", classes="help-heading")
            yield Static("y or Enter on the confirm button go ahead; n or Escape cancel.", id="help-dialogs")
            if self.read_only:
                yield Label("Read-only mode (--read-only, or the offline cache): writes are disabled.",
                            classes="-warning")


#: keys that are not the browser's own bindings but work there
EXTRA_KEYS = (
    ("ctrl+p", "Palette", "Run any command by name (the same as its key)"),
    ("↑ ↓", "Move", "Move in the focused pane; pgup / pgdn by a page, home / end to the first / last row"),
    ("enter", "Choose", "In the drives pane: narrow the table to that drive"),
)
LOCATIONS_HELP = (
    "With several locations the summary has a line per location (its own currency; money is never added "
    "across currencies) and the table a Loc column; location:FRA filters. Every write goes to the snapshot's "
    "own location (a new snapshot or a clone to its drive's). A location that could not be loaded is named in "
    "the summary with the reason; its cached rows, if any, are shown as stale and are not written to. "
    "⇄ starts the name of a backup (a remote snapshot, billed as backup), ⇄! an orphaned one (its drive is "
    "gone); B shows all, local only, then backups only; kind:remote and orphan filter too."
)
GROWTH_HELP = (
    "Cumulative size and count of the current drive's snapshots over time. The line (braille dots) is "
    "reconstructed from the snapshots' timestamps; o marks are observed points from the history store that "
    "`snapshot-explorer record` fills. esc, g or q closes."
)
_NAMES = {"question_mark": "?", "slash": "/"}


def key_name(binding: Binding) -> str:
    """A binding's key as a person types it (`?`, `/`, `ctrl+d`, `tab`)."""
    return binding.key_display or _NAMES.get(binding.key, binding.key)
