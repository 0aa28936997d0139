"""A failed concurrent load cancels its other requests instead of leaving them running."""

from __future__ import annotations

import asyncio

import pytest

from explorer.data.load import gather_or_cancel
from explorer.errors import ServerError


async def test_first_failure_cancels_the_rest_and_is_raised_as_itself():
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def long_list():
        started.set()
        try:
            await asyncio.Event().wait()  # a download that would run for a long time
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def failing():
        await started.wait()
        raise ServerError("GET drives/detail/: 503", status_code=503)

    with pytest.raises(ServerError, match="503"):
        await gather_or_cancel(long_list(), failing())
    assert cancelled.is_set()


async def test_results_keep_their_order():
    async def value(v, delay):
        await asyncio.sleep(delay)
        return v

    assert await gather_or_cancel(value("a", 0.02), value("b", 0)) == ["a", "b"]
