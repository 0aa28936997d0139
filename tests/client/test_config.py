"""Settings resolution: flags > environment > config file > demo; unsafe files refused."""

from __future__ import annotations

import argparse
import os

import pytest

from explorer.cli import build_parser
from explorer.config import load_settings, parse_config_text
from explorer.errors import ConfigError
from tests.client.conftest import no_prompt, write_conf


def flags(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["tui", *argv])


def test_nothing_configured_means_demo():
    s = load_settings(flags(), environ={}, prompt=no_prompt)
    assert s.demo and s.source == "demo" and s.endpoint is None


def test_demo_flag_wins_over_everything():
    env = {"CLOUDSIGMA_USERNAME": "a@b.c", "CLOUDSIGMA_PASSWORD": "pw", "CLOUDSIGMA_REGION": "zrh"}
    assert load_settings(flags("--demo"), environ=env, prompt=no_prompt).demo


def test_environment_credentials_and_region():
    env = {"CLOUDSIGMA_USERNAME": "a@b.c", "CLOUDSIGMA_PASSWORD": "hunter2", "CLOUDSIGMA_REGION": "gva"}
    s = load_settings(flags(), environ=env, prompt=no_prompt)
    assert (s.endpoint, s.region, s.username, s.source) == ("https://gva.cloudsigma.com/api/2.0/", "GVA", "a@b.c",
                                                            "environment")
    assert s.password.reveal() == "hunter2" and s.auth_method == "basic" and not s.demo


def test_flags_override_environment_and_password_is_prompted_when_missing():
    env = {"CLOUDSIGMA_USERNAME": "env@b.c", "CLOUDSIGMA_API_ENDPOINT": "https://lon.cloudsigma.com/api/2.0/"}
    asked = []
    s = load_settings(flags("--region", "FRA", "--username", "flag@b.c"), environ=env,
                      prompt=lambda u: asked.append(u) or "typed")
    assert s.endpoint == "https://fra.cloudsigma.com/api/2.0/" and s.username == "flag@b.c"
    assert asked == ["flag@b.c"] and s.password.reveal() == "typed" and s.source == "flags"


def test_token_wins_and_uses_bearer():
    env = {"CLOUDSIGMA_TOKEN": "tok-123", "CLOUDSIGMA_REGION": "zrh"}
    s = load_settings(flags(), environ=env, prompt=no_prompt)
    assert s.auth_method == "token" and s.token.reveal() == "tok-123" and s.password is None


def test_pycloudsigma_config_file(tmp_path):
    home = tmp_path / "home"
    write_conf(home, "# pycloudsigma\napi_endpoint = https://zrh.cloudsigma.com/api/2.0/\n"
                     "ws_endpoint = wss://direct.zrh.cloudsigma.com/websocket\n"
                     "username = 'conf@b.c'\npassword = s3cret # trailing comment\nlogin_method = digest\n")
    s = load_settings(flags(), environ={}, prompt=no_prompt)
    assert (s.username, s.password.reveal(), s.auth_method, s.source) == ("conf@b.c", "s3cret", "digest",
                                                                          "config file")
    assert s.config_path == home / ".cloudsigma.conf"


def test_environment_overrides_config_file_and_cloudsigma_config_path(tmp_path):
    other = tmp_path / "other.conf"
    other.write_text("api_endpoint = https://lon.cloudsigma.com/api/2.0/\nusername = f@b.c\npassword = p\n")
    os.chmod(other, 0o600)
    env = {"CLOUDSIGMA_CONFIG": str(other), "CLOUDSIGMA_USERNAME": "e@b.c"}
    asked = []
    s = load_settings(flags(), environ=env, prompt=lambda u: asked.append(u) or "typed")
    # The file's password is f@b.c's: e@b.c is asked for its own, never sent f@b.c's.
    assert s.username == "e@b.c" and s.password.reveal() == "typed" and asked == ["e@b.c"]
    assert s.endpoint.startswith("https://lon.")
    env["CLOUDSIGMA_USERNAME"] = "F@b.c"  # the same user as the file's: its password goes with it
    s = load_settings(flags(), environ=env, prompt=no_prompt)
    assert s.username == "F@b.c" and s.password.reveal() == "p"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_config_file_with_password_readable_by_others_is_refused(tmp_path, mode):
    path = write_conf(tmp_path / "home", "api_endpoint = https://zrh.cloudsigma.com/\nusername = u\npassword = pw\n",
                      mode)
    with pytest.raises(ConfigError, match=r"chmod 600") as info:
        load_settings(flags(), environ={}, prompt=no_prompt)
    assert str(path) in str(info.value) and "pw" not in str(info.value).replace(str(path), "")


