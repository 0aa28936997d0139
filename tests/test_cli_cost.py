"""`snapshot-explorer cost` and `export --filter` as a user runs them: the real console script in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.client import CloudSigmaClient
from explorer.data.load import load_inventory
from explorer.data.units import money
from explorer.emulator import running_emulator

SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))
ACCOUNT_KEYS = ["snapshot_bytes", "value_at_subscription", "burst_now_from_snapshots", "at_burst_price"]
TYPE_KEYS = ["resource", "subscribed_bytes", "used_bytes", "burst_bytes", "snapshot_bytes", "burst_level",
             "value_at_subscription", "burst_now_from_snapshots"]
DRIVE_KEYS = ["uuid", "name", "storage_type", "snapshots", "snapshot_bytes", "value_at_subscription",
              "burst_now_from_snapshots"]
OWNER_KEYS = ["owner", "snapshots", "snapshot_bytes", "value_at_subscription", "burst_now_from_snapshots"]


@pytest.fixture(scope="module")
def fleet():
    with running_emulator(seed=5, drives=6, snapshots=40) as handle:
        yield handle


@pytest.fixture(scope="module")
def inventory(fleet):
    """The same account loaded in-process, to compare the command's output with."""
    with CloudSigmaClient(fleet.url, username=fleet.username, password=fleet.password) as client:
        return load_inventory(client)


@pytest.fixture(scope="module")
def run(fleet, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDSIGMA_")}
    env.update(CLOUDSIGMA_API_ENDPOINT=fleet.url, CLOUDSIGMA_USERNAME=fleet.username,
               CLOUDSIGMA_PASSWORD=fleet.password, HOME=str(tmp_path),
               SNAPSHOT_EXPLORER_DATA_DIR=str(tmp_path / "data"))

    def run(*args: str) -> subprocess.CompletedProcess:
        out = subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=120)
        assert fleet.password not in out.stdout + out.stderr
        return out

    return run


