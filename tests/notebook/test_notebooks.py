"""Each notebook runs top to bottom in a fresh kernel (nbclient) on the demo, without network."""

from __future__ import annotations

import json
import re
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


def saved_retention_whatif(nb) -> tuple[str, str, dict]:
    """(summary HTML, plan table HTML, bar trace) of the what-if cell's widget, as the executed notebook saved it."""
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    cell = next(c for c in nb.cells if c.cell_type == "code" and "retention_whatif(inv)" in c.source)
    view = next(o for o in cell.outputs if WIDGET_VIEW in o.get("data", {}))
    box = state[view["data"][WIDGET_VIEW]["model_id"]]["state"]
    children = [state[ref.removeprefix("IPY_MODEL_")] for ref in box["children"]]
    htmls = [c["state"]["value"] for c in children if c["model_name"] == "HTMLModel"]
    chart = next(c for c in children if c["model_name"] == "AnyModel")["state"]  # plotly's FigureWidget
    bars = chart["_widget_data"][0] if chart["_widget_data"] else {}
    return next(h for h in htmls if h.startswith("<b>Deletes")), next(h for h in htmls if "kept because" in h), bars


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
    if name == "storage_cost.ipynb":  # the retention what-if: bytes and money saved, bars per drive, the plan
        summary, table, bars = saved_retention_whatif(nb)
        assert re.search(r"frees <b>[\d.,]+ [KMGTP]?i?B</b>; saves now <b>[\d.,<]+ [A-Z]{3}</b>/month", summary)
        assert bars.get("type") == "bar" and len(bars["x"]) == len(bars["meta"]["drive_uuids"]) > 0
        assert table.count("<tr>") > 1 and "<td><b>delete</b></td>" in table


@pytest.mark.parametrize("name", ["snapshot_growth.ipynb", "storage_cost.ipynb"])
def test_notebook_is_saved_without_outputs(name):
    raw = json.loads((NOTEBOOKS / name).read_text())
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
