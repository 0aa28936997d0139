"""Who may reach the emulator: `/_emulator/` controls answer loopback clients only, unless --expose-controls.

The controls have no authentication (faults, the clock, `/info` with the account e-mails
and the database path), so on an emulator bound to a network address they would be open
to that network. The API itself keeps its HTTP Basic auth.
"""

from __future__ import annotations

import ipaddress

_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 (also IPv4-mapped), "localhost" and in-process test clients."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES or host == "testclient":  # Starlette's TestClient
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)
    return (mapped or addr).is_loopback


def controls_refusal(client_host: str | None, exposed: bool) -> str | None:
    """Why a control request from ``client_host`` is refused, or None when it may be served."""
    if exposed or is_loopback(client_host):
        return None
    return (f"the emulator's controls answer only on loopback (this request came from {client_host or 'unknown'}); "
            "start it with --expose-controls to allow other hosts")


def host_warning(host: str, exposed: bool) -> str | None:
    """The start-up warning for a non-loopback ``--host`` (None on loopback)."""
    if is_loopback(host):
        return None
    controls = ("its /_emulator/ controls too (--expose-controls: faults, clock, account e-mails, no auth)"
                if exposed else "its /_emulator/ controls still answer loopback clients only")
    return (f"warning: listening on {host}, not loopback: other machines can reach the emulated API "
            f"(HTTP Basic auth, plain http) and {controls}")
