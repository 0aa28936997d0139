"""Small helpers shared by the dashboards: in-place figure sync, the data-source banner, an HTML snapshot table."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from explorer.data.inventory import Inventory
from explorer.data.units import UNKNOWN, human_bytes, money_amount
from explorer.notebook.live import LiveFigure, StaticCopy

# Set once when the widget is made; re-sending the whole template on every update is slow.
_LAYOUT_SKIP = ("template",)


def figure_widget(fig: go.Figure) -> LiveFigure:
    """A FigureWidget showing `fig` across the output's width, to be kept and updated with :func:`sync_figure`."""
    return LiveFigure(fig)


class ExportableDashboard:
    """Mixin for the dashboards (ipywidgets boxes): displayed with a static copy of `live_figures()` for exports."""

    static_title = "Dashboard"

    def live_figures(self) -> list[LiveFigure]:
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        from IPython.display import display

        self.static_copy = StaticCopy(self.live_figures(), self.static_title, banner=source_banner(self.inventory))
        self.static_copy.show()
        display(self._repr_mimebundle_(), raw=True)


def sync_figure(widget: go.FigureWidget, fig: go.Figure) -> None:
    """Make `widget` show `fig` without replacing the widget (the notebook keeps one live chart).

    Surplus traces are dropped, the kept ones and the layout are rewritten in one `batch_update`
    (one message, one redraw), and any extra traces are appended.
    """
    new = fig.data
    if len(widget.data) > len(new):
        widget.data = widget.data[: len(new)]
    same_types = all(old.type == fresh.type for old, fresh in zip(widget.data, new, strict=False))
    if not same_types:
        widget.data = ()
    kept = len(widget.data)
    with widget.batch_update():
        for old, fresh in zip(widget.data, new[:kept], strict=True):
            props = fresh.to_plotly_json()
            props.pop("type", None)
            props.pop("uid", None)
            # Properties the new trace does not set must not linger from the old one.
            for key in list(old.to_plotly_json()):
                if key not in props and key not in ("type", "uid"):
                    props[key] = None
            old.update(props, overwrite=True)
        layout = {k: v for k, v in fig.layout.to_plotly_json().items() if k not in _LAYOUT_SKIP}
        widget.layout.update(layout, overwrite=True)
    if len(new) > kept:
        widget.add_traces(list(new[kept:]))


def source_banner(inventory: Inventory) -> str:
    """One line saying where the data came from; the demo is labelled loudly so nobody mistakes it."""
    src = inventory.source
    when = inventory.loaded_at.strftime("%Y-%m-%d %H:%M UTC")
    if src.demo:
        return (f"<b style='color:#b35900'>DEMO DATA</b> — the embedded CloudSigma emulator's sample fleet, "
                f"not a real account (loaded {when}).")
    who = html.escape(src.account or "unknown account")
    where = html.escape(src.endpoint)
    return f"Account <b>{who}</b> at {where}{' (offline cache)' if src.offline else ''}, loaded {when}."


def gib(value) -> str:
    """Bytes as the TUI and the report write them (`12.3 GiB`, `512 MiB`); null as `—`."""
    return human_bytes(value)


def snapshot_table_html(snapshots: pd.DataFrame, *, title: str, limit: int = 25, costs: pd.Series | None = None,
                        currency: str = "") -> str:
    """One drive's snapshots, largest first, as a small HTML table (names escaped)."""
    if snapshots.empty:
        return f"<b>{html.escape(title)}</b><p>No snapshots.</p>"
    order = snapshots.assign(_size=snapshots["allocated_size"].fillna(-1)).sort_values(
        ["_size", "timestamp"], ascending=[False, False])
    rows = []
    for _, snap in order.head(limit).iterrows():
        price = None if costs is None else costs.get(snap["uuid"])
        cost = "" if costs is None else f"<td style='text-align:right'>{html.escape(money_amount(price))}</td>"
        stamp = UNKNOWN if pd.isna(snap["timestamp"]) else snap["timestamp"].strftime("%Y-%m-%d %H:%M")
        rows.append(
            f"<tr><td title='{html.escape(str(snap['name']))}'>{html.escape(str(snap['name']))}</td><td>{stamp}</td>"
            f"<td style='text-align:right'>{gib(snap['allocated_size'])}</td>"
            f"<td>{html.escape(str(snap['status']))}</td>{cost}</tr>"
        )
    more = len(order) - limit
    cost_head = f"<th>{html.escape(currency)}/month</th>" if costs is not None else ""
    return (
        f"<b>{html.escape(title)}</b> — {len(order)} snapshots, "
        f"{gib(snapshots['allocated_size'].fillna(0).sum())} in all"
        "<table style='font-size:90%;white-space:nowrap'>"
        "<tr><th>name</th><th>taken (UTC)</th><th>size</th><th>status</th>"
        f"{cost_head}</tr>{''.join(rows)}</table>"
        + (f"<i>… and {more} smaller ones</i>" if more > 0 else "")
    )
