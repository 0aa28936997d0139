"""What the front end receives: the widgets' serialized state and update messages (dates, the what-if, layout)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from explorer.data import account_cost_summary
from explorer.notebook import cost_dashboard, growth_dashboard
from explorer.notebook.live import STATIC_CLASS, StaticCopy
from explorer.notebook.series import GIB, top_drives


def record_messages(widget) -> list[dict]:
    """Every state update `widget` sends to the front end from now on (the comm message's `state`)."""
    sent: list[dict] = []
    original = widget._send

    def send(msg, buffers=None):
        if msg.get("method") == "update":
            sent.append(dict(msg["state"]))
        return original(msg, buffers)

    widget._send = send
    return sent


def as_dates(values) -> pd.DatetimeIndex:
    assert values and all(isinstance(v, str) for v in values), f"not date strings: {list(values)[:3]}"
    return pd.DatetimeIndex(pd.to_datetime(values, format="ISO8601"))


def test_growth_chart_sends_times_as_dates(inventory):
    dash = growth_dashboard(inventory, history=False)
    state = dash.figure.get_state()
    assert state["_widget_layout"]["xaxis"]["type"] == "date"
    for trace in state["_widget_data"]:
        stamps = as_dates(trace["x"])  # every trace, the forecast band's too
        if trace["meta"]["series"] == "reconstructed":
            assert stamps.min() >= pd.Timestamp("2026-01-01") and stamps.max() <= pd.Timestamp("2026-11-01")

    sent = record_messages(dash.figure)
    dash.drives.value = tuple(top_drives(inventory.snapshots, 2))
    dash.start.value = dt.date(2026, 3, 1)  # every trace gets new x values
    xs = [x for m in sent for key in ("_py2js_update", "_py2js_restyle", "_py2js_addTraces") if m.get(key)
          for x in (m[key].get("style_data", {}).get("x", []) + [t.get("x") for t in m[key].get("trace_data", [])])
          if x is not None and x != "_undefined_"]  # plotly's marker for "this trace keeps its x"
    assert xs, "no x values were re-sent"
    for x in xs:
        as_dates(x)


def apply_like_a_browser(slider, replica: dict, messages: list[dict], order: str) -> None:
    """Apply `messages` to the front end's copy of a slider and echo a clamped value back, as a browser does.

    `order` is which key of a message the front end applies first; after each key the slider clamps
    its value into [min, max] and, when that changed it, sends the clamped value to the kernel.
    """
    keys = ("max", "value") if order == "max first" else ("value", "max")
    for msg in messages:
        for key in keys + tuple(k for k in msg if k not in keys):
            if key not in msg:
                continue
            replica[key] = msg[key]
            clamped = min(max(replica["value"], replica["min"]), replica["max"])
            if clamped != replica["value"]:
                replica["value"] = clamped
                slider.set_state({"value": clamped})  # what ipywidgets does with the front end's update


@pytest.mark.parametrize("order", ["max first", "value first"])
@pytest.mark.parametrize(("start", "switch_to"), [("dssd", "zadara"), ("zadara", "dssd"), ("dssd", "nvme")])
def test_switching_resource_shows_its_subscription_and_no_change(inventory, order, start, switch_to):
    dash = cost_dashboard(inventory)
    dash.resource.value = start
    dash.subscribed.value = dash.subscribed.max  # the user tried a what-if on the first resource
    replicas = {res: dict(s.get_state()) for res, s in dash.sliders.items()}
    sent = {res: record_messages(s) for res, s in dash.sliders.items()}

    dash.resource.value = switch_to
    for res, slider in dash.sliders.items():
        apply_like_a_browser(slider, replicas[res], sent[res], order)

    row = account_cost_summary(inventory).set_index("resource").loc[switch_to]
    meta = dash.burst.layout.meta
    assert dash.subscribed.value == round(row["subscribed"] / GIB)
    assert meta["burst_cost_what_if"] == pytest.approx(meta["burst_cost_now"])
    title = dash.burst.layout.title.text
    assert title.startswith(f"{switch_to}: ") and f"with {round(row['subscribed'] / GIB):,} GiB subscribed" in title
    # The slider shown is that resource's own, with its range; the first resource's what-if is no longer drawn.
    assert dash.what_if.children[1] is dash.sliders[switch_to]


def test_moving_the_shown_slider_changes_the_what_if_and_a_hidden_one_does_not(inventory):
    dash = cost_dashboard(inventory)
    dash.resource.value = "dssd"
    dash.sliders["zadara"].value = 30  # a stray value for a slider that is not shown
    assert dash.burst.layout.meta["burst_cost_what_if"] == pytest.approx(dash.burst.layout.meta["burst_cost_now"])
    dash.subscribed.value = 250
    assert "with 250 GiB subscribed" in dash.burst.layout.title.text


def test_markers_never_print_on_top_of_each_other(inventory):
    dash = cost_dashboard(inventory)
    markers = [t for t in dash.burst.get_state()["_widget_data"] if t.get("mode") == "markers+text"]
    assert [m["text"] for m in markers] == [["now"], ["what-if"]]
    assert markers[0]["x"] == markers[1]["x"]  # equal on first show...
    assert markers[0]["textposition"] != markers[1]["textposition"]  # ...yet labelled on different sides


def test_layout_fills_the_output_and_labels_fit(inventory):
    dash = cost_dashboard(inventory)
    assert dash.layout.width == "100%"
    assert dash.subscribed.style.description_width == "initial"  # "subscribe GiB" is not cut
    drive = dash.drive.get_state()
    assert drive["index"] == 0 and drive["_options_labels"][0].startswith("— click a bar")
    for fig in (dash.bars, dash.by_type, dash.burst):
        assert fig._config["responsive"] is True and "width" not in fig.get_state()["_widget_layout"]
    dash.drive.value = dash.drive.options[1][1]
    assert "white-space:nowrap" in dash.snapshots.get_state()["value"]
    growth = growth_dashboard(inventory, history=False)
    assert growth.layout.width == "100%" and growth.figure._config["responsive"] is True


def test_static_copy_draws_every_figure_and_hides_once_a_front_end_draws(inventory):
    dash = cost_dashboard(inventory)
    copy = StaticCopy(dash.live_figures(), "Storage cost dashboard", banner="<b>DEMO DATA</b> — sample fleet")
    page = copy.html()
    assert STATIC_CLASS in page and page.count("Plotly.newPlot") == 3 and "DEMO DATA" in page
    assert "<script src" not in page  # plotly.js comes from the page (embedded once), never a CDN
    dash.burst._handle_custom_msg({"event": "rendered"}, [])  # the front end's message after drawing
    assert copy.hidden
