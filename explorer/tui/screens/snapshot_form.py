"""The new-snapshot and edit-snapshot form: optional name, meta as `key=value` lines, validated before sending."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea

from explorer.data.actions import parse_meta_lines
from explorer.errors import ValidationError
from explorer.tui.messages import FormResult


class SnapshotFormScreen(ModalScreen[FormResult | None]):
    """Dismisses with a FormResult (meta already validated) or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without sending"),
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Validate and send"),
    ]

    def __init__(self, title: str, *, name: str = "", meta: dict[str, str] | None = None,
                 name_hint: str = "optional; the API names it after the drive and time") -> None:
        super().__init__()
        self.title_text = title
        self.initial_name = name
        self.initial_meta = meta or {}
        self.name_hint = name_hint

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="dialog-title")
            yield Label("Name")
            yield Input(self.initial_name, placeholder=self.name_hint, id="form-name")
            yield Label("Meta: one key=value per line (keys up to 32 characters)")
            meta_text = "\n".join(f"{k}={v}" for k, v in self.initial_meta.items())
            yield TextArea(meta_text, id="form-meta", soft_wrap=False, show_line_numbers=False)
            yield Label("", id="form-error")
            with Horizontal(id="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#form-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        error = self.query_one("#form-error", Label)
        try:
            meta = parse_meta_lines(self.query_one("#form-meta", TextArea).text)
        except ValidationError as exc:
            error.update(str(exc))
            error.add_class("-error")
            return
        name = self.query_one("#form-name", Input).value.strip() or None
        self.dismiss(FormResult(name=name, meta=meta))
