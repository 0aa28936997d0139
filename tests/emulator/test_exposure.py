"""The emulator keeps its secrets local: controls answer loopback only, passwords need not be on the command line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from explorer.emulator import DEMO_PASSWORD, DEMO_USERNAME, create_app
from explorer.emulator.exposure import is_loopback

HANG_GUARD = 120  # only a guard: every wait below ends on the process's own output or exit
SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))
USERS_ENV = "SNAPSHOT_EXPLORER_EMULATOR_USERS"


def _client(app, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(host, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://emulator")


@pytest.mark.parametrize("path", ["/_emulator/info", "/_emulator/faults", "/_emulator/clock"])
async def test_controls_refuse_a_client_off_loopback(path):
    app = create_app(seed=2, drives=2, snapshots=4)
    async with _client(app, "192.0.2.44") as remote:
        r = await remote.get(path)
        assert r.status_code == 403 and r.json()[0]["error_type"] == "permission"
        assert "only on loopback" in r.text and "192.0.2.44" in r.text and "--expose-controls" in r.text
        assert DEMO_USERNAME not in r.text
        put = await remote.put("/_emulator/faults", json={"error_rate": 1.0})
        assert put.status_code == 403 and app.state.faults.settings.error_rate == 0.0  # changed nothing
        api = await remote.get("/api/2.0/snapshots/", auth=(DEMO_USERNAME, DEMO_PASSWORD))
        assert api.status_code == 200  # the API itself keeps its own (Basic) auth
    async with _client(app, "::1") as local:
        assert (await local.get(path)).status_code == 200


async def test_expose_controls_lets_other_hosts_in():
    app = create_app(seed=2, drives=2, snapshots=4, expose_controls=True)
    async with _client(app, "192.0.2.44") as remote:
        assert (await remote.get("/_emulator/info")).status_code == 200


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("[::1]", True), ("::ffff:127.0.0.1", True),
    ("localhost", True), ("0.0.0.0", False), ("::", False), ("192.0.2.1", False), ("example.com", False),
    ("", False), (None, False),
])
def test_loopback(host, loopback):
    assert is_loopback(host) is loopback


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != USERS_ENV and not k.startswith("CLOUDSIGMA_")}
    return {**env, **extra}


def _serve(args: list[str], env: dict[str, str]):
    """Start the emulator CLI; return the process and what it printed up to the controls line."""
    proc = subprocess.Popen([SCRIPT, "emulator", "--drives", "2", "--snapshots", "3", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = []
    while not out or "controls:" not in out[-1]:
        line = proc.stdout.readline()
        if not line:
            proc.wait(timeout=HANG_GUARD)
            pytest.fail(f"the emulator stopped: {proc.stderr.read()}")
        out.append(line)
    return proc, "".join(out)


def _stop(proc) -> str:
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=HANG_GUARD) == 0
    return proc.stderr.read()


def test_accounts_from_a_private_file_and_the_environment(tmp_path):
    users = tmp_path / "users.txt"
    users.write_text("# ops team\nops@example.com:pa:ss word\n\n")
    os.chmod(users, 0o600)
    proc, out = _serve(["--port", "0", "--users-file", str(users)], _env(**{USERS_ENV: "ci@example.com:ci-secret"}))
    try:
        url = re.search(r"(http://127\.0\.0\.1:\d+/api/2\.0/)", out).group(1)
        assert "(as given in --users-file)" in out and f"(as given in ${USERS_ENV})" in out
        assert "pa:ss word" not in out and "ci-secret" not in out
        first = httpx.get(url + "snapshots/", auth=("ops@example.com", "pa:ss word"))
        assert first.json()["meta"]["total_count"] == 3  # the first account owns the fleet
        assert httpx.get(url + "snapshots/", auth=("ci@example.com", "ci-secret")).status_code == 200
    finally:
        err = _stop(proc)
    assert "pa:ss word" not in err and "ci-secret" not in err


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_users_file_others_can_read_is_refused(tmp_path, mode):
    users = tmp_path / "users.txt"
    users.write_text("ops@example.com:s3cret\n")
    os.chmod(users, mode)
    r = subprocess.run([SCRIPT, "emulator", "--users-file", str(users)], env=_env(),
                       capture_output=True, text=True, timeout=HANG_GUARD)
    assert r.returncode == 2 and r.stdout == ""
    assert f"readable by others (mode {mode:o})" in r.stderr and f"chmod 600 {users}" in r.stderr
    assert "s3cret" not in r.stderr and r.stderr.count("\n") == 1


def test_a_bad_line_in_the_environment_is_named_without_quoting_it():
    r = subprocess.run([SCRIPT, "emulator"], env=_env(**{USERS_ENV: "ops@example.com:ok\nno-colon-s3cret"}),
                       capture_output=True, text=True, timeout=HANG_GUARD)
    assert r.returncode == 2 and f"${USERS_ENV}, line 2: an account is given as EMAIL:PASSWORD" in r.stderr
    assert "s3cret" not in r.stderr


def test_help_says_where_else_passwords_can_come_from():
    r = subprocess.run([SCRIPT, "emulator", "--help"], capture_output=True, text=True, timeout=HANG_GUARD)
    text = " ".join(r.stdout.split())
    assert "--users-file PATH" in text and "mode 0600" in text and USERS_ENV in text and "visible in `ps`" in text
    assert "--expose-controls" in text and "--deletion-delay SECONDS" in text


def test_a_host_off_loopback_is_warned_about():
    proc, _out = _serve(["--host", "0.0.0.0", "--port", "0"], _env())
    err = _stop(proc)
    warning = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warning == ["warning: listening on 0.0.0.0, not loopback: other machines can reach the emulated API "
                       "(HTTP Basic auth, plain http) and its /_emulator/ controls still answer loopback clients only"]
