"""Static SVG export of the builders' figures: valid XML, one shape per trace or bar, clear refusals."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from explorer.data import drive_costs, drive_growth
from explorer.notebook.cost_figures import burst_figure, cost_by_drive_figure
from explorer.notebook.figures import bytes_by_drive_figure, growth_figure
from explorer.notebook.series import drive_labels, top_drives
from explorer.notebook.svg import figure_to_svg, nice_ticks

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on malformed XML


def test_growth_svg_has_a_line_per_drive_and_the_title(inventory):
    drives = top_drives(inventory.snapshots, 3)
    fig = growth_figure(drive_growth(inventory), drives=drives, labels=drive_labels(inventory.snapshots))
    root = parse(figure_to_svg(fig))
    assert len(root.findall(f"{NS}polyline")) == 3
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Cumulative snapshot growth per drive" in texts
    assert "drive-3" in texts  # legend entry of the biggest drive


def test_bar_svgs_draw_one_rect_per_bar(inventory):
    fig = bytes_by_drive_figure(inventory.snapshots, labels=drive_labels(inventory.snapshots))
    bars = sum(len(t.x) for t in fig.data)
    rects = parse(figure_to_svg(fig)).findall(f"{NS}rect")
    # background + plot frame + one per bar + one legend swatch per storage type
    assert len(rects) == 2 + bars + len(fig.data)
    costs = cost_by_drive_figure(drive_costs(inventory), top=2)
    assert len(parse(figure_to_svg(costs)).findall(f"{NS}rect")) == 2 + 2 + len(costs.data)


def test_names_are_escaped(inventory):
    labels = {u: "<b>&evil</b>" for u in inventory.drives["uuid"]}
    svg = figure_to_svg(bytes_by_drive_figure(inventory.snapshots, labels=labels, top=1))
    assert "<b>&evil" not in svg and "&lt;b&gt;&amp;evil" in svg
    parse(svg)


def test_log_scale_and_empty_figures_still_render():
    growth = pd.DataFrame({"drive_uuid": "d", "timestamp": pd.date_range("2026-01-01", periods=4, tz="UTC"),
                           "cumulative_bytes": [0, 2**30, 2**31, 2**32], "snapshot_count": [1, 2, 3, 4]})
    parse(figure_to_svg(growth_figure(growth, drives=["d"], scale="log")))
    parse(figure_to_svg(growth_figure(growth.iloc[0:0], drives=[])))


def test_subplots_are_refused():
    with pytest.raises(ValueError, match="single-axis"):
        figure_to_svg(burst_figure(resource="dssd", subscribed=1, using=2, burst_price=1))


def test_nice_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 2_520) == [0, 500, 1000, 1500, 2000, 2500]
    assert nice_ticks(0, 7.3) == [0, 2, 4, 6]
