"""The retention what-if widget: rule controls, bytes and money a plan would save, per-drive bars, the plan table.

    from explorer.notebook.retention import retention_whatif
    retention_whatif(inv)        # nothing is deleted: deleting is done in the TUI or `prune --apply`

Every control re-plans with `explorer.data.retention` (pure, about a second at 100k snapshots).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from explorer.data.inventory import Inventory
from explorer.data.locations import part_for
from explorer.data.units import human_bytes, money
from explorer.errors import ExplorerError
from explorer.notebook.series import GIB
from explorer.notebook.widgets import ExportableDashboard, figure_widget, source_banner, sync_figure

TOP_BARS = 20
TABLE_ROWS = 30


class RetentionWhatIf(ExportableDashboard, widgets.VBox):
    """Rule controls (0 or empty: rule not given), the totals, bars of GiB freed per drive, the plan's rows.

    An inventory of several locations is planned one location at a time (`location`, default the first).
    """

    static_title = "Retention what-if"

    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        #: one location's plan at a time: its money is in its own currency, never added to another's
        self.part = inventory.parts[0] if inventory.parts else inventory
        self.location = widgets.Dropdown(options=[p.location for p in inventory.parts], value=self.part.location,
                                         description="location") if len(inventory.parts) > 1 else None
        self.counts = {name: widgets.BoundedIntText(value=value, min=0, max=10_000, description=name,
                                                    layout=widgets.Layout(width="150px"))
                       for name, value in (("last", 0), ("daily", 7), ("weekly", 4), ("monthly", 12), ("yearly", 0))}
        self.within = widgets.Text(value="", placeholder="36h 30d 8w 1y", description="within")
        self.tags = widgets.Text(value="keep", placeholder="keep,critical", description="tags")
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.plan = self.per_drive = self.totals = self.figure = None
        self._refresh()  # first, so the chart's first state (what a saved notebook keeps) has the bars
        self.figure = figure_widget(self.build_figure())
        for control in (*self.counts.values(), self.within, self.tags):
            control.observe(self._refresh, names="value")
        texts = [self.within, self.tags]
        if self.location is not None:
            self.location.observe(self._on_location, names="value")
            texts.insert(0, self.location)
        controls = widgets.HBox([widgets.VBox(list(self.counts.values())), widgets.VBox(texts)])
        super().__init__([widgets.HTML(source_banner(inventory)), controls, self.summary, self.figure, self.table])

    def live_figures(self):
        return [self.figure]

    def rules(self):
        from explorer.data.retention import RetentionRules

        counts = {k: (w.value or None) for k, w in self.counts.items()}
        tags = tuple(t.strip() for t in self.tags.value.split(",") if t.strip())
        return RetentionRules(**counts, within=self.within.value.strip() or None, tags=tags)

    def build_figure(self) -> go.Figure:
        """Bars of GiB freed for the drives that free the most (pure: the current plan only).

        The bars are bytes (the axis says GiB); each bar's hover names the money it saves in the plan's own
        currency and on which basis (explorer.data.cost's vocabulary): saves now, at today's usage and burst
        level, and the value at subscription price.
        """
        cur = self.totals.currency if self.totals is not None else self.part.currency
        where = f" at {self.part.location}" if self.part.location else ""
        fig = go.Figure(layout={"title": f"GiB freed per drive (top 20){where}; hover: {cur}/month saved",
                                "yaxis": {"title": "GiB freed"}, "margin": {"t": 40, "b": 80}})
        if self.per_drive is not None and len(self.per_drive):
            top = self.per_drive.sort_values(["bytes_freed", "drive_uuid"], ascending=[False, True]).head(TOP_BARS)
            top = top[top["bytes_freed"] > 0]
            names = [n if isinstance(n, str) else f"{u[:8]}… (missing)" for n, u in zip(top["drive_name"],
                                                                                     top["drive_uuid"], strict=True)]
            money_text = [f"saves now {_per_month(s, cur)} (at today's usage and burst level)<br>"
                          f"value at subscription price {_per_month(v, cur)}"
                          for s, v in zip(top["saves_now"], top["value_at_subscription"], strict=True)]
            fig.add_trace(go.Bar(x=names, y=top["bytes_freed"] / GIB, customdata=top["saves_now"],
                                 hovertext=money_text, meta={"drive_uuids": list(top["drive_uuid"]), "currency": cur},
                                 hovertemplate="%{x}<br>%{y:,.1f} GiB freed<br>%{hovertext}<extra></extra>"))
        return fig

    def _on_location(self, _change=None) -> None:
        self.part = part_for(self.inventory, self.location.value)
        self._refresh()

    def _refresh(self, _change=None) -> None:
        from explorer.data.retention import plan_money, plan_retention

        try:
            self.plan = plan_retention(self.part, self.rules())
            self.per_drive, self.totals = plan_money(self.part, self.plan)
        except ExplorerError as exc:
            self.plan = self.per_drive = self.totals = None
            self.summary.value = f"<b>Cannot plan:</b> {html.escape(str(exc))}"
            self.table.value = ""
        else:
            t, cur = self.totals, self.totals.currency
            self.summary.value = (
                f"<b>Deletes {t.snapshot_count:,} of {len(self.plan.snapshots):,}</b> available snapshots, frees "
                f"<b>{human_bytes(t.bytes_freed)}</b>; saves now <b>{money(t.saves_now_monthly, cur)}</b>/month "
                f"(burst no longer paid); value at subscription {money(t.monthly_cost_subscription, cur)}/month. "
                f"Plan at {self.plan.now:%Y-%m-%d %H:%M} UTC; nothing is deleted here.")
            self.table.value = _plan_html(self.plan.snapshots.head(TABLE_ROWS), len(self.plan.snapshots))
        if self.figure is not None:
            sync_figure(self.figure, self.build_figure())


def _per_month(amount, currency: str) -> str:
    """`1.12 CHF/month`; unknown (no price for that storage): `— (no CHF price)`, still naming the currency."""
    shown = money(amount, currency)
    return f"{shown}/month" if shown != money(None) else f"{shown} (no {currency} price)"


def _plan_html(rows: pd.DataFrame, total: int) -> str:
    body = "".join(
        f"<tr><td>{html.escape(str(r.name) if isinstance(r.name, str) else r.uuid)}</td>"
        f"<td>{html.escape(r.drive_name) if isinstance(r.drive_name, str) else '—'}</td>"
        f"<td>{r.timestamp:%Y-%m-%d %H:%M}</td><td>{human_bytes(r.allocated_size)}</td>"
        f"<td>{html.escape(r.reasons) if r.reasons else '<b>delete</b>'}</td></tr>" for r in rows.itertuples())
    return (f"<p>The plan, newest first per drive ({len(rows)} of {total:,} rows):</p><table>"
            "<tr><th>snapshot</th><th>drive</th><th>taken</th><th>size</th><th>kept because</th></tr>"
            f"{body}</table>")


def retention_whatif(inventory: Inventory) -> RetentionWhatIf:
    """The what-if widget for `inventory`, starting from son-father-grandfather: 7 daily, 4 weekly, 12 monthly."""
    return RetentionWhatIf(inventory)
