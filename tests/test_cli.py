"""The CLI's own behaviour: dispatch, clean errors, and a closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest

from explorer import cli
from explorer.emulator import running_emulator


def test_bad_flag_is_a_usage_error_not_a_traceback():
    out = subprocess.run([sys.executable, "-m", "explorer", "--bogus"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "unrecognized arguments: --bogus" in out.stderr
    assert "Traceback" not in out.stderr


def test_explorer_errors_become_one_line_and_status_2(capsys):
    assert cli.main(["cost", "--endpoint", "http://example.com/"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("snapshot-explorer: ") and err.count("\n") == 1


def test_a_closed_pipe_ends_quietly():
    # The reader of stdout goes away while the command still writes (`... | head -1`).
    code = (
        "import sys, explorer.data.commands as c\n"
        "from explorer import cli\n"
        "def run(args):\n"
        "    for _ in range(100000):\n"
        "        print('x' * 80)\n"
        "c.run = run\n"
        "sys.exit(cli.main(['cost', '--demo']))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # like `head -1` exiting
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))
HANG_GUARD = 300  # seconds; a guard against a hang only (a demo load is a few seconds)


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The real console script, as a user runs it, with `env` added to this test's clean environment."""
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=HANG_GUARD,
                          env={**os.environ, **env})


@pytest.fixture(scope="module")
def account():
    with running_emulator(seed=5, drives=6, snapshots=40) as handle:
        yield handle


def _as(handle, password: str | None = None) -> dict[str, str]:
    return {"CLOUDSIGMA_API_ENDPOINT": handle.url, "CLOUDSIGMA_USERNAME": handle.username,
            "CLOUDSIGMA_PASSWORD": password or handle.password}


def test_version_comes_from_the_package_metadata():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout == f"snapshot-explorer {version('snapshot-explorer')}\n"


def test_export_without_credentials_says_the_rows_are_the_demos(tmp_path):
    out = tmp_path / "demo.csv"
    r = run_cli("export", "--format", "csv", "--output", str(out))
    assert r.returncode == 0, r.stderr
    rows = len(pd.read_csv(out))
    assert rows > 1000
    assert f"wrote {rows:,} snapshots to {out} (csv) - demo data, not a CloudSigma account: demo emulator" in r.stderr
    assert " rows " not in r.stderr


def test_export_from_an_account_names_where_the_rows_come_from(account, tmp_path):
    out = tmp_path / "drives.json"
    r = run_cli("export", "--format", "json", "--frame", "drives", "--output", str(out), **_as(account))
    assert r.returncode == 0, r.stderr
    assert f"wrote 6 drives to {out} (json) - {account.url} as {account.username}, loaded " in r.stderr
    assert "demo data" not in r.stderr and account.password not in r.stderr


def test_csv_age_is_seconds_like_json(account, tmp_path):
    csv_out, json_out = tmp_path / "s.csv", tmp_path / "s.json"
    for fmt, out in (("csv", csv_out), ("json", json_out)):
        assert run_cli("export", "--format", fmt, "--output", str(out), **_as(account)).returncode == 0
    ages = pd.read_csv(csv_out)["age"]
    assert ages.dtype == float and (ages > 0).all()  # a number of seconds, not "111 days 09:34:03.686465"
    as_json = pd.read_json(json_out)["age"]
    # the two loads are moments apart: the same ages, a few seconds more in the later one
    assert ((as_json - ages).abs() < 300).all()


def test_an_unknown_currency_is_an_error_naming_the_ones_the_account_has(account):
    r = run_cli("cost", "--currency", "xyz", **_as(account))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.endswith("\nsnapshot-explorer: --currency XYZ: the account has no prices in XYZ; "
                             "it has prices in CHF, EUR, GBP, USD\n")  # after the load's progress lines
    assert run_cli("cost", "--currency", "usd", "--top", "1", **_as(account)).returncode == 0


def test_a_wrong_password_says_how_to_configure_credentials(account):
    r = run_cli("cost", **_as(account, password="wrong-secret-123"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    first, hint = r.stderr.rstrip("\n").split("\n")
    assert first.startswith("snapshot-explorer: ") and "401" in first
    assert "CLOUDSIGMA_USERNAME" in hint and "~/.cloudsigma.conf" in hint and "--demo" in hint
    assert "wrong-secret-123" not in r.stderr
