"""The offline cache round-trips every frame and marks the result offline with its age."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from explorer.data import paths
from explorer.data.cache import CacheError, inventory_age, load_cached_inventory, save_cached_inventory
from explorer.data.inventory import Source
from explorer.errors import ExplorerError


def test_round_trip_keeps_frames_and_fields(small_inventory, tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "data"))
    save_cached_inventory(small_inventory)
    got = load_cached_inventory()
    for name in ("snapshots", "drives", "prices", "subscriptions", "usage"):
        assert_frame_equal(getattr(got, name), getattr(small_inventory, name), obj=name)
    assert got.source == Source(small_inventory.source.endpoint, demo=True, offline=True, account="me@x")
    assert got.burst_levels == small_inventory.burst_levels
    assert got.currency == "EUR" and got.loaded_at == small_inventory.loaded_at
    assert inventory_age(got, now=got.loaded_at + pd.Timedelta(hours=3)) == pd.Timedelta(hours=3)


def test_second_save_replaces_the_first(small_inventory, make, tmp_path):
    from explorer.data.load import build_inventory

    save_cached_inventory(small_inventory, tmp_path)
    newer = build_inventory(snapshots=[make.snap("z", None, 1, None)], loaded_at=make.LOADED_AT + pd.Timedelta("1D"),
                            source=small_inventory.source)
    slot = save_cached_inventory(newer, tmp_path)
    got = load_cached_inventory(tmp_path)
    assert got.snapshots["uuid"].tolist() == ["z"]
    assert len(list(slot.glob("*.parquet"))) == 6  # five frames and the newest snapshots: the older load's are gone
    assert not list(slot.glob("*.tmp"))


def test_the_demo_never_replaces_an_accounts_cache(small_inventory, make, tmp_path):
    from explorer.data.load import build_inventory

    account = build_inventory(snapshots=[make.snap("acct", None, 1, None)], loaded_at=make.LOADED_AT,
                              source=Source("https://zrh.cloudsigma.com/api/2.0/", account="me@x"))
    save_cached_inventory(account, tmp_path)
    demo = build_inventory(snapshots=[make.snap("demo", None, 1, None)], loaded_at=make.LOADED_AT + pd.Timedelta("1h"),
                           source=Source("http://127.0.0.1:5/api/2.0/", demo=True))
    save_cached_inventory(demo, tmp_path)
    assert load_cached_inventory(tmp_path).snapshots["uuid"].tolist() == ["demo"]  # the newest by default
    assert load_cached_inventory(tmp_path, demo=False).snapshots["uuid"].tolist() == ["acct"]
    with pytest.raises(CacheError, match="of the demo"):
        load_cached_inventory(tmp_path / "elsewhere", demo=True)


def test_a_broken_cache_is_a_clear_error(small_inventory, tmp_path):
    slot = save_cached_inventory(small_inventory, tmp_path)
    for frame in slot.glob("snapshots-*.parquet"):
        frame.write_bytes(b"not parquet")
    with pytest.raises(CacheError, match="unreadable"):
        load_cached_inventory(tmp_path)


def test_no_cache_is_a_clear_error(tmp_path):
    with pytest.raises(CacheError, match="no cached inventory") as err:
        load_cached_inventory(tmp_path / "none")
    assert isinstance(err.value, ExplorerError)


def test_each_account_at_each_endpoint_has_its_own_cache(make, tmp_path):
    """A warm start asks for its own account's cache: another account's, or the same one elsewhere, is never it."""
    from explorer.data.cache import has_cached_inventory
    from explorer.data.load import build_inventory

    ann = Source("https://zrh.cloudsigma.com/api/2.0/", account="ann@x")
    bob = Source("https://zrh.cloudsigma.com/api/2.0/", account="bob@x")
    ann_fra = Source("https://fra.cloudsigma.com/api/2.0/", account="ann@x")
    for who, src in (("ann", ann), ("bob", bob)):
        save_cached_inventory(build_inventory(snapshots=[make.snap(who, None, 1, None)], loaded_at=make.LOADED_AT,
                                              source=src), tmp_path)
    assert load_cached_inventory(tmp_path, source=ann).snapshots["uuid"].tolist() == ["ann"]
    assert load_cached_inventory(tmp_path, source=bob).snapshots["uuid"].tolist() == ["bob"]
    assert has_cached_inventory(ann, tmp_path) and not has_cached_inventory(ann_fra, tmp_path)
    with pytest.raises(CacheError, match="no cached inventory of this account"):
        load_cached_inventory(tmp_path, source=ann_fra)
    assert not any("ann" in p.name or "zrh" in p.name for p in tmp_path.iterdir())  # no e-mail or host in a path
    # the demo's slot is the demo's, whatever port its emulator had
    save_cached_inventory(build_inventory(snapshots=[make.snap("demo", None, 1, None)], loaded_at=make.LOADED_AT,
                                          source=Source("http://127.0.0.1:5/api/2.0/", demo=True)), tmp_path)
    again = load_cached_inventory(tmp_path, source=Source("http://127.0.0.1:6/api/2.0/", demo=True))
    assert again.snapshots["uuid"].tolist() == ["demo"]


def test_a_cache_from_an_earlier_version_opens_offline_but_never_as_this_account(small_inventory, make, tmp_path):
    """Earlier versions kept every account in one `account` slot: `--offline` still reads it, a warm start never."""
    import shutil

    from explorer.data.load import build_inventory

    ann = Source("https://zrh.cloudsigma.com/api/2.0/", account="ann@x")
    slot = save_cached_inventory(build_inventory(snapshots=[make.snap("old", None, 1, None)],
                                                 loaded_at=make.LOADED_AT, source=ann), tmp_path)
    shutil.move(slot, tmp_path / "account")
    assert load_cached_inventory(tmp_path).snapshots["uuid"].tolist() == ["old"]
    with pytest.raises(CacheError):
        load_cached_inventory(tmp_path, source=ann)


def test_the_head_of_a_cache_is_its_newest_snapshots_with_the_whole_caches_totals(make, tmp_path):
    """A warm start paints the newest rows first: the same rows and dtypes as the whole cache's newest."""
    from explorer.data.cache import load_cached_head
    from explorer.data.load import build_inventory

    ann = Source("https://zrh.cloudsigma.com/api/2.0/", account="ann@x")
    snaps = [make.snap(f"s{i}", None, 1000 * (i + 1), f"2026-01-{i + 1:02d}T00:00:00+00:00") for i in range(20)]
    save_cached_inventory(build_inventory(snapshots=snaps, loaded_at=make.LOADED_AT, source=ann), tmp_path)
    whole = load_cached_inventory(tmp_path, source=ann)
    head, count, allocated = load_cached_head(ann, 5, tmp_path)
    newest = whole.snapshots.nlargest(5, "timestamp")
    assert sorted(head.snapshots["uuid"]) == sorted(newest["uuid"]) and len(head.drives) == len(whole.drives)
    assert (head.snapshots.dtypes == whole.snapshots.dtypes).all() and head.source.offline
    assert count == 20 and allocated == int(whole.snapshots["allocated_size"].sum())
    # more rows than the head file holds: picked from the whole frame, same answer
    more, count, allocated = load_cached_head(ann, 5000, tmp_path)
    assert sorted(more.snapshots["uuid"]) == sorted(whole.snapshots["uuid"]) and count == 20
    assert allocated == int(whole.snapshots["allocated_size"].sum())
