"""How the browser reports: action results item by item, job progress, and the one handler of failed workers."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from explorer.errors import ApiError, AuthenticationError, ExplorerError, TransportError
from explorer.tui.messages import ActionFinished, JobProgress
from explorer.tui.widgets.status_line import StatusLine

AUTH_HELP = (
    "Set CLOUDSIGMA_USERNAME and CLOUDSIGMA_PASSWORD (or CLOUDSIGMA_TOKEN) and CLOUDSIGMA_REGION, "
    "or write ~/.cloudsigma.conf; run with --demo to try the embedded emulator."
)


class ReportsMixin:
    """Mixed into the browser screen; workers post, these handlers tell the person."""

    def on_action_finished(self, message: ActionFinished) -> None:
        self.last_report = message
        failed = [o for o in message.outcomes if not o.ok]
        lines = [f"{'✓' if o.ok else '✗'} {o.label}: {o.detail}" for o in message.outcomes[:12]]
        if len(message.outcomes) > 12:
            lines.append(f"… and {len(message.outcomes) - 12} more")
        self.notify("\n".join(lines) or message.title, title=message.title,
                    severity="error" if failed else "information", timeout=10 if failed else 5)
        if message.refresh and self.client is not None:
            self.action_refresh()

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