def test_config_file_without_secret_may_be_world_readable(tmp_path):
    write_conf(tmp_path / "home", "api_endpoint = https://zrh.cloudsigma.com/\n", 0o644)
    with pytest.raises(ConfigError, match="no credentials"):
        load_settings(flags(), environ={}, prompt=no_prompt)


def test_explicit_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(flags("--config", str(tmp_path / "nope.conf")), environ={}, prompt=no_prompt)


def test_credentials_without_location_explain_what_to_set():
    with pytest.raises(ConfigError, match="CLOUDSIGMA_REGION"):
        load_settings(flags(), environ={"CLOUDSIGMA_USERNAME": "u", "CLOUDSIGMA_PASSWORD": "p"}, prompt=no_prompt)


def test_unknown_region_is_reported_before_credentials_are_asked_for():
    with pytest.raises(ConfigError, match="unknown CloudSigma region 'XXX'"):
        load_settings(flags("--region", "XXX"), environ={}, prompt=no_prompt)


def test_plain_http_endpoint_refused_unless_loopback():
    env = {"CLOUDSIGMA_USERNAME": "u", "CLOUDSIGMA_PASSWORD": "p"}
    with pytest.raises(ConfigError, match="plain http"):
        load_settings(flags("--endpoint", "http://example.com/"), environ=env, prompt=no_prompt)
    s = load_settings(flags("--endpoint", "http://127.0.0.1:5000"), environ=env, prompt=no_prompt)
    assert s.endpoint == "http://127.0.0.1:5000/api/2.0/"


def test_settings_repr_hides_secrets():
    env = {"CLOUDSIGMA_USERNAME": "u@b.c", "CLOUDSIGMA_PASSWORD": "pa55word", "CLOUDSIGMA_REGION": "zrh"}
    s = load_settings(flags(), environ=env, prompt=no_prompt)
    for text in (repr(s), str(s), f"{s}", repr(s.password), str(s.client_kwargs())):
        assert "pa55word" not in text
    assert "u@b.c" in repr(s)


def test_config_parser_rejects_garbage_lines():
    assert parse_config_text("[section]\n a = 1 \n; c\n") == {"a": "1"}
    with pytest.raises(ConfigError, match="line 2"):
        parse_config_text("a = 1\njust words\n")


ZRH_CONF = "api_endpoint = https://zrh.cloudsigma.com/api/2.0/\nusername = me@b.c\npassword = zrh-secret\n"


def test_flag_username_never_gets_the_config_files_password_of_another_user(tmp_path):
    write_conf(tmp_path / "home", ZRH_CONF + "token = zrh-token\n")
    asked = []
    s = load_settings(flags("--username", "other@x.y"), environ={}, prompt=lambda u: asked.append(u) or "typed")
    assert (s.username, s.password.reveal(), s.token, s.auth_method) == ("other@x.y", "typed", None, "basic")
    assert asked == ["other@x.y"]
    # CLOUDSIGMA_PASSWORD (naming no other user) is taken for the flag's user.
    s = load_settings(flags("--username", "other@x.y"), environ={"CLOUDSIGMA_PASSWORD": "env-pw"}, prompt=no_prompt)
    assert s.password.reveal() == "env-pw" and s.endpoint == "https://zrh.cloudsigma.com/api/2.0/"
    # ...but not when the environment says that password is another user's.
    s = load_settings(flags("--username", "other@x.y"),
                      environ={"CLOUDSIGMA_USERNAME": "env@b.c", "CLOUDSIGMA_PASSWORD": "env-pw"},
                      prompt=lambda u: "typed")
    assert (s.username, s.password.reveal()) == ("other@x.y", "typed")


