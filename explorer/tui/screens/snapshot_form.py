"""The new-snapshot and edit-snapshot form: optional name, meta as `key=value` lines, validated before sending."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from explorer.data.actions import validate_meta
from explorer.errors import ValidationError
from explorer.tui.messages import FormResult

SHORT_HEIGHT = 32


def form_css(screen: str) -> str:
    """Shared by the snapshot and clone forms: the dialog scrolls rather than cut, errors wrap whole."""
    return f"""
    {screen} #dialog {{ overflow-y: auto; }}
    {screen} #dialog Label, {screen} #form-error {{ width: 1fr; height: auto; }}
    """


def tight(widget, short: bool, **styles):
    """`widget`, with these inline styles when the terminal is short (inline styles win over app.tcss)."""
    if short:
        for name, value in styles.items():
            setattr(widget.styles, name, value)
    return widget


class SnapshotFormScreen(ModalScreen[FormResult | None]):
    """Dismisses with a FormResult (meta already validated) or None when cancelled."""

    DEFAULT_CSS = form_css("SnapshotFormScreen")
    #: focused by Textual once composed (an on_mount query fails when the app is already quitting)
    AUTO_FOCUS = "#form-name"
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
        short = self.app.size.height < SHORT_HEIGHT  # below it the form drops its margins to fit 80x24
        with tight(Vertical(id="dialog"), short, padding=(0, 1)):
            yield tight(Label(self.title_text, id="dialog-title", markup=False), short, margin=0)
            yield Label("Name")
            yield Input(self.initial_name, placeholder=self.name_hint, id="form-name")
            yield Label("Meta: one key=value per line (keys up to 32 characters)")
            meta_text = "\n".join(f"{k}={v}" for k, v in self.initial_meta.items())
            yield tight(TextArea(meta_text, id="form-meta", soft_wrap=False, show_line_numbers=False), short, height=4)
            yield Static("", id="form-error", markup=False)
            with tight(Horizontal(id="dialog-buttons"), short, margin=0):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

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
        meta, problems = meta_from_lines(self.query_one("#form-meta", TextArea).text)
        if problems:
            error = self.query_one("#form-error", Static)
            error.update("\n".join(problems))
            error.add_class("-error")
            return
        name = self.query_one("#form-name", Input).value.strip() or None
        self.dismiss(FormResult(name=name, meta=meta))


def meta_from_lines(text: str) -> tuple[dict[str, str], list[str]]:
    """Meta from `key=value` lines (blank ones skipped) and what is wrong with each bad line, all at once."""
    meta: dict[str, str] = {}
    first_line: dict[str, int] = {}
    problems = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep:
            problems.append(f"line {n}: needs the form key=value (got {line.strip()!r})")
            continue
        try:
            validate_meta([(key, value.strip())])
        except ValidationError as exc:
            problems.append(f"line {n}: {exc}")
            continue
        if key in first_line:
            problems.append(f"line {n}: meta key {key!r} is given twice (first on line {first_line[key]})")
            continue
        first_line[key] = n
        meta[key] = value.strip()
    return meta, problems
