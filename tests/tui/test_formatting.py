"""One way to write sizes, ages and money: the TUI table, the detail pane, the report and the notebooks agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explorer.data import units
from explorer.notebook.widgets import gib, snapshot_table_html
from explorer.tui import formatting
from explorer.tui.view import SnapshotView
from explorer.tui.widgets.detail_pane import _cell
from tests.tui.factory import make_inventory

AMOUNTS = [0.0, 0.0042, 0.004213, 0.00001234, 0.01, 1.005, 3.14159, 999.994, 999.996, 1234.5, -0.003, None]
SIZES = [0, 1, 512, 1023, 1024, 1536, 2**20 - 1, 5 * 2**30 + 2**29, 3 * 2**40, 2**52, None]
AGES = [pd.Timedelta(seconds=s) for s in (-5, 0, 59, 60, 3599, 3600, 86399, 86400, 400 * 86400)] + [pd.NaT]


def test_the_tui_uses_the_data_layer_implementation():
    for name in ("human_bytes", "human_bytes_column", "human_age", "human_age_column", "money", "money_column"):
        assert getattr(formatting, name) is getattr(units, name)


def test_scalar_and_column_forms_agree():
    assert list(units.money_column(pd.Series(AMOUNTS, dtype="Float64"))) == [units.money_amount(a) for a in AMOUNTS]
    assert list(units.human_bytes_column(pd.Series(SIZES, dtype="Int64"))) == [units.human_bytes(s) for s in SIZES]
    assert list(units.human_age_column(pd.Series(AGES, dtype="timedelta64[ns]"))) == [units.human_age(a) for a in AGES]


def test_unknown_is_always_a_dash():
    assert units.money(None, "EUR") == units.money(float("nan"), "EUR") == units.money(pd.NA, "EUR") == "—"
    assert units.human_bytes(None) == units.human_bytes(pd.NA) == units.human_age(pd.NaT) == gib(np.nan) == "—"


@pytest.mark.parametrize(("amount", "text"), [(0.0042, "<0.01"), (0.00001234, "<0.01"), (0.0099, "<0.01"),
                                              (0, "0.00"), (0.01, "0.01"), (1234.5, "1,234.50"), (3.14159, "3.14"),
                                              (2_000_000, "2,000,000.00"), (-0.003, ">-0.01")])
def test_money_has_two_decimals_separators_and_no_false_zero(amount, text):
    assert units.money_amount(amount) == text and units.money(amount, "EUR") == f"{text} EUR"


def test_the_detail_pane_keeps_the_digits_below_a_cent():
    assert units.money_precise(0.0042, "EUR") == "0.004200 EUR"
    assert units.money_precise(0.00001234, "EUR") == "0.00001234 EUR"
    assert units.money_precise(3.14159, "EUR") == "3.14 EUR" and units.money_precise(None, "EUR") == "—"


def test_table_detail_pane_and_notebook_show_the_same_cost_and_size():
    inv = make_inventory(12)
    costs = pd.DataFrame({"uuid": inv.snapshots["uuid"],
                          "monthly_cost_subscription": pd.array([0.0042] * 12, dtype="Float64")})
    view = SnapshotView(inv.snapshots, costs)
    table = view.arrow(np.arange(len(view)), np.zeros(len(view), dtype=bool))
    assert set(table.column("cost").to_pylist()) == {"<0.01"}  # not 0.00
    assert _cell("monthly_cost_subscription", 0.0042, "EUR") == "0.004200 EUR"  # the detail pane: the digits
    size = int(inv.snapshots["allocated_size"].iloc[0])
    assert table.column("size")[0].as_py() == units.human_bytes(size) == gib(size)
    html = snapshot_table_html(inv.snapshots, title="t", costs=costs.set_index("uuid")["monthly_cost_subscription"],
                               currency="EUR")
    assert ">&lt;0.01<" in html and f">{units.human_bytes(size)}<" in html
