"""Several locations in the settings: region lists, repeated endpoints, a config file with a section per location."""

from __future__ import annotations

import argparse

import pytest

from explorer.cli import build_parser
from explorer.config import load_locations_settings, load_settings, parse_config_sections
from explorer.errors import ConfigError
from tests.client.conftest import no_prompt, write_conf

CREDS = {"CLOUDSIGMA_USERNAME": "ops@example.com", "CLOUDSIGMA_PASSWORD": "hunter2"}


def flags(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["cost", *argv])


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def test_region_list_from_the_environment_uses_the_same_credentials_at_each():
    got = load_locations_settings(flags(), environ={**CREDS, "CLOUDSIGMA_REGION": "zrh, FRA"}, prompt=no_prompt)
    assert [(s.location, s.endpoint) for s in got] == [("ZRH", "https://zrh.cloudsigma.com/api/2.0/"),
                                                        ("FRA", "https://fra.cloudsigma.com/api/2.0/")]
    assert {s.username for s in got} == {"ops@example.com"}
    assert all(s.password.reveal() == "hunter2" and s.source == "environment" for s in got)


def test_region_flag_list_beats_the_environment_and_the_password_is_asked_once():
    asked = []
    env = {"CLOUDSIGMA_USERNAME": "ops@example.com", "CLOUDSIGMA_REGION": "LON"}
    got = load_locations_settings(flags("--region", "ZRH,FRA,GVA"), environ=env,
                                  prompt=lambda u: asked.append(u) or "typed")
    assert [s.location for s in got] == ["ZRH", "FRA", "GVA"] and asked == ["ops@example.com"]
    assert load_settings(flags("--region", "ZRH,FRA"), environ=CREDS, prompt=no_prompt).location == "ZRH"


def test_repeated_endpoints_know_the_documented_ones_and_leave_the_others_to_the_session():
    got = load_locations_settings(flags("--endpoint", "https://fra.cloudsigma.com", "--endpoint",
                                        "http://127.0.0.1:8001/api/2.0/"), environ=CREDS, prompt=no_prompt)
    assert [(s.location, s.endpoint) for s in got] == [("FRA", "https://fra.cloudsigma.com/api/2.0/"),
                                                        (None, "http://127.0.0.1:8001/api/2.0/")]
    assert got[0].region is None  # it came from an endpoint, not a region code


def test_the_same_location_twice_is_refused():
    with pytest.raises(ConfigError, match="ZRH is configured twice"):
        load_locations_settings(flags("--region", "ZRH,zrh"), environ=CREDS, prompt=no_prompt)


def test_an_unknown_code_in_a_list_names_that_location():
    with pytest.raises(ConfigError, match="location XYZ: unknown CloudSigma region 'XYZ'"):
        load_locations_settings(flags("--region", "ZRH,XYZ"), environ=CREDS, prompt=no_prompt)


def test_a_section_per_location_with_its_own_credentials(home):
    write_conf(home, "login_method = basic\n"
                     "[ZRH]\nusername = zurich@example.com\npassword = z-secret\n"
                     "[FRA]\napi_endpoint = http://127.0.0.1:8002/\nusername = frankfurt@example.com\n"
                     "password = 'f secret'\n"
                     "[lab]\napi_endpoint = http://localhost:9000\ntoken = lab-token\n")
    got = load_locations_settings(flags(), environ={}, prompt=no_prompt)
    assert [(s.location, s.endpoint, s.username) for s in got] == [
        ("ZRH", "https://zrh.cloudsigma.com/api/2.0/", "zurich@example.com"),
        ("FRA", "http://127.0.0.1:8002/api/2.0/", "frankfurt@example.com"),  # the section's code names it
        (None, "http://localhost:9000/api/2.0/", None),
    ]
    assert [got[0].password.reveal(), got[1].password.reveal(), got[2].token.reveal()] == \
        ["z-secret", "f secret", "lab-token"]
    assert got[2].auth_method == "token" and all(s.source == "config file" for s in got)


def test_locations_from_the_environment_take_the_credentials_of_their_own_section(home):
    write_conf(home, "[ZRH]\nusername = zurich@example.com\npassword = z-secret\n"
                     "[FRA]\nusername = frankfurt@example.com\npassword = f-secret\n")
    got = load_locations_settings(flags(), environ={"CLOUDSIGMA_REGION": "FRA,ZRH"}, prompt=no_prompt)
    assert [(s.location, s.username, s.password.reveal()) for s in got] == [
        ("FRA", "frankfurt@example.com", "f-secret"), ("ZRH", "zurich@example.com", "z-secret")]


def test_a_sections_secret_never_goes_to_another_host(home):
    write_conf(home, "[ZRH]\nusername = zurich@example.com\npassword = z-secret\n")
    asked = []
    got = load_locations_settings(flags("--region", "ZRH,GVA"), environ={"CLOUDSIGMA_USERNAME": "zurich@example.com"},
                                  prompt=lambda u: asked.append(u) or "typed-for-gva")
    assert [(s.location, s.password.reveal()) for s in got] == [("ZRH", "z-secret"), ("GVA", "typed-for-gva")]
    assert asked == ["zurich@example.com"]


def test_a_flat_pycloudsigma_file_is_still_one_location(home):
    write_conf(home, "api_endpoint = https://lon.cloudsigma.com/api/2.0/\nusername = a@b.c\npassword = pw\n")
    got = load_locations_settings(flags(), environ={}, prompt=no_prompt)
    assert [(s.location, s.endpoint, s.username) for s in got] == [
        ("LON", "https://lon.cloudsigma.com/api/2.0/", "a@b.c")]


def test_credentials_outside_the_sections_are_refused_with_the_reason(home):
    write_conf(home, "password = stray\n[ZRH]\nusername = a@b.c\n")
    with pytest.raises(ConfigError, match="password must be inside a \\[LOCATION\\] section"):
        load_locations_settings(flags(), environ={}, prompt=no_prompt)


def test_a_section_that_names_no_location_is_refused(home):
    write_conf(home, "[office]\nusername = a@b.c\npassword = pw\n")
    with pytest.raises(ConfigError, match=r"section \[office\] names no location"):
        load_locations_settings(flags(), environ={}, prompt=no_prompt)


def test_a_section_whose_endpoint_is_another_documented_location_is_refused(home):
    write_conf(home, "[ZRH]\napi_endpoint = https://fra.cloudsigma.com/api/2.0/\nusername = a@b.c\npassword = pw\n")
    with pytest.raises(ConfigError, match="which is FRA, not ZRH"):
        load_locations_settings(flags(), environ={}, prompt=no_prompt)


def test_a_readable_sectioned_file_with_a_password_is_refused(home):
    write_conf(home, "[ZRH]\nusername = a@b.c\npassword = pw\n", mode=0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_locations_settings(flags(), environ={}, prompt=no_prompt)


def test_sections_parse_in_order_and_a_repeated_one_is_an_error():
    assert parse_config_sections("a = 1\n[ZRH]\nb = 2\n; c\n[FRA]\nb = 3\n") == {
        None: {"a": "1"}, "ZRH": {"b": "2"}, "FRA": {"b": "3"}}
    with pytest.raises(ConfigError, match=r"section \[zrh\] appears twice"):
        parse_config_sections("[ZRH]\n[zrh]\n")


def test_demo_is_one_settings_whatever_else_is_set():
    got = load_locations_settings(flags("--demo"), environ={**CREDS, "CLOUDSIGMA_REGION": "ZRH,FRA"},
                                  prompt=no_prompt)
    assert len(got) == 1 and got[0].demo
