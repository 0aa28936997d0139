"""No key sequence ends in a traceback: seeded random key bursts, each in a fresh app at 80x24 against the emulator."""

from __future__ import annotations

import random

import pytest
from textual import events

from tests.tui.conftest import new_app, start, wait_until

#: every key the app binds, the keys its dialogs and inputs use, and a few letters to type
KEYS = (
    "up", "down", "pageup", "pagedown", "home", "end", "left", "right", "tab", "shift+tab", "enter", "escape",
    "space", "a", "u", "ctrl+d", "y", "n", "e", "c", "g", "o", "s", "S", "r", "slash", "question_mark", "ctrl+p",
    "ctrl+s", "backspace", "1", "2", "3", "w", "b", "3", "0", "q",
)  # fmt: skip
#: seed 7 (`g`, `shift+tab`, …) once ended in NoMatches('DrivesPane'): pane keys acting under another screen
SEEDS = (*range(5), 7)
BURSTS, BURST = 6, 5  # per sequence: bursts of keys sent back to back (as fast typing would), then the app settles


def _send(app, key: str) -> None:
    """What `Pilot.press` does for one key, without waiting for the app: the next key lands mid-work."""
    named = {"space": " ", "slash": "/", "question_mark": "?"}
    char = named.get(key, key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_keys_never_crash(client, seed):
    rng = random.Random(seed)
    sequence = [[rng.choice(KEYS) for _ in range(BURST)] for _ in range(BURSTS)]
    if seed == 0:
        sequence[0] = ["q", "e"]  # the reported crash: a form pushed while quitting
    app = new_app(client)
    sent: list[str] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await start(pilot, app)
            for burst in sequence:
                if app._exit or not app.is_running:
                    break
                for key in burst:
                    _send(app, key)
                    sent.append(key)
                await wait_until(pilot, lambda: app._exit or not app._driver or _settled(app), what="the app to settle")
    except Exception as exc:  # the assertion names the keys that led here
        raise AssertionError(f"keys {sent} ended in {exc!r}") from exc
    assert app._exception is None, f"keys {sent} ended in {app._exception!r}"
    assert app.return_code in (None, 0), f"keys {sent} ended with return code {app.return_code}"


def _settled(app) -> bool:
    return not any(w.group == "load" and not w.is_finished for w in app.workers)
