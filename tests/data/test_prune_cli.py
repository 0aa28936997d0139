"""`snapshot-explorer prune` and `forecast` run as the real console script against the emulator over loopback."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.data.history import HistoryStore
from explorer.data.prune_log import prunes
from explorer.emulator import running_emulator

SCRIPT = str(Path(sys.executable).with_name("snapshot-explorer"))
RULES = ["--keep-daily", "3", "--keep-weekly", "2", "--keep-tag", "keep"]
HANG_GUARD = 120.0  # seconds; only against a hang, never waited out when things work


@pytest.fixture
def account(monkeypatch):
    with running_emulator(seed=5, drives=6, snapshots=60) as handle:
        monkeypatch.setenv("CLOUDSIGMA_API_ENDPOINT", handle.url)
        monkeypatch.setenv("CLOUDSIGMA_USERNAME", handle.username)
        monkeypatch.setenv("CLOUDSIGMA_PASSWORD", handle.password)
        yield handle


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, *args], input=stdin, capture_output=True, text=True, timeout=HANG_GUARD,
                          env=os.environ.copy())


def uuids(handle) -> set[str]:
    with handle.state.lock:
        return set(handle.state.accounts[handle.username].snapshots.objs)


def test_dry_run_json_is_the_documented_shape_and_deletes_nothing(account):
    before = uuids(account)
    r = cli("prune", *RULES, "--format", "json")
    assert r.returncode == 0, r.stderr
    plan = json.loads(r.stdout)
    assert set(plan) == {"now", "rules", "delete", "keep", "totals", "drives"}
    assert plan["rules"] == {"keep_daily": 3, "keep_weekly": 2, "keep_tag": ["keep"]}
    assert plan["now"].endswith("+00:00")
    assert all(set(d) == {"uuid", "name", "drive_uuid", "kind", "timestamp", "allocated_size"} for d in plan["delete"])
    assert all(set(k) == {"uuid", "reasons"} and k["reasons"] for k in plan["keep"])
    assert {r for k in plan["keep"] for r in k["reasons"]} <= {"daily", "weekly", "tag", "newest"}
    totals = plan["totals"]
    assert set(totals) == {"delete_count", "bytes_freed", "saves_now", "value_at_subscription"}
    assert totals["delete_count"] == len(plan["delete"]) > 0
    assert totals["bytes_freed"] == sum(d["allocated_size"] for d in plan["delete"])
    assert sum(d["deleted"] for d in plan["drives"]) == totals["delete_count"]
    assert sum(d["saves_now"] for d in plan["drives"]) == pytest.approx(totals["saves_now"])
    assert len(plan["keep"]) + len(plan["delete"]) == 60  # every snapshot of the fleet is available
    assert uuids(account) == before
    assert account.password not in r.stdout + r.stderr


def test_table_names_its_money_and_says_it_was_a_dry_run(account):
    r = cli("prune", *RULES, "--drive", "web-01 root")
    assert r.returncode == 0, r.stderr
    assert "Money per 30-day month in EUR" in r.stdout and "Dry run: nothing was deleted" in r.stdout
    assert [line.split()[0] for line in r.stdout.splitlines()[4:-3]] == ["web-01"]


@pytest.mark.parametrize("args, message", [
    ([], "no retention rule given"),
    (["--keep-daily", "0"], "--keep-daily needs a positive number"),
    (["--keep-within", "2 months"], "--keep-within needs a positive duration"),
    (["--keep-last", "1", "--apply", "--offline"], "cannot work from the offline cache"),
    (["--keep-last", "1", "--apply", "--read-only"], "--read-only refuses it"),
    (["--keep-last", "1", "--drive", "no-such-drive"], "no drive has that name or uuid"),
    (["--keep-last", "1", "--filter", "size>lots"], "size"),
])
def test_bad_requests_are_one_clear_line(account, args, message):
    r = cli("prune", *args)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_apply_deletes_exactly_the_plan_after_typing_the_count_and_records_it(account):
    plan = json.loads(cli("prune", *RULES, "--format", "json").stdout)
    planned = {d["uuid"] for d in plan["delete"]}
    before = uuids(account)
    r = cli("prune", *RULES, "--apply", stdin=f"{len(planned)}\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"Type {len(planned)} to delete {len(planned)} snapshots" in r.stderr
    assert uuids(account) == before - planned
    assert sum(line.startswith("deleted  ") for line in r.stdout.splitlines()) == len(planned)
    assert f"{len(planned)} deleted, 0 not deleted; recorded as prune #1" in r.stdout
    runs, items = prunes(HistoryStore())
    assert runs["deleted"].tolist() == [len(planned)] and set(items["uuid"]) == planned and items["ok"].all()


def test_apply_not_confirmed_deletes_nothing(account):
    before = uuids(account)
    r = cli("prune", *RULES, "--apply", stdin="yes\n")
    assert r.returncode == 1 and "Not confirmed: nothing was deleted." in r.stderr
    assert uuids(account) == before


def _until_prompt(proc: subprocess.Popen) -> str:
    """Read stderr until the confirmation prompt is shown (it has no newline), with a hang guard."""
    seen = b""
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + HANG_GUARD
    while b"anything else cancels): " not in seen:
        assert time.monotonic() < deadline and proc.poll() is None, seen.decode()
        if sel.select(timeout=1.0):
            seen += os.read(proc.stderr.fileno(), 4096)
    return seen.decode()


def _apply_with(account, between) -> tuple[int, str, list[str]]:
    """Run `prune --apply`, call `between(planned uuids)` while it waits for the count, then confirm."""
    plan = json.loads(cli("prune", *RULES, "--format", "json").stdout)
    planned = [d["uuid"] for d in plan["delete"]]
    proc = subprocess.Popen([SCRIPT, "prune", *RULES, "--apply"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=os.environ.copy())
    _until_prompt(proc)
    between(planned)
    out, _ = proc.communicate(f"{len(planned)}\n".encode(), timeout=HANG_GUARD)
    return proc.returncode, out.decode(), planned


def test_a_snapshot_deleted_elsewhere_meanwhile_is_reported_and_the_rest_deleted(account):
    import httpx

    gone: list[str] = []

    def delete_one(planned):
        gone.append(planned[0])
        r = httpx.delete(f"{account.url}snapshots/{planned[0]}/", auth=(account.username, account.password))
        assert r.status_code == 204

    code, out, planned = _apply_with(account, delete_one)
    assert code == 1  # not everything the plan named was deleted by this run
    assert "NOT DELETED  " in out and f"({gone[0]}): not found" in out
    assert not (set(planned) & uuids(account))
    assert f"{len(planned) - 1} deleted, 1 not deleted" in out
    _, items = prunes(HistoryStore())
    assert items.loc[~items["ok"], "uuid"].tolist() == gone


def test_server_errors_during_apply_are_reported_per_item_and_exit_nonzero(account):
    code, out, planned = _apply_with(account, lambda _: account.set_faults(error_rate=1.0))
    account.clear_faults()
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("NOT DELETED  ")]
    assert len(lines) == len(planned)
    assert len(uuids(account) & set(planned)) == len(planned)  # a 5xx deleted nothing


def test_forecast_json_is_the_documented_shape(account):
    r = cli("forecast", "--days", "30", "--format", "json")
    assert r.returncode == 0, r.stderr
    f = json.loads(r.stdout)
    assert set(f) == {"now", "days", "account", "drives", "quota", "storage_types"} and f["days"] == 30
    assert set(f["account"]) == {"bytes_now", "bytes_forecast", "bytes_low", "bytes_high", "count_now",
                                 "count_forecast", "backtest"}
    a = f["account"]
    assert a["bytes_low"] <= a["bytes_forecast"] <= a["bytes_high"] and a["count_now"] == 60
    assert set(a["backtest"]) == {"days", "relative_error"} and a["backtest"]["days"] == 30
    assert all(set(d) == {"uuid", "name", "kind", "bytes_now", "bytes_forecast", "bytes_low", "bytes_high"}
               for d in f["drives"])  # kind: a drive's backups (remote) are a row of their own
    assert {d["kind"] for d in f["drives"]} <= {"local", "remote"}
    assert set(f["quota"]) == {"current", "max", "eta"} and f["quota"]["current"] == 60
    assert all(set(s) == {"resource", "subscribed_bytes", "used_bytes", "eta_burst", "burst_cost_at_horizon"}
               for s in f["storage_types"])
    assert {s["resource"]: s["eta_burst"] for s in f["storage_types"]}["dssd"] == f["now"]  # bursting already


def test_forecast_refuses_a_bad_horizon(account):
    r = cli("forecast", "--days", "0")
    assert r.returncode == 2 and "--days needs a whole number of days" in r.stderr


def test_filter_limits_the_scope_to_matching_snapshots(account):
    with account.state.lock:
        acct = account.state.accounts[account.username]
        keep_tag = next(t["uuid"] for t in acct.tags if t["name"] == "keep")
        untagged = {s["uuid"] for s in acct.snapshots if keep_tag not in {t["uuid"] for t in s["tags"]}}
    assert 0 < len(untagged) < 60
    r = cli("prune", *RULES, "--filter=-tag:keep", "--format", "json")  # = : the value starts with -
    assert r.returncode == 0, r.stderr
    plan = json.loads(r.stdout)
    assert {d["uuid"] for d in plan["delete"]} | {k["uuid"] for k in plan["keep"]} == untagged
    assert not any("tag" in k["reasons"] for k in plan["keep"])  # the tagged ones are out of scope
