"""The headless layers never load a UI library (harlequin-style layering check)."""

from __future__ import annotations

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
