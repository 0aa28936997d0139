"""The cost dashboard: headline figures, cost by drive, storage type and owner, and a subscription what-if."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from explorer.data import account_cost_summary, drive_costs, snapshot_costs
from explorer.data.cost import AT_BURST_PRICE, ATTRIBUTION_RULE, BURST_NOW, VALUE_AT_SUBSCRIPTION, cost_totals
from explorer.data.inventory import Inventory
from explorer.data.locations import part_for
from explorer.data.owners import owner_costs
from explorer.data.prices import BACKUP_RESOURCE
from explorer.data.units import human_bytes, money
from explorer.notebook.cost_figures import burst_figure, cost_by_drive_figure, storage_type_figure
from explorer.notebook.series import GIB, drive_labels
from explorer.notebook.widgets import (
    ExportableDashboard,
    figure_widget,
    snapshot_table_html,
    source_banner,
    sync_figure,
)


def _num(value, default: float = 0.0) -> float:
    return default if value is None or pd.isna(value) else float(value)


_FULL = widgets.Layout(width="100%")


class CostDashboard(ExportableDashboard, widgets.VBox):
    """Monthly snapshot cost; clicking a drive's bar (or picking it in `drive`) lists its snapshots.

    An inventory of several locations shows one location at a time (`location`, default the first): its own
    currency, prices, drives and subscription what-if; money of different locations is never added.
    """

    static_title = "Storage cost dashboard"
    _switching = False  # set while another location's part replaces the controls' options

    def __init__(self, inventory: Inventory, *, top: int = 10):
        self.inventory = inventory
        #: one location's inventory at a time: money is never added across locations' currencies
        self.part = inventory.parts[0] if inventory.parts else inventory
        self.location = widgets.Dropdown(options=[p.location for p in inventory.parts], value=self.part.location,
                                         description="location") if len(inventory.parts) > 1 else None
        self.labels = drive_labels(self.part.snapshots, self.part.drives)
        self.currency = widgets.Dropdown(options=self._currencies(), value=self.part.currency, description="currency")
        # the bars' basis: the value at subscription price, or every byte at burst price (never the headline)
        self.price = widgets.ToggleButtons(options=[(VALUE_AT_SUBSCRIPTION, "subscription"),
                                                    ("at burst price (if none subscribed)", "burst")],
                                           value="subscription", description="basis")
        self.price.style.button_width = "auto"  # the labels whole, not "value at subscrip..."
        n_drives = max(len(self.part.drives), 1)
        self.top = widgets.IntSlider(value=min(top, n_drives), min=1, max=max(n_drives, 1), description="top N")
        self.headline = widgets.HTML(layout=_FULL)
        self.owners = widgets.HTML(layout=_FULL)
        self._load_costs()
        self.resource = widgets.Dropdown(description="resource")
        self.what_if = widgets.HBox(layout=_FULL)
        self._make_what_if()
        self.drive = widgets.Dropdown(options=self._drive_options(), index=0, description="drive",
                                      layout=widgets.Layout(width="95%"))
        self.snapshots = widgets.HTML(layout=widgets.Layout(max_height="400px", overflow="auto"))
        self.bars = figure_widget(self.build_bars())
        self.by_type = figure_widget(self.build_by_type())
        self.burst = figure_widget(self.build_burst())
        self.bars.layout.height = self.by_type.layout.height = 420
        self._hook_clicks()
        self._show_drive()
        self.currency.observe(self._on_currency, names="value")
        self.price.observe(self._on_costs_view, names="value")
        self.top.observe(self._on_costs_view, names="value")
        self.resource.observe(self._on_resource, names="value")
        self.drive.observe(self._show_drive, names="value")
        if self.location is not None:
            self.location.observe(self._on_location, names="value")
        self.bars_box = widgets.Box([self.bars], layout=widgets.Layout(width="62%"))
        self.side = widgets.VBox([self.drive, self.snapshots], layout=widgets.Layout(width="38%", overflow="auto"))
        choices = [self.currency, self.price, self.top]
        super().__init__([
            widgets.HTML(source_banner(inventory)),
            self.headline,
            widgets.HBox(choices if self.location is None else [self.location, *choices], layout=_FULL),
            widgets.HBox([self.bars_box, self.side], layout=_FULL),
            self.by_type,
            self.owners,
            self.what_if,
            self.burst,
        ], layout=_FULL)

    def _currencies(self) -> list[str]:
        return sorted(set(self.part.prices["currency"].dropna().astype(str)) | {self.part.currency})

    def _make_what_if(self) -> None:
        """The resource picker and one what-if slider per resource of the shown location."""
        resources = self.account["resource"].astype(str).tolist() or ["dssd"]
        biggest = self.account.sort_values("snapshot_bytes", ascending=False)["resource"]
        default = str(biggest.iloc[0]) if len(biggest) else resources[0]
        # One slider per resource, each with its own fixed range: switching resource only swaps which one is
        # shown and sets its value inside that range, so no front end ever clamps a value and echoes it back.
        self.sliders = {res: self._make_slider(res) for res in resources}
        for slider in self.sliders.values():
            slider.observe(self._on_burst, names="value")
        self.resource.options = resources  # the caller holds back the reactions (observers or _switching)
        self.resource.value = default
        self.what_if.children = (self.resource, self.sliders[default])

    @property
    def subscribed(self) -> widgets.IntSlider:
        """The what-if slider of the selected resource (GiB subscribed)."""
        return self.sliders[self.resource.value]

    def live_figures(self):
        return [self.bars, self.by_type, self.burst]

    # -- data -------------------------------------------------------------------------------------
    def _load_costs(self) -> None:
        cur, part = self.currency.value, self.part
        self.drive_costs = drive_costs(part, currency=cur)
        self.account = account_cost_summary(part, currency=cur)
        costs = snapshot_costs(part, currency=cur)
        self.snapshot_costs = costs.set_index("uuid")
        self.totals = cost_totals(costs, cur)
        self.headline.value = self._headline_html()
        self.owners.value = self._owners_html(owner_costs(part, costs=costs, currency=cur))

    def _headline_html(self) -> str:
        """The same three figures, with the same labels, as the TUI's summary bar and `snapshot-explorer cost`."""
        t = self.totals
        return (f"<b>{t.snapshot_count:,}</b> snapshots, <b>{human_bytes(t.snapshot_bytes)}</b> · "
                f"{VALUE_AT_SUBSCRIPTION}: <b>{money(t.value_at_subscription, t.currency)}/month</b> · "
                f"{BURST_NOW}: <b>{money(t.burst_now_from_snapshots, t.currency)}/month</b> · "
                f"<span title=\"{html.escape(ATTRIBUTION_RULE)}\">{AT_BURST_PRICE}: "
                f"{money(t.at_burst_price, t.currency)}/month</span>" + self._kinds_html())

    def _kinds_html(self) -> str:
        """Local snapshots' and backups' value at subscription price side by side (backups bill as `backup`)."""
        costs = self.snapshot_costs
        backup = (costs["resource"] == BACKUP_RESOURCE).to_numpy(bool, na_value=False)
        if not backup.any():
            return ""
        cur = self.totals.currency
        parts = [cost_totals(costs[mask].reset_index(), cur) for mask in (~backup, backup)]
        local, remote = (f"<b>{p.snapshot_count:,}</b> {what}, {human_bytes(p.snapshot_bytes)}, "
                         f"{money(p.value_at_subscription, cur)}/month"
                         for p, what in zip(parts, ("local", "backups (billed as backup)"), strict=True))
        return f"<br>{VALUE_AT_SUBSCRIPTION} by kind: {local} · {remote}"

    @staticmethod
    def _owners_html(owners: pd.DataFrame) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(o.owner))}</td><td style='text-align:right'>{o.snapshot_count:,}</td>"
            f"<td style='text-align:right'>{human_bytes(o.snapshot_bytes)}</td>"
            f"<td style='text-align:right'>{html.escape(money(o.value_at_subscription, o.currency))}</td>"
            f"<td style='text-align:right'>{html.escape(money(o.burst_now_from_snapshots, o.currency))}</td></tr>"
            for o in owners.itertuples())
        return ("<b>By owner</b> (meta key 'owner' of the snapshot or its drive; per month)"
                "<table style='font-size:90%'>"
                f"<tr><th>owner</th><th>snapshots</th><th>allocated</th><th>{VALUE_AT_SUBSCRIPTION}</th>"
                f"<th>{BURST_NOW}</th></tr>{rows}</table>")

    def _account_row(self) -> pd.Series | None:
        rows = self.account[self.account["resource"] == self.resource.value]
        return None if rows.empty else rows.iloc[0]

    def _drive_options(self) -> list[tuple[str, str | None]]:
        shown = self.drive_costs[self.drive_costs["snapshot_count"] > 0]
        prompt = ("— click a bar or pick a drive —", None)
        uuids = shown["drive_uuid"].astype(str).drop_duplicates()  # a drive's backups are a row of their own
        return [prompt] + [(self.labels.get(u, u[:8]), u) for u in uuids]

    def _subscription(self, resource: str) -> tuple[float, float]:
        """(subscribed, using) bytes of one resource today."""
        rows = self.account[self.account["resource"] == resource]
        return (0.0, 0.0) if rows.empty else (_num(rows.iloc[0]["subscribed"]), _num(rows.iloc[0]["using"]))

    def _make_slider(self, resource: str) -> widgets.IntSlider:
        sub, using = self._subscription(resource)
        top = int(max(using, sub) * 1.5 / GIB) + 1
        return widgets.IntSlider(value=round(sub / GIB), min=0, max=max(top, 1), description="subscribe GiB",
                                 continuous_update=False, style={"description_width": "initial"},
                                 layout=widgets.Layout(width="60%"))

    # -- figures (pure builders fed with the current control values) ------------------------------
    def build_bars(self):
        return cost_by_drive_figure(self.drive_costs, price=self.price.value, top=self.top.value, labels=self.labels)

    def build_by_type(self):
        return storage_type_figure(self.drive_costs, price=self.price.value)

    def build_burst(self):
        row = self._account_row()
        if row is None:
            return burst_figure(resource=self.resource.value, subscribed=0, using=0, burst_price=0,
                                currency=self.currency.value)
        return burst_figure(
            resource=str(row["resource"]), subscribed=_num(row["subscribed"]), using=_num(row["using"]),
            # A price missing from the list stays unknown (NaN), never a made-up 0.
            burst_price=_num(row["price_burst"], default=float("nan")), what_if_subscribed=self.subscribed.value * GIB,
            currency=self.currency.value,
        )

    # -- reactions --------------------------------------------------------------------------------
    def _hook_clicks(self) -> None:
        for trace in self.bars.data:
            trace.on_click(self._on_bar_click)

    def _on_bar_click(self, trace, points, _state) -> None:
        if points.point_inds:
            self.drive.value = str(trace.customdata[points.point_inds[0]])

    def _on_location(self, _change=None) -> None:
        """Show another location's part: its currency, prices, drives and what-if (the same widgets)."""
        self.part = part_for(self.inventory, self.location.value)
        self.labels = drive_labels(self.part.snapshots, self.part.drives)
        n_drives = max(len(self.part.drives), 1)
        self._switching = True  # one redraw below, not one per control set here
        try:
            with self.top.hold_trait_notifications():
                self.top.max, self.top.value = n_drives, min(self.top.value, n_drives)
            self.currency.options = self._currencies()
            self.currency.value = self.part.currency
            self._load_costs()
            self._make_what_if()
            self.drive.options, self.drive.index = self._drive_options(), 0
        finally:
            self._switching = False
        self._on_costs_view()
        self._on_burst()

    def _on_currency(self, _change=None) -> None:
        if self._switching:
            return
        self._load_costs()
        self._on_costs_view()
        self._on_burst()

    def _on_costs_view(self, _change=None) -> None:
        if self._switching:
            return
        sync_figure(self.bars, self.build_bars())
        sync_figure(self.by_type, self.build_by_type())
        self._hook_clicks()  # traces added by the sync need the handler too
        self._show_drive()  # its cost column follows the price reading

    def _on_resource(self, _change=None) -> None:
        if self._switching:
            return
        slider = self.subscribed
        with slider.hold_trait_notifications():  # today's subscription: the what-if starts with no change
            slider.value = round(self._subscription(self.resource.value)[0] / GIB)
        self.what_if.children = (self.resource, slider)
        self._on_burst()

    def _on_burst(self, change=None) -> None:
        if self._switching:
            return
        if change is not None and change["owner"] is not self.subscribed:
            return  # a hidden resource's slider (the front end may still send it a value): not what is shown
        sync_figure(self.burst, self.build_burst())

    def _show_drive(self, _change=None) -> None:
        if self._switching:
            return
        uuid = self.drive.value
        if uuid is None:
            self.snapshots.value = "<i>Click a bar (or pick a drive above) to list its snapshots, largest first.</i>"
            return
        snaps = self.part.snapshots
        mine = snaps[snaps["drive_uuid"] == uuid]
        column = f"monthly_cost_{self.price.value}"
        self.snapshots.value = snapshot_table_html(
            mine, title=self.labels.get(uuid, uuid), costs=self.snapshot_costs[column].reindex(mine["uuid"]),
            currency=self.currency.value,
        )


def cost_dashboard(inventory: Inventory, *, top: int = 10) -> CostDashboard:
    """Chart monthly snapshot cost by drive and storage type, subscription vs burst, with a subscription what-if."""
    return CostDashboard(inventory, top=top)
