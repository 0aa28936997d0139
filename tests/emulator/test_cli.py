"""`snapshot-explorer emulator` prints URL and credentials, serves, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

#: Only a guard against a hang: each wait below ends on the process's own exit.
HANG_GUARD = 120
SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))


def test_cli_serves_and_stops_on_ctrl_c(tmp_path):
    cmd = [SCRIPT, "emulator", "--port", "0", "--drives", "3", "--snapshots", "9",
           "--db", str(tmp_path / "cli.sqlite"), "--user", "ops@example.com:s3cret"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        url = re.search(r"(http://127\.0\.0\.1:\d+/api/2\.0/)", lines[0]).group(1)
        assert "ops@example.com" in lines[1] and "s3cret" not in "".join(lines)
        r = httpx.get(url + "snapshots/", auth=("ops@example.com", "s3cret"))
        assert r.json()["meta"]["total_count"] == 9
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=HANG_GUARD) == 0
        assert "stopping..." in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_refuses_bad_user_flag():
    r = subprocess.run([SCRIPT, "emulator", "--user", "no-colon"],
                       capture_output=True, text=True, timeout=HANG_GUARD)
    assert r.returncode == 2 and "EMAIL:PASSWORD" in r.stderr


def test_ctrl_c_stops_the_server_before_the_state_is_closed():
    # A Ctrl-C interrupting a Thread.join marks that thread stopped while it still runs (CPython 3.11), so
    # waiting on the join let stop() return at once: the state closed under a live server and the process
    # could hang at exit. Now stop() returns only once uvicorn has finished.
    code = textwrap.dedent("""
        import os, signal, threading
        from explorer.emulator import running_emulator
        with running_emulator(drives=1, snapshots=1) as emu:
            try:
                threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT)).start()
                emu._server.wait()
            except KeyboardInterrupt:
                print("interrupted")
            emu._server.stop()
            print("still serving:", any(t.name == "cloudsigma-emulator" for t in threading.enumerate()))
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD)
    assert r.stdout.split("\n")[:2] == ["interrupted", "still serving: False"], r.stderr


def _busy_port():
    s = socket.create_server(("127.0.0.1", 0))
    return s, s.getsockname()[1]


@pytest.mark.parametrize("flags, said", [
    (["--port", "99999"], "cannot listen on port 99999: a port is a number from 0 to 65535"),
    (["--port", "-1"], "cannot listen on port -1: a port is a number from 0 to 65535"),
    (["--host", "192.0.2.1"], "cannot listen on 192.0.2.1: Cannot assign requested address"),
    (["--port", "BUSY"], "Address already in use"),
])
def test_a_port_or_host_it_cannot_listen_on_is_one_line(flags, said):
    busy, port = _busy_port()
    with busy:
        flags = [str(port) if f == "BUSY" else f for f in flags]
        r = subprocess.run([SCRIPT, "emulator", *flags],
                           capture_output=True, text=True, timeout=HANG_GUARD)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("snapshot-explorer: cannot listen on ") and said in r.stderr
    assert r.stderr.count("\n") == 1  # no traceback, no uvicorn log line, not even the "Preparing" line
