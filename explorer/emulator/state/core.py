"""EmulatorState: accounts, the clock, lazy lifecycle transitions and write-through persistence."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import msgspec

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME
from explorer.emulator.clock import SimClock, iso_time
from explorer.emulator.state.model import KINDS, Account, hash_password
from explorer.emulator.state.store import NullStore, Store
from explorer.errors import EmulatorError

__all__ = ["DEMO_PASSWORD", "DEMO_USERNAME", "EmulatorState", "parse_users"]

DEFAULT_TRANSITION_SECONDS = 2.0


def parse_users(users: Iterable | None) -> list[tuple[str, str]]:
    """Accept `("email", "password")` pairs or `"email:password"` strings."""
    out = []
    for u in users or ():
        if isinstance(u, str):
            email, sep, password = u.partition(":")
            if not sep or not email or not password:
                raise ValueError("a user is given as EMAIL:PASSWORD")
            out.append((email, password))
        else:
            email, password = u
            out.append((str(email), str(password)))
    return out or [(DEMO_USERNAME, DEMO_PASSWORD)]


class EmulatorState:
    """Everything the emulator serves. All access goes through `session()`, which holds one lock."""

    def __init__(self, *, seed: int = 1, drives: int | None = None, snapshots: int | None = None,
                 users: Iterable | None = None, db=None, transition_seconds: float | None = None,
                 demo: bool = True, clock: SimClock | None = None, location: str | None = None):
        from explorer.emulator.locations import emulated_location

        self.seed = seed
        self.transition_seconds = DEFAULT_TRANSITION_SECONDS if transition_seconds is None else transition_seconds
        self.store = Store(db) if db else NullStore()
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}
        self._pending: list[tuple[float, int, str, str]] = []
        self._seq = 0
        self._active_jobs: set[tuple[str, str]] = set()
        restored = not self.store.is_empty()
        if restored:  # the stored fleet was generated from the stored seed, whatever is passed now
            self.seed = int(self.store.get_setting("seed", str(seed)) or seed)
        offset = float(self.store.get_setting("clock_offset", "0") or 0)
        stored = self.store.get_setting("location", "") or None
        if restored and (stored or "").upper() != (location or stored or "").upper():
            raise EmulatorError(f"the emulator database {self.store.path} holds location {stored or 'none'}; "
                                f"it cannot serve as {location.upper()} (use another --db)")
        #: The location this emulator describes itself as (None: the historic location-less demo).
        self.location = emulated_location(location or stored)
        self.clock = clock or SimClock(offset)
        with self.lock:
            if restored:
                self._restore()
            for i, (email, password) in enumerate(parse_users(users)):
                acct = self.accounts.get(email)
                if acct is None:
                    self._add_account(email, password, index=i, demo=demo, drives=drives, snapshots=snapshots)
                elif not acct.check_password(password):
                    acct.set_password(password)  # the operator's flags win over a stored password
                    acct.save_account()
            self.store.set_setting("seed", str(self.seed))
            self.store.set_setting("location", self.location.code if self.location else "")
            self.store.flush()

    # --- accounts -------------------------------------------------------------------------------
    def _add_account(self, email: str, password: str, *, index: int, demo: bool, drives, snapshots) -> Account:
        from explorer.emulator import fleet

        acct = Account(email=email, password_hash=hash_password(password), uuid=fleet.user_uuid(self.seed, email),
                       on_change=self._record)
        self.accounts[email] = acct
        if self.location is not None:  # an account lives in one location and pays in its currency
            currency = self.location.currency
        else:
            currency = "EUR" if index == 0 else ("USD", "GBP", "CHF")[index % 3]
        fleet.init_account(acct, currency=currency)
        if self.location is not None:
            acct.settings["price_factor"] = self.location.price_factor
        if demo:
            # The first account owns the seeded fleet; others get a small one so isolation is visible.
            size = (drives, snapshots) if index == 0 else (3, 12)
            fleet.populate(acct, seed=self.seed + index, now=self.clock.now(), drives=size[0], snapshots=size[1])
            if self.location is not None:  # an account in a location also keeps backups elsewhere
                from explorer.emulator.state.remote import populate_backups

                populate_backups(acct, seed=self.seed + index, now=self.clock.now(), location=self.location)
        fleet.finish_account(acct, self.clock.now())
        acct.save_account()
        return acct

    def authenticate(self, email: str, password: str) -> Account | None:
        acct = self.accounts.get(email)
        if acct is None or not acct.check_password(password):
            return None
        return acct

    # --- persistence ----------------------------------------------------------------------------
    def _record(self, email: str, kind: str, key: str, obj) -> None:
        self.store.record(email, kind, key, obj)

    def _restore(self) -> None:
        decode = msgspec.json.decode
        for email, kind, key, body in self.store.rows():
            obj = decode(body)
            if kind == "account":
                acct = Account(email=obj["email"], password_hash=obj["password_hash"], uuid=obj["uuid"],
                               on_change=self._record,
                               profile=obj["profile"], balance=obj["balance"], settings=obj["settings"])
                self.accounts[email] = acct
            elif kind == "aux":
                self.accounts[email].aux[key] = obj
                if "due" in obj:
                    self._schedule(obj["due"], email, key)
                if obj.get("type") == "clone":
                    self._active_jobs.add((email, key))
            elif kind in KINDS:
                # Keep the stored bytes: they are exactly what was served before the restart.
                self.accounts[email].collections[kind].load(obj, bytes(body))

    @contextmanager
    def session(self) -> Iterator[None]:
        """Hold the lock for one request: apply due transitions first, persist every change after."""
        with self.lock:
            self.tick()
            try:
                yield
            finally:
                self.store.flush()

    def close(self) -> None:
        with self.lock:
            self.store.set_setting("clock_offset", repr(self.clock.offset))
            self.store.close()

    # --- lifecycle ------------------------------------------------------------------------------
    def _schedule(self, due: float, email: str, key: str) -> None:
        self._seq += 1
        heapq.heappush(self._pending, (due, self._seq, email, key))

    def start_transition(self, acct: Account, kind: str, uuid: str, now: float, **extra) -> None:
        """Begin a lifecycle transition of `uuid` (creating, clone, resize...), due after `transition_seconds`."""
        from explorer.emulator.state.lifecycle import transition_key

        data = {"type": kind, "uuid": uuid, **extra, "start": now, "due": now + self.transition_seconds}
        self.schedule(acct, transition_key(uuid), data)

    def schedule(self, acct: Account, key: str, data: dict) -> None:
        """Remember a transition (hidden data, persisted) and when it is due."""
        acct.set_aux(key, data)
        self._schedule(data["due"], acct.email, key)
        if data.get("type") == "clone":
            self._active_jobs.add((acct.email, key))

    def tick(self) -> None:
        from explorer.emulator.state import lifecycle

        now = self.clock.now()
        while self._pending and self._pending[0][0] <= now:
            _, _, email, key = heapq.heappop(self._pending)
            acct = self.accounts.get(email)
            data = acct.aux.get(key) if acct else None
            if data is not None and data.get("due", now + 1) <= now:
                lifecycle.complete(self, acct, key, data)
                self._active_jobs.discard((email, key))
        for email, key in list(self._active_jobs):
            acct = self.accounts[email]
            lifecycle.progress(acct, acct.aux.get(key), now)

    def advance(self, *, days: float = 0, hours: float = 0, seconds: float = 0) -> float:
        from explorer.emulator.state import lifecycle, schedule

        total = days * 86400 + hours * 3600 + seconds
        with self.lock:
            start = self.clock.now()
            self.clock.advance(total)
            self.store.set_setting("clock_offset", repr(self.clock.offset))
            self.tick()
            for acct in self.accounts.values():
                # Drives keep their snapshot schedules and keep writing over the time that passed.
                schedule.run(acct, start, start + total)
                lifecycle.prune_jobs(acct, self.clock.now())
            self.store.flush()
        return self.clock.now()

    def clock_info(self) -> dict:
        now = self.clock.now()
        return {"now": iso_time(now), "epoch": now, "offset_seconds": self.clock.offset}

