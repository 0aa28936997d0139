"""The browser's writes: delete, new, edit and clone dialogs, and the read-only gate in front of them."""

from __future__ import annotations

import json

import numpy as np
from textual import events

from explorer.data import deletion_savings
from explorer.tui.formatting import human_bytes, money
from explorer.tui.messages import FormResult
from explorer.tui.screens.clone_form import CloneFormScreen
from explorer.tui.screens.confirm_delete import ConfirmDeleteScreen, DeletePlan
from explorer.tui.screens.snapshot_form import SnapshotFormScreen
from explorer.tui.view import locations_of

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

    def marked_or_current(self) -> set[tuple[str, str]]:
        """What a write acts on: the marked snapshots, else the highlighted one (empty when there is none);
        (location, uuid) keys."""
        if self.marks:
            return set(self.marks)
        key = self.current_key()
        return set() if key is None else {key}

    def refuse_stale(self, locations) -> bool:
        """True (and says why) when one of these locations could not be loaded: its rows are its cache, and
        nothing is written on the strength of cached data."""
        failed = [f for f in (self.inventory.failures if self.inventory is not None else ()) if f.location in
                  set(locations)]
        if failed:
            names = ", ".join(f"{f.location} ({f.reason})" for f in failed)
            self.notify(f"Not loaded this time: {names}. Its rows are the cache; press r to retry.",
                        title="Nothing written", severity="warning")
        return bool(failed)

    def action_delete(self) -> None:
        if self.view is None or self.inventory is None:
            return
        targets = self.marked_or_current()
        if not targets or self.refuse_stale({loc for loc, _ in targets}):
            return
        view = self.view
        rows = np.sort(np.fromiter((view.position[k] for k in targets), dtype=np.int64, count=len(targets)))
        labels = view.frame["name"].fillna(view.frame["uuid"]).to_numpy(dtype=object)
        #: location -> {uuid: name}: each location's deletes go to its own API
        items: dict[str, dict[str, str]] = {}
        kinds: dict[str, dict[str, str]] = {}  # a backup is deleted through /remotesnapshots/
        kind = view.frame["kind"].astype("string").fillna("local").to_numpy(dtype=object)
        for (location, uuid), label, k in zip(view.keys[rows], labels[rows], kind[rows], strict=True):
            items.setdefault(location, {})[uuid] = label
            kinds.setdefault(location, {})[uuid] = k
        names = [f"{loc} · {label}" if view.several_locations else label
                 for loc, label in zip(view.locations[rows], labels[rows], strict=True)]
        money = _savings(self.inventory, items)
        shown = set(view.keys[self.positions])
        snaps = view.frame[["drive_uuid", "drive_name"]].assign(location=view.locations,
                                                                target=view.marked_mask(targets))
        per_drive = snaps.groupby(["location", "drive_uuid"], dropna=True)["target"]
        whole = per_drive.all() & per_drive.any()  # every snapshot of these drives is in the delete
        drive_names = snaps.drop_duplicates(["location", "drive_uuid"]).set_index(["location", "drive_uuid"])[
            "drive_name"]
        plan = DeletePlan(
            names=tuple(names),
            hidden_by_filter=len(targets - shown),
            account_total=len(view),
            whole_drives=tuple(_text(drive_names.get(k), k[1]) for k in whole.index[whole.to_numpy(dtype=bool)]),
            **money,
        )

        def decided(yes: bool | None) -> None:
            if yes:
                # Marks stay until the refresh: deleted rows vanish with them, failed ones stay marked to retry.
                self.delete_snapshots(items, kinds)

        self.app.push_screen(ConfirmDeleteScreen(plan), decided)

    def action_new(self) -> None:
        row = self.current_row()
        drive = self.drive_uuid or (None if row is None else row["drive_uuid"])
        if drive is None:
            self.notify("Choose a drive (or a snapshot of it) first.", severity="warning")
            return
        # the drive's own location: a new snapshot is taken where the drive is
        location = self.drive_location if self.drive_uuid else self.current_key()[0]
        if self.refuse_stale({location}):
            return
        drives = self.inventory.drives
        listed = drives["uuid"].eq(drive).fillna(False).to_numpy(bool) & (locations_of(drives) == location)
        if not listed.any():  # a gone drive (its backups are all that is left of it)
            self.notify(f"The drive {self._drive_name(drive, location)} is gone: no new snapshot of it can be taken.",
                        severity="warning")
            return

        def submitted(result: FormResult | None) -> None:
            if result is not None:
                self.create_snapshot(drive, result.name, result.meta or {}, location=location)

        self.app.push_screen(SnapshotFormScreen(f"New snapshot of {self._drive_name(drive, location)}"), submitted)

    def action_edit(self) -> None:
        row, key = self.current_row(), self.current_key()
        if row is None or self.refuse_stale({key[0]}):
            return

        def submitted(result: FormResult | None) -> None:
            if result is not None:
                self.update_snapshot(row["uuid"], result.name, result.meta or {}, location=key[0],
                                     kind=_kind(row))

        meta = json.loads(row["meta"]) if isinstance(row["meta"], str) else {}
        form = SnapshotFormScreen(f"Edit {row['name']}", name=str(row["name"]), meta=meta, name_hint="name")
        self.app.push_screen(form, submitted)

    def action_clone(self) -> None:
        row, key = self.current_row(), self.current_key()
        if row is None or self.inventory is None or self.refuse_stale({key[0]}):
            return
        drives = self.inventory.drives
        drives = drives[locations_of(drives) == key[0]]  # the new drive is made in the snapshot's location
        by_name = {n: u for n, u in zip(drives["name"], drives["uuid"], strict=True) if isinstance(n, str)}

        def submitted(result: FormResult | None) -> None:
            if result is not None:
                self.clone_snapshot(row["uuid"], result.name, result.media, result.avoid, location=key[0],
                                    kind=_kind(row))

        self.app.push_screen(CloneFormScreen(str(row["name"]), by_name), submitted)