def _json(run, *args):
    out = run("cost", "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def doc(run):
    """`cost --format json` of the whole account (read by several tests: one load)."""
    return _json(run)


def test_cost_json_has_exactly_the_documented_shape(doc, fleet):
    assert list(doc) == ["currency", "source", "account", "storage_types", "drives", "owners",
                         "totals", "locations", "failures"]  # the last three added for several locations
    assert [t["currency"] for t in doc["totals"]] == ["EUR"] and doc["failures"] == []
    assert doc["currency"] == "EUR"
    assert list(doc["source"]) == ["endpoint", "demo", "loaded_at"] and doc["source"]["endpoint"] == fleet.url
    assert doc["source"]["demo"] is False and doc["source"]["loaded_at"].endswith("Z")
    assert list(doc["account"]) == ACCOUNT_KEYS
    assert all(list(t) == TYPE_KEYS for t in doc["storage_types"]) and doc["storage_types"]
    assert all(list(d) == DRIVE_KEYS for d in doc["drives"]) and doc["drives"]
    assert all(list(o) == OWNER_KEYS for o in doc["owners"]) and doc["owners"][-1]["owner"] == "unattributed"
    for entry in [doc["account"], *doc["storage_types"], *doc["drives"], *doc["owners"]]:
        assert all(isinstance(v, int) and not isinstance(v, bool) for k, v in entry.items() if k.endswith("_bytes"))
        assert all(isinstance(entry[k], float | int) for k in ("value_at_subscription", "burst_now_from_snapshots"))


def test_drives_owners_and_storage_types_add_up_to_the_account(doc, inventory):
    account = doc["account"]
    assert account["snapshot_bytes"] == int(inventory.snapshots["allocated_size"].fillna(0).sum())
    for part in ("storage_types", "drives", "owners"):
        assert sum(e["snapshot_bytes"] for e in doc[part]) == account["snapshot_bytes"], part
        for money_key in ("value_at_subscription", "burst_now_from_snapshots"):
            assert sum(e[money_key] for e in doc[part]) == pytest.approx(account[money_key]), (part, money_key)
    assert sum(d["snapshots"] for d in doc["drives"]) == len(inventory.snapshots)
    # deleting every snapshot cannot save more than every byte at the burst price
    assert account["burst_now_from_snapshots"] <= account["at_burst_price"]


def test_the_table_shows_the_json_figures_with_their_basis(run, doc):
    out = run("cost")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for label, key in (("value at subscription price", "value_at_subscription"),
                       ("burst now from snapshots", "burst_now_from_snapshots"),
                       ("at burst price, if none of it were subscribed", "at_burst_price")):
        line = next(x for x in lines if x.strip().startswith(label))
        assert line.rstrip().endswith(f"{money(doc['account'][key], 'EUR')}/month"), line
    owners_at = next(i for i, x in enumerate(lines) if x.startswith("By owner (meta key 'owner'"))
    owner_rows = [x.split()[0] for x in lines[owners_at + 3:] if x.strip()]
    assert owner_rows == [o["owner"] for o in doc["owners"]]


def test_csv_is_the_drive_table(run, doc):
    out = run("cost", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == [*DRIVE_KEYS, "currency"]
    assert [r["uuid"] for r in rows] == [d["uuid"] for d in doc["drives"]]
    assert {r["currency"] for r in rows} == {"EUR"}
    assert [int(r["snapshot_bytes"]) for r in rows] == [d["snapshot_bytes"] for d in doc["drives"]]
    assert [float(r["value_at_subscription"]) for r in rows] == pytest.approx(
        [d["value_at_subscription"] for d in doc["drives"]])


def test_cost_filter_covers_only_the_matching_snapshots(run, inventory):
    query = "size>1GiB -tag:keep"
    want = inventory.where(query)
    assert 0 < len(want) < len(inventory.snapshots)
    doc = _json(run, "--filter", query)
    assert sum(d["snapshots"] for d in doc["drives"]) == len(want)
    assert doc["account"]["snapshot_bytes"] == int(want["allocated_size"].sum())
    table = run("cost", "--filter", query).stdout
    assert f"Filter: {query} ({len(want):,} of {len(inventory.snapshots):,} snapshots)" in table
    assert "if deleted: Deleting" in table


def test_owner_key_and_owner_tag(run, inventory):
    by_env = _json(run, "--owner-key", "environment")
    used = inventory.drives[inventory.drives["snapshot_count"] > 0]
    envs = {json.loads(m)["environment"] for m in used["meta"]}
    assert {o["owner"] for o in by_env["owners"]} == envs | {"unattributed"}
    assert sum(o["snapshots"] for o in by_env["owners"]) == len(inventory.snapshots)
    # the snapshots' own tags come first: "backup-daily" on some, the rest from their drive's tags
    by_tag = _json(run, "--owner-tag", "BACKUP-")
    named = {o["owner"]: o["snapshots"] for o in by_tag["owners"]}
    tagged = int(inventory.snapshots["tags"].str.contains("backup-daily").sum())
    assert named == {"backup-daily": tagged, "unattributed": len(inventory.snapshots) - tagged} and tagged
    assert sum(o["snapshot_bytes"] for o in by_tag["owners"]) == by_tag["account"]["snapshot_bytes"]


@pytest.mark.parametrize(("args", "message"), [
    (["cost", "--filter", "size>10XB"], "unknown size unit 'XB'"),
    (["export", "--format", "csv", "--output", "x.csv", "--filter", "cost>1EUR"], "cost needs a plain amount"),
    (["cost", "--owner-key", " "], "--owner-key needs a meta key"),
])
def test_bad_filters_and_rules_fail_before_loading(run, args, message):
    out = run(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("snapshot-explorer: ") and message in out.stderr
    assert "loaded" not in out.stderr and "Traceback" not in out.stderr


def test_owner_key_and_owner_tag_exclude_each_other(run):
    out = run("cost", "--owner-key", "team", "--owner-tag", "team-")
    assert out.returncode == 2 and "not allowed with argument" in out.stderr


def test_export_filter_writes_only_the_matching_rows(run, inventory, tmp_path):
    path = tmp_path / "old.csv"
    out = run("export", "--format", "csv", "--output", str(path), "--filter", "age>1d size>1GiB")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(path.open()))
    want = inventory.where("age>1d size>1GiB")
    assert sorted(r["uuid"] for r in rows) == sorted(want["uuid"]) and rows
    assert f"wrote {len(want):,} snapshot{'s' if len(want) != 1 else ''} to {path} (csv)" in out.stderr