def test_config_file_secret_is_not_sent_to_a_location_from_elsewhere(tmp_path):
    write_conf(tmp_path / "home", ZRH_CONF)
    env = {"CLOUDSIGMA_API_ENDPOINT": "https://lon.cloudsigma.com/api/2.0/"}
    with pytest.raises(ConfigError, match=r"refusing to send the password from the config file") as info:
        load_settings(flags(), environ=env, prompt=no_prompt)
    text = str(info.value)
    assert "zrh.cloudsigma.com" in text and "lon.cloudsigma.com" in text and "CLOUDSIGMA_API_ENDPOINT" in text
    assert "zrh-secret" not in text
    with pytest.raises(ConfigError, match=r"refusing to send the password"):
        load_settings(flags("--region", "FRA"), environ={}, prompt=no_prompt)
    # The same host named another way (a region code, no API path) is the same place.
    s = load_settings(flags("--endpoint", "https://ZRH.cloudsigma.com"), environ={}, prompt=no_prompt)
    assert s.password.reveal() == "zrh-secret" and s.source == "flags"
    s = load_settings(flags(), environ={"CLOUDSIGMA_REGION": "zrh"}, prompt=no_prompt)
    assert s.password.reveal() == "zrh-secret" and s.source == "environment"
    # The environment's own credentials go with the environment's location.
    env.update(CLOUDSIGMA_USERNAME="lon@b.c", CLOUDSIGMA_PASSWORD="lon-secret")
    s = load_settings(flags(), environ=env, prompt=no_prompt)
    assert (s.username, s.password.reveal(), s.endpoint) == ("lon@b.c", "lon-secret",
                                                             "https://lon.cloudsigma.com/api/2.0/")


def test_environment_secret_is_not_sent_to_a_flag_location_elsewhere():
    env = {"CLOUDSIGMA_REGION": "zrh", "CLOUDSIGMA_USERNAME": "u@b.c", "CLOUDSIGMA_TOKEN": "zrh-token"}
    with pytest.raises(ConfigError, match=r"refusing to send the token from the environment.*--region"):
        load_settings(flags("--region", "LON"), environ=env, prompt=no_prompt)
    # An environment naming no location ties its secret to no host.
    del env["CLOUDSIGMA_REGION"]
    s = load_settings(flags("--region", "LON"), environ=env, prompt=no_prompt)
    assert s.token.reveal() == "zrh-token" and s.endpoint == "https://lon.cloudsigma.com/api/2.0/"


def test_config_values_unquoted_after_cutting_comments_outside_quotes():
    parsed = parse_config_text(
        'password = "pa ss#1"   # my password\n'
        "token = 'a # b'\n"
        "plain = value # comment\n"
        "hash = pa#ss\n"
        'empty = ""  # nothing\n'
    )
    assert parsed == {"password": "pa ss#1", "token": "a # b", "plain": "value", "hash": "pa#ss", "empty": ""}
    with pytest.raises(ConfigError, match=r"line 1.*never closed") as info:
        parse_config_text('password = "hunter2 # oops\n')
    assert "hunter2" not in str(info.value)
    with pytest.raises(ConfigError, match=r"line 1.*after the closing"):
        parse_config_text('password = "hunter2" extra\n')


def test_quoted_password_with_comment_reaches_the_settings(tmp_path):
    write_conf(tmp_path / "home", 'api_endpoint = https://zrh.cloudsigma.com/\nusername = u@b.c\n'
                                  'password = "pa ss#1"   # my password\n')
    assert load_settings(flags(), environ={}, prompt=no_prompt).password.reveal() == "pa ss#1"


@pytest.mark.parametrize("url", ["https://[bad", "https://zrh.cloudsigma.com:99999/", "https://u:hunter2@[bad"])
def test_malformed_endpoint_is_a_config_error(url):
    env = {"CLOUDSIGMA_USERNAME": "u", "CLOUDSIGMA_PASSWORD": "p"}
    with pytest.raises(ConfigError, match="not a valid URL") as info:
        load_settings(flags("--endpoint", url), environ=env, prompt=no_prompt)
    assert "hunter2" not in str(info.value)
