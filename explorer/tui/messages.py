"""Messages the workers post to the browser screen (workers never touch widgets); they do not bubble."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from explorer.data import Inventory


class LoadProgress(Message, bubble=False):
    """A loading stage moved on; each one replaces the previous in the status line."""

    def __init__(self, generation: int, stage: str, done: int, total: int | None) -> None:
        super().__init__()
        self.generation = generation
        self.stage = stage
        self.done = done
        self.total = total


class InventoryLoaded(Message, bubble=False):
    """A (possibly partial, while the rest of the pages arrive) inventory is ready to show."""

    def __init__(self, generation: int, inventory: Inventory, *, partial: bool = False, prepared=None) -> None:
        super().__init__()
        self.generation = generation
        self.inventory = inventory
        self.partial = partial
        #: the view model built off the event loop (explorer.tui.view.Prepared); None: the screen builds it
        self.prepared = prepared


@dataclass(frozen=True, slots=True)
class Outcome:
    """One line of an action's report: which object, whether it worked, what happened."""

    label: str
    ok: bool
    detail: str = ""


class ActionFinished(Message, bubble=False):
    """A write finished (fully or partly); the report is shown item by item."""

    def __init__(self, title: str, outcomes: list[Outcome], *, refresh: bool = True, select: str | None = None) -> None:
        super().__init__()
        self.title = title
        self.outcomes = outcomes
        self.refresh = refresh
        #: uuid of a snapshot the cursor moves to once the refresh shows it (a new one)
        self.select = select


class JobProgress(Message, bubble=False):
    """A followed clone job moved on (progress in percent, the new drive's status)."""

    def __init__(self, drive_name: str, status: str | None, progress: int | None, done: bool = False) -> None:
        super().__init__()
        self.drive_name = drive_name
        self.status = status
        self.progress = progress
        self.done = done


@dataclass(slots=True)
class FormResult:
    """What a snapshot/clone form returns: validated values ready to send."""

    name: str | None = None
    meta: dict[str, str] | None = None
    media: str | None = None
    avoid: list[str] = field(default_factory=list)


class ObservedGrowthLoaded(Message, bubble=False):
    """The growth view's read of the history store finished: the observed series (None: no store) and a note."""

    def __init__(self, observed, note: str | None) -> None:
        super().__init__()
        self.observed = observed
        self.note = note
