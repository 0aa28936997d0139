"""Where `snapshot-explorer emulator` takes its accounts from: --user flags, a 0600 users file, an environment variable.

A password given with ``--user EMAIL:PASSWORD`` is visible to every local user in ``ps``;
the file and the variable keep it off the command line. Each holds one ``EMAIL:PASSWORD``
per line (blank lines and ``#`` comments are skipped; the password is everything after the
first colon, so it may contain colons). Accounts from all three are added in that order;
the first one owns the seeded fleet.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from explorer.errors import ConfigError

USERS_ENV = "SNAPSHOT_EXPLORER_EMULATOR_USERS"


class GivenUser(NamedTuple):
    email: str
    password: str
    source: str  # where it was given ("--user", "--users-file", "$SNAPSHOT_EXPLORER_EMULATOR_USERS")


def _parse_lines(text: str, where: str) -> list[tuple[str, str]]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        email, sep, password = line.partition(":")
        if not sep or not email.strip() or not password:
            # The line itself is not quoted: it may hold a password with a typo in its form.
            raise ConfigError(f"{where}, line {n}: an account is given as EMAIL:PASSWORD")
        out.append((email.strip(), password))
    return out


def read_users_file(path: str | Path) -> list[tuple[str, str]]:
    """Accounts from a file only its owner can read (mode 0600 or stricter), else ConfigError."""
    path = Path(path).expanduser()
    try:
        st = path.stat()
    except OSError as exc:
        raise ConfigError(f"--users-file {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"--users-file {path}: not a regular file")
    if os.name == "posix" and stat.S_IMODE(st.st_mode) & 0o077:
        raise ConfigError(f"--users-file {path} is readable by others (mode {stat.S_IMODE(st.st_mode):o}); "
                          f"it holds passwords: chmod 600 {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--users-file {path}: cannot read it ({exc})") from None
    users = _parse_lines(text, f"--users-file {path}")
    if not users:
        raise ConfigError(f"--users-file {path} holds no account (one EMAIL:PASSWORD per line)")
    return users


def gather_users(flags: Iterable[str], users_file: str | None, environ: Mapping[str, str]) -> list[GivenUser]:
    """Every account given, flags first, then the file, then ``$SNAPSHOT_EXPLORER_EMULATOR_USERS``.

    An empty list means none was given (the emulator then serves its documented demo account).
    """
    users: list[GivenUser] = []
    for value in flags:
        users += [GivenUser(e, p, "--user") for e, p in _parse_lines(value, "--user")]
    if users_file:
        users += [GivenUser(e, p, "--users-file") for e, p in read_users_file(users_file)]
    if environ.get(USERS_ENV):
        users += [GivenUser(e, p, f"${USERS_ENV}") for e, p in _parse_lines(environ[USERS_ENV], f"${USERS_ENV}")]
    seen: set[str] = set()
    for user in users:
        if user.email in seen:
            raise ConfigError(f"the account {user.email} is given twice (--user, --users-file, ${USERS_ENV})")
        seen.add(user.email)
    return users
