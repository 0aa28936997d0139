"""`snapshot-explorer report --output FILE.html`, run as the real console script: what the file says and holds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.emulator import running_emulator

SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))
HANG_GUARD = 180


def report(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, "report", *args], capture_output=True, text=True, timeout=HANG_GUARD,
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


def test_report_of_the_demo_is_self_contained_and_says_demo(tmp_path):
    out = tmp_path / "report.html"
    done = report("--demo", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "DEMO DATA" in done.stderr and str(out) in done.stderr
    page = out.read_text()
    assert "DEMO DATA — the embedded CloudSigma emulator's sample fleet, not a real account" in page
    # plotly.js is in the page once, and nothing is fetched from anywhere.
    assert len(re.findall(r"plotly\.js v\d", page)) == 1
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # the browser test opens it offline
    # Four figures per location (the demo has two: ZRH and FRA): cost by drive, by storage type, bytes by
    # drive, growth; money figures name their basis.
    assert page.count("Plotly.newPlot(") == 8
    for heading in ("Headline costs", "Cost by drive", "Cost by storage type", "Growth per drive",
                    "largest snapshots", "oldest snapshots"):
        assert heading in page
    assert "value at subscription price" in page and "burst now from snapshots" in page
    # Money names its currency and has two decimals (or says it is below a cent / unknown).
    # Each location's headline is in its own currency: ZRH in CHF, then FRA in EUR.
    starts = [m.start() for m in re.finditer("class='headline'", page)]
    assert len(starts) == 2
    for start, cur in zip(starts, ("CHF", "EUR"), strict=True):
        headline = page[start:page.index("</table>", start)]
        amounts = re.findall(r"<td class='n'>([^<]*)</td>", headline)
        money = [a for a in amounts if a.endswith(f" {cur}") or a == "—"]
        assert len(money) == 2 and all(re.fullmatch(rf"(\d{{1,3}}(,\d{{3}})*\.\d\d|<0\.01) {cur}|—", m)
                                       for m in money)


def test_report_of_an_account_names_it_and_never_its_password(tmp_path):
    out = tmp_path / "account.html"
    with running_emulator(drives=6, snapshots=40, users=["ops@example.com:s3cret-pass"]) as emu:
        done = report("--endpoint", emu.url, "--username", emu.username, "--output", str(out),
                      env={"CLOUDSIGMA_PASSWORD": emu.password})
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    assert "Account <b>ops@example.com</b> at " + emu.url in page
    assert "DEMO DATA" not in page and "ops@example.com" in done.stderr
    assert "s3cret-pass" not in page and "s3cret-pass" not in done.stderr
    assert page.count("Plotly.newPlot(") == 4


@pytest.mark.parametrize(("output", "message"), [
    ("{tmp}/no/such/dir/r.html", "directory {tmp}/no/such/dir does not exist"),
    ("{tmp}/report.pdf", "--output must name an .html file"),
])
def test_a_bad_output_is_refused_before_loading(tmp_path, output, message):
    done = report("--demo", "--output", output.format(tmp=tmp_path))
    assert done.returncode == 2
    assert message.format(tmp=tmp_path) in done.stderr and "loaded" not in done.stderr
    assert "Traceback" not in done.stderr
