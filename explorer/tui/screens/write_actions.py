"""The browser's writes: delete, new, edit and clone dialogs, and the read-only gate in front of them."""

from __future__ import annotations

import json

import numpy as np
from textual import events

from explorer.data import deletion_savings
from explorer.tui.messages import FormResult
from explorer.tui.screens.clone_form import CloneFormScreen
from explorer.tui.screens.confirm_delete import ConfirmDeleteScreen, DeletePlan
from explorer.tui.screens.snapshot_form import SnapshotFormScreen

#: action name -> the word used when explaining that read-only mode disables it
WRITE_ACTIONS = {"delete": "delete", "new": "create", "edit": "edit", "clone": "clone", "set_owner": "setting an owner"}


class WriteActionsMixin:
    """Mixed into the browser screen: uses its state (view, marks, inventory) and its write workers."""

    def writes_off(self) -> bool:
        """Read-only, or only a warm start's cache is shown (nothing is written on the strength of cached data)."""
        return self.read_only or self.on_cached_data

    def on_key(self, event: events.Key) -> None:
        # A disabled binding lets its key fall through to here: say why nothing happened.
        if not self.writes_off():
            return
        for binding in self.BINDINGS:
            if binding.key == event.key and binding.action in WRITE_ACTIONS:
                event.stop()
                self._explain_read_only(binding.action)

    def _explain_read_only(self, action: str) -> None:
        if not self.read_only:
            self.notify(self.cached_write_refusal(WRITE_ACTIONS[action]), title="Not yet", severity="warning")
            return
        why = "the inventory is the offline cache" if self.client is None else "started with --read-only"
        self.notify(f"Read-only mode ({why}): {WRITE_ACTIONS[action]} is disabled.", severity="warning")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.writes_off():
            return None  # shown greyed out in the footer
        return True

    async def run_command(self, action: str) -> None:
        """Palette entry point: the same action as the key, with the same read-only rule (awaited: it runs)."""
        if action in WRITE_ACTIONS and self.writes_off():
            self._explain_read_only(action)
        else:
            await self.run_action(action)

    def marked_or_current(self) -> set[str]:
        """What a write acts on: the marked snapshots, else the highlighted one (empty when there is none)."""
        if self.marks:
            return set(self.marks)
        row = self.current_row()
        return set() if row is None else {row["uuid"]}

    def action_delete(self) -> None:
        if self.view is None or self.inventory is None:
            return
        targets = self.marked_or_current()
        if not targets:
            return
        rows = np.sort(np.fromiter((self.view.position[u] for u in targets), dtype=np.int64, count=len(targets)))
        labels = self.view.frame["name"].fillna(self.view.frame["uuid"]).to_numpy(dtype=object)
        names = dict(zip(self.view.uuids[rows], labels[rows], strict=True))
        savings = deletion_savings(self.inventory, names)
        shown = set(self.view.uuids[self.positions])
        snaps = self.view.frame[["uuid", "drive_uuid", "drive_name"]]
        per_drive = snaps.assign(target=snaps["uuid"].isin(targets)).groupby("drive_uuid", dropna=True)["target"]
        whole = per_drive.all() & per_drive.any()  # every snapshot of these drives is in the delete
        drive_names = snaps.drop_duplicates("drive_uuid").set_index("drive_uuid")["drive_name"]
        plan = DeletePlan(
            names=tuple(names.values()),
            bytes_freed=savings.bytes_freed,
            currency=savings.currency,
            monthly_cost_subscription=savings.monthly_cost_subscription,
            monthly_cost_burst=savings.monthly_cost_burst,
            saves_now_monthly=savings.saves_now_monthly,
            bursting=savings.bursting,
            hidden_by_filter=len(targets - shown),
            account_total=len(self.view),
            whole_drives=tuple(_text(drive_names.get(u), u) for u in whole.index[whole.to_numpy(dtype=bool)]),
        )

        def decided(yes: bool | None) -> None:
            if yes:
                # Marks stay until the refresh: deleted rows vanish with them, failed ones stay marked to retry.
                self.delete_snapshots(names)

        self.app.push_screen(ConfirmDeleteScreen(plan), decided)

    def action_new(self) -> None:
        row = self.current_row()
        drive = self.drive_uuid or (None if row is None else row["drive_uuid"])
        if drive is None:
            self.notify("Choose a drive (or a snapshot of it) first.", severity="warning")
            return

        def submitted(result: FormResult | None) -> None:
            if result is not None:
                self.create_snapshot(drive, result.name, result.meta or {})

        self.app.push_screen(SnapshotFormScreen(f"New snapshot of {self._drive_name(drive)}"), submitted)

    def action_edit(self) -> None:
        row = self.current_row()
        if row is None:
            return

        def submitted(result: FormResult | None) -> None:
            if result is not None:
                self.update_snapshot(row["uuid"], result.name, result.meta or {})

        meta = json.loads(row["meta"]) if isinstance(row["meta"], str) else {}
        form = SnapshotFormScreen(f"Edit {row['name']}", name=str(row["name"]), meta=meta, name_hint="name")
        self.app.push_screen(form, submitted)

    def action_clone(self) -> None:
        row = self.current_row()
        if row is None or self.inventory is None:
            return
        drives = self.inventory.drives
        by_name = {n: u for n, u in zip(drives["name"], drives["uuid"], strict=True) if isinstance(n, str)}

        def submitted(result: FormResult | None) -> None:
            if result is not None:
                self.clone_snapshot(row["uuid"], result.name, result.media, result.avoid)

        self.app.push_screen(CloneFormScreen(str(row["name"]), by_name), submitted)


def _text(value, fallback: str) -> str:
    return value if isinstance(value, str) and value else fallback
