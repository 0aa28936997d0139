"""How the browser reports: action results item by item, job progress, and the one handler of failed workers."""

from __future__ import annotations

import numpy as np
from textual.worker import Worker, WorkerState

from explorer.config import CREDENTIALS_HELP
from explorer.errors import ApiError, AuthenticationError, ExplorerError, TransportError
from explorer.tui.messages import ActionFinished, InventoryLoaded, JobProgress, Outcome
from explorer.tui.widgets.status_line import StatusLine

#: Textual's toast: 60 cells, at most half the screen; its border and padding take 3
TOAST_WIDTH, TOAST_CHROME = 60, 3

AUTH_HELP = CREDENTIALS_HELP


class ReportsMixin:
    """Mixed into the browser screen; workers post, these handlers tell the person."""

    #: a snapshot just created: the cursor goes to it once a full load shows it
    _select_after_load: str | None = None

    def on_action_finished(self, message: ActionFinished) -> None:
        self.last_report = message
        failed = any(not o.ok for o in message.outcomes)
        width = min(TOAST_WIDTH, self.app.size.width // 2) - TOAST_CHROME
        limit = max(3, min(10, (self.app.size.height - 12) // 2))
        body = "\n".join(report_lines(message.outcomes, width, limit)) or message.title
        self.notify(body, title=message.title, severity="error" if failed else "information",
                    timeout=10 if failed else 5, markup=False)
        if message.select is not None:
            self._select_after_load = message.select
        if message.refresh and self.client is not None:
            self.action_refresh()

    def on_inventory_loaded(self, message: InventoryLoaded) -> None:
        # Runs after the browser's own handler (Textual calls each class's handler along the MRO).
        uuid = self._select_after_load
        if uuid is None or message.partial or message.generation != self.generation or self.view is None:
            return
        if uuid in self.view.position:
            self._select_after_load = None
            hits = np.flatnonzero(self.positions == self.view.position[uuid])
            if len(hits):
                self.table.move_cursor(row=int(hits[0]))

    def on_job_progress(self, message: JobProgress) -> None:
        pct = f" {message.progress}%" if message.progress is not None else ""
        state = "done" if message.done else "cloning"
        self.query_one(StatusLine).activity = f"{state} {message.drive_name}: {message.status}{pct}"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker is handled: our errors become notifications, bugs surface."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if not isinstance(error, ExplorerError):
            raise error
        self.query_one(StatusLine).activity = f"{event.worker.description} failed"
        if isinstance(error, AuthenticationError):
            self.notify(f"CloudSigma refused the credentials: {_api_message(error)}\n{AUTH_HELP}",
                        title="Authentication failed", severity="error", timeout=20)
        elif isinstance(error, ApiError):
            self.notify(f"CloudSigma said: {_api_message(error)}", title=f"{event.worker.description} failed "
                        f"(HTTP {error.status_code})", severity="error", timeout=10)
        elif isinstance(error, TransportError):
            self.notify(f"{error}\nPress r to retry.", title=f"Could not reach {self.source.endpoint}",
                        severity="error", timeout=10)
        else:
            self.notify(str(error), title=f"{event.worker.description} failed", severity="error", timeout=10)


def _api_message(error: ApiError) -> str:
    return "; ".join(e.error_message for e in error.errors) if error.errors else str(error)


def report_lines(outcomes: list[Outcome], width: int, limit: int) -> list[str]:
    """One summary line, then one line per failure (at most `limit`); names are cut in the middle, never wrapped."""
    failed = [o for o in outcomes if not o.ok]
    done = len(outcomes) - len(failed)
    if not failed:
        if len(outcomes) == 1:
            return [_line("✓", outcomes[0], width)]
        details = {o.detail for o in outcomes}
        return [f"✓ all {done:,} {details.pop()}" if len(details) == 1 else f"✓ all {done:,} done"] if outcomes else []
    lines = [f"✗ {len(failed):,} failed" + (f", ✓ {done:,} done" if done else "") + ":"]
    lines += [_line("✗", o, width) for o in failed[:limit]]
    if len(failed) > limit:
        lines.append(f"… and {len(failed) - limit:,} more failed")
    return lines


def _line(sign: str, outcome: Outcome, width: int) -> str:
    # the name gets the room the reason leaves, at least half the line; a long reason wraps between its words
    room = max(width // 2, width - len(sign) - 3 - len(outcome.detail))
    label = cut_middle(outcome.label, min(room, width - len(sign) - 2))
    return f"{sign} {label}: {outcome.detail}" if outcome.detail else f"{sign} {label}"


def cut_middle(text: str, width: int) -> str:
    """`text` in at most `width` cells: a quarter of the head, `…`, then the tail (what tells names apart)."""
    if len(text) <= width:
        return text
    head = width // 4
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]
