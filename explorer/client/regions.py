"""CloudSigma locations and the rules that turn a region code or URL into an API endpoint."""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

from explorer.errors import ConfigError


class Location(NamedTuple):
    """One documented CloudSigma location."""

    code: str
    endpoint: str
    city: str


# From the docs' dumps/locations.csv. Four locations are run by partners on their own
# hosts, so endpoints can never be derived as "{code}.cloudsigma.com".
LOCATIONS: dict[str, Location] = {
    loc.code: loc
    for loc in (
        Location("PER", "https://per.cloudsigma.com/api/2.0/", "Perth"),
        Location("DUS", "https://dus.cloudsigma.com/api/2.0/", "Dusseldorf"),
        Location("FRA", "https://fra.cloudsigma.com/api/2.0/", "Frankfurt"),
        Location("DUB", "https://ec.servecentric.com/api/2.0/", "Dublin"),
        Location("TYO", "https://tyo.cloudsigma.com/api/2.0/", "Tokyo"),
        Location("CRK", "https://crk.cloudsigma.com/api/2.0/", "Clark"),
        Location("MNL", "https://mnl.cloudsigma.com/api/2.0/", "Manila"),
        Location("MNL2", "https://mnl2.cloudsigma.com/api/2.0/", "Manila-2"),
        Location("RUH", "https://ruh.cld.v2.sa/api/2.0/", "Riyadh"),
        Location("GVA", "https://gva.cloudsigma.com/api/2.0/", "Geneva"),
        Location("ZRH", "https://zrh.cloudsigma.com/api/2.0/", "Zurich"),
        Location("ADB", "https://siaflex.cloud/api/2.0/", "Izmir"),
        Location("CWL", "https://cwl.cloudsigma.com/api/2.0/", "Cardiff"),
        Location("LON", "https://lon.cloudsigma.com/api/2.0/", "London"),
        Location("HNL", "https://hnl.cloudsigma.com/api/2.0/", "Honolulu"),
        Location("WDC", "https://wdc.alpha3cloud.com/api/2.0/", "Washington DC"),
    )
}


def region_endpoint(code: str) -> str:
    """The API endpoint of a location code such as ``zrh`` or ``MNL2``."""
    loc = LOCATIONS.get(code.strip().upper())
    if loc is None:
        known = ", ".join(LOCATIONS)
        raise ConfigError(f"unknown CloudSigma region {code!r}; known regions: {known} (or give a full endpoint URL)")
    return loc.endpoint


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses: the only hosts plain http may be used with."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _shown(url: str) -> str:
    """The URL for a message, without any ``user:password@`` it may carry."""
    return repr(re.sub(r"//[^/?#]*@", "//***@", url))


def normalize_endpoint(url: str, *, in_process: bool = False) -> str:
    """Return ``scheme://host[:port]/api/2.0/`` for a URL given with or without the API path.

    Plain ``http`` is refused except to loopback (the embedded emulator): credentials
    travel in every request, so they must never cross a network unencrypted.
    ``in_process`` is for transports that never touch a network (an ASGI app in tests).
    """
    raw = url.strip()
    if "://" not in raw:
        raise ConfigError(f"endpoint {_shown(url)} is not a URL; expected e.g. https://zrh.cloudsigma.com/api/2.0/")
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except ValueError as exc:
        raise ConfigError(
            f"endpoint {_shown(url)} is not a valid URL ({exc}); expected e.g. https://zrh.cloudsigma.com/api/2.0/"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"endpoint {_shown(url)} must be an http(s) URL with a host")
    if parts.username or parts.password:
        # Never keep credentials embedded in a URL: URLs end up in logs and error messages.
        raise ConfigError("put credentials in CLOUDSIGMA_USERNAME/CLOUDSIGMA_PASSWORD, not in the endpoint URL")
    if parts.scheme == "http" and not (in_process or is_loopback(parts.hostname)):
        raise ConfigError(
            f"refusing plain http to {parts.hostname}: credentials would travel unencrypted; use https "
            "(plain http is only allowed to loopback, e.g. the local emulator)"
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/api/2.0"):
        path = path + "/api/2.0"
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


def resolve_endpoint(*, region: str | None = None, endpoint: str | None = None) -> str:
    """The endpoint from an explicit URL (preferred) or a region code."""
    if endpoint:
        return normalize_endpoint(endpoint)
    if region:
        return region_endpoint(region)
    raise ConfigError("no CloudSigma endpoint: give --region CODE or --endpoint URL (or CLOUDSIGMA_REGION)")
