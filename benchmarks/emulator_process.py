"""The emulator in a process of its own for benchmarks, so it never competes with the measured client for the GIL."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, sys
from explorer.emulator import running_emulator
with running_emulator(seed=1, drives=int(sys.argv[1]), snapshots=int(sys.argv[2]),
                      latency_ms=int(sys.argv[3])) as emu:
    print(json.dumps({"url": emu.url, "username": emu.username, "password": emu.password}), flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin
"""


@dataclass(frozen=True)
class RemoteEmulator:
    url: str
    username: str
    password: str


@contextlib.contextmanager
def emulator_process(drives: int, snapshots: int, latency_ms: int = 0) -> Iterator[RemoteEmulator]:
    """Serve a seeded demo fleet over loopback until the block ends (closing stdin stops it)."""
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(drives), str(snapshots), str(latency_ms)],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the emulator did not start")
        yield RemoteEmulator(**json.loads(line))
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
