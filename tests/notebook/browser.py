"""Helpers for the browser tests: a private JupyterLab on loopback, headless Chromium, and page probes."""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

CHROMIUM = os.environ.get("EXPLORER_CHROMIUM", "/usr/bin/chromium")
INSTALL_HINT = "apt-get update && apt-get install -y chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BIN = Path(sys.executable).parent
HANG_GUARD_MS = 240_000  # a hang guard only: every wait ends on the event it waits for


def chromium_present() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def private_env(root: Path) -> dict[str, str]:
    """An environment whose Jupyter, IPython and explorer state all live under `root` (never the user's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDSIGMA_", "JUPYTER_", "JPY_"))}
    home = root / "home"
    for sub in ("home", "jupyter-config", "jupyter-data", "jupyter-runtime", "ipython", "lab-settings",
                "lab-workspaces", "explorer-data"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    env.update({
        "HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share"), "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"), "JUPYTER_CONFIG_DIR": str(root / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(root / "jupyter-data"), "JUPYTER_RUNTIME_DIR": str(root / "jupyter-runtime"),
        "IPYTHONDIR": str(root / "ipython"), "SNAPSHOT_EXPLORER_DATA_DIR": str(root / "explorer-data"),
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    })
    # No news or update toasts over the notebook.
    settings = root / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    # The notebooks name the python3 kernel: start it as a person ticking "always start the preferred kernel" would.
    tracker = root / "lab-settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    # Every cell stays rendered (not only those scrolled into view), so every chart draws where a test can see it.
    (tracker / "tracker.jupyterlab-settings").write_text('{"autoStartDefaultKernel": true, "windowingMode": "none"}')
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(root: Path, notebooks: Path):
    """JupyterLab serving a copy of `notebooks` under `root`; yields (base url, token)."""
    work = root / "work"
    shutil.copytree(notebooks, work)
    env = private_env(root)
    token = secrets.token_hex(16)
    port = free_port()
    cmd = [str(BIN / "jupyter-lab"), "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
           f"--LabApp.user_settings_dir={root / 'lab-settings'}", f"--LabApp.workspaces_dir={root / 'lab-workspaces'}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (root / "lab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump():
        for line in proc.stdout:
            log.write(line)
            log.flush()
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        while True:  # the server says when it listens
            line = lines.get(timeout=HANG_GUARD_MS / 1000)
            if line is None:
                raise RuntimeError(f"JupyterLab exited: see {root / 'lab.log'}")
            if f"127.0.0.1:{port}/lab" in line:
                break
        yield f"http://127.0.0.1:{port}", token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def chromium(root: Path):
    """A headless Chromium (Debian's, driven by Playwright) with a fresh profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(root / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(HANG_GUARD_MS)
        try:
            yield context
        finally:
            context.close()


def block_network(page) -> list[str]:
    """Refuse every request that is not a file:// one; returns the list of refused URLs."""
    refused: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return refused


#: Per visible plotly graph div: its title, trace count, drawn trace groups, x axis type, x tick labels, width.
FIGURES_JS = """
() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd.offsetParent !== null && !gd.closest('.explorer-static-copy[hidden]'))
  .map(gd => ({
    title: (gd.layout && gd.layout.title && gd.layout.title.text) || '',
    traces: (gd._fullData || []).length,
    drawn: gd.querySelectorAll('.trace').length,
    xtype: gd._fullLayout && gd._fullLayout.xaxis ? gd._fullLayout.xaxis.type : null,
    ytype: gd._fullLayout && gd._fullLayout.yaxis ? gd._fullLayout.yaxis.type : null,
    ytitle: gd._fullLayout && gd._fullLayout.yaxis && gd._fullLayout.yaxis.title
      ? gd._fullLayout.yaxis.title.text : null,
    xticks: [...gd.querySelectorAll('.xtick text')].map(t => t.textContent),
    x0: String(((gd._fullData || [])[0] || {}).x?.[0] ?? ''),
    width: gd.getBoundingClientRect().width,
    area: (gd.closest('.jp-OutputArea-output') || document.body).getBoundingClientRect().width,
    box: (gd.closest('.explorer-live-chart') ? gd.closest('.explorer-live-chart').parentElement
          : gd.closest('.jp-OutputArea-output') || document.body).getBoundingClientRect().width,
    static: !!gd.closest('.explorer-static-copy'),
  }))
"""


def figures(page) -> list[dict]:
    return page.evaluate(FIGURES_JS)


# ----- JupyterLab, driven as a person would: open a notebook, Run > Run All Cells, wait for what is drawn ---------

#: Code cells' prompts: "[ ]:" before, "[*]:" while queued or running, "[3]:" once run.
ALL_RUN_JS = """
() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .map(e => e.textContent.trim());
  const idle = document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]');
  return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t)) && !!idle;
}
"""

#: Every widget output has drawn (no "Loading widget..."), every live chart has drawn, every plotly graph has traces.
ALL_DRAWN_JS = """
() => {
  const views = [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]')];
  if (views.some(v => v.children.length === 0)) return false;
  const charts = [...document.querySelectorAll('.explorer-live-chart')];
  if (charts.some(c => c.dataset.chart !== 'drawn' && c.dataset.chart !== 'failed')) return false;
  const graphs = [...document.querySelectorAll('.js-plotly-plot')]
    .filter(gd => gd.offsetParent !== null && !gd.closest('.explorer-static-copy'));
  return graphs.every(gd => (gd._fullData || []).length > 0 && gd.querySelectorAll('.trace').length > 0);
}
"""


def open_notebook(context, base: str, token: str, name: str, *, init_script: str | None = None):
    """A new tab with `name` open in its own JupyterLab workspace, its kernel started and idle.

    `init_script` runs in the page before JupyterLab does (e.g. to make the page behave as a busier one would).
    """
    page = context.new_page()
    if init_script:
        page.add_init_script(init_script)
    page.console = []  # what the page logged: a failing widget says why here
    page.on("console", lambda m: page.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.console.append(f"pageerror: {e}"))
    workspace = Path(name).stem.replace("_", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_selector(".jp-StatusBar-TextItem:has-text('Idle')")  # the kernel is up and connected
    return page


def run_all_cells(page) -> None:
    """Run > Run All Cells from the menu bar, then wait until every code cell has run and the kernel is idle."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    page.wait_for_function(ALL_RUN_JS)
    page.wait_for_function(ALL_DRAWN_JS)


def cell_outputs(page) -> list[dict]:
    """Each output's MIME type and text, in order."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output')].map(o => ({
        mime: o.dataset.mimeType || '', text: o.innerText.slice(0, 2000)}))""")
