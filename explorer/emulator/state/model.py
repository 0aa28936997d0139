"""In-memory model: per-account ordered collections that keep each object's JSON bytes cached."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec

_encode = msgspec.json.encode


def hash_password(password: str, salt: str | None = None) -> str:
    """`sha256$<salt>$<digest>`: fast enough to check on every request, and never the password itself."""
    salt = salt or secrets.token_hex(8)
    return f"sha256${salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"
KINDS = ("drives", "snapshots", "jobs", "tags", "subscriptions", "remotesnapshots")


class Collection:
    """Objects of one kind for one account, in creation order.

    `raw[key]` is always the encoded form of `objs[key]`: lists are served by joining
    these bytes, so a read never re-encodes an object. Every change goes through
    `put`/`remove`, which also tells the store what to persist.
    """

    __slots__ = ("_body_cache", "_on_change", "_projections", "key", "kind", "objs", "raw", "version")

    def __init__(self, kind: str, on_change: Callable[[str, str, bytes | None], None], key: str = "uuid"):
        self.kind = kind
        self.key = key
        self.objs: dict[str, dict] = {}
        self.raw: dict[str, bytes] = {}
        self._on_change = on_change
        # Bumped on every change; whole-list bodies are cached against it.
        self.version = 0
        self._body_cache: dict[object, tuple[int, bytes]] = {}
        # `fields=` projections: field names -> {key: encoded projection}, dropped per object on change.
        self._projections: dict[tuple[str, ...], dict[str, bytes]] = {}

    def __len__(self) -> int:
        return len(self.objs)

    def __contains__(self, key: object) -> bool:
        return key in self.objs

    def __iter__(self) -> Iterator[dict]:
        return iter(self.objs.values())

    def get(self, key: str) -> dict | None:
        return self.objs.get(key)

    def put(self, obj: dict) -> dict:
        k = obj[self.key]
        self.objs[k] = obj
        raw = self.raw[k] = _encode(obj)
        self._changed(k)
        self._on_change(self.kind, k, raw)  # the store keeps exactly these bytes
        return obj

    def load(self, obj: dict, raw: bytes) -> None:
        """Insert without notifying the store (used when reading the store back)."""
        k = obj[self.key]
        self.objs[k] = obj
        self.raw[k] = raw
        self._changed(k)

    def _changed(self, key: str) -> None:
        self.version += 1
        for projected in self._projections.values():
            projected.pop(key, None)

    def projected(self, key: str, fields: tuple[str, ...]) -> bytes:
        """The encoded `fields=` projection of one object, encoded once until the object changes."""
        cache = self._projections.setdefault(fields, {})
        raw = cache.get(key)
        if raw is None:
            obj = self.objs[key]
            raw = cache[key] = _encode({f: obj[f] for f in fields if f in obj})
        return raw

    def cached_body(self, key: object, build: Callable[[], bytes]) -> bytes:
        """A response body built from this collection, rebuilt only after the collection changed."""
        hit = self._body_cache.get(key)
        if hit is None or hit[0] != self.version:
            self._body_cache.clear()  # only the current version is worth keeping
            hit = self._body_cache[key] = (self.version, build())
        return hit[1]

    def remove(self, key: str) -> dict | None:
        obj = self.objs.pop(key, None)
        if obj is not None:
            del self.raw[key]
            self._changed(key)
            self._on_change(self.kind, key, None)
        return obj


@dataclass
class Account:
    """One user: credentials, profile and billing records, and their own objects."""

    email: str
    # Only a salted hash is kept (and persisted): users may reuse real passwords for test accounts.
    password_hash: str
    uuid: str
    # Called as (email, kind, key, object or its encoded bytes or None for deleted).
    on_change: Callable[[str, str, str, dict | bytes | None], None]
    profile: dict = field(default_factory=dict)
    balance: dict = field(default_factory=dict)
    # Snapshot quotas (capabilities) and other per-account settings.
    settings: dict = field(default_factory=dict)
    # Hidden per-object data the API never shows (drive write rates, pending transitions).
    aux: dict[str, dict] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)

    def __post_init__(self):
        for kind in KINDS:
            key = "id" if kind == "subscriptions" else "uuid"
            self.collections[kind] = Collection(kind, self._changed, key)

    def _changed(self, kind: str, key: str, obj: bytes | None) -> None:
        self.on_change(self.email, kind, key, obj)

    def check_password(self, password: str) -> bool:
        return hmac.compare_digest(self.password_hash, hash_password(password, self.password_hash.split("$")[1]))

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def __repr__(self) -> str:  # never show credentials
        return f"Account(email={self.email!r}, uuid={self.uuid!r})"

    @property
    def owner_ref(self) -> dict:
        return {"resource_uri": f"/api/2.0/user/{self.uuid}/", "uuid": self.uuid}

    @property
    def drives(self) -> Collection:
        return self.collections["drives"]

    @property
    def snapshots(self) -> Collection:
        return self.collections["snapshots"]

    @property
    def remotesnapshots(self) -> Collection:
        """Remote snapshots (backups kept in another location); they outlive their drive."""
        return self.collections["remotesnapshots"]

    @property
    def jobs(self) -> Collection:
        return self.collections["jobs"]

    @property
    def tags(self) -> Collection:
        return self.collections["tags"]

    @property
    def subscriptions(self) -> Collection:
        return self.collections["subscriptions"]

    def set_aux(self, key: str, data: dict | None) -> None:
        if data is None:
            self.aux.pop(key, None)
        else:
            self.aux[key] = data
        self.on_change(self.email, "aux", key, data)

    def save_account(self) -> None:
        """Persist profile, balance and settings after a change."""
        self.on_change(self.email, "account", self.email, self.account_record())

    def account_record(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "password_hash": self.password_hash,
            "uuid": self.uuid,
            "profile": self.profile,
            "balance": self.balance,
            "settings": self.settings,
        }
