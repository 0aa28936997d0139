"""--offline reads the cache without resolving credentials, and --demo --offline reads the demo's slot."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from explorer.cli import main
from explorer.data.cache import save_cached_inventory
from explorer.data.inventory import Source


@pytest.fixture
def both_slots(small_inventory):
    """A demo cache, and a newer cache of a real account."""
    demo = dataclasses.replace(small_inventory, source=Source("http://127.0.0.1:1/api/2.0/", demo=True))
    real = dataclasses.replace(small_inventory, source=Source("https://zrh.cloudsigma.com/api/2.0/",
                                                              account="someone@example.com"),
                               loaded_at=small_inventory.loaded_at + pd.Timedelta(hours=1))
    save_cached_inventory(demo)
    save_cached_inventory(real)


def test_demo_offline_reads_the_demo_cache(both_slots, capsys):
    assert main(["cost", "--demo", "--offline"]) == 0
    text = capsys.readouterr().out
    assert "demo emulator" in text and "someone@example.com" not in text


def test_offline_alone_reads_the_newer_cache(both_slots, capsys):
    assert main(["cost", "--offline"]) == 0
    assert "someone@example.com" in capsys.readouterr().out


def test_offline_never_asks_for_a_password(both_slots, monkeypatch, capsys):
    # A username without a password would prompt (or fail with no terminal) if settings were resolved.
    monkeypatch.setenv("CLOUDSIGMA_USERNAME", "someone@example.com")
    monkeypatch.delenv("CLOUDSIGMA_PASSWORD", raising=False)
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("asked for a password"))
    assert main(["cost", "--offline"]) == 0
    assert "someone@example.com" in capsys.readouterr().out

