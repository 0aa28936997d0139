"""create_app: the Starlette application serving the emulated CloudSigma API 2.0 and its controls."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Route

from explorer.emulator.faults import FaultMiddleware, Faults
from explorer.emulator.routes import account, controls, drives, profile, remotesnapshots, snapshots, tags
from explorer.emulator.routes.base import ALL_METHODS
from explorer.emulator.state.core import EmulatorState
from explorer.emulator.wire import ApiFailure


async def _unknown(request: Request):
    path = request.url.path
    # CloudSigma URLs always end in a slash; say so rather than redirect (a redirected POST loses its body).
    hint = "" if path.endswith("/") else f"; API 2.0 paths end with a slash: {path}/"
    return ApiFailure(404, [("notexist", None, f"The resource {path} does not exist{hint}")]).response()


def create_app(*, state: EmulatorState | None = None, fail_rate: float = 0.0, latency_ms: int = 0,
               faults: dict | None = None, expose_controls: bool = False, **options) -> Starlette:
    """Build the app. Without `state`, one is created from `options` (seed, drives, snapshots, users, db,
    transition_seconds, demo, location), exactly as `running_emulator` does. `/_emulator/` controls answer
    loopback clients only unless `expose_controls`."""
    if state is None:
        state = EmulatorState(**options)
    elif options:
        raise TypeError(f"pass either state or state options, not both: {sorted(options)}")
    holder = Faults(seed=state.seed, latency_ms=latency_ms, error_rate=fail_rate, **(faults or {}))
    routes = [
        *snapshots.routes, *remotesnapshots.routes, *drives.routes, *account.routes, *profile.routes, *tags.routes,
        *controls.routes,
        Route("/api/2.0/{path:path}", _unknown, methods=ALL_METHODS),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(FaultMiddleware, faults=holder)])
    app.state.emu = state
    app.state.faults = holder
    app.state.expose_controls = expose_controls
    return app
