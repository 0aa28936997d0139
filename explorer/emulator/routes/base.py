"""Request plumbing shared by all API routes: auth, method dispatch, errors, lists with filters."""

from __future__ import annotations

import base64
import binascii
import uuid as uuidlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from explorer.emulator.state.core import EmulatorState
from explorer.emulator.state.model import Account, Collection
from explorer.emulator.wire import (
    DEFAULT_LIMIT,
    EMPTY_TYPE,
    MAX_BODY_BYTES,
    ApiFailure,
    decode_json,
    encode,
    envelope,
    fields_param,
    int_param,
    is_uuid,
    json_response,
    not_allowed,
    notexist,
    split_or,
    too_large,
    validation,
)

CHALLENGE = {"www-authenticate": 'Basic realm="users"'}


@dataclass
class Ctx:
    """What a handler needs: the request, the state, the caller's account and the request body."""

    request: Request
    state: EmulatorState
    acct: Account
    # The body, already decoded (and checked for size and depth) by `endpoint`; None when there is none.
    payload: Any = None

    def json(self, *, required: bool = True) -> Any:
        if self.payload is None and required:
            raise validation(None, "The request body is empty; JSON expected")
        return self.payload

    def json_object(self, *, required: bool = True) -> dict:
        """The body as a JSON object (`{}` when optional and absent); anything else is a 400."""
        data = self.json(required=required)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise validation(None, "Expected a JSON object")
        return data

    @property
    def params(self):
        return self.request.query_params

    @property
    def now(self) -> float:
        return self.state.clock.now()


def owned(ctx: Ctx, coll: Collection) -> dict:
    """The caller's object named by the path's `{uuid}`: a malformed, unknown or foreign uuid is a 404."""
    given = ctx.request.path_params["uuid"]
    obj = coll.get(given.lower()) if is_uuid(given) else None
    if obj is None:
        raise notexist(given)
    return obj


def require_known(coll: Collection, uuids: Iterable[str], point: str = "objects") -> None:
    """Every uuid names one of the caller's objects; otherwise a 404 listing each unknown uuid once."""
    unknown = [u for u in dict.fromkeys(uuids) if u not in coll]
    if unknown:
        raise ApiFailure(404, [("notexist", point, f"Object with uuid {u} does not exist") for u in unknown])


def _authenticate(request: Request, state: EmulatorState) -> Account:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise ApiFailure(401, [("permission", None, "Authentication credentials were not provided.")],
                         headers=CHALLENGE)
    try:
        email, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        sep = ""
    acct = state.authenticate(email, password) if sep else None
    if acct is None:
        raise ApiFailure(401, [("permission", None, "Invalid username/password.")], headers=CHALLENGE)
    return acct


Handler = Callable[[Ctx], Response]
WRITES = ("POST", "PUT", "DELETE")
# A refused body is still read (and dropped) up to this much, so an HTTP client gets to read the 413.
_DRAIN_BYTES = 8 * MAX_BODY_BYTES


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, or a 413 once it passes `limit` bytes (declared or streamed): never more in memory."""
    declared = request.headers.get("content-length", "")
    size, chunks = 0, []
    refused = declared.isdigit() and int(declared) > limit
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            refused = True
        if refused:
            chunks.clear()
            if size > _DRAIN_BYTES:
                break
        else:
            chunks.append(chunk)
    if refused:
        raise too_large(limit)
    return b"".join(chunks)


def endpoint(methods: dict[str, Handler]) -> Callable:
    """An ASGI endpoint that authenticates, dispatches on method and renders ApiFailure as the error array."""
    allowed = sorted(methods)

    async def view(request: Request) -> Response:
        state: EmulatorState = request.app.state.emu
        method = "GET" if request.method == "HEAD" else request.method
        try:
            accept = request.headers.get("accept", "*/*")
            if not any(t in accept for t in ("json", "*/*", "application/*")) or (
                    request.query_params.get("format") or "json") != "json":
                # The real API also speaks XML; the emulator only JSON, and says so like the API does.
                raise ApiFailure(406, [("validation", "format", "Only application/json is supported")])
            acct = _authenticate(request, state)
            handler = methods.get(method)
            if method == "OPTIONS":
                return Response(b"", 200, headers={"allow": ", ".join(allowed), "content-type": EMPTY_TYPE})
            if handler is None:
                raise not_allowed(allowed)
            # Every body is read within the size limit and decoded before any state is touched: a body
            # that is too large, malformed or too deep is refused on every write endpoint alike.
            payload = decode_json(await read_body(request), required=False) if method in WRITES else None
            with state.session():
                response = handler(Ctx(request, state, acct, payload))
        except ApiFailure as failure:
            response = failure.response()
        response.headers["x-request-id"] = uuidlib.uuid4().hex
        return response

    return view


def _matcher(param: str, values: list[str], acct: Account) -> Callable[[dict], bool] | None:
    vals = set(values)
    if param == "uuid":
        return lambda o: o.get("uuid") in vals
    if param == "name":
        return lambda o: o.get("name") in vals
    if param == "name__contains":
        low = [v.lower() for v in values]
        return lambda o: any(v in (o.get("name") or "").lower() for v in low)
    if param == "tag":
        return lambda o: any(t["uuid"] in vals for t in o.get("tags", ()))
    if param == "tag__name":
        ids = {t["uuid"] for t in acct.tags if t["name"] in vals}
        return lambda o: any(t["uuid"] in ids for t in o.get("tags", ()))
    if param == "drive":
        return lambda o: (o.get("drive") or {}).get("uuid") in vals
    if param in ("status", "state", "resource"):
        return lambda o: o.get(param) in vals
    return None


def list_response(ctx: Ctx, coll: Collection, *, filters: tuple[str, ...], view: Callable[[dict], dict] | None = None,
                  extra: dict | None = None, default_limit: int = DEFAULT_LIMIT) -> Response:
    """The list envelope over a collection: filters (comma = OR, repeated = AND), offset/limit, fields."""
    limit = int_param(ctx.request, "limit", default_limit)
    offset = int_param(ctx.request, "offset", 0)
    fields = fields_param(ctx.request)
    if limit == 0 and not fields and view is None and not extra and not any(p in ctx.params for p in filters):
        # The whole list, unfiltered: served from a body cached until the collection changes.
        def build() -> bytes:
            raws = list(coll.raw.values())[offset:]
            return envelope(raws, limit=0, offset=offset, total=len(coll.raw))

        return json_response(raw=coll.cached_body(("all", offset), build))
    tests = []
    for param in filters:
        for value in ctx.params.getlist(param):
            test = _matcher(param, split_or(value), ctx.acct)
            if test is not None:
                tests.append(test)
    # Without filters this is the fast path: no per-object work at all.
    keys = [k for k, o in coll.objs.items() if all(t(o) for t in tests)] if tests else list(coll.objs)
    total = len(keys)
    page = keys[offset: offset + limit] if limit else keys[offset:]
    if fields:
        # `fields` picks from the full object, also on short-form lists (GET /drives/?fields=uuid,status).
        wanted = tuple(fields)
        raws = [coll.projected(k, wanted) for k in page]
    elif view is not None:
        raws = [encode(view(coll.objs[k])) for k in page]
    else:
        raw = coll.raw
        raws = [raw[k] for k in page]
    return json_response(raw=envelope(raws, limit=limit, offset=offset, total=total, extra=extra))


ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]


def api_route(path: str, methods: dict[str, Handler]) -> Route:
    """A route that takes every method, so a wrong one gets CloudSigma's 405 error array with `Allow`."""
    return Route(path, endpoint(methods), methods=ALL_METHODS)
