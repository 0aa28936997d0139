"""Deleting many snapshots with an honest per-uuid outcome: deleted, already gone, still there or unknown.

Bulk requests carry at most :data:`BULK_CHUNK` uuids each (a body limit is met long before 100k uuids),
and each chunk is settled on its own by the rules below.

A bulk ``DELETE /snapshots/`` is all or nothing on the emulator, and a 404 on it (one uuid
already gone) or a lost answer says nothing about the others. So after any failure the plan
lists the uuids (``GET ?uuid=...``) and carries on only with the ones still listed: once more
in bulk after a lost or failed answer, one by one after a refusal that concerns the items
(400, 403, 404), so each refused one gets the API's own words. It never reports a uuid as
deleted unless a DELETE naming it was answered 204 ("deletion started": the real API removes
the object shortly after, so it may still be listed for a moment).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from explorer import errors
from explorer.client import wire
from explorer.client.models import Page, UuidOnly

DELETED = "deleted"
"""A DELETE naming it was answered 204 (deletion started)."""
ALREADY_GONE = "already gone"
"""It does not exist (404, or no longer listed); an earlier attempt whose answer was lost may have removed it."""
STILL_THERE = "still there"
"""Listed at the last check and its deletion was refused or not attempted; ``detail`` says why."""
UNKNOWN = "unknown"
"""Whether it was (or is being) deleted could not be established; ``detail`` says what to check."""

_ITEM_STATUSES = (400, 403, 404)  # refusals about the items: worth going one by one
_ACCOUNT_STATUSES = (401, 402)  # refused for the account before anything happened: raised as they are
_TOO_LARGE = 413  # the body was refused before it was read: a smaller one may pass
_CHUNK = 200  # uuids per verification GET: keeps the query string a sane length
#: uuids per bulk DELETE. Its body is 48 bytes a uuid (``{"uuid":"..."}``), so 1,000 make 48 KB: far
#: below the emulator's 8 MiB limit (reached at ~175k uuids) and the 1 MiB a common proxy default
#: (nginx ``client_max_body_size``) accepts; 100k snapshots are 100 requests, each verified on its own.
BULK_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class Deletion:
    """What happened to one uuid of ``snapshots.delete_many``."""

    uuid: str
    outcome: str  # DELETED | ALREADY_GONE | STILL_THERE | UNKNOWN
    detail: str = ""

    @property
    def gone(self) -> bool:
        """Deleted or already gone: nothing is left to do for it."""
        return self.outcome in (DELETED, ALREADY_GONE)


def _bulk(uuids: Sequence[str], path: str) -> wire.Call:
    return wire.Call("DELETE", f"{path}/", body={"objects": [{"uuid": u} for u in uuids]})


def _listed(uuids: Sequence[str], path: str) -> wire.Plan:
    present: set[str] = set()
    for start in range(0, len(uuids), _CHUNK):
        chunk = list(uuids[start:start + _CHUNK])
        params = {**wire.encode_filters({"uuid": chunk}), "fields": "uuid", "limit": "0"}
        page: Page = yield wire.Call("GET", f"{path}/", params, decode=wire.typed(Page[UuidOnly]))
        present.update(o.uuid for o in page.objects)
    return present


def _said_about(exc: errors.ExplorerError, uuid: str) -> str | None:
    """The API's own message about this uuid, when its error list names it."""
    for d in getattr(exc, "errors", ()):
        if uuid in d.error_message:
            return d.error_message
    return None


def _words(exc: errors.ExplorerError) -> str:
    details = getattr(exc, "errors", ())
    return "; ".join(d.error_message for d in details) if details else str(exc)


def delete_snapshots(uuids: Iterable[str], *, path: str = "snapshots", chunk_size: int | None = None) -> wire.Plan:
    """Plan: delete these snapshots; returns one :class:`Deletion` per distinct uuid, in the order given.

    ``path="remotesnapshots"`` deletes remote snapshots by the same rules. The uuids go in bulk requests
    of ``chunk_size`` (default :data:`BULK_CHUNK`) uuids each, one after the other, each verified on its
    own: a failed chunk never changes what the others report. A chunk refused as too large (413, nothing
    done) is sent again as two halves. A refusal for the account (401/402) or a lost connection that
    could not be checked stops there: the later chunks are reported not attempted.

    Raises only AuthenticationError/PaymentRequiredError (the first request was refused for the
    account, nothing was deleted) and ValidationError for a malformed uuid.
    """
    order = list(dict.fromkeys(uuids))
    for u in order:
        if not u or "/" in u or "?" in u:
            raise errors.ValidationError(f"not a valid object id: {u!r}")
    size = BULK_CHUNK if chunk_size is None else int(chunk_size)
    if size < 1:
        raise errors.ValidationError(f"chunk_size must be at least 1 (got {chunk_size!r})")
    done: dict[str, Deletion] = {}
    stop: str | None = None
    for start in range(0, len(order), size):
        chunk = order[start:start + size]
        if stop is not None:
            done.update((u, Deletion(u, STILL_THERE, f"not attempted: {stop}")) for u in chunk)
            continue
        stop = yield from _delete_chunk(chunk, done, path, first=start == 0)
    return [done[u] for u in order]


