"""The emulator's simulated clock: real time plus an offset that `advance` grows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime


class SimClock:
    """`now()` is real time plus an offset, so time keeps flowing and can also jump ahead."""

    def __init__(self, offset: float = 0.0, *, real: Callable[[], float] = time.time):
        self._offset = float(offset)
        self._real = real
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        return self._offset

    def now(self) -> float:
        return self._real() + self._offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()


def snapshot_time(epoch: float) -> str:
    """Snapshot timestamps use a space separator: `2014-06-05 09:53:28.851859+00:00`."""
    return datetime.fromtimestamp(epoch, UTC).isoformat(sep=" ", timespec="microseconds")


def iso_time(epoch: float) -> str:
    """Jobs and subscriptions use ISO 8601 with a `T`: `2014-06-05T09:45:08.003595+00:00`."""
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="microseconds")


def default_snapshot_name(drive_uuid: str, epoch: float) -> str:
    """CloudSigma's default snapshot name: `{drive_uuid}__{YYYY-MM-DD}__{HH_MM_SS}` (UTC)."""
    return f"{drive_uuid}__{datetime.fromtimestamp(epoch, UTC):%Y-%m-%d__%H_%M_%S}"
