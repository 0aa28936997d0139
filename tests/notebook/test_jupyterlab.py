"""Both notebooks in a real JupyterLab, driven by headless Chromium as a person would; and their HTML export offline.

A private JupyterLab (loopback, random port, a token, a temp root holding copies of notebooks/) opens each
notebook, Run > Run All Cells runs it, and the test reads what is drawn: no error output, every chart drawn with
traces, dates on the time axes, and controls that change their chart (keys and clicks only). With
EXPLORER_SCREENSHOTS=DIR set, the dashboards' screenshots are saved there (README's: docs/img).
Without Chromium these tests do not run and the session says so in one line (tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from explorer.notebook.live import _bundle
from tests.notebook.browser import (
    ALL_DRAWN_JS,
    HANG_GUARD_MS,
    block_network,
    cell_outputs,
    chromium,
    figures,
    jupyter_lab,
    open_notebook,
    private_env,
    run_all_cells,
)

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
DATE_TICK = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|\b20\d\d\b)")
TIME_VALUE = re.compile(r"^\d{4}-\d\d-\d\d|^\d{17,}")  # an ISO time, or nanoseconds since 1970 sent as a number
PLOTLYJS_SIGNATURE = "* plotly.js v"
#: The start of plotly's widget bundle, which the live charts' saved state carries (JSON-escaped, this part reads
#: the same): one shared model holds it, so an export carries it once however many charts it has.
WIDGET_BUNDLE_SIGNATURE = _bundle()[:48]
SCREENSHOTS = {"snapshot_growth.ipynb": "notebook-growth.png", "storage_cost.ipynb": "notebook-cost.png"}

#: The one plotly graph of a locator's live chart, as a person reads it.
CHART_JS = """
gd => ({
  title: (gd._fullLayout.title && gd._fullLayout.title.text) || '',
  ytype: gd._fullLayout.yaxis.type,
  ytitle: (gd._fullLayout.yaxis.title && gd._fullLayout.yaxis.title.text) || '',
  xticks: [...gd.querySelectorAll('.xtick text')].map(t => t.textContent),
  traces: gd._fullData.map(t => ({name: t.name, meta: t.meta || {}, y: t.y ? [...t.y] : []})),
  drawn: gd.querySelectorAll('.trace').length,
})
"""


#: anywidget gives each model 2 s to start, then drops every message to it: here every model misses that window,
#: as on a page busy for longer (the cost dashboard's charts must still redraw).
MISSED_START_JS = """
(() => {
  const timeout = AbortSignal.timeout.bind(AbortSignal);
  AbortSignal.timeout = (ms) => timeout(ms === 2000 ? 0 : ms);
})();
"""
MISSED_START = "pageerror: [anywidget] Failed to initialize model."
#: JupyterLab's note that a plugin was slow to start (on a busy machine, anywidget's): slowness, not trouble.
SLOW_PLUGIN = re.compile(r"warning: Plugin \S+ (\(with \d+ dependants?\) took [\d.]+ms|is taking too long) "
                         r"to activate\.")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module (Playwright's sync API runs one at a time in a process)."""
    root = tmp_path_factory.mktemp("chromium")
    with chromium(root) as context:
        yield context


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    root = tmp_path_factory.mktemp("jupyterlab")
    with jupyter_lab(root, NOTEBOOKS) as (base, token):
        yield SimpleNamespace(base=base, token=token, browser=browser, root=root)


def assert_ran_cleanly(page) -> None:
    outputs = cell_outputs(page)
    assert outputs, "no cell showed anything"
    errors = [o for o in outputs if o["mime"] == "application/vnd.jupyter.stderr" or "error" in o["mime"]
              or "Error displaying widget" in o["text"] or "Traceback" in o["text"]]
    assert errors == []
    assert "DEMO DATA" in page.inner_text(".jp-Notebook")
    widget_trouble = [line for line in page.console if ("anywidget" in line.lower() or line.startswith("pageerror"))
                      and line != MISSED_START  # anywidget says so when a model starts late; it still works
                      and not SLOW_PLUGIN.fullmatch(line)]
    assert widget_trouble == []


def assert_every_chart_drawn(page) -> list[dict]:
    assert page.evaluate(ALL_DRAWN_JS)
    states = page.evaluate("() => [...document.querySelectorAll('.explorer-live-chart')].map(e => e.dataset.chart)")
    assert states and set(states) == {"drawn"}, states
    shown = figures(page)
    live = [f for f in shown if not f["static"]]
    assert len(live) >= len(states), shown  # every live chart, and any figure shown by plotly's own renderer
    for fig in live:
        assert fig["traces"] > 0 and fig["drawn"] > 0, fig
        assert fig["width"] >= 0.95 * fig["box"], fig  # fills the width it is given
        if TIME_VALUE.match(fig["x0"]):
            assert fig["xtype"] == "date", fig
            ticks = [t for t in fig["xticks"] if t]
            assert ticks and all(DATE_TICK.search(t) for t in ticks), fig["xticks"]
    return live


