"""Thin sync and async drivers: they execute the steps a plan yields, with retries, over httpx."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import httpx
import msgspec

from explorer import errors
from explorer.client import wire
from explorer.client.retry import RetryPolicy, RetryState


def build_request(http: httpx.Client | httpx.AsyncClient, call: wire.Call) -> httpx.Request:
    content = None if call.body is None else msgspec.json.encode(call.body)
    headers = {"Content-Type": "application/json"} if content is not None else None
    return http.build_request(call.method, call.path, params=call.params, content=content, headers=headers)


class SyncDriver:
    """Runs plans on a blocking :class:`httpx.Client`; a Gather runs on a small thread pool."""

    def __init__(self, http: httpx.Client, policy: RetryPolicy):
        self.http = http
        self.policy = policy

    def call(self, call: wire.Call) -> Any:
        state = RetryState(self.policy, call)
        while True:
            state.begin()
            # A fresh request per attempt: auth flows (Digest) write headers into the one they send.
            request = build_request(self.http, call)
            try:
                response = self.http.send(request)
            except httpx.RequestError as exc:
                verdict = state.failed(exc)
            else:
                verdict = state.answered(response)
            if verdict.done:
                return verdict.value
            time.sleep(verdict.delay)

    def execute(self, step: wire.Step) -> Any:
        if isinstance(step, wire.Call):
            return self.call(step)
        if isinstance(step, wire.Gather):
            return self._gather(step)
        if isinstance(step, wire.Sleep):
            time.sleep(step.seconds)
            return None
        raise TypeError(f"unknown plan step {step!r}")

    def _gather(self, step: wire.Gather) -> list[Any]:
        results: list[Any] = [None] * len(step.calls)
        if len(step.calls) <= 1 or step.limit <= 1:
            for i, c in enumerate(step.calls):
                results[i] = self.call(c)
                if step.on_each:
                    step.on_each(i, results[i])
            return results
        with ThreadPoolExecutor(max_workers=min(step.limit, len(step.calls))) as pool:
            futures = {pool.submit(self.call, c): i for i, c in enumerate(step.calls)}
            try:
                for future in as_completed(futures):
                    i = futures[future]
                    results[i] = future.result()
                    if step.on_each:
                        step.on_each(i, results[i])
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
        return results

    def stream(self, plan: wire.Plan) -> Iterator[Any]:
        """Yield what the plan emits; its return value ends the iteration (StopIteration.value)."""
        send: Any = None
        throw: errors.ExplorerError | None = None
        while True:
            try:
                step = plan.throw(throw) if throw is not None else plan.send(send)
            except StopIteration as stop:
                return stop.value
            send, throw = None, None
            if isinstance(step, wire.Emit):
                yield step.value
                continue
            try:
                send = self.execute(step)
            except errors.ExplorerError as exc:
                throw = exc

    def run(self, plan: wire.Plan) -> Any:
        it = self.stream(plan)
        while True:
            try:
                next(it)
            except StopIteration as stop:
                return stop.value


class AsyncDriver:
    """Runs plans on an :class:`httpx.AsyncClient`; a Gather is a bounded TaskGroup."""

    def __init__(self, http: httpx.AsyncClient, policy: RetryPolicy):
        self.http = http
        self.policy = policy

    async def call(self, call: wire.Call) -> Any:
        state = RetryState(self.policy, call)
        while True:
            state.begin()
            request = build_request(self.http, call)
            try:
                response = await self.http.send(request)
            except httpx.RequestError as exc:
                verdict = state.failed(exc)
            else:
                verdict = state.answered(response)
            if verdict.done:
                return verdict.value
            await asyncio.sleep(verdict.delay)

    async def execute(self, step: wire.Step) -> Any:
        if isinstance(step, wire.Call):
            return await self.call(step)
        if isinstance(step, wire.Gather):
            gate = asyncio.Semaphore(max(1, step.limit))

            async def one(i: int, c: wire.Call) -> Any:
                async with gate:
                    result = await self.call(c)
                if step.on_each:
                    step.on_each(i, result)
                return result

            try:
                async with asyncio.TaskGroup() as group:
                    tasks = [group.create_task(one(i, c)) for i, c in enumerate(step.calls)]
            except BaseExceptionGroup as eg:
                # Surface the first real failure the way a sequential run would.
                first = eg.exceptions[0]
                while isinstance(first, BaseExceptionGroup):
                    first = first.exceptions[0]
                raise first from None
            return [t.result() for t in tasks]
        if isinstance(step, wire.Sleep):
            await asyncio.sleep(step.seconds)
            return None
        raise TypeError(f"unknown plan step {step!r}")

    async def _advance(self, plan: wire.Plan, send: Any, throw: BaseException | None) -> tuple[bool, Any]:
        """Drive the plan to its next Emit (False, value) or its end (True, result)."""
        while True:
            try:
                step = plan.throw(throw) if throw is not None else plan.send(send)
            except StopIteration as stop:
                return True, stop.value
            send, throw = None, None
            if isinstance(step, wire.Emit):
                return False, step.value
            try:
                send = await self.execute(step)
            except errors.ExplorerError as exc:
                throw = exc

    async def run(self, plan: wire.Plan) -> Any:
        done, value = await self._advance(plan, None, None)
        while not done:
            done, value = await self._advance(plan, None, None)
        return value

    async def stream(self, plan: wire.Plan) -> AsyncIterator[Any]:
        done, value = await self._advance(plan, None, None)
        while not done:
            yield value
            done, value = await self._advance(plan, None, None)
