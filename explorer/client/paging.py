"""Loading every object of a list exactly once, even while the account changes underneath.

The first page (``offset=0``) tells the total; the other pages are fetched concurrently
(bounded). Each later page starts one object *before* its nominal offset, so adjacent
pages overlap by one object: if anything was created or deleted between two page
fetches, the overlap no longer lines up (or a page reports another ``total_count``) and
the round is redone. After ``max_rounds`` unsettled rounds one ``limit=0`` request,
which is atomic on the server, settles it. Why pages and not ``limit=0`` by default:
see benchmarks/client.md.

Assumption: the server lists in a stable order with new objects at the end (creation
order, as the emulator does and CloudSigma's dumps suggest). Then the result is the
account as it was at one moment of the load (tests/client/test_paging_model.py). If the
order were unstable, rounds would never settle and the limit=0 fallback still answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from explorer.client import wire
from explorer.client.models import Page

Progress = Callable[[int, "int | None"], None]
PageHook = Callable[[list[Any]], None]

_uuid = attrgetter("uuid")

DEFAULT_PAGE_SIZE = 5000
DEFAULT_CONCURRENCY = 4


def _seen(on_page: PageHook | None, page: Page) -> None:
    if on_page is not None and page.objects:
        on_page(page.objects)


def _report(progress: Progress | None, done: int, total: int | None) -> None:
    if progress is not None:
        progress(done, total)


def dedupe(objects: list[Any]) -> list[Any]:
    """Keep the first object of each uuid, in order."""
    if len(set(map(_uuid, objects))) == len(objects):  # the usual case, checked without a Python loop
        return objects
    seen: set[str] = set()
    out = []
    for obj in objects:
        if obj.uuid not in seen:
            seen.add(obj.uuid)
            out.append(obj)
    return out


def _page_call(path: str, params: dict[str, str], decode: wire.Decoder, offset: int, limit: int) -> wire.Call:
    return wire.Call("GET", path, {**params, "limit": str(limit), "offset": str(offset)}, decode=decode)


def load_all(
    path: str,
    item_type: type,
    params: dict[str, str],
    *,
    progress: Progress | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_rounds: int = 2,
    on_page: PageHook | None = None,
) -> wire.Plan:
    """Plan: every object of ``path`` once (see the module docstring).

    ``on_page(objects)``, if given, sees each page's decoded objects as it arrives, in the
    caller's thread, so a consumer can start on them while later pages are still in flight.
    Pages of a round that did not settle are seen too; the returned list holds the very
    objects of the pages it was merged from.
    """
    decode = wire.typed(Page[item_type])
    if page_size <= 0:
        return (yield from _load_at_once(path, params, decode, progress, on_page))
    for _round in range(max_rounds):
        _report(progress, 0, None)
        first: Page = yield _page_call(path, params, decode, 0, page_size)
        total = first.meta.total_count
        if total is None:
            break  # the server does not say how many: only limit=0 can be trusted
        objects = list(first.objects)
        _seen(on_page, first)
        _report(progress, min(len(objects), total), total)
        if len(objects) >= total:
            if len(objects) == total and len(dedupe(objects)) == total:
                return objects
            continue
        pages = math.ceil(total / page_size)
        calls = tuple(
            _page_call(path, params, decode, k * page_size - 1, page_size + 1) for k in range(1, pages)
        )
        done = [len(objects)]

        def on_each(_index: int, page: Page, done=done, total=total) -> None:
            _seen(on_page, page)
            done[0] += max(0, len(page.objects) - 1)
            _report(progress, min(done[0], total), total)

        results: list[Page] = yield wire.Gather(calls, limit=concurrency, on_each=on_each)
        merged = _merge_if_settled(first, results, total)
        if merged is not None:
            return merged
    return (yield from _load_at_once(path, params, decode, progress, on_page))


def _merge_if_settled(first: Page, rest: list[Page], total: int) -> list[Any] | None:
    """The pages joined, or None if the set moved while they were fetched."""
    objects = list(first.objects)
    previous = first
    for page in rest:
        if page.meta.total_count != total or not page.objects or not previous.objects:
            return None
        if page.objects[0].uuid != previous.objects[-1].uuid:
            return None  # something was inserted or removed before this page since the previous one
        objects.extend(page.objects[1:])
        previous = page
    if len(objects) != total:
        return None
    unique = dedupe(objects)
    return unique if len(unique) == total else None


def _load_at_once(path: str, params: dict[str, str], decode: wire.Decoder, progress: Progress | None,
                  on_page: PageHook | None = None) -> wire.Plan:
    _report(progress, 0, None)
    page: Page = yield wire.Call("GET", path, {**params, "limit": "0"}, decode=decode)
    _seen(on_page, page)
    objects = dedupe(page.objects)
    _report(progress, len(objects), len(objects))
    return objects


def iter_pages(path: str, item_type: type, params: dict[str, str], *, page_size: int = 500) -> wire.Plan:
    """Plan emitting one list per page, sequentially; an object seen on an earlier page is not repeated."""
    if page_size <= 0:
        raise ValueError("page_size must be positive")
    decode = wire.typed(Page[item_type])
    seen: set[str] = set()
    offset = 0
    while True:
        page: Page = yield _page_call(path, params, decode, offset, page_size)
        fresh = [o for o in page.objects if o.uuid not in seen]
        seen.update(o.uuid for o in fresh)
        if fresh:
            yield wire.Emit(fresh)
        offset += len(page.objects)
        total = page.meta.total_count
        if len(page.objects) < page_size or (total is not None and offset >= total):
            return None
