"""`prune` (dry run) over two locations, run as the real console script against two emulators on loopback.

Each location is planned and costed on its own: a table section per location in its own currency, JSON
entries naming their location and totals per currency (never one money figure across currencies); one
location's output stays as it always was.
"""

from __future__ import annotations

import json
import re

import pytest

from explorer.emulator import running_emulator
from tests.test_cli_locations import _runner, _section

RULES = ("--keep-last", "2", "--keep-daily", "3")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    # the same seed: the same uuids at both locations, told apart by their location
    with running_emulator(location="ZRH", seed=3, drives=5, snapshots=30) as zrh, \
            running_emulator(location="FRA", seed=3, drives=5, snapshots=30) as fra:
        both = _runner(tmp_path_factory, _section("ZRH", zrh) + _section("FRA", fra))
        both.one = _runner(tmp_path_factory, _section("FRA", fra))
        yield both


@pytest.fixture(scope="module")
def doc(run):
    done = run("prune", *RULES, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_json_names_each_items_location_and_totals_each_currency(doc, run):
    deletes = {code: {d["uuid"] for d in doc["delete"] if d["location"] == code} for code in ("ZRH", "FRA")}
    assert deletes["ZRH"] and deletes["FRA"] and all("location" in k for k in doc["keep"])
    by_cur = {t["currency"]: t for t in doc["totals_by_currency"]}
    assert [t["currency"] for t in doc["totals_by_currency"]] == ["CHF", "EUR"]
    assert by_cur["CHF"]["locations"] == ["ZRH"] and by_cur["EUR"]["locations"] == ["FRA"]
    for cur, code in (("CHF", "ZRH"), ("EUR", "FRA")):
        drives = [d for d in doc["drives"] if d["location"] == code]
        assert {d["currency"] for d in drives} == {cur}
        assert by_cur[cur]["delete_count"] == len(deletes[code]) == sum(d["deleted"] for d in drives)
        assert by_cur[cur]["bytes_freed"] == sum(d["bytes_freed"] for d in drives)
        assert by_cur[cur]["value_at_subscription"] == pytest.approx(sum(d["value_at_subscription"] for d in drives))
    # counts and bytes add up across locations; money does not (two currencies)
    assert doc["totals"]["delete_count"] == len(doc["delete"]) == sum(t["delete_count"] for t in by_cur.values())
    assert doc["totals"]["saves_now"] is None and doc["totals"]["value_at_subscription"] is None
    assert set(doc) >= {"now", "rules", "delete", "keep", "totals", "drives"}  # the issue's shape, kept


def test_one_location_json_is_the_issues_shape_unchanged(doc, run):
    done = run.one("prune", *RULES, "--format", "json")
    assert done.returncode == 0, done.stderr
    one = json.loads(done.stdout)
    assert set(one) == {"now", "rules", "delete", "keep", "totals", "drives"}
    assert all("location" not in d for d in one["delete"]) and isinstance(one["totals"]["saves_now"], float)
    # FRA alone plans exactly what FRA's part of the two-location plan does
    assert {d["uuid"] for d in one["delete"]} == {d["uuid"] for d in doc["delete"] if d["location"] == "FRA"}
    assert one["totals"]["value_at_subscription"] == pytest.approx(
        next(t for t in doc["totals_by_currency"] if t["currency"] == "EUR")["value_at_subscription"])


def test_table_has_a_section_per_location_in_its_own_currency(doc, run):
    done = run("prune", *RULES)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    zrh, fra = out.split("=== Location ZRH (CHF) ===")[1].split("=== Location FRA (EUR) ===")
    assert "CHF" in zrh and "EUR" not in zrh and "EUR" in fra.split("Dry run")[0] and "CHF" not in fra
    for code, section in (("ZRH", zrh), ("FRA", fra)):
        total = next(line for line in section.splitlines() if line.startswith("total "))
        assert int(total.split()[2]) == sum(d["location"] == code for d in doc["delete"]), total
    count = len(doc["delete"])
    assert re.search(rf"Dry run: nothing was deleted\. Add --apply to delete these {count} snapshots\.", out)
