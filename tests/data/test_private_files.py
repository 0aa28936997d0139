"""The history store, the offline cache and exports hold account data: 0600 files in 0700 folders.

Files an earlier version left 0644 in 0755 folders are tightened when opened, with one
notice line on stderr (the real console script, in a subprocess) and no traceback.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.data import paths
from explorer.data.cache import load_cached_inventory, save_cached_inventory
from explorer.data.history import HistoryStore

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
CLI = Path(sys.executable).with_name("snapshot-explorer")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_under(root: Path) -> dict[str, int]:
    found = {".": mode(root)}
    for p in root.rglob("*"):
        found[str(p.relative_to(root))] = mode(p)
    return found


def assert_private(root: Path) -> None:
    loose = {name: f"{m:o}" for name, m in modes_under(root).items()
             if m & 0o077 or (m & 0o100 and not (root / name).is_dir())}
    assert loose == {}, f"not owner-only under {root}"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "data"
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(root))
    return root


def test_history_and_cache_are_created_private(small_inventory, data_dir, make):
    from explorer.data.load import build_inventory

    online = build_inventory(snapshots=[make.snap("a", None, 1, None)], loaded_at=make.LOADED_AT,
                             source=small_inventory.source.__class__("https://x/api/2.0/", account="me@x"))
    HistoryStore().record(online)
    save_cached_inventory(small_inventory)
    save_cached_inventory(online)
    names = set(modes_under(data_dir))
    assert {"history.duckdb", "inventory-cache/demo/inventory.json"} <= names
    assert any(n.startswith("inventory-cache/account-") and n.endswith("/inventory.json") for n in names)
    assert any(n.endswith(".parquet") for n in names)
    assert mode(data_dir) == 0o700 and mode(data_dir / "history.duckdb") == 0o600
    assert_private(data_dir)


def _loosen(root: Path) -> None:
    for p in [root, *root.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)


def test_existing_loose_files_are_tightened_on_open_with_one_notice(small_inventory, data_dir, caplog):
    HistoryStore()
    save_cached_inventory(small_inventory)
    _loosen(data_dir)
    caplog.set_level("WARNING", logger="explorer.data.private")
    HistoryStore()
    load_cached_inventory()
    notices = [r.getMessage() for r in caplog.records]
    assert len(notices) == 2 and all("private (they hold account data)" in n for n in notices)  # one per store
    assert f"made 2 item(s) in {data_dir} private" in notices[0]
    assert ". 755->700" in notices[0] and "history.duckdb 644->600" in notices[0]
    # the cache root, its demo slot, five Parquet frames, the newest snapshots again and the manifest
    assert f"made 9 item(s) in {data_dir / 'inventory-cache'} private" in notices[1] and "demo 755->700" in notices[1]
    assert_private(data_dir)
    caplog.clear()
    HistoryStore()
    load_cached_inventory()
    assert caplog.records == []  # once private, nothing more to say


def test_a_folder_you_chose_is_left_alone_but_the_file_is_private(tmp_path):
    chosen = tmp_path / "shared"
    chosen.mkdir(mode=0o755)
    os.chmod(chosen, 0o755)
    store = HistoryStore(chosen / "h.duckdb")
    assert mode(chosen) == 0o755 and mode(store.path) == 0o600
    nested = HistoryStore(tmp_path / "new" / "deeper" / "h.duckdb")  # folders it creates are private
    assert mode(nested.path.parent) == 0o700 and mode(nested.path.parent.parent) == 0o700


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDSIGMA_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"), SNAPSHOT_EXPLORER_DATA_DIR=str(home / "data"))
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, env=env, timeout=180)


def test_the_cli_tightens_an_old_store_with_one_line_and_writes_private_exports(tmp_path):
    home = tmp_path / "user"
    home.mkdir()
    first = _cli("record", "--demo", home=home)
    assert first.returncode == 0, first.stderr
    data = home / "data"
    assert_private(data)
    _loosen(data)
    again = _cli("record", "--demo", home=home)
    assert again.returncode == 0, again.stderr
    notices = [line for line in again.stderr.splitlines() if "private" in line]
    assert len(notices) == 2, again.stderr  # one line for the offline cache, one for the history store
    assert any("history.duckdb 644->600" in line for line in notices)
    assert any(f"item(s) in {data / 'inventory-cache'} private" in line for line in notices)
    assert "Traceback" not in again.stderr
    assert_private(data)
    out = tmp_path / "exports" / "snaps.csv"
    out.parent.mkdir()
    out.write_text("old")
    os.chmod(out, 0o644)
    for fmt, name in (("csv", "snaps.csv"), ("json", "snaps.json"), ("parquet", "snaps.parquet")):
        done = _cli("export", "--demo", "--format", fmt, "--output", str(out.parent / name), home=home)
        assert done.returncode == 0, done.stderr
        assert mode(out.parent / name) == 0o600, fmt
