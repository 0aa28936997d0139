"""The notebooks on several locations: connect() loads the demo's two (ZRH in CHF, FRA in EUR), the cost dashboard
and the retention what-if show one location's money at a time, growth draws every location's drives."""

from __future__ import annotations

import json

import pytest

from explorer.data.locations import part_for
from explorer.emulator import running_emulator
from explorer.notebook import close, connect, cost_dashboard, growth_dashboard, loader, retention_whatif

OTHER = {"ZRH": "FRA", "FRA": "ZRH"}


@pytest.fixture(scope="module")
def demo():
    """The two-location demo, loaded once through connect() (its sessions stay open for the module)."""
    inv = connect(progress=False)
    yield inv
    close()


def _money_text(dash) -> str:
    """What the cost dashboard shows about money: its HTML panes and its figures' serialized state."""
    panes = [dash.headline.value, dash.owners.value, dash.snapshots.value]
    figures = [json.dumps(f.to_plotly_json()["layout"], default=str) + json.dumps(
        [t.to_plotly_json() for t in f.data], default=str) for f in (dash.bars, dash.by_type, dash.burst)]
    return "\n".join(panes + figures)


def test_connect_loads_both_demo_locations(demo):
    assert [p.location for p in demo.parts] == ["ZRH", "FRA"]
    assert [p.currency for p in demo.parts] == ["CHF", "EUR"]
    assert set(demo.snapshots["location"].astype(str)) == {"ZRH", "FRA"}
    assert (demo.snapshots["kind"].astype(str) == "remote").any()  # the demo has backups now
    assert not demo.failures


def test_cost_dashboard_offers_each_location_and_shows_one_currency_at_a_time(demo):
    dash = cost_dashboard(demo)
    state = dash.location.get_state()
    assert state["_options_labels"] == ("ZRH", "FRA") and state["index"] == 0
    for code in ("ZRH", "FRA"):
        dash.location.value = code  # as the front end sets it
        part = part_for(demo, code)
        cur, other = part.currency, part_for(demo, OTHER[code]).currency
        assert dash.currency.get_state()["_options_labels"][dash.currency.index] == cur
        assert dash.bars.layout.yaxis.title.text == f"{cur}/month"
        assert dash.by_type.layout.yaxis.title.text == f"{cur}/month"
        assert f"Monthly burst cost ({cur})" in [a.text for a in dash.burst.layout.annotations]
        assert f"{cur}/month" in dash.burst.layout.title.text
        assert f" {cur}" in dash.headline.value
        assert other not in _money_text(dash)
        # the drive list and the bars are this location's drives only
        uuids = set(part.drives["uuid"].astype(str))
        picks = [v for _, v in dash.drive.options if v is not None]
        assert picks and set(picks) <= uuids | set(part.snapshots["drive_uuid"].dropna().astype(str))
        dash.drive.value = picks[0]
        assert f"{cur}/month" in dash.snapshots.value and other not in dash.snapshots.value


def test_single_location_cost_dashboard_has_no_location_control(demo):
    dash = cost_dashboard(part_for(demo, "FRA"))
    assert dash.location is None
    assert dash.children[2].children == (dash.currency, dash.price, dash.top)


def test_growth_shows_both_locations_drives_each_labelled(demo):
    dash = growth_dashboard(demo, history=False)
    labels = [label for label, _ in dash.drives.options]
    # every drive with snapshots, of either location (the same uuid in two locations would be two drives)
    assert len(labels) == len(demo.snapshots.dropna(subset=["drive_uuid"]).drop_duplicates(["location", "drive_uuid"]))
    for code in ("ZRH", "FRA"):
        assert any(label.split(" — ")[0].endswith(f"({code})") for label in labels)
    keys = {code: next(v for label, v in dash.drives.options if f"({code})" in label) for code in ("ZRH", "FRA")}
    dash.drives.value = (keys["ZRH"], keys["FRA"])
    names = {t.name for t in dash.figure.data if (t.meta or {}).get("series") != "forecast band"}
    assert any(n and "(ZRH)" in n for n in names) and any(n and "(FRA)" in n for n in names)


def test_retention_whatif_plans_one_location_at_a_time(demo):
    dash = retention_whatif(demo)
    assert dash.location.get_state()["_options_labels"] == ("ZRH", "FRA")
    for code in ("ZRH", "FRA"):
        dash.location.value = code
        cur, other = part_for(demo, code).currency, part_for(demo, OTHER[code]).currency
        assert dash.totals.currency == cur
        assert cur in dash.summary.value and other not in dash.summary.value
        drives = set(part_for(demo, code).snapshots["drive_uuid"].dropna().astype(str))
        assert set(dash.plan.snapshots["drive_uuid"].dropna().astype(str)) <= drives


def test_connect_twice_reuses_the_sessions_and_names_each_location(monkeypatch, capsys):
    close()  # start afresh: the module's demo (its inventory stays usable) must not be what is reused
    opened = []
    real = loader.open_sessions
    monkeypatch.setattr(loader, "open_sessions", lambda settings, **kw: opened.append(settings) or real(settings, **kw))
    try:
        connect()  # outside a kernel the progress and the summary line go to stderr
        sessions = loader.current_sessions()
        assert [s.location for s in sessions] == ["ZRH", "FRA"]
        assert loader.current_session() is sessions[0]
        first = capsys.readouterr().err
        assert "ZRH: " in first and "FRA: " in first and "(CHF)" in first and "(EUR)" in first
        again = connect()
        assert len(opened) == 1 and loader.current_sessions() == sessions
        assert set(again.snapshots["location"].astype(str)) == {"ZRH", "FRA"}
        assert "ZRH: " in capsys.readouterr().err
    finally:
        close()


def test_a_failed_location_is_named_with_its_reason_and_the_other_loads(tmp_path, capsys):
    with running_emulator(location="ZRH", users=["ann@example.com:pw-123456"], drives=3, snapshots=20) as zrh, \
            running_emulator(location="FRA", users=["ann@example.com:pw-123456"], drives=3, snapshots=20) as fra:
        conf = tmp_path / "cloudsigma.conf"
        conf.write_text(f"[ZRH]\napi_endpoint = {zrh.url}\nusername = ann@example.com\npassword = pw-123456\n\n"
                        f"[FRA]\napi_endpoint = {fra.url}\nusername = ann@example.com\npassword = wrong-password\n")
        conf.chmod(0o600)
        try:
            inv = connect(config=str(conf), cache=False)
            err = capsys.readouterr().err
        finally:
            close()
    assert [p.location for p in inv.parts] == ["ZRH"] and [f.location for f in inv.failures] == ["FRA"]
    assert "ZRH: " in err and "location FRA FAILED" in err and inv.failures[0].reason in err
    assert "wrong-password" not in err