def dashboard(page, text: str):
    """The output holding the first dashboard whose controls include `text`."""
    return page.locator(".jp-OutputArea-output").filter(has=page.locator(".explorer-live-chart")).filter(
        has_text=text).first


def chart(dash, title_starts: str):
    """The element handle of the dashboard's live plotly graph whose title starts with `title_starts`."""
    graphs = dash.locator(".explorer-live-chart.js-plotly-plot, .explorer-live-chart .js-plotly-plot")
    for handle in graphs.element_handles():
        if handle.evaluate(CHART_JS)["title"].startswith(title_starts):
            return handle
    raise AssertionError(f"no chart titled {title_starts!r}")


def wait_chart(page, gd, condition: str) -> dict:
    """Wait until `condition` (a JS expression over `c`, the chart as CHART_JS reads it) holds; return the chart."""
    page.wait_for_function(f"gd => {{ const c = ({CHART_JS})(gd); return c.drawn > 0 && ({condition}); }}", arg=gd)
    return gd.evaluate(CHART_JS)


def type_into_readout(slider, value: int) -> None:
    """Click the slider's number, replace it by `value` and press Enter, as a person edits it."""
    readout = slider.locator(".widget-readout")
    readout.click()
    readout.press("Control+a")
    readout.press_sequentially(str(value))
    readout.press("Enter")


