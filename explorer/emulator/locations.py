"""The location an emulator describes itself as (`--location CODE`): currency, prices, `/locations/`, backups.

A CloudSigma account lives in one location, each with its own API endpoint, currency and
prices (cloudsigma-api.md §1.1, §4). The documented locations and endpoints come from
`explorer.client.regions` (one table for both). What the docs do not state is the
emulator's own, documented choice: each location's currency and a price factor, so two
emulators started with different codes answer in different currencies at different prices.
Without a location the emulator is the historic location-less demo (EUR first account).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.client.regions import LOCATIONS
from explorer.errors import ConfigError

# Remote snapshots (backups) exist in these locations (remote_snapshots.rst).
BACKUP_LOCATIONS = ("GVA", "ZRH", "FRA", "CWL", "LON", "DUB")
# The emulator's choice (undocumented on the real cloud): currency and price level per location.
_CURRENCY = {"ZRH": "CHF", "GVA": "CHF", "FRA": "EUR", "DUS": "EUR", "DUB": "EUR", "ADB": "EUR",
             "LON": "GBP", "CWL": "GBP"}
_PRICE_FACTOR = {"ZRH": 1.10, "GVA": 1.10, "LON": 1.05, "CWL": 1.0, "FRA": 1.0, "DUS": 0.95, "DUB": 1.0,
                 "WDC": 0.92, "HNL": 1.15, "TYO": 1.2, "PER": 1.15}
_COUNTRY = {"PER": "AU", "DUS": "DE", "FRA": "DE", "DUB": "IE", "TYO": "JP", "CRK": "PH", "MNL": "PH",
            "MNL2": "PH", "RUH": "SA", "GVA": "CH", "ZRH": "CH", "ADB": "TR", "CWL": "GB", "LON": "GB",
            "HNL": "US", "WDC": "US"}


@dataclass(frozen=True, slots=True)
class EmulatedLocation:
    """What an emulator started with `--location CODE` says about itself."""

    code: str
    display_name: str
    currency: str
    price_factor: float

    @property
    def backups_here(self) -> bool:
        return self.code in BACKUP_LOCATIONS


def emulated_location(code: str | None) -> EmulatedLocation | None:
    """The location for a code such as `zrh` or `FRA`; None stays None; an unknown code is a ConfigError."""
    if code is None:
        return None
    key = code.strip().upper()
    loc = LOCATIONS.get(key)
    if loc is None:
        raise ConfigError(f"unknown location {code!r}; the documented locations are: {', '.join(LOCATIONS)}")
    return EmulatedLocation(key, loc.city, _CURRENCY.get(key, "USD"), _PRICE_FACTOR.get(key, 1.0))


def remote_locations(own: EmulatedLocation | None) -> list[str]:
    """Where this location's drives may be backed up to: every backup location except itself."""
    return [c for c in BACKUP_LOCATIONS if own is None or c != own.code]


def location_objects(own: EmulatedLocation | None, base_url: str) -> list[dict]:
    """`/locations/` in the documented shape; the emulator's own location points at the emulator itself."""
    out = []
    for code, loc in LOCATIONS.items():
        host = loc.endpoint.split("://", 1)[1].split("/", 1)[0]
        obj = {
            "alternative_frontend_url": None, "api_endpoint": loc.endpoint, "country_code": _COUNTRY.get(code, ""),
            "default_frontend_signup_url": f"https://{host}/ui/signup/", "default_frontend_url": f"https://{host}/ui/",
            "display_name": loc.city, "documentation_url": "https://docs.cloudsigma.com/", "id": code,
            "upload_url": f"https://direct.{host}/api/2.0/", "websocket_url": f"wss://direct.{host}/websocket",
        }
        if own is not None and code == own.code:
            # This emulator is that location: its API (and uploads) here; it has no UI and no websocket.
            here = f"{base_url}/api/2.0/"
            obj.update(api_endpoint=here, upload_url=here, websocket_url=None, default_frontend_url=None,
                       default_frontend_signup_url=None)
        out.append(obj)
    return out
