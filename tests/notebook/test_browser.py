"""Headless Chromium opens the HTML report with the network refused (notebook runs in JupyterLab: in progress).

What a person sees: every chart drawn, dates on the time axes. Without Chromium these tests do not run and the
session says so in one line (tests/notebook/conftest.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notebook.browser import HANG_GUARD_MS, block_network, chromium, figures, private_env

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SHOTS = REPO / "docs" / "img"
DATE_TICK = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|\b20\d\d\b)")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Headless Chromium with a fresh profile."""
    root = tmp_path_factory.mktemp("browser")
    with chromium(root) as browser:
        yield {"browser": browser, "root": root}


def finished(job) -> str:
    out, _ = job.communicate(timeout=HANG_GUARD_MS / 1000)
    assert job.returncode == 0, out
    return out


def assert_all_drawn(shown: list[dict], at_least: int) -> None:
    assert len(shown) >= at_least, shown
    for fig in shown:
        assert fig["traces"] > 0 and fig["drawn"] > 0, fig
        if fig["title"].startswith("Cumulative snapshot growth"):
            assert fig["xtype"] == "date", fig
            assert fig["xticks"] and all(DATE_TICK.search(t) for t in fig["xticks"] if t), fig["xticks"]


@pytest.fixture
def pages(world, request):
    """New pages; on a failure each one's screenshot is saved beside the JupyterLab log for the person debugging."""
    made = []

    def new_page():
        made.append(world["browser"].new_page())
        return made[-1]

    yield new_page
    failed = getattr(request.node, "rep_call", None)
    for i, page in enumerate(made):
        if failed is None or failed.failed:
            page.screenshot(path=str(world["root"] / f"{request.node.name}-{i}.png"))
        page.close()


def open_offline(page, path: Path):
    refused = block_network(page)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, refused


def test_html_report_draws_every_figure_offline(world, pages):
    out = finished(subprocess.Popen(
        [str(Path(sys.executable).with_name("snapshot-explorer")), "report", "--demo", "--output",
         str(world["root"] / "report.html")], env=private_env(world["root"] / "report-env"), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True))
    assert "DEMO DATA" in out
    page, refused = open_offline(pages(), world["root"] / "report.html")
    # Every figure the page holds (one div each; a report over several locations holds more) has drawn.
    page.wait_for_function("() => { const gds = [...document.querySelectorAll('.plotly-graph-div')];"
                           " return gds.length >= 4 && gds.every(gd => (gd._fullData || []).length > 0); }")
    assert_all_drawn(figures(page), page.locator(".plotly-graph-div").count())
    assert refused == []  # it asked for nothing from the network
    assert "DEMO DATA" in page.inner_text("body")