def screenshot(page, dash, name: str, root: Path) -> None:
    """The dashboard's output as a PNG under the test's temp dir, and under $EXPLORER_SCREENSHOTS when set."""
    path = root / SCREENSHOTS[name]
    size = page.viewport_size
    height = dash.evaluate("e => e.getBoundingClientRect().height")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height) + 300)})
    # The notebook scrolls inside its own panel: wait until the whole dashboard is inside it.
    page.wait_for_function("""e => {
        e.scrollIntoView({block: 'start'});
        const r = e.getBoundingClientRect();
        const panel = (e.closest('.jp-WindowedPanel-outer') || document.documentElement).getBoundingClientRect();
        return r.height > 0 && r.top >= panel.top - 1 && r.bottom <= panel.bottom + 1;
    }""", arg=dash.element_handle())
    page.mouse.move(1, page.viewport_size["height"] - 1)  # no hover toolbar over a chart
    dash.screenshot(path=str(path))
    page.set_viewport_size(size)
    if os.environ.get("EXPLORER_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["EXPLORER_SCREENSHOTS"]) / path.name)


def test_growth_notebook_in_jupyterlab(lab):
    page = open_notebook(lab.browser, lab.base, lab.token, "snapshot_growth.ipynb")
    run_all_cells(page)
    assert_ran_cleanly(page)
    live = assert_every_chart_drawn(page)
    assert sum(f["title"].startswith("Cumulative snapshot growth") for f in live) >= 2  # both dashboards

    dash = dashboard(page, "scale")
    screenshot(page, dash, "snapshot_growth.ipynb", lab.root)
    gd = chart(dash, "Cumulative snapshot growth")
    before = wait_chart(page, gd, "c.ytype === 'linear'")
    assert before["ytitle"] == "snapshot storage (GiB)"

    dash.get_by_role("button", name="log", exact=True).click()
    wait_chart(page, gd, "c.ytype === 'log'")

    dash.get_by_role("button", name="snapshot count", exact=True).click()
    count = wait_chart(page, gd, "c.ytitle === 'snapshots'")
    assert count["ytype"] == "log"  # the scale chosen before stays

    drives = dash.locator("select[multiple]")
    first = drives.locator("option").first.inner_text()
    drives.select_option(label=first)  # one drive instead of ten
    one = wait_chart(page, gd, "c.traces.filter(t => t.meta.series === 'reconstructed').length === 1")
    assert [t["name"] for t in one["traces"] if t["meta"].get("series") == "reconstructed"] == [
        first.replace("\xa0", " ").split(" — ")[0]]
    assert_ran_cleanly(page)
    page.close()


def test_cost_notebook_in_jupyterlab(lab):
    page = open_notebook(lab.browser, lab.base, lab.token, "storage_cost.ipynb", init_script=MISSED_START_JS)
    run_all_cells(page)
    assert_ran_cleanly(page)
    assert_every_chart_drawn(page)
    assert MISSED_START in page.console  # every chart started late, as on a busy machine

    dash = dashboard(page, "subscribe GiB")
    screenshot(page, dash, "storage_cost.ipynb", lab.root)
    bars = chart(dash, "Monthly snapshot cost by drive")
    wait_chart(page, bars, "c.title.includes('value at subscription price (top 10)')")
    # The demo has two locations, shown one at a time (ZRH in CHF first): pick FRA, in EUR.
    burst = chart(dash, "nvme: burst")
    dash.locator(".widget-dropdown").filter(has_text="location").locator("select").select_option("FRA")
    wait_chart(page, burst, "c.title.includes('EUR/month')")

    for label in ("value at subscription price", "at burst price (if none subscribed)"):
        button = dash.get_by_role("button", name=label, exact=True)
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth"), f"{label!r} is cut"
    dash.get_by_role("button", name="at burst price (if none subscribed)").click()
    wait_chart(page, bars, "c.title.includes('at burst price')")

    type_into_readout(dash.locator(".widget-slider").filter(has_text="top N"), 3)
    top3 = wait_chart(page, bars, "c.title.endsWith('(top 3)')")
    assert len(top3["xticks"]) == 3

    # The what-if: subscribing more nvme lowers its burst cost.
    subscribe = dash.locator(".widget-slider").filter(has_text="subscribe GiB")
    now = int(subscribe.locator(".widget-readout").inner_text().replace(",", ""))
    type_into_readout(subscribe, now + 1000)
    what_if = wait_chart(page, burst, f"c.title.includes('with {now + 1000:,} GiB subscribed')")
    costs = re.search(r"burst ([\d,.]+) → ([\d,.]+)", what_if["title"])
    assert float(costs[2].replace(",", "")) < float(costs[1].replace(",", "")), what_if["title"]

    # Defect 2's sequence: switching to dssd shows dssd's current subscription, and the title claims no change.
    dash.locator(".widget-dropdown").filter(has_text="resource").locator("select").select_option("dssd")
    dssd = wait_chart(page, burst, "c.title.startsWith('dssd:')")
    shown = int(dash.locator(".widget-slider").filter(has_text="subscribe GiB").locator(".widget-readout")
                .inner_text().replace(",", ""))
    bars_now = next(t for t in dssd["traces"] if t["meta"].get("case") == "now")["y"]
    bars_what_if = next(t for t in dssd["traces"] if t["meta"].get("case") == "what-if")["y"]
    assert shown == round(bars_now[0]), (shown, bars_now)  # the slider shows what dssd has subscribed today
    assert bars_what_if == bars_now
    same = re.fullmatch(r"dssd: burst ([\d,.]+) → ([\d,.]+) EUR/month with ([\d,]+) GiB subscribed", dssd["title"])
    assert same and same[1] == same[2] and int(same[3].replace(",", "")) == shown, dssd["title"]
    assert_ran_cleanly(page)
    page.close()


@pytest.mark.parametrize("name", ["storage_cost.ipynb", "snapshot_growth.ipynb"])
def test_nbconvert_export_draws_every_chart_offline(browser, tmp_path, name):
    root = tmp_path
    work = root / "work"
    work.mkdir()
    shutil.copy(NOTEBOOKS / name, work / name)
    job = subprocess.run([str(Path(sys.executable).with_name("jupyter")), "nbconvert", "--to", "html", "--execute",
                          str(work / name)], env=private_env(root), cwd=work, capture_output=True, text=True,
                         timeout=HANG_GUARD_MS / 1000)
    assert job.returncode == 0, job.stderr
    exported = work / name.replace(".ipynb", ".html")
    text = exported.read_text()
    assert text.count(PLOTLYJS_SIGNATURE) == 1  # plotly.js embedded once
    assert text.count(WIDGET_BUNDLE_SIGNATURE) == 1  # and the live charts' widget bundle once, not once per chart
    page = browser.new_page()
    refused = block_network(page)
    page.goto(exported.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function("""() => { const gds = [...document.querySelectorAll('.plotly-graph-div')];
        return gds.length > 0 && gds.every(gd => (gd._fullData || []).length > 0 && gd.querySelector('.trace')); }""")
    copies = page.locator(".explorer-static-copy").count()
    assert copies >= 1  # each dashboard's static copy, shown where no kernel drives the widgets
    shown = figures(page)
    assert len(shown) == page.locator(".plotly-graph-div").count()
    assert sum(f["static"] for f in shown) >= copies
    assert all(f["traces"] > 0 and f["drawn"] > 0 for f in shown), shown
    assert "DEMO DATA" in page.inner_text("body")
    assert all(not url.startswith("file:") for url in refused)
    page.close()
