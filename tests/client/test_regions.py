"""Region table and endpoint rules."""

from __future__ import annotations

import pytest

from explorer.client import LOCATIONS, normalize_endpoint, region_endpoint, resolve_endpoint
from explorer.errors import ConfigError


def test_sixteen_documented_locations_including_partner_hosts():
    assert len(LOCATIONS) == 16
    assert region_endpoint("DUB") == "https://ec.servecentric.com/api/2.0/"
    assert region_endpoint("ruh") == "https://ruh.cld.v2.sa/api/2.0/"
    assert region_endpoint("ADB") == "https://siaflex.cloud/api/2.0/"
    assert region_endpoint("wdc") == "https://wdc.alpha3cloud.com/api/2.0/"
    assert region_endpoint(" mnl2 ") == "https://mnl2.cloudsigma.com/api/2.0/"
    for loc in LOCATIONS.values():
        assert loc.endpoint.startswith("https://") and loc.endpoint.endswith("/api/2.0/")


def test_unknown_region_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"SJC.*ZRH"):
        region_endpoint("SJC")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://zrh.cloudsigma.com", "https://zrh.cloudsigma.com/api/2.0/"),
        ("https://zrh.cloudsigma.com/api/2.0", "https://zrh.cloudsigma.com/api/2.0/"),
        ("https://zrh.cloudsigma.com/api/2.0///", "https://zrh.cloudsigma.com/api/2.0/"),
        ("http://127.0.0.1:8765/api/2.0/", "http://127.0.0.1:8765/api/2.0/"),
        ("http://localhost:9/", "http://localhost:9/api/2.0/"),
        ("http://[::1]:9/api/2.0/", "http://[::1]:9/api/2.0/"),
        ("https://proxy.example/cs/api/2.0/", "https://proxy.example/cs/api/2.0/"),
    ],
)
def test_endpoints_are_normalised_with_trailing_slash(given, expected):
    assert normalize_endpoint(given) == expected


@pytest.mark.parametrize(
    "bad",
    ["http://zrh.cloudsigma.com/api/2.0/", "zrh.cloudsigma.com", "ftp://x/", "https://u:p@zrh.cloudsigma.com/"],
)
def test_plain_http_off_loopback_and_odd_urls_are_refused(bad):
    with pytest.raises(ConfigError) as info:
        normalize_endpoint(bad)
    assert "u:p" not in str(info.value)


def test_resolve_prefers_the_url_and_needs_one_of_them():
    assert resolve_endpoint(region="zrh", endpoint="https://x.example") == "https://x.example/api/2.0/"
    assert resolve_endpoint(region="lon") == "https://lon.cloudsigma.com/api/2.0/"
    with pytest.raises(ConfigError):
        resolve_endpoint()
