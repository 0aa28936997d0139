"""Cost vocabulary, owners and the filter language at scale: the data-layer steps `cost` and the TUI run per load.

Run:  .venv/bin/python benchmarks/bench_cost.py [--sizes 10000 100000] [--repeat 3]

A fabricated inventory (tests/tui/factory.py: five drives, snapshot sizes and ages drawn
by seed) gets an `owner` in its drives' meta and in the meta of every third snapshot, so
the owner rule parses real JSON. Each step is the best of `--repeat` runs. Targets (the
TUI prepares in a thread, `cost` runs once): everything under a second at 100k snapshots.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import best  # noqa: E402

from explorer.data.cost import snapshot_costs  # noqa: E402
from explorer.data.cost_report import build_cost_report, cost_json_text  # noqa: E402
from explorer.data.owners import owner_column, owner_costs  # noqa: E402
from explorer.data.query import parse_query, query_frame  # noqa: E402
from tests.tui.factory import make_inventory  # noqa: E402

QUERY = "size>1GiB age>30d -tag:keep owner:ops cost>0.1"


def fabricate(n: int):
    inv = make_inventory(n)
    owners = ["ops", "web-team", "data", "ml", "finance"]
    inv.drives["meta"] = [json.dumps({"owner": owners[i]}) for i in range(len(inv.drives))]
    inv.snapshots["meta"] = [json.dumps({"owner": "ops", "ticket": f"OPS-{i}"}) if i % 3 == 0 else m
                             for i, m in enumerate(inv.snapshots["meta"])]
    return inv


def _steps(inv) -> list:
    frame = query_frame(inv)
    query = parse_query(QUERY)
    return [
        lambda: snapshot_costs(inv),
        lambda: owner_column(inv.snapshots, inv.drives),
        lambda: query_frame(inv),
        lambda: query.mask(frame),
        lambda: owner_costs(inv),
        lambda: build_cost_report(inv),
        lambda: cost_json_text(build_cost_report(inv)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| snapshots | snapshot_costs | owner_column | query_frame | mask (5 terms) | owner_costs | "
          "build_cost_report | cost JSON |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        steps = _steps(fabricate(n))
        cells = [f"{best(step, args.repeat) * 1000:,.0f} ms" for step in steps]
        print(f"| {n:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
