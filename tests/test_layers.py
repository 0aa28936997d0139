"""The headless layers never load a UI library (harlequin-style layering check)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEADLESS = [
    "explorer.errors",
    "explorer.client",
    "explorer.emulator",
    "explorer.data",
    "explorer.config",
    "explorer.session",
]
UI_MODULES = ("textual", "ipywidgets", "plotly")


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_loads_no_ui(module):
    code = (
        f"import sys, {module}\n"
        f"bad = [m for m in {UI_MODULES!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"


@pytest.mark.parametrize("module", ["explorer.tui", "explorer.notebook"])
def test_front_ends_do_not_import_httpx_directly(module):
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent / module.replace(".", "/")
    offenders = [
        str(p) for p in root.rglob("*.py") if "import httpx" in p.read_text() or "from httpx" in p.read_text()
    ]
    assert offenders == []


@pytest.mark.parametrize("module", ["explorer.tui.app", "explorer.tui.main", "explorer.tui.screens.preview",
                                    "explorer.data.preview", "explorer.config", "explorer.cli"])
def test_the_launch_preview_path_imports_no_pandas_numpy_pyarrow_or_httpx(module):
    # The launch preview is drawn before these are imported (in a thread, once it is on screen); the settings it
    # reads first need only `explorer.client.secret` and `.regions`, not the client (httpx).
    code = (
        f"import sys, {module}\n"
        "print(','.join(m for m in ('pandas', 'numpy', 'pyarrow', 'httpx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"


def test_the_launch_up_to_the_preview_read_imports_no_pandas_or_httpx(tmp_path):
    # What `snapshot-explorer` does before its first frame: parse the flags, read the settings (the demo: no
    # credentials anywhere), look for the cache's preview. The parser once imported pandas for the prune flags
    # (0.35 s), the demo's slot names httpx through explorer.session (0.1 s).
    code = (
        "import sys\n"
        "from explorer.cli import build_parser\n"
        "from explorer.config import load_locations_settings\n"
        "from explorer.tui.main import _launch_preview\n"
        "_launch_preview(load_locations_settings(build_parser().parse_args(['tui'])))\n"
        "print(','.join(m for m in ('pandas', 'numpy', 'pyarrow', 'httpx') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDSIGMA_", "SNAPSHOT_EXPLORER_"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "", f"the launch imports {out.stdout.strip()} before its first frame"
