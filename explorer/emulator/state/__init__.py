"""The emulator's state: in-memory model (source of truth for reads) persisted to SQLite."""

from explorer.emulator.state.core import DEMO_PASSWORD, DEMO_USERNAME, EmulatorState

__all__ = ["DEMO_PASSWORD", "DEMO_USERNAME", "EmulatorState"]
