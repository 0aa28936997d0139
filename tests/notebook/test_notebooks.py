"""Each notebook runs top to bottom in a fresh kernel (nbclient) on the demo, without network."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def kernel_name() -> str:
    """The venv's own python3 kernel: the one whose interpreter has the explorer installed."""
    specs = KernelSpecManager().get_all_specs()
    assert "python3" in specs, "no python3 kernelspec; install ipykernel in the venv"
    return "python3"  # jupyter_client runs a spec whose argv starts with "python" on sys.executable


def outputs_of(nb, kind: str) -> list[dict]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == kind]


def text_of(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", ""))
            parts.append(o.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["snapshot_growth.ipynb", "storage_cost.ipynb"])
def test_notebook_runs_top_to_bottom_on_the_demo(name, tmp_path):
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel_name(), timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell's traceback, on any failure

    assert outputs_of(nb, "error") == []
    assert "demo=True" in text_of(nb)
    views = [o for o in outputs_of(nb, "display_data") + outputs_of(nb, "execute_result") if WIDGET_VIEW in o["data"]]
    assert len(views) >= 2  # the loading bar and at least one dashboard rendered as live widgets


@pytest.mark.parametrize("name", ["snapshot_growth.ipynb", "storage_cost.ipynb"])
def test_notebook_is_saved_without_outputs(name):
    raw = json.loads((NOTEBOOKS / name).read_text())
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
