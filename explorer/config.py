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
from urllib.parse import urlsplit

from explorer.client.regions import LOCATIONS, resolve_endpoint
from explorer.client.secret import Secret, as_secret
from explorer.errors import ConfigError

DEFAULT_CONFIG = "~/.cloudsigma.conf"

#: The default demo (no credentials): two embedded emulators as two locations (their own currency, prices and fleet).
DEMO_LOCATIONS: tuple[tuple[str, int], ...] = (("ZRH", 1), ("FRA", 2))
#: Each demo location's fleet: half the one-location demo's, so the two together are as big as it was and
#: reach first rows about as fast (benchmarks/bench_demo_locations.py; building a fleet holds the GIL).
DEMO_FLEET = {"drives": 25, "snapshots": 1500}
# pycloudsigma's login_method values map onto ours; its cookie "session" login accepts
# the same e-mail and password as Basic, so Basic is used for it.
_LOGIN_METHODS = {"basic": "basic", "session": "basic", "digest": "digest", "token": "token", "bearer": "token"}
_SECRET_KEYS = ("password", "token")
#: What to do when CloudSigma refuses the credentials (the TUI and the CLI say the same).
CREDENTIALS_HELP = (
    "Set CLOUDSIGMA_USERNAME and CLOUDSIGMA_PASSWORD (or CLOUDSIGMA_TOKEN) and CLOUDSIGMA_REGION, "
    "or write ~/.cloudsigma.conf; run with --demo to try the embedded emulator."
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything needed to open a session. Secrets are :class:`Secret` and never printed."""

    endpoint: str | None = None
    """API endpoint, always ending in ``/api/2.0/``; None in demo mode until the emulator runs."""
    region: str | None = None
    """Location code the endpoint came from (e.g. ``ZRH``), if any."""
    location: str | None = None
    """The location's code when known without asking the API: the region code, or the code of an endpoint in
    the documented table (explorer.client.regions.LOCATIONS). None: the session asks the endpoint's
    ``/locations/`` (see explorer.session.open_sessions)."""
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
    """pycloudsigma's ConfigObj subset: ``key = value`` lines, ``#`` comments, optional quotes (sections ignored)."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        pair = _config_line(line, number)
        if pair is not None and pair[0] is not _SECTION:
            values[pair[0]] = pair[1]
    return values


_SECTION = object()


def _config_line(line: str, number: int) -> tuple | None:
    """``(key, value)``, ``(_SECTION, name)`` for a ``[name]`` line, or None for a blank or comment line."""
    line = line.strip()
    if not line or line.startswith(("#", ";")):
        return None
    if line.startswith("[") and line.endswith("]"):
        return _SECTION, line[1:-1].strip()
    if "=" not in line:
        raise ConfigError(f"line {number} is not 'key = value'")
    key, value = (part.strip() for part in line.split("=", 1))
    return key.lower(), _config_value(value, number)


def _config_value(value: str, number: int) -> str:
    """One value: a trailing ``# comment`` is cut only outside quotes, then the quotes are removed.

    As ConfigObj: ``"pa ss#1"   # note`` is ``pa ss#1``. An unquoted value keeps a ``#`` that
    is not preceded by whitespace (``pa#ss``). Messages never quote the value (it may be a password).
    """
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        if end < 0:
            raise ConfigError(f"line {number}: the value's opening {quote} is never closed")
        rest = value[end + 1:].strip()
        if rest and not rest.startswith("#"):
            raise ConfigError(f"line {number}: unexpected text after the closing {quote} of the value")
        return value[1:end]
    for i, char in enumerate(value):
        if char == "#" and (i == 0 or value[i - 1].isspace()):
            return value[:i].rstrip()
    return value


#: Keys a sectioned config file may keep outside its sections (settings, never a location or a credential).
_SHARED_KEYS = ("login_method", "request_log_level")


def parse_config_sections(text: str) -> dict[str | None, dict[str, str]]:
    """The file's keys per ``[SECTION]`` (``None``: the keys before the first section), in file order.

    A pycloudsigma file has no sections: ``{None: {...}}``. A section per location is
    :func:`load_locations_settings`' multi-location form (README "Configuration").
    """
    sections: dict[str | None, dict[str, str]] = {None: {}}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        pair = _config_line(line, number)
        if pair is None:
            continue
        if pair[0] is _SECTION:
            current = pair[1]
            if not current:
                raise ConfigError(f"line {number}: a section needs a name, e.g. [ZRH]")
            if any(k and k.upper() == current.upper() for k in sections):
                raise ConfigError(f"line {number}: section [{current}] appears twice")
            sections[current] = {}
        else:
            sections[current][pair[0]] = pair[1]
    return sections


def read_config_sections(path: Path) -> dict[str | None, dict[str, str]]:
    """:func:`parse_config_sections` of a file, refusing one that holds a secret others can read."""
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        sections = parse_config_sections(text)
    except ConfigError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    has_secret = any(values.get(k) for values in sections.values() for k in _SECRET_KEYS)
    if os.name == "posix" and has_secret and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"config file {path} holds a password but is accessible by others (permissions "
            f"{stat.filemode(mode)}); refusing to use it. Fix with: chmod 600 {path}"
        )
    named = [name for name in sections if name]
    if named:
        stray = sorted(k for k in sections[None] if k not in _SHARED_KEYS)
        if stray:
            raise ConfigError(f"config file {path}: {', '.join(stray)} must be inside a [LOCATION] section "
                              "when the file has sections (each section is one location with its own credentials)")
    return sections


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
    """Resolve Settings from parsed flags (explorer.cli), then the environment, then the config file.

    With several locations configured this is the first one; :func:`load_locations_settings` gives all.
    """
    return load_locations_settings(args, environ=environ, prompt=prompt)[0]


