"""The real console script in a terminal: a second launch draws the cached rows from `preview.json` first.

A first run on the demo (no credentials: its embedded emulators) writes the cache and the preview; the
second run's terminal shows a cached row's name and "cached" before the browser's own first paint.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDSIGMA_")}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {**env, "HOME": str(home), "SNAPSHOT_EXPLORER_DATA_DIR": str(tmp_path / "data"),
            "TERM": "xterm-256color"}


def _spawn(tmp_path: Path):
    return pexpect.spawn(SCRIPT, ["tui"], env=_env(tmp_path), dimensions=(40, 120), timeout=60)


def _read_until(child, done, timeout: float = 60) -> bytes:
    """The terminal's text (escape sequences dropped) once `done(text)` holds; fails on EOF or timeout."""
    seen = b""
    import time

    end = time.monotonic() + timeout
    while not done(ANSI.sub(b"", seen)):
        assert time.monotonic() < end, ANSI.sub(b"", seen)[-2000:]
        try:
            seen += child.read_nonblocking(1 << 16, timeout=0.5)
        except pexpect.TIMEOUT:
            continue
    return ANSI.sub(b"", seen)


def _quit(child) -> None:
    child.send("q")
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert child.exitstatus == 0, child.before[-2000:]


def test_second_launch_draws_the_preview_then_the_browser(tmp_path):
    first = _spawn(tmp_path)
    previews: list[Path] = []

    def written(_text: bytes) -> bool:
        previews[:] = list((tmp_path / "data").rglob("preview.json"))
        return bool(previews)

    _read_until(first, written)  # the fresh inventory shown: the preview of it written
    _quit(first)
    [preview] = previews
    assert stat.S_IMODE(preview.stat().st_mode) == 0o600
    body = json.loads(preview.read_text())
    assert body["rows"] and "password" not in preview.read_text().lower()
    name = body["rows"][0][body["columns"].index("Name")]
    needle = name[:12].encode()

    second = _spawn(tmp_path)
    text = _read_until(second, lambda t: needle in t and b"cached" in t and "loading…".encode() in t)
    assert b"Snapshot Explorer" in text and b"DEMO" in text
    assert b"Filter" not in text  # the preview's footer offers q only
    _read_until(second, lambda t: b"Filter" in t)  # then the browser replaces it (its footer's keys)
    _quit(second)
