"""Pilot tests of every write against the emulator over loopback HTTP: create, edit, delete, bulk, clone."""

from __future__ import annotations

import pytest

from explorer.errors import NotFoundError, TransportError
from explorer.tui.messages import JobProgress
from explorer.tui.screens.confirm_delete import ConfirmDeleteScreen
from explorer.tui.screens.snapshot_form import SnapshotFormScreen
from tests.tui.conftest import SIZE, new_app, reports, shown_names, start, wait_for_report, wait_until


def _row(app, uuid):
    f = app.browser.view.frame
    hit = f[f["uuid"] == uuid]
    return None if hit.empty else hit.iloc[0]


def _lines(report: str) -> list[str]:
    """A report's lines after its title, as shown: '✓ label: detail', '✗ 1 failed, ✓ 2 done:', '✗ label: detail'."""
    return report.split("\n")[1:]


def _names(line: str, name: str) -> bool:
    """Whether a report line shows `name` as its label: whole, or cut in the middle with '…'."""
    label = line[2:].split(": ")[0]
    if "…" not in label:
        return label == name
    head, tail = label.split("…")
    return name.startswith(head) and name.endswith(tail) and len(label) < len(name)


async def test_create_appears_then_becomes_available(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        drive = app.browser.current_row()["drive_uuid"]
        await pilot.press("n")
        assert isinstance(app.screen, SnapshotFormScreen)
        await pilot.press(*"tui-new")
        app.screen.query_one("#form-meta").text = "owner=ops\nticket=OPS-1"
        await pilot.press("ctrl+s")
        report = await wait_for_report(pilot, "Snapshot created")
        assert _lines(report)[0].startswith("✓ tui-new: ")
        # it shows up (creating or already available) and, polled in a worker, turns available
        await wait_until(pilot, lambda: "tui-new" in shown_names(app), what="the new row")
        frame = app.browser.view.frame

        def available():
            f = app.browser.view.frame
            return (f.loc[f["name"] == "tui-new", "status"] == "available").all()

        await wait_until(pilot, available, what="status available")
        new = frame[frame["name"] == "tui-new"].iloc[0]
        assert new["drive_uuid"] == drive
    snaps = await client.snapshots.list(name="tui-new")
    assert [s.meta for s in snaps] == [{"owner": "ops", "ticket": "OPS-1"}]


async def test_new_refuses_a_long_meta_key_before_sending(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        before = len(app.browser.view)
        await pilot.press("n")
        app.screen.query_one("#form-meta").text = "k" * 33 + "=v"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SnapshotFormScreen)  # the form stays open with the reason
        assert "33 characters" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
    assert len(await client.snapshots.list()) == before


async def test_edit_renames_and_replaces_meta(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        uuid = app.browser.current_row()["uuid"]
        await pilot.press("e")
        name_input = app.screen.query_one("#form-name")
        name_input.value = "renamed-by-tui"
        app.screen.query_one("#form-meta").text = "reason=test"
        await pilot.press("ctrl+s")
        await wait_for_report(pilot, "Snapshot saved")
        await wait_until(pilot, lambda: _row(app, uuid) is not None and _row(app, uuid)["name"] == "renamed-by-tui")
        assert app.browser.current_row()["uuid"] == uuid  # the cursor stayed on it through the refresh
    snap = await client.snapshots.get(uuid)
    assert (snap.name, snap.meta) == ("renamed-by-tui", {"reason": "test"})


async def test_delete_current_after_confirmation(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        row = app.browser.current_row()
        await pilot.press("ctrl+d")
        assert isinstance(app.screen, ConfirmDeleteScreen)
        assert app.screen.plan.names == (row["name"],)
        await pilot.press("y")
        report = await wait_for_report(pilot, "Deleted")
        [line] = _lines(report)
        assert line.startswith("✓ ") and _names(line, row["name"])
        await wait_until(pilot, lambda: _row(app, row["uuid"]) is None, what="the row to go")
    with pytest.raises(NotFoundError):
        await client.snapshots.get(row["uuid"])


@pytest.mark.parametrize("key", ["n", "escape"])
async def test_delete_cancelled_changes_nothing(client, key):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        await pilot.press("space", "ctrl+d")
        assert isinstance(app.screen, ConfirmDeleteScreen)
        await pilot.press(key)
        assert not isinstance(app.screen, ConfirmDeleteScreen)
        assert reports(app) == [] and len(app.browser.marks) == 1
    assert len(await client.snapshots.list()) == 30


async def test_enter_on_the_confirm_button_deletes(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        uuid = app.browser.current_row()["uuid"]
        await pilot.press("ctrl+d")
        await pilot.press("enter")  # Cancel has the focus: a stray Enter keeps everything
        assert not isinstance(app.screen, ConfirmDeleteScreen) and reports(app) == []
        await pilot.press("ctrl+d", "shift+tab", "enter")  # focus the Delete button, then Enter
        await wait_for_report(pilot, "Deleted")
    with pytest.raises(NotFoundError):
        await client.snapshots.get(uuid)


async def test_bulk_delete_reports_the_item_that_failed(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        await pilot.press("space", "space", "space")
        marked = dict(app.browser.view.frame.set_index("uuid").loc[sorted(u for _, u in app.browser.marks), "name"])
        gone = sorted(marked)[0]
        await client.snapshots.delete(gone)  # out of band: the bulk request will name a missing object
        await pilot.press("ctrl+d")
        assert "3 snapshots" in str(app.screen.query_one("#dialog-title").render())
        await pilot.press("y")
        report = await wait_for_report(pilot, "Deleted 2 of 3")
        summary, failure = _lines(report)  # successes are summed up; each failure has its line
        assert summary == "✗ 1 failed, ✓ 2 done:"
        assert failure.startswith("✗ ") and _names(failure, marked[gone]) and "does not exist" in failure
        await wait_until(pilot, lambda: not app.browser.marks, what="marks of deleted rows to go")
    assert len(await client.snapshots.list()) == 27


async def test_lost_connection_while_verifying_a_delete_still_reports_each_item_and_refreshes(client, monkeypatch):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        await pilot.press("space", "space", "space")
        marked = dict(app.browser.view.frame.set_index("uuid").loc[sorted(u for _, u in app.browser.marks), "name"])
        real_list = client.snapshots.list

        async def list_failing_to_verify(*args, **kwargs):
            if "uuid" in kwargs:  # the verification poll; the reload lists everything
                raise TransportError("connection reset while verifying")
            return await real_list(*args, **kwargs)

        monkeypatch.setattr(client.snapshots, "list", list_failing_to_verify)
        generation = app.browser.generation
        await pilot.press("ctrl+d", "y")
        report = await wait_for_report(pilot, "Deleted 0 of 3")
        expected = "deletion started, not verified: connection reset while verifying"
        summary, *failures = _lines(report)
        assert summary == "✗ 3 failed:" and all(line.endswith(f": {expected}") for line in failures)
        assert all(any(_names(line, name) for line in failures) for name in marked.values())
        # the reload afterwards shows they are gone, and their marks go with them
        await wait_until(pilot, lambda: app.browser.full_generation > generation and not app.browser.marks,
                         what="the reload after the delete")
        assert not set(marked) & set(app.browser.view.frame["uuid"])


async def test_clone_is_followed_until_the_drive_is_unmounted(client):
    app = new_app(client)
    progress = []

    def hook(message):
        if isinstance(message, JobProgress):
            progress.append((message.status, message.done))

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await start(pilot, app)
        drives_before = {d.uuid for d in await client.drives.list()}
        await pilot.press("c")
        await pilot.press(*"restored-by-tui")
        await pilot.press("ctrl+s")
        report = await wait_for_report(pilot, "Clone finished")
        assert _lines(report) == ["✓ restored-by-tui: new drive is unmounted"]
    # the job was followed: progress while cloning, then the final status, once
    assert progress[0] == ("cloning_dst", False) and progress[-1] == ("unmounted", True)
    assert [done for _, done in progress].count(True) == 1
    new = [d for d in await client.drives.list() if d.uuid not in drives_before]
    assert [(d.name, d.status) for d in new] == [("restored-by-tui", "unmounted")]


async def test_a_refused_write_shows_cloudsigmas_message(client):
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        drives = app.browser.inventory.drives
        nvme = drives.loc[drives["storage_type"] == "local_nvme", "uuid"].iloc[0]
        app.browser.post_message(app.browser.query_one("#drives").DriveChosen(("", nvme)))  # (location, uuid)
        await pilot.pause()
        assert app.browser.drive_uuid == nvme
        await pilot.press("n", "ctrl+s")
        note = await wait_for_report(pilot, "failed")
        assert note.startswith("creating a snapshot failed (HTTP 403)\n")
        assert "of storage type local_nvme does not support snapshots" in note
        assert app.is_running and app.screen is app.browser
