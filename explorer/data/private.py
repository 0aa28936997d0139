"""Owner-only files for what the data layer writes (history, offline cache, exports): 0600 files in 0700 folders.

These files hold the account e-mail, the endpoint, snapshot and drive names and meta. New
ones are made private as they are created; existing looser ones (written by an earlier
version) are tightened when they are opened, with a one-line notice on the log (which
reaches stderr when nothing else handles it), never an exception. On Windows, where POSIX
modes do not apply, nothing is changed.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
_POSIX = os.name == "posix"


def _loose(path: Path, mode: int) -> int | None:
    """The current permission bits when they grant more than ``mode`` (None: fine, missing or not ours)."""
    try:
        st = path.stat()
    except OSError:
        return None
    if st.st_uid != os.getuid():
        return None  # someone else's file: not ours to change
    bits = stat.S_IMODE(st.st_mode)
    return bits if bits & ~mode & 0o777 else None


def _tighten(path: Path, mode: int) -> tuple[Path, str] | None:
    """chmod ``path`` to ``mode`` if it is looser; returns it with what changed (``644->600``)."""
    bits = _loose(path, mode)
    if bits is None:
        return None
    try:
        os.chmod(path, mode)
    except OSError as exc:
        log.warning("snapshot-explorer: could not make %s private (%s)", path, exc.strerror or exc)
        return None
    return path, f"{bits:o}->{mode:o}"


def _notice(changed: list[tuple[Path, str]]) -> None:
    """One line for everything tightened at once, names relative to their common folder."""
    if not changed:
        return
    root = Path(os.path.commonpath([str(p if len(changed) > 1 else p.parent) for p, _ in changed]))
    parts = [f"{os.path.relpath(p, root)} {how}" for p, how in changed]
    shown = ", ".join(parts[:4]) + (f" and {len(parts) - 4} more" if len(parts) > 4 else "")
    log.warning("snapshot-explorer: made %d item(s) in %s private (they hold account data): %s",
                len(parts), root, shown)


def private_dir(path: Path) -> Path:
    """Create ``path`` 0700 when missing, and its missing parents too (an existing folder is left as it is)."""
    path = Path(path)
    if not _POSIX:
        path.mkdir(parents=True, exist_ok=True)
        return path
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask; say it exactly
    return path


def secure(files: Iterable[Path], *, folders: Iterable[Path] = ()) -> None:
    """Tighten existing ``folders`` (only the explorer's own) to 0700 and ``files`` to 0600, with one notice."""
    if not _POSIX:
        return
    changed = [c for d in folders if (c := _tighten(Path(d), DIR_MODE))]
    changed += [c for f in files if (c := _tighten(Path(f), FILE_MODE))]
    _notice(changed)


def private_file(path: Path) -> Path:
    """Make one file just written (or about to be replaced into place) owner-only."""
    if _POSIX:
        os.chmod(path, FILE_MODE)
    return path


def open_private(path: Path, mode: str = "w", **kwargs):
    """``open()`` that creates the file 0600 from the start (for temp files renamed into place)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    return os.fdopen(fd, mode, **kwargs)


def prepare_private(path: Path) -> Path:
    """Make ``path`` an owner-only regular file before anything is written to it (a new one is created empty).

    For files whose place the user chose (exports): their folder is left alone. Something
    that is not a regular file (``/dev/stdout``, a FIFO) is left as it is.
    """
    path = Path(path)
    if not _POSIX:
        return path
    if path.exists():
        if path.is_file() and _loose(path, FILE_MODE) is not None:
            os.chmod(path, FILE_MODE)
    else:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    return path
