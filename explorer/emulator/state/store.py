"""SQLite persistence: every write is saved so a restart with the same `--db` serves identical state."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from explorer.errors import EmulatorError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (account, kind, key)
);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """Write-through store. Changes are buffered per request and committed in one transaction."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        conn = None
        try:
            if self.path != ":memory:" and not os.path.exists(self.path):
                # Account records live here (hashed passwords, but still): readable by the owner only.
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            # One connection used under the state lock; the server thread and callers share it.
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            if conn is not None:
                conn.close()
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise EmulatorError(f"cannot open the emulator database {self.path}: {reason}") from None
        self._conn = conn
        self._pending: dict[tuple[str, str, str], bytes | None] = {}
        self._lock = threading.Lock()

    def record(self, account: str, kind: str, key: str, obj: Any) -> None:
        body = obj if obj is None or isinstance(obj, bytes) else msgspec.json.encode(obj)
        with self._lock:
            self._pending[(account, kind, key)] = body

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        upserts = [(a, k, key, body) for (a, k, key), body in pending.items() if body is not None]
        deletes = [(a, k, key) for (a, k, key), body in pending.items() if body is None]
        # rowid order is creation order: updates keep the row (and so the list position).
        cur = self._conn.cursor()
        cur.execute("BEGIN")
        try:
            cur.executemany(
                "INSERT INTO objects (account, kind, key, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(account, kind, key) DO UPDATE SET body = excluded.body",
                upserts,
            )
            cur.executemany("DELETE FROM objects WHERE account = ? AND kind = ? AND key = ?", deletes)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def is_empty(self) -> bool:
        return self._conn.execute("SELECT 1 FROM objects LIMIT 1").fetchone() is None

    def rows(self) -> Iterator[tuple[str, str, str, bytes]]:
        # Accounts first (objects need them), then everything in creation order.
        yield from self._conn.execute(
            "SELECT account, kind, key, body FROM objects ORDER BY kind != 'account', rowid")

    def get_setting(self, name: str, default: str | None = None) -> str | None:
        row = self._conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def set_setting(self, name: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def close(self) -> None:
        self.flush()
        self._conn.close()


class NullStore:
    """Without `--db` the in-memory model is the whole state; nothing is written."""

    path = None

    def record(self, account, kind, key, obj) -> None:
        pass

    def flush(self) -> None:
        pass

    def is_empty(self) -> bool:
        return True

    def rows(self):
        return iter(())

    def get_setting(self, name, default=None):
        return default

    def set_setting(self, name, value) -> None:
        pass

    def close(self) -> None:
        pass