def _split(value: Any) -> list[str]:
    """``"ZRH,FRA"``, ``["a", "b,c"]`` or None as a list of non-empty items."""
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _places(layer: Mapping[str, Any]) -> list[dict[str, str | None]]:
    """The locations one layer names: its endpoints (which win, as for one location) or its region codes."""
    endpoints = layer.get("endpoint")
    endpoints = [e for e in (endpoints if isinstance(endpoints, list | tuple) else [endpoints]) if e]
    if endpoints:
        return [{"endpoint": e, "region": None} for e in endpoints]
    return [{"endpoint": None, "region": r} for r in _split(layer.get("region"))]


def _conf_layer(conf: Mapping[str, str], section: str | None = None) -> dict[str, Any]:
    """The config-file layer of one location: the flat file, or one ``[SECTION]`` of a sectioned file.

    A section named by a documented location code (``[ZRH]``) is that location unless it gives ``api_endpoint``
    or ``region``.
    """
    region = conf.get("region")
    if section and not region and not conf.get("api_endpoint") and section.upper() in LOCATIONS:
        region = section
    return {
        "region": region, "endpoint": conf.get("api_endpoint"), "username": conf.get("username"),
        "password": conf.get("password"), "token": conf.get("token"), "login_method": conf.get("login_method"),
    }


def _section_endpoint(name: str, layer: Mapping[str, Any], path: Path) -> str:
    if not (layer.get("endpoint") or layer.get("region")):
        raise ConfigError(f"config file {path}: section [{name}] names no location: name it by a location code "
                          "(e.g. [ZRH]) or give api_endpoint = URL in it")
    try:
        return resolve_endpoint(region=None if layer.get("endpoint") else layer.get("region"),
                                endpoint=layer.get("endpoint"))
    except ConfigError as exc:
        raise ConfigError(f"config file {path}, section [{name}]: {exc}") from None


