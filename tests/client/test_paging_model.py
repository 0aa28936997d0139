"""The paging plan driven against a model server that changes between requests (hypothesis).

The emulator tests show the client and server agree; this one searches the space of
interleavings the emulator tests cannot enumerate: deletions anywhere, creations at
the end (creation order, as the emulator and CloudSigma's dumps list objects), fetched
in any order. The result must hold each uuid once and equal the account as it was at
some moment of the load.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.client import paging, wire
from explorer.client.models import ListMeta, Page, UuidOnly

OPS = st.lists(st.one_of(st.just(("add", 0.0)), st.tuples(st.just("del"), st.floats(0, 1, exclude_max=True))),
               max_size=3)


class ModelServer:
    def __init__(self, n: int, schedule: list, rnd):
        self.counter = itertools.count()
        self.items = [f"s{next(self.counter)}" for _ in range(n)]
        self.schedule = list(schedule)
        self.rnd = rnd
        self.states = [frozenset(self.items)]
        self.requests: list[dict] = []

    def mutate(self):
        for op, where in self.schedule.pop(0) if self.schedule else ():
            if op == "add":
                self.items.append(f"s{next(self.counter)}")
            elif self.items:
                del self.items[int(where * len(self.items))]
        self.states.append(frozenset(self.items))

    def answer(self, call: wire.Call) -> Page:
        self.mutate()
        self.requests.append(call.params)
        limit, offset = int(call.params["limit"]), int(call.params.get("offset", 0))
        chosen = self.items[offset:] if limit == 0 else self.items[offset:offset + limit]
        return Page(objects=[UuidOnly(uuid=u) for u in chosen], meta=ListMeta(total_count=len(self.items)))

    def run(self, plan):
        send = None
        while True:
            try:
                step = plan.send(send)
            except StopIteration as stop:
                return stop.value
            if isinstance(step, wire.Call):
                send = self.answer(step)
            else:  # a Gather: answer in a random order, as concurrent requests may complete
                order = list(range(len(step.calls)))
                self.rnd.shuffle(order)
                results = [None] * len(order)
                for i in order:
                    results[i] = self.answer(step.calls[i])
                    step.on_each(i, results[i])
                send = results


@settings(max_examples=400, deadline=None)
@given(n=st.integers(0, 60), page_size=st.integers(1, 9), schedule=st.lists(OPS, max_size=12), rnd=st.randoms())
def test_each_object_once_and_a_state_that_really_existed(n, page_size, schedule, rnd):
    server = ModelServer(n, schedule, rnd)
    progress = []
    result = server.run(paging.load_all("snapshots/detail/", UuidOnly, {}, page_size=page_size, concurrency=3,
                                        progress=lambda d, t: progress.append((d, t))))
    uuids = [o.uuid for o in result]
    assert len(uuids) == len(set(uuids))
    assert frozenset(uuids) in server.states
    assert progress[-1] == (len(uuids), len(uuids))


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 60), page_size=st.integers(1, 9), schedule=st.lists(OPS, max_size=12))
def test_sequential_pages_give_the_state_of_the_last_request(n, page_size, schedule):
    import random

    server = ModelServer(n, schedule, random.Random(0))
    server.rnd.shuffle = lambda order: None  # fetch in index order, as with concurrency=1
    result = server.run(paging.load_all("snapshots/detail/", UuidOnly, {}, page_size=page_size, concurrency=1))
    assert {o.uuid for o in result} == server.states[-1]
