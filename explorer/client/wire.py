"""The sans-IO core: request steps a plan yields, filter encoding, and response interpretation.

Every API call is written once as a *plan*: a generator that yields :class:`Call`,
:class:`Gather`, :class:`Sleep` or :class:`Emit` steps and receives each step's result
(or has the call's :class:`~explorer.errors.ExplorerError` thrown into it). The sync
and async drivers only execute steps, so both clients share every line of API logic.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import msgspec

from explorer import errors

Decoder = Callable[[bytes], Any]


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request and how to read its answer."""

    method: str
    path: str  # relative to the endpoint, always with a trailing slash
    params: dict[str, str] | None = None
    body: Any = None
    decode: Decoder | None = None  # None: the body is ignored (204 "deletion started")
    #: after a retried attempt, a 404 means an earlier attempt already did the work. Only for a DELETE of
    #: one object: on a bulk request a 404 says nothing about the others (see explorer.client.deletion).
    gone_ok_on_retry: bool = False

    def __post_init__(self):
        if not self.path.endswith("/"):
            raise ValueError(f"API paths end with '/': {self.path!r}")

    @property
    def idempotent(self) -> bool:
        return self.method != "POST"

    def describe(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True, slots=True)
class Gather:
    """Several calls run concurrently (at most ``limit`` at once); the result is their list, in order."""

    calls: tuple[Call, ...]
    limit: int = 4
    #: called as each call completes (index, result), in the caller's thread/loop.
    on_each: Callable[[int, Any], None] | None = None


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Emit:
    """A value handed out while the plan goes on (one page of ``iter_pages``)."""

    value: Any


Step = Call | Gather | Sleep | Emit
Plan = Generator[Step, Any, Any]


# ---------------------------------------------------------------- filters

FILTER_NAMES = ("uuid", "name", "name__contains", "tag", "tag__name", "drive")


def escape_filter_value(value: str) -> str:
    """Escape one OR-alternative: a comma is ``\\,``, a backslash before a comma is doubled."""
    return value.replace("\\", "\\\\").replace(",", "\\,")


def encode_filters(filters: dict[str, Any]) -> dict[str, str]:
    """Query params for the documented filters; a list means OR and is sent comma-joined."""
    params: dict[str, str] = {}
    for key, value in filters.items():
        if value is None:
            continue
        if key not in FILTER_NAMES:
            raise TypeError(f"unknown filter {key!r}; the API filters on {', '.join(FILTER_NAMES)}")
        values = [value] if isinstance(value, str) else list(value)
        if not values:
            raise errors.ValidationError(f"filter {key} was given an empty list; nothing can match")
        params[key] = ",".join(escape_filter_value(str(v)) for v in values)
    return params


def encode_fields(fields: Iterable[str] | None) -> dict[str, str]:
    return {} if not fields else {"fields": ",".join(fields)}


# ---------------------------------------------------------------- decoding


@cache
def typed(tp: Any) -> Decoder:
    """A cached msgspec decoder for ``tp`` (building decoders is the slow part)."""
    return msgspec.json.Decoder(tp).decode


def excerpt(content: bytes, limit: int = 160) -> str:
    text = content[:limit].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text + ("…" if len(content) > limit else "")


_GC_PAUSE_BYTES = 256 * 1024
_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def gc_paused(size: int) -> Iterator[None]:
    """Pause the cyclic GC while a large body is decoded.

    Decoding 100k objects allocates millions of tracked containers, which triggers
    collection after collection over an ever-growing heap: 3-5x the decode itself.
    The decoded data holds no reference cycles, so nothing is lost by collecting later.
    Counted, so concurrent decodes in several threads re-enable it only once all finish.
    """
    global _gc_pausers, _gc_was_enabled
    if size < _GC_PAUSE_BYTES:
        yield
        return
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def decode_body(call: Call, content: bytes, content_type: str, url: str) -> Any:
    """Decode a success body, turning anything unexpected into :class:`~explorer.errors.DecodeError`."""
    if call.decode is None:
        return None
    if "html" in content_type.lower() or content.lstrip()[:1] == b"<":
        raise errors.DecodeError(
            f"{call.describe()} returned an HTML page instead of JSON (a proxy, captive portal or maintenance page?)",
            url=url,
            body_excerpt=excerpt(content),
        )
    try:
        with gc_paused(len(content)):
            return call.decode(content)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
        # msgspec.ValidationError subclasses DecodeError: wrong shape and bad JSON both land here.
        if not content:
            what = "an empty body"
        elif isinstance(exc, msgspec.ValidationError):
            what = f"JSON of an unexpected shape ({exc})"
        else:
            what = "a truncated or invalid JSON body"
        raise errors.DecodeError(
            f"{call.describe()} returned {what}", url=url, body_excerpt=excerpt(content)
        ) from exc
