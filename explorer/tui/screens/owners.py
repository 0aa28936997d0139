"""`o`: cost by owner (chargeback); `O`: set `owner=...` on the marked snapshots, reported item by item."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from explorer.data.cost import ATTRIBUTION_RULE
from explorer.data.meta_actions import check_key_value, set_meta_key
from explorer.data.owners import DEFAULT_KEY, OwnerRule, owner_costs
from explorer.data.report import owner_table
from explorer.errors import ValidationError
from explorer.tui.messages import ActionFinished, Outcome

OWNER_BINDINGS: list[BindingType] = [
    Binding("o", "owners", "Owners", id="owners",
            tooltip="Cost by owner (meta key 'owner' of the snapshot or its drive), with the unattributed part"),
    Binding("O", "set_owner", "Set owner", key_display="O", id="set-owner", show=False,
            tooltip="Set owner=... in the meta of the marked snapshots (or the current one)"),
]


class OwnersScreen(ModalScreen[None]):
    """The owners rollup of the inventory shown, as the `cost` command prints it."""

    DEFAULT_CSS = """
    OwnersScreen #owners-dialog { width: 100; max-width: 100%; height: auto; max-height: 90%;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    OwnersScreen .owners-table { width: auto; height: auto; }
    OwnersScreen .owners-currency.next { margin-top: 1; }
    OwnersScreen Label, OwnersScreen #owners-note { width: 1fr; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,o,q", "dismiss", "Close", id="owners.close", tooltip="Close the owners view"),
    ]

    def __init__(self, inventory: Any, rule: OwnerRule | None = None) -> None:
        super().__init__()
        self.inventory = inventory
        self.rule = rule or OwnerRule()

    def compose(self) -> ComposeResult:
        owners = owner_costs(self.inventory, self.rule)
        # one table per currency (several locations: each costed in its own; never added across currencies)
        blocks = list(dict.fromkeys(owners["currency"].dropna().astype(str))) or [self.inventory.currency]
        where = _locations_by_currency(self.inventory)
        with VerticalScroll(id="owners-dialog"):
            yield Label(f"Cost by owner — {self.rule.describe()} (esc closes)", id="dialog-title", markup=False)
            for i, cur in enumerate(blocks):
                mine = owners[owners["currency"].astype("string").eq(cur).fillna(False).to_numpy(bool)]
                at = f" ({', '.join(where[cur])}, their own prices)" if where.get(cur) else ""
                yield Label(f"Per 30-day month in {cur}{at}: value at subscription price and burst now from "
                            "snapshots.", markup=False, classes="owners-currency next" if i else "owners-currency")
                yield Static(owner_table(mine, cur), id="owners-table" if i == 0 else f"owners-table-{i}",
                             classes="owners-table", markup=False)
            unowned = owners.loc[owners["owner"] == "unattributed", "snapshot_count"]
            count = int(unowned.sum()) if len(unowned) else 0
            hint = (f"{count:,} snapshots have no owner: mark them (filter owner:unattributed, "
                    "then a) and press O to set one." if count else "Every snapshot has an owner.")
            yield Static(f"{hint}\n{ATTRIBUTION_RULE}", id="owners-note", markup=False)


def _locations_by_currency(inv: Any) -> dict[str, list[str]]:
    """`{currency: [location, ...]}` of a combined inventory's locations (empty for a single location)."""
    out: dict[str, list[str]] = {}
    for part in getattr(inv, "parts", ()):
        out.setdefault(part.currency, []).append(part.location)
    return out


class SetOwnerScreen(ModalScreen[str | None]):
    """Asks for the owner; dismisses with it (checked) or None when cancelled."""

    AUTO_FOCUS = "#owner-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="set-owner.cancel", tooltip="Close without changing anything"),
    ]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        noun = "snapshot" if self.count == 1 else "snapshots"
        with Vertical(id="dialog"):
            yield Label(f"Set {DEFAULT_KEY}= on {self.count:,} {noun}", id="dialog-title", markup=False)
            yield Label("Owner (Enter saves, esc cancels); other meta keys are kept", markup=False)
            yield Input(placeholder="e.g. web-team", id="owner-input")
            yield Static("", id="owner-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            _, value = check_key_value(DEFAULT_KEY, event.value)
        except ValidationError as exc:
            self.query_one("#owner-error", Static).update(str(exc))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OwnersMixin:
    """Mixed into the browser screen: uses its inventory, marks, view and client."""

    def action_owners(self) -> None:
        if self.inventory is not None:
            self.app.push_screen(OwnersScreen(self.inventory))

    def action_set_owner(self) -> None:
        if self.view is None:
            return
        targets = self.marked_or_current()
        if not targets or self.refuse_stale({loc for loc, _ in targets}):
            return
        view = self.view
        rows = np.flatnonzero(view.marked_mask(targets))
        labels = view.frame["name"].fillna(view.frame["uuid"]).to_numpy(dtype=object)
        items: dict[str, dict[str, str]] = {}  # location -> {uuid: name}: each location's writes go to its API
        for (location, uuid), label in zip(view.keys[rows], labels[rows], strict=True):
            items.setdefault(location, {})[uuid] = label

        def decided(owner: str | None) -> None:
            if owner is not None:
                self.set_owner(items, owner)

        self.app.push_screen(SetOwnerScreen(len(rows)), decided)

    @work(group="write", exit_on_error=False, description="setting the owner")
    async def set_owner(self, items: dict[str, dict[str, str]], owner: str) -> None:
        several = len(items) > 1
        outcomes = []
        for location, chosen in items.items():
            results = await set_meta_key(self.client_for(location), chosen, DEFAULT_KEY, owner)
            outcomes += [Outcome(f"{location} · {r.name}" if several else r.name, r.ok, r.message) for r in results]
        done = sum(o.ok for o in outcomes)
        results = outcomes
        self.post_message(ActionFinished(f"Owner set on {done:,} of {len(results):,}", outcomes))
