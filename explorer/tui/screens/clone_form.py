"""The clone form: new drive name, media, and drives to avoid (by name or uuid)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from explorer.tui.messages import FormResult
from explorer.tui.screens.snapshot_form import SHORT_HEIGHT, form_css, tight


class CloneFormScreen(ModalScreen[FormResult | None]):
    """`drives` maps drive names to uuids so the avoid list can be typed by name."""

    DEFAULT_CSS = form_css("CloneFormScreen")
    #: focused by Textual once composed (an on_mount query fails when the app is already quitting)
    AUTO_FOCUS = "#clone-name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="clone.cancel", tooltip="Close without cloning"),
        Binding("ctrl+s", "save", "Clone", id="clone.save", tooltip="Start the clone and follow its job"),
    ]

    def __init__(self, snapshot_name: str, drives: Mapping[str, str]) -> None:
        super().__init__()
        self.snapshot_name = snapshot_name
        self.drives = dict(drives)

    def compose(self) -> ComposeResult:
        short = self.app.size.height < SHORT_HEIGHT  # below it the form drops its margins to fit 80x24
        with tight(Vertical(id="dialog"), short, padding=(0, 1)):
            yield tight(Label(f"Clone {self.snapshot_name} to a new drive", id="dialog-title", markup=False),
                        short, margin=0)
            yield Label("New drive name")
            yield Input(placeholder="optional; defaults to the snapshot's name", id="clone-name")
            yield Label("Media")
            yield Select([("disk", "disk"), ("cdrom", "cdrom")], value="disk", allow_blank=False, id="clone-media")
            yield Label("Avoid drives (names or uuids, comma separated) — placed on other storage hosts")
            yield Input(placeholder="e.g. db-main, web-01", id="clone-avoid")
            yield Static("", id="form-error", markup=False)
            with tight(Horizontal(id="dialog-buttons"), short, margin=0):
                yield Button("Clone (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        avoid, unknown = [], []
        uuids = set(self.drives.values())
        for word in (w.strip() for w in self.query_one("#clone-avoid", Input).value.split(",")):
            if not word:
                continue
            if word in self.drives:
                avoid.append(self.drives[word])
            elif word in uuids:
                avoid.append(word)
            else:
                unknown.append(word)
        if unknown:
            error = self.query_one("#form-error", Static)
            error.update(f"no drive named {', '.join(unknown)} (give names or uuids of existing drives)")
            error.add_class("-error")
            return
        name = self.query_one("#clone-name", Input).value.strip() or None
        media = str(self.query_one("#clone-media", Select).value)
        self.dismiss(FormResult(name=name, media=media, avoid=avoid))
