"""A faithful CloudSigma API 2.0 emulator (Starlette/ASGI) with persistent state: the embedded demo and test server.

`create_app(...)` builds the ASGI app for in-process use; `running_emulator(...)` serves it
with uvicorn on a free loopback port. Heavy imports happen on first use of either name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The published demo account: defined here only (state.core and the CLI import it from here).
DEMO_USERNAME = "demo@example.com"
DEMO_PASSWORD = "demo-password"

if TYPE_CHECKING:
    from explorer.emulator.app import create_app
    from explorer.emulator.server import EmulatorHandle, running_emulator
    from explorer.emulator.state.core import EmulatorState

__all__ = ["DEMO_PASSWORD", "DEMO_USERNAME", "EmulatorHandle", "EmulatorState", "create_app", "running_emulator"]


def __getattr__(name: str):
    if name == "create_app":
        from explorer.emulator.app import create_app

        return create_app
    if name in ("running_emulator", "EmulatorHandle"):
        from explorer.emulator import server

        return getattr(server, name)
    if name == "EmulatorState":
        from explorer.emulator.state.core import EmulatorState

        return EmulatorState
    raise AttributeError(f"module 'explorer.emulator' has no attribute {name!r}")
