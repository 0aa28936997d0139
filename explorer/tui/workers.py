"""Every network call of the TUI, as workers that post messages (mixed into the browser screen).

Workers never touch widgets. Failures are not caught here: they end the worker in the
ERROR state and the browser's single `on_worker_state_changed` reports them.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from textual import work
from textual.worker import get_current_worker

from explorer.data import actions, load_inventory_async
from explorer.errors import ExplorerError, NotFoundError
from explorer.tui.messages import ActionFinished, InventoryLoaded, JobProgress, LoadProgress, Outcome
from explorer.tui.view import SORTABLE, SnapshotView, prepare


class WorkersMixin:
    """Needs `self.client`, `self.source` and `self.post_message` from the screen it is mixed into."""

    client: Any
    post_message: Any

    @work(exclusive=True, group="load", exit_on_error=False, description="loading the inventory")
    async def load_inventory(self, generation: int, *, preview: bool = True) -> None:
        def progress(stage: str, done: int, total: int | None) -> None:
            self.post_message(LoadProgress(generation, stage, done, total))

        # Structured: when this worker is cancelled (a newer refresh, exclusive in the "load" group) or
        # either request fails, the task group cancels the other one and waits for it, so a worker
        # that ends leaves nothing of its own running.
        if len(self.clients) > 1:  # several locations, loaded at once: one failing is named, never blocks the rest
            from explorer.data.locations import load_locations_async

            # each location as a session whose source says demo or not, so its cache goes to its own slot
            sessions = [SimpleNamespace(location=code, client=self.clients[code], source=source)
                        for source, code in self.location_sources()]
            inventory = await load_locations_async(sessions, progress=progress)
            progress("table", 0, len(inventory.snapshots))
            prepared = await asyncio.to_thread(prepare, inventory)
            self.post_message(InventoryLoaded(generation, inventory, prepared=prepared))
            return
        try:
            async with asyncio.TaskGroup() as tasks:
                full = tasks.create_task(load_inventory_async(self.client, progress=progress, source=self.source))
                if preview:
                    # The first page paints at once; the full load keeps going underneath.
                    try:
                        partial = await actions.preview_inventory(self.client, source=self.source)
                    except ExplorerError:
                        partial = None  # the full load reports the same failure, once
                    if partial is not None and not full.done():
                        self.post_message(InventoryLoaded(generation, partial, partial=True, prepared=prepare(partial)))
        except BaseExceptionGroup as group:
            # One failure (the load's own error) is what the browser reports, not the group around it.
            raise group.exceptions[0] from None
        inventory = full.result()
        # Formatting 100k rows takes most of a second: never on the event loop.
        progress("table", 0, len(inventory.snapshots))
        prepared = await asyncio.to_thread(prepare, inventory)
        self.post_message(InventoryLoaded(generation, inventory, prepared=prepared))

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False, description="preparing sort orders")
    def warm_sort_orders(self, view: SnapshotView) -> None:
        # Sorting 100k strings takes ~0.1 s the first time; do it now, off the key path, so that
        # the first press of a sort key is as fast as the next ones. Results land in the view's cache.
        worker = get_current_worker()
        for key in SORTABLE:
            for descending in (False, True):
                if worker.is_cancelled:
                    return
                view.order(key, descending)

    @work(group="write", exit_on_error=False, description="creating a snapshot")
    async def create_snapshot(self, drive_uuid: str, name: str | None, meta: dict[str, str], *,
                              location: str = "") -> None:
        snap = await actions.create_snapshot(self.client_for(location), drive_uuid, name=name, meta=meta)
        outcome = Outcome(snap.name or snap.uuid, True, snap.status or "created")
        self.post_message(ActionFinished("Snapshot created", [outcome], select=(location, snap.uuid)))
        if snap.status == "creating":  # followed from now: a refresh slower than the transition never sees it creating
            key = (location, snap.uuid)
            self.__dict__.setdefault("_creating_seen", set()).add(key)
            self._watch_available(key, snap.name or snap.uuid)

    @work(group="write", exit_on_error=False, description="editing a snapshot")
    async def update_snapshot(self, uuid: str, name: str | None, meta: dict[str, str], *, location: str = "",
                              kind: str | None = None) -> None:
        snap = await actions.update_snapshot(self.client_for(location), uuid, name=name, meta=meta, kind=kind)
        self.post_message(ActionFinished("Snapshot saved", [Outcome(snap.name or snap.uuid, True, "saved")]))

    @work(group="write", exit_on_error=False, description="deleting snapshots")
    async def delete_snapshots(self, items: dict[str, dict[str, str]], kinds: dict[str, dict[str, str]]) -> None:
        """`items`: location -> {uuid: name}, `kinds`: location -> {uuid: kind}; each location's go to its own
        API, all at once (a backup through /remotesnapshots/); the report names each item's location when there
        are several."""
        several = len(self.clients) > 1
        located = list(items.items())
        answers = await asyncio.gather(*(actions.delete_snapshots(self.client_for(loc), chosen, kinds=kinds.get(loc))
                                         for loc, chosen in located))
        outcomes = [Outcome(f"{loc} · {r.name}" if several else r.name, r.ok, r.message)
                    for (loc, _), results in zip(located, answers, strict=True) for r in results]
        done = sum(o.ok for o in outcomes)
        per = ""
        if several:  # each location's own count: "(ZRH 2 of 2, FRA 1 of 1)"
            per = " (" + ", ".join(f"{loc} {sum(r.ok for r in rs):,} of {len(rs):,}" for (loc, _), rs
                                   in zip(located, answers, strict=True)) + ")"
        self.post_message(ActionFinished(f"Deleted {done:,} of {len(outcomes):,}{per}", outcomes))

    @work(group="write", exit_on_error=False, description="cloning a snapshot")
    async def clone_snapshot(self, uuid: str, name: str | None, media: str | None, avoid: list[str], *,
                             location: str = "", kind: str | None = None) -> None:
        client = self.client_for(location)  # the new drive is made in the snapshot's location
        drive = await actions.clone_snapshot(client, uuid, name=name, media=media, avoid=avoid, kind=kind)
        label = drive.name or drive.uuid

        def progress(status: str | None, percent: int | None) -> None:
            self.post_message(JobProgress(label, status, percent))

        final = await actions.follow_job(client, drive, progress=progress, poll=self.poll_seconds)
        self.post_message(JobProgress(label, final.status, 100, done=True))
        self.post_message(ActionFinished("Clone finished", [Outcome(label, True, f"new drive is {final.status}")]))

    def watch_creating(self, uuids: list[str]) -> None:
        """Follow each snapshot still creating until it is available: one notice per snapshot, ever.

        Every full load calls this with the snapshots it shows as creating; one already followed
        or already announced is skipped, so a load arriving while a watch runs adds no second one.
        """
        seen = self.__dict__.setdefault("_creating_seen", set())
        for key in uuids:  # (location, uuid) keys
            if key not in seen:
                seen.add(key)
                row = self.view.row(self.view.position[key]) if key in getattr(self.view, "position", {}) else None
                name = row["name"] if row is not None and isinstance(row["name"], str) else key[1]
                self._watch_available(key, name)

    @work(group="creating", exit_on_error=False, description="waiting for a new snapshot")
    async def _watch_available(self, key: tuple[str, str], name: str) -> None:
        location, uuid = key
        try:
            await actions.wait_available(self.client_for(location), uuid, poll=self.poll_seconds)
        except NotFoundError:
            return  # deleted meanwhile: nothing to announce
        self.post_message(ActionFinished("Snapshot available", [Outcome(name, True, "available")]))