def load_locations_settings(
    args: Any = None,
    *,
    environ: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] = _prompt_password,
) -> tuple[Settings, ...]:
    """Settings for every configured location, in the order given (flags > env > config file > demo).

    The first layer that names a location decides which locations there are: ``--region ZRH,FRA`` or repeated
    ``--endpoint URL``; ``CLOUDSIGMA_REGION=ZRH,FRA`` (or ``CLOUDSIGMA_API_ENDPOINT``); else the config file,
    flat (pycloudsigma's, one location) or with one ``[SECTION]`` per location. Credentials are resolved for
    each location as for one, and a location chosen by flags or the environment takes its credentials from the
    config file's section of the same host when there is one. A secret configured for one host is never used for
    another. Demo mode is one demo Settings (the session layer runs the demo's locations).
    """
    env = os.environ if environ is None else environ

    def flag(name: str) -> Any:
        return getattr(args, name, None) if args is not None else None

    offline = bool(flag("offline"))
    if flag("demo"):
        return (Settings(demo=True, offline=offline, source="flags"),)

    config_flag = flag("config")
    path = Path(config_flag or env.get("CLOUDSIGMA_CONFIG") or DEFAULT_CONFIG).expanduser()
    explicit_file = bool(config_flag or env.get("CLOUDSIGMA_CONFIG"))
    sections: dict[str | None, dict[str, str]] = {None: {}}
    if path.is_file() or explicit_file:
        sections = read_config_sections(path)
    named = {name: _conf_layer(values, name) for name, values in sections.items() if name}
    conf_path = path if any(sections.values()) or named or explicit_file else None
    flag_layer = {"region": flag("region"), "endpoint": flag("endpoint"), "username": flag("username")}
    env_layer = {
        "region": env.get("CLOUDSIGMA_REGION"), "endpoint": env.get("CLOUDSIGMA_API_ENDPOINT"),
        "username": env.get("CLOUDSIGMA_USERNAME"), "password": env.get("CLOUDSIGMA_PASSWORD"),
        "token": env.get("CLOUDSIGMA_TOKEN"),
    }
    typed: dict[str, str] = {}

    def ask(username: str) -> str:  # the same user at several locations is asked once
        if username not in typed:
            typed[username] = prompt(username)
        return typed[username]

    def resolve(flags_: dict, env_: dict, conf: dict, label: str | None) -> Settings:
        try:
            return _resolve(flags_, env_, conf, path, conf_path, offline, ask)
        except ConfigError as exc:
            raise ConfigError(f"location {label}: {exc}" if label else str(exc)) from None

    found: list[Settings] = []
    for name, layer in (("flags", flag_layer), ("environment", env_layer)):
        places = _places(layer)
        if not places:
            continue
        ends = {sec: _section_endpoint(sec, lay, path) for sec, lay in named.items()}
        for place in places:
            label = (place["endpoint"] or place["region"]) if len(places) > 1 else None
            chosen = {**layer, **place}
            try:
                where = resolve_endpoint(region=place["region"], endpoint=place["endpoint"])
            except ConfigError as exc:
                raise ConfigError(f"location {label}: {exc}" if label else str(exc)) from None
            section = next((sec for sec, end in ends.items() if _host(end) == _host(where)), None)
            conf = named[section] if section else _conf_layer(sections[None])
            found.append(_named(resolve(chosen if name == "flags" else flag_layer, chosen if name == "environment"
                                        else env_layer, conf, label), section, path))
        break
    else:
        if named:
            for sec, layer in named.items():
                _section_endpoint(sec, layer, path)
                found.append(_named(resolve(flag_layer, env_layer, layer, f"[{sec}]" if len(named) > 1 else None),
                                    sec, path))
        else:
            found.append(resolve(flag_layer, env_layer, _conf_layer(sections[None]), None))
    if any(s.demo for s in found):
        return (found[0],) if len(found) == 1 else (Settings(demo=True, offline=offline, source=found[0].source),)
    seen: dict[tuple[str, str], Settings] = {}
    for s in found:
        key = _host(s.endpoint or "")
        if key in seen:
            raise ConfigError(f"{s.location or urlsplit(s.endpoint or '').netloc} is configured twice: "
                              "give each location once")
        seen[key] = s
    return tuple(found)


def _named(settings: Settings, section: str | None, path: Path) -> Settings:
    """A ``[CODE]`` section names its location: the code of an endpoint outside the documented table."""
    code = section.upper() if section and section.upper() in LOCATIONS else None
    if code is None or settings.demo:
        return settings
    if settings.location and settings.location != code:
        raise ConfigError(f"config file {path}: section [{section}] points at {settings.endpoint}, which is "
                          f"{settings.location}, not {code}")
    return replace(settings, location=code)


