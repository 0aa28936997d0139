"""Settings: where the explorer connects and with which credentials (flags > env > config file > demo)."""

from __future__ import annotations

import getpass
import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from explorer.client.auth import Secret, as_secret
from explorer.client.regions import resolve_endpoint
from explorer.errors import ConfigError

DEFAULT_CONFIG = "~/.cloudsigma.conf"
AUTH_METHODS = ("basic", "digest", "token")
# pycloudsigma's login_method values map onto ours; its cookie "session" login accepts
# the same e-mail and password as Basic, so Basic is used for it.
_LOGIN_METHODS = {"basic": "basic", "session": "basic", "digest": "digest", "token": "token", "bearer": "token"}
_SECRET_KEYS = ("password", "token")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything needed to open a session. Secrets are :class:`Secret` and never printed."""

    endpoint: str | None = None
    """API endpoint, always ending in ``/api/2.0/``; None in demo mode until the emulator runs."""
    region: str | None = None
    """Location code the endpoint came from (e.g. ``ZRH``), if any."""
    username: str | None = None
    """Account e-mail for Basic or Digest auth."""
    password: Secret | None = None
    """Account password (from CLOUDSIGMA_PASSWORD, the config file or a prompt; never a flag)."""
    token: Secret | None = None
    """Bearer token (CLOUDSIGMA_TOKEN); wins over username/password when set."""
    auth_method: str = "basic"
    """``basic``, ``digest`` or ``token``."""
    demo: bool = False
    """Run against the embedded emulator with its demo account."""
    offline: bool = False
    """Open the last cached inventory without contacting the API."""
    source: str = "demo"
    """Where the connection settings came from: ``flags``, ``environment``, ``config file`` or ``demo``."""
    config_path: Path | None = None
    """The config file that was read, if any."""

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"Settings({shown})"

    __str__ = __repr__

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for CloudSigmaClient / AsyncCloudSigmaClient."""
        return {
            "username": self.username,
            "password": self.password,
            "token": self.token,
            "digest": self.auth_method == "digest",
        }


def parse_config_text(text: str) -> dict[str, str]:
    """pycloudsigma's ConfigObj subset: ``key = value`` lines, ``#`` comments, optional quotes."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")) or (line.startswith("[") and line.endswith("]")):
            continue
        if "=" not in line:
            raise ConfigError(f"line {number} is not 'key = value'")
        key, value = (part.strip() for part in line.split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.lower()] = value
    return values


def read_config_file(path: Path) -> dict[str, str]:
    """Read a config file, refusing one that holds a secret others can read (as ssh does)."""
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        values = parse_config_text(text)
    except ConfigError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    if os.name == "posix" and any(values.get(k) for k in _SECRET_KEYS) and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"config file {path} holds a password but is accessible by others (permissions "
            f"{stat.filemode(mode)}); refusing to use it. Fix with: chmod 600 {path}"
        )
    return values


def _prompt_password(username: str) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise ConfigError(f"no password for {username}: set CLOUDSIGMA_PASSWORD (no terminal to prompt on)")
    return getpass.getpass(f"CloudSigma password for {username}: ")


def load_settings(
    args: Any = None,
    *,
    environ: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] = _prompt_password,
) -> Settings:
    """Resolve Settings from parsed flags (explorer.cli), then the environment, then the config file."""
    env = os.environ if environ is None else environ

    def flag(name: str) -> Any:
        return getattr(args, name, None) if args is not None else None

    offline = bool(flag("offline"))
    if flag("demo"):
        return Settings(demo=True, offline=offline, source="flags")

    config_flag = flag("config")
    path = Path(config_flag or env.get("CLOUDSIGMA_CONFIG") or DEFAULT_CONFIG).expanduser()
    explicit_file = bool(config_flag or env.get("CLOUDSIGMA_CONFIG"))
    conf: dict[str, str] = {}
    if path.is_file() or explicit_file:
        conf = read_config_file(path)
    conf_path = path if conf or explicit_file else None

    layers = (
        ("flags", {"region": flag("region"), "endpoint": flag("endpoint"), "username": flag("username")}),
        ("environment", {
            "region": env.get("CLOUDSIGMA_REGION"), "endpoint": env.get("CLOUDSIGMA_API_ENDPOINT"),
            "username": env.get("CLOUDSIGMA_USERNAME"), "password": env.get("CLOUDSIGMA_PASSWORD"),
            "token": env.get("CLOUDSIGMA_TOKEN"),
        }),
        ("config file", {
            "region": conf.get("region"), "endpoint": conf.get("api_endpoint"), "username": conf.get("username"),
            "password": conf.get("password"), "token": conf.get("token"), "login_method": conf.get("login_method"),
        }),
    )

    def first(key: str) -> tuple[str | None, str | None]:
        for name, layer in layers:
            if layer.get(key):
                return layer[key], name
        return None, None

    # Endpoint and region travel together: the first layer that names a place decides.
    endpoint = region = where = None
    for name, layer in layers:
        if layer.get("endpoint") or layer.get("region"):
            endpoint, region, where = layer.get("endpoint"), layer.get("region"), name
            break
    username, user_from = first("username")
    token, token_from = first("token")
    password, _ = first("password")
    method = (conf.get("login_method") or "basic").lower()
    if method == "none":
        return Settings(demo=True, offline=offline, source="config file", config_path=conf_path)
    if method not in _LOGIN_METHODS:
        raise ConfigError(f"login_method {method!r} in {path} is not one of basic, session, digest, token")
    auth_method = "token" if token else _LOGIN_METHODS[method]

    if not (username or token or endpoint or region):
        return Settings(demo=True, offline=offline, source="demo", config_path=conf_path)
    if not (endpoint or region):
        raise ConfigError(
            f"credentials found ({user_from or token_from}) but no location: give --region CODE or --endpoint URL, "
            "or set CLOUDSIGMA_REGION / CLOUDSIGMA_API_ENDPOINT (or api_endpoint in the config file)"
        )
    # A mistyped location is reported before anything asks for a password.
    api_endpoint = resolve_endpoint(region=None if endpoint else region, endpoint=endpoint)
    if not (username or token):
        raise ConfigError(
            "no credentials: set CLOUDSIGMA_USERNAME and CLOUDSIGMA_PASSWORD (or CLOUDSIGMA_TOKEN), "
            f"or username/password in {path}"
        )
    if auth_method == "token" and not token:
        raise ConfigError("login_method is token but no token is set (CLOUDSIGMA_TOKEN)")
    if auth_method != "token" and not password:
        password = prompt(username)
    settings = Settings(
        endpoint=api_endpoint,
        region=region.upper() if region and not endpoint else None,
        username=username,
        password=None if auth_method == "token" else as_secret(password),
        token=as_secret(token) if auth_method == "token" else None,
        auth_method=auth_method,
        offline=offline,
        source=where or "environment",
        config_path=conf_path,
    )
    return settings


def with_endpoint(settings: Settings, endpoint: str, username: str, password: str) -> Settings:
    """The demo settings once the emulator runs: its endpoint and demo account."""
    return replace(settings, endpoint=endpoint, username=username, password=as_secret(password), auth_method="basic")