def _savings(inventory, items: dict[str, dict[str, str]]) -> dict:
    """The dialog's money: one location's figures, or (several locations) a line per location in its own
    currency, never added across currencies."""
    from explorer.data.locations import part_for

    if not inventory.parts:
        savings = deletion_savings(inventory, next(iter(items.values())))
        return {"bytes_freed": savings.bytes_freed, "currency": savings.currency,
                "monthly_cost_subscription": savings.monthly_cost_subscription,
                "monthly_cost_burst": savings.monthly_cost_burst, "saves_now_monthly": savings.saves_now_monthly,
                "bursting": savings.bursting}
    lines, freed, bursting = [], 0, False
    for location, chosen in items.items():
        part = part_for(inventory, location)
        if part is None:
            continue
        savings = deletion_savings(part, chosen)
        freed += savings.bytes_freed
        bursting |= bool(savings.bursting)
        saves = (f"saves now {money(savings.saves_now_monthly, savings.currency)}/month (bursting)"
                 if savings.bursting else "saves nothing now (within subscription)")
        lines.append(f"{location}: frees {human_bytes(savings.bytes_freed)} · value "
                     f"{money(savings.monthly_cost_subscription, savings.currency)}/month at subscription price · "
                     f"{saves}")
    return {"bytes_freed": freed, "currency": "", "monthly_cost_subscription": None, "monthly_cost_burst": None,
            "saves_now_monthly": None, "bursting": bursting, "per_location": tuple(lines)}


def _kind(row) -> str | None:
    """A row's kind (`local` / `remote`) for the data layer's actions; None when not known."""
    kind = row.get("kind")
    return kind if isinstance(kind, str) else None


def _text(value, fallback: str) -> str:
    return value if isinstance(value, str) and value else fallback
