"""The retention what-if's bars: bytes on the axis, and each bar's money in its hover names currency and basis."""

from __future__ import annotations

import dataclasses

from explorer.data.locations import combine
from explorer.data.units import money
from explorer.notebook.retention import _per_month, retention_whatif


def _bars_state(w) -> dict:
    """The bar trace as the widget sends it (what a saved notebook keeps)."""
    (bars,) = w.figure.get_state()["_widget_data"]
    return bars


def test_each_bars_hover_names_the_currency_and_basis_of_its_money(inventory):
    w = retention_whatif(inventory)
    bars, layout = _bars_state(w), w.figure.get_state()["_widget_layout"]
    cur = w.totals.currency
    assert cur == "EUR" and len(bars["x"]) > 0
    top = w.per_drive[w.per_drive["bytes_freed"] > 0].sort_values(["bytes_freed", "drive_uuid"],
                                                                   ascending=[False, True]).head(20)
    for text, saves, value in zip(bars["hovertext"], top["saves_now"], top["value_at_subscription"], strict=True):
        assert f"saves now {_per_month(saves, cur)} (at today's usage and burst level)" in text, text
        assert f"value at subscription price {_per_month(value, cur)}" in text, text
        assert text.count(cur) == 2, text  # both figures name the currency, known or not
    assert "%{hovertext}" in bars["hovertemplate"] and "GiB freed" in bars["hovertemplate"]
    assert layout["yaxis"]["title"]["text"] == "GiB freed"  # the axis is bytes, not money
    assert f"{cur}/month" in layout["title"]["text"]


def test_unknown_money_is_a_dash_that_still_names_the_currency():
    assert _per_month(None, "CHF") == "— (no CHF price)"
    assert _per_month(1234.5, "CHF") == f"{money(1234.5, 'CHF')}/month" == "1,234.50 CHF/month"


def test_the_hover_follows_the_chosen_locations_currency(inventory):
    zrh = dataclasses.replace(inventory, location="ZRH", currency="USD")
    fra = dataclasses.replace(inventory, location="FRA", currency="EUR")
    w = retention_whatif(combine([zrh, fra]))
    for code, cur, other in (("ZRH", "USD", "EUR"), ("FRA", "EUR", "USD")):
        w.location.value = code
        # a control's change reaches the live chart as an update of its trace (the first state stays as sent)
        (bars,) = w.figure.data
        assert w.totals.currency == cur and len(bars.hovertext) > 0
        assert all(t.count(cur) == 2 and other not in t for t in bars.hovertext), bars.hovertext
        assert any(f" {cur}/month" in t for t in bars.hovertext), bars.hovertext
        assert f"at {code}; hover: {cur}/month saved" in w.figure.layout.title.text
