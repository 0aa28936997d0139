"""The growth notebook's history section on the two-location demo: every location is recorded, its own
emulator clock run forward, reloaded and recorded again, and the dashboard overlays every location's series."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest

from explorer.data import HistoryStore
from explorer.notebook import close, connect, growth_dashboard
from explorer.notebook.growth import record_demo_history
from explorer.notebook.loader import current_sessions


@pytest.fixture(scope="module")
def demo():
    inv = connect(progress=False)
    yield inv
    close()


def test_the_simulated_history_covers_every_demo_location(demo):
    store = HistoryStore(Path(tempfile.mkdtemp()) / "demo-history.duckdb", lock_timeout=30)
    start = {s.location: pd.Timestamp(s.emulator.now()) for s in current_sessions()}
    latest = record_demo_history(store, demo, current_sessions(), rounds=2, days=10)
    assert [p.location for p in latest.parts] == ["ZRH", "FRA"]
    recs = store.records()
    assert recs["location"].value_counts().to_dict() == {"ZRH": 3, "FRA": 3}
    for code, rows in recs.groupby("location"):
        gaps = rows["observed_at"].diff().dropna().dt.total_seconds() / 86400
        assert gaps.round().tolist() == [10.0, 10.0]  # stamped with that location's simulated clock
        assert rows["observed_at"].iloc[0] >= start[code]
        assert set(rows["source_key"]) == {f"demo|{code}"}
    # Each location's newest inventory is the one recorded last, with its backups among the snapshots.
    for part in latest.parts:
        last = recs[recs["location"] == part.location].iloc[-1]
        assert last["snapshot_count"] == len(part.snapshots) and last["observed_at"] == part.loaded_at
    assert store.observed_growth(kind="remote", source=latest.parts[1].source)["allocated_bytes"].sum() > 0

    dash = growth_dashboard(latest, history=store)
    assert set(dash.observed["drive_uuid"].str.split(":").str[0]) == {"ZRH", "FRA"}
    assert dash.observed.groupby(dash.observed["drive_uuid"].str[:3])["observed_at"].nunique().to_dict() == {
        "ZRH": 3, "FRA": 3}
    assert "with observed history (dotted)" in dash.status.value
