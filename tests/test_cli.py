"""The CLI's own behaviour: dispatch, clean errors, and a closed pipe."""

from __future__ import annotations

import subprocess
import sys

from explorer import cli


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