def _resolve(flag_layer: dict, env_layer: dict, conf: dict, path: Path, conf_path: Path | None, offline: bool,
             prompt: Callable[[str], str]) -> Settings:
    """One location's Settings from its three layers (each naming at most one location)."""
    layers = (("flags", flag_layer), ("environment", env_layer), ("config file", conf))

    def first(key: str) -> tuple[str | None, str | None]:
        for name, layer in layers:
            if layer.get(key):
                return layer[key], name
        return None, None

    def secret(key: str, username: str | None) -> tuple[str | None, str | None]:
        """The first ``key`` (password or token) that belongs to ``username``.

        A secret goes with the username of its own layer: one from a layer that names
        another user is never used (``--username other@x`` does not get the config file's
        password). A layer naming no user supplies a secret for whichever user was chosen.
        """
        for name, layer in layers:
            owner = layer.get("username")
            if layer.get(key) and (not owner or not username or owner.casefold() == username.casefold()):
                return layer[key], name
        return None, None

    # Endpoint and region travel together: the first layer that names a place decides.
    endpoint = region = where = None
    for name, layer in layers:
        if layer.get("endpoint") or layer.get("region"):
            endpoint, region, where = layer.get("endpoint"), layer.get("region"), name
            break
    username, user_from = first("username")
    token, token_from = secret("token", username)
    password, password_from = secret("password", username)
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
    secret_from = token_from if auth_method == "token" else password_from
    if secret_from and secret_from != where:
        _check_secret_host(dict(layers), secret_from, "token" if auth_method == "token" else "password",
                           api_endpoint, where or "environment")
    if auth_method != "token" and not password:
        password = prompt(username)
    return Settings(
        endpoint=api_endpoint,
        region=region.upper() if region and not endpoint else None,
        location=region.upper() if region and not endpoint else endpoint_location(api_endpoint),
        username=username,
        password=None if auth_method == "token" else as_secret(password),
        token=as_secret(token) if auth_method == "token" else None,
        auth_method=auth_method,
        offline=offline,
        source=where or "environment",
        config_path=conf_path,
    )


def endpoint_location(endpoint: str) -> str | None:
    """The documented location code of an endpoint (explorer.client.regions.LOCATIONS), else None."""
    scheme, host = _host(endpoint)
    path = urlsplit(endpoint).path.rstrip("/")
    return next((code for code, loc in LOCATIONS.items()
                 if _host(loc.endpoint) == (scheme, host) and urlsplit(loc.endpoint).path.rstrip("/") == path), None)


_LOCATION_NAMES = {
    "flags": ("--region", "--endpoint"),
    "environment": ("CLOUDSIGMA_REGION", "CLOUDSIGMA_API_ENDPOINT"),
    "config file": ("region", "api_endpoint"),
}


def _location_setting(layer: Mapping[str, Any], layer_name: str) -> str:
    """Which setting of the layer names its location (``--endpoint`` beats ``--region``)."""
    region_key, endpoint_key = _LOCATION_NAMES[layer_name]
    return endpoint_key if layer.get("endpoint") else region_key


def _host(endpoint: str) -> tuple[str, str]:
    parts = urlsplit(endpoint)
    return parts.scheme, parts.netloc.lower()


def _check_secret_host(layers: Mapping[str, Mapping[str, Any]], secret_from: str, what: str, api_endpoint: str,
                       location_from: str) -> None:
    """Refuse a secret configured for one host when the location (from another source) is a different host.

    A secret from a source that names no location is not tied to a host and may be used.
    """
    layer = layers[secret_from]
    if not (layer.get("endpoint") or layer.get("region")):
        return
    own_setting = _location_setting(layer, secret_from)
    try:
        own = resolve_endpoint(region=None if layer.get("endpoint") else layer.get("region"),
                               endpoint=layer.get("endpoint"))
    except ConfigError as exc:
        raise ConfigError(
            f"the {what} in the {secret_from} goes with its {own_setting}, which is not usable ({exc}); "
            "fix that setting before its credentials can be used"
        ) from None
    if _host(own) == _host(api_endpoint):
        return
    setting = _location_setting(layers[location_from], location_from)
    raise ConfigError(
        f"refusing to send the {what} from the {secret_from} (set for {urlsplit(own).netloc} by its {own_setting}) "
        f"to {urlsplit(api_endpoint).netloc} ({setting} in the {location_from}): CloudSigma accounts are per "
        f"location. Give that location's credentials (CLOUDSIGMA_USERNAME with CLOUDSIGMA_PASSWORD or "
        f"CLOUDSIGMA_TOKEN), or drop {setting} to use the {secret_from}'s location"
    )


def with_endpoint(settings: Settings, endpoint: str, username: str, password: str) -> Settings:
    """The demo settings once the emulator runs: its endpoint and demo account."""
    return replace(settings, endpoint=endpoint, username=username, password=as_secret(password), auth_method="basic")
