"""`snapshot-explorer emulator` prints URL and credentials, serves, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import httpx


def test_cli_serves_and_stops_on_ctrl_c(tmp_path):
    cmd = [sys.executable, "-m", "explorer", "emulator", "--port", "0", "--drives", "3", "--snapshots", "9",
           "--db", str(tmp_path / "cli.sqlite"), "--user", "ops@example.com:s3cret"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        url = re.search(r"(http://127\.0\.0\.1:\d+/api/2\.0/)", lines[0]).group(1)
        assert "ops@example.com" in lines[1] and "s3cret" not in "".join(lines)
        r = httpx.get(url + "snapshots/", auth=("ops@example.com", "s3cret"))
        assert r.json()["meta"]["total_count"] == 9
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_refuses_bad_user_flag():
    r = subprocess.run([sys.executable, "-m", "explorer", "emulator", "--user", "no-colon"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "EMAIL:PASSWORD" in r.stderr
