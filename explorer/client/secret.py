"""Credentials that never print themselves (no httpx here: the config and the TUI's first paint need only this)."""

from __future__ import annotations


class Secret:
    """A password or token. ``repr``/``str`` never show the value; call :meth:`reveal` to use it.

    Wrapping matters beyond our own reprs: rich/Textual tracebacks print frame locals,
    so a bare ``str`` password held anywhere long-lived would end up on screen.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str):
        if isinstance(value, Secret):
            value = value.reveal()
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self):
        # Pickling would write the value to disk or another process; refuse.
        raise TypeError("a Secret cannot be pickled")


def as_secret(value: str | Secret | None) -> Secret | None:
    """Wrap a plain string; keep None and existing secrets as they are."""
    if value is None or value == "":
        return None
    return value if isinstance(value, Secret) else Secret(value)