def _delete_chunk(chunk: Sequence[str], done: dict[str, Deletion], path: str, *, first: bool) -> wire.Plan:
    """One bulk request's uuids, to an outcome each in `done`; returns why the next chunks must wait, or None."""
    pending = list(chunk)
    failure: errors.ExplorerError | None = None
    for attempt in range(2):
        if not pending:
            break
        try:
            yield _bulk(pending, path)
        except errors.ApiError as exc:
            if attempt == 0 and exc.status_code == _TOO_LARGE and len(pending) > 1:
                # refused unread (nothing deleted): the server takes smaller bodies than ours, so halve the chunk
                half = (len(pending) + 1) // 2
                stop = yield from _delete_chunk(pending[:half], done, path, first=first)
                if stop is not None:
                    done.update((u, Deletion(u, STILL_THERE, f"not attempted: {stop}")) for u in pending[half:])
                    return stop
                return (yield from _delete_chunk(pending[half:], done, path, first=False))
            if attempt == 0 and exc.status_code in _ACCOUNT_STATUSES:
                if first:
                    raise  # nothing was deleted: the caller gets the account's error as it is
                refused = f"refused for the account ({_words(exc)})"
                done.update((u, Deletion(u, STILL_THERE, refused)) for u in pending)
                return refused
            failure = exc
        except errors.ExplorerError as exc:  # lost or unreadable answer: the server may have acted
            failure = exc
        else:
            done.update((u, Deletion(u, DELETED, "deletion started")) for u in pending)
            return None
        try:
            present = yield from _listed(pending, path)
        except errors.ExplorerError as exc:
            hint = f"could not check ({_words(exc)}) after the delete failed ({_words(failure)}); list it to check"
            done.update((u, Deletion(u, UNKNOWN, hint)) for u in pending)
            return f"an earlier request could not be checked ({_words(exc)})"
        for u in pending:
            if u not in present:
                said = _said_about(failure, u) or f"does not exist any more (not listed after: {_words(failure)})"
                done[u] = Deletion(u, ALREADY_GONE, said)
        pending = [u for u in pending if u in present]
        if isinstance(failure, errors.ApiError) and failure.status_code in _ITEM_STATUSES:
            break  # the refusal concerns some item: go one by one so each gets its own answer
    else:  # listed after two lost answers: with asynchronous deletion either may still have started it
        hint = f"still listed after the delete failed twice ({_words(failure)}); it may be being deleted: list it again"
        done.update((u, Deletion(u, UNKNOWN, hint)) for u in pending)
        return None
    return (yield from _one_by_one(pending, done, path))


def _one_by_one(pending: Sequence[str], done: dict[str, Deletion], path: str) -> wire.Plan:
    """Each uuid on its own DELETE; returns why the rest was not attempted (an account or connection failure)."""
    stop: str | None = None
    for u in pending:
        if stop is not None:
            done[u] = Deletion(u, STILL_THERE, f"not attempted: {stop}")
            continue
        try:
            yield wire.Call("DELETE", f"{path}/{u}/", gone_ok_on_retry=True)  # one object: a 404 is "gone"
        except errors.NotFoundError as exc:
            done[u] = Deletion(u, ALREADY_GONE, _said_about(exc, u) or _words(exc))
        except errors.ApiError as exc:
            done[u] = Deletion(u, STILL_THERE, _words(exc))
            if exc.status_code not in _ITEM_STATUSES:  # the account, not the item: the rest would fail too
                stop = _words(exc)
        except errors.ExplorerError as exc:
            done[u] = Deletion(u, UNKNOWN, f"{_words(exc)}; list it to check")
            stop = _words(exc)
        else:
            done[u] = Deletion(u, DELETED, "deletion started")
    return stop


def check(outcomes: list[Deletion]) -> list[Deletion]:
    """The outcomes, or IncompleteDeletionError when any uuid is still there or unknown."""
    left = [o for o in outcomes if not o.gone]
    if left:
        shown = "; ".join(f"{o.uuid}: {o.outcome} ({o.detail})" for o in left[:5])
        more = f"; and {len(left) - 5} more" if len(left) > 5 else ""
        raise errors.IncompleteDeletionError(
            f"{len(left)} of {len(outcomes)} snapshot(s) not deleted: {shown}{more}", outcomes=outcomes)
    return outcomes
