"""Timing helpers the benchmark scripts share: each row timed several times, the best (or median) counts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings(fn: Callable[[], object], repeat: int) -> list[float]:
    """Seconds each of `repeat` calls of `fn` took."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def best(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` calls, in seconds: what the code costs when the machine lets it run."""
    return min(timings(fn, repeat))


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` calls, in milliseconds (for rows where outliers are part of the story)."""
    return statistics.median(timings(fn, repeat)) * 1000


def best_round_robin(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, object]]:
    """Best time and last result of each function, run round-robin so load changes hit them alike."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return {k: (min(v), results[k]) for k, v in times.items()}
