"""`/_emulator/` controls (no auth, loopback clients only, never under /api/2.0/): clock, faults, info."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from explorer.emulator.exposure import controls_refusal
from explorer.emulator.wire import ApiFailure, decode_json, json_response, validation


async def _body(request: Request) -> dict:
    data = decode_json(await request.body(), required=False) or {}
    if not isinstance(data, dict):
        raise validation(None, "Expected a JSON object")
    return data


def _guard(fn):
    async def view(request: Request) -> Response:
        refused = controls_refusal(request.client.host if request.client else None,
                                   getattr(request.app.state, "expose_controls", False))
        if refused:
            return ApiFailure(403, [("permission", None, refused)]).response()
        try:
            return await fn(request)
        except ApiFailure as failure:
            return failure.response()

    return view


@_guard
async def clock(request: Request) -> Response:
    return json_response(request.app.state.emu.clock_info())


@_guard
async def advance(request: Request) -> Response:
    data = await _body(request)
    amounts = {}
    for key in ("days", "hours", "seconds"):
        value = data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise validation(key, f"{key} must be a non-negative number")
        amounts[key] = value
    state = request.app.state.emu
    state.advance(**amounts)
    return json_response(state.clock_info())


@_guard
async def faults(request: Request) -> Response:
    holder = request.app.state.faults
    if request.method == "PUT":
        try:
            holder.update(**await _body(request))
        except ValueError as exc:
            raise validation(None, str(exc)) from None
    elif request.method == "DELETE":
        holder.clear()
    return json_response(holder.as_dict())


@_guard
async def info(request: Request) -> Response:
    state = request.app.state.emu
    with state.lock:
        accounts = [{"email": a.email, "uuid": a.uuid, "drives": len(a.drives), "snapshots": len(a.snapshots),
                     "remote_snapshots": len(a.remotesnapshots)}
                    for a in state.accounts.values()]
    location = state.location.code if state.location else None
    body = {"emulator": "snapshot-explorer CloudSigma API 2.0 emulator", "api": "/api/2.0/", "location": location,
            "seed": state.seed,
            "db": state.store.path, "transition_seconds": state.transition_seconds, "accounts": accounts,
            "clock": state.clock_info(), "faults": request.app.state.faults.as_dict()}
    return Response(msgspec.json.encode(body), headers={"content-type": "application/json; charset=utf-8"})


routes = [
    Route("/_emulator/clock", clock, methods=["GET"]),
    Route("/_emulator/clock/advance", advance, methods=["POST"]),
    Route("/_emulator/faults", faults, methods=["GET", "PUT", "DELETE"]),
    Route("/_emulator/info", info, methods=["GET"]),
]
