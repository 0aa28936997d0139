"""Error answers: CloudSigma's error array parsed into the ApiError subclass for the status."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import msgspec

from explorer import errors
from explorer.client.wire import Call, excerpt


class _ErrorEntry(msgspec.Struct):
    error_message: Any = None
    error_type: Any = None
    error_point: Any = None


_STATUS_ERRORS: dict[int, type[errors.ApiError]] = {
    401: errors.AuthenticationError,
    402: errors.PaymentRequiredError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    429: errors.RateLimitedError,
}


def parse_error_list(content: bytes) -> tuple[errors.ApiErrorDetail, ...]:
    """CloudSigma's ``[{error_type, error_point, error_message}]``; a lone object is accepted too."""
    try:
        raw = msgspec.json.decode(content)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return ()
    items = raw if isinstance(raw, list) else [raw]
    details = []
    for item in items:
        if not isinstance(item, dict) or "error_message" not in item:
            continue
        entry = msgspec.convert(item, _ErrorEntry)
        details.append(
            errors.ApiErrorDetail(
                error_type=None if entry.error_type is None else str(entry.error_type),
                error_point=None if entry.error_point is None else str(entry.error_point),
                error_message=str(entry.error_message),
            )
        )
    return tuple(details)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def api_error(
    call: Call, status: int, reason: str, headers: Any, content: bytes, url: str
) -> errors.ApiError:
    """The :class:`~explorer.errors.ApiError` subclass for an error answer, quoting CloudSigma's message."""
    details = parse_error_list(content)
    request_id = headers.get("x-request-id")
    if details:
        said = "; ".join(
            f'"{d.error_message}"' + (f" ({d.error_point})" if d.error_point else "") for d in details
        )
    elif content:
        said = f"non-CloudSigma body: {excerpt(content, 120)}"
    else:
        said = "no details given"
    message = f"{call.describe()} failed with {status} {reason}: {said}".rstrip()
    if request_id:
        message += f" [X-REQUEST-ID {request_id}]"
    cls = _STATUS_ERRORS.get(status) or (errors.ServerError if status >= 500 else errors.ApiError)
    kwargs: dict[str, Any] = dict(
        status_code=status, errors=details, request_id=request_id, method=call.method, url=url
    )
    if cls is errors.RateLimitedError:
        kwargs["retry_after"] = parse_retry_after(headers.get("retry-after"))
    return cls(message, **kwargs)
