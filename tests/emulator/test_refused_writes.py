"""A refused write changes nothing: not the objects, not their cached bytes, not the store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import build_parser
from explorer.emulator.state.model import Collection
from explorer.emulator.state.store import Store
from explorer.emulator.wire import ApiFailure
from explorer.errors import ConfigError, EmulatorError
from tests.emulator.conftest import a_drive, all_of

UNKNOWN = "00000000-0000-4000-8000-000000000000"


async def _views(client, kind: str, uuid: str) -> tuple[dict, dict, dict]:
    """The object as GET, as one item of `?fields=` (objects) and of the cached full list (bytes) show it."""
    one = (await client.get(f"{kind}/{uuid}/")).json()
    picked = (await client.get(f"{kind}/", params={"uuid": uuid, "fields": "name,meta"})).json()["objects"][0]
    listed = next(o for o in await all_of(client, f"{kind}/detail/") if o["uuid"] == uuid)
    return one, picked, listed


@pytest.mark.parametrize("kind", ["snapshots", "drives"])
async def test_a_refused_put_changes_nothing(client, kind):
    before = (await all_of(client, f"{kind}/detail/"))[0]
    r = await client.put(f"{kind}/{before['uuid']}/", json={"name": "renamed", "meta": {"k": 1}})
    assert r.status_code == 400 and r.json()[0]["error_point"] == "meta"
    for view in await _views(client, kind, before["uuid"]):
        assert view["name"] == before["name"] and view["meta"] == before["meta"]


async def test_a_refused_drive_resize_by_put_changes_nothing(client):
    drive = await a_drive(client, status=("unmounted",))
    r = await client.put(f"drives/{drive['uuid']}/", json={"name": "renamed", "tags": [], "size": "big"})
    assert r.status_code == 400 and r.json()[0]["error_point"] == "size"
    for view in await _views(client, "drives", drive["uuid"]):
        assert view["name"] == drive["name"]
    got = (await client.get(f"drives/{drive['uuid']}/")).json()
    assert got["status"] == "unmounted" and got["tags"] == drive["tags"]


async def test_a_refused_tag_create_creates_no_tag(client):
    drive = await a_drive(client)
    before = await all_of(client, "tags/")
    r = await client.post("tags/", json={"name": "orphan", "resources": [UNKNOWN]})
    assert r.status_code == 404 and r.json()[0]["error_point"] == "resources"
    # Many at once: the second item is refused, so the first is not created either.
    r = await client.post("tags/", json=[{"name": "fine", "resources": [drive["uuid"]]},
                                         {"name": "bad", "resources": [UNKNOWN]}])
    assert r.status_code == 404
    assert await all_of(client, "tags/") == before
    got = (await client.get(f"drives/{drive['uuid']}/")).json()
    assert got["tags"] == drive["tags"]


async def test_a_refused_tag_put_changes_nothing(client):
    drive = await a_drive(client)
    tag = (await client.post("tags/", json={"name": "mine", "resources": [drive["uuid"]]})).json()["objects"][0]
    for body, point in (({"name": "renamed", "resources": [UNKNOWN]}, "resources"),
                        ({"name": "renamed", "meta": {"k": 1}}, "meta"),
                        ({"name": "renamed", "resources": "not-a-list"}, "resources")):
        r = await client.put(f"tags/{tag['uuid']}/", json=body)
        assert r.status_code in (400, 404) and r.json()[0]["error_point"] == point
        assert (await client.get(f"tags/{tag['uuid']}/")).json() == tag
        listed = await all_of(client, "tags/", uuid=tag["uuid"], fields="name")
        assert listed == [{"name": "mine"}]


async def test_a_refused_profile_put_changes_nothing(client):
    before = (await client.get("profile/")).json()
    r = await client.put("profile/", json={"first_name": "Zed", "clone_naming": "BOGUS"})
    assert r.status_code == 400
    assert (await client.get("profile/")).json() == before
    r = await client.put("profile/", json={"first_name": "Zed", "clone_naming": "COUNTER"})
    assert r.status_code == 200 and r.json()["first_name"] == "Zed"
    assert (await client.get("profile/")).json() == r.json()


def test_require_known_lists_each_unknown_uuid_once():
    from explorer.emulator.routes.base import require_known

    coll = Collection("things", lambda *a: None)
    known = "11111111-1111-4111-8111-111111111111"
    coll.put({"uuid": known})
    require_known(coll, [known, known])
    with pytest.raises(ApiFailure) as info:
        require_known(coll, [UNKNOWN, known, UNKNOWN])
    assert info.value.status == 404
    assert [e[2] for e in info.value.errors] == [f"Object with uuid {UNKNOWN} does not exist"]


async def test_drive_bulk_delete_with_unknown_uuid_deletes_nothing(client):
    drive = await a_drive(client, status=("unmounted",))
    r = await client.request("DELETE", "drives/", json={"objects": [{"uuid": drive["uuid"]}, {"uuid": UNKNOWN}]})
    assert r.status_code == 404 and r.json() == [{"error_point": "objects", "error_type": "notexist",
                                                 "error_message": f"Object with uuid {UNKNOWN} does not exist"}]
    assert (await client.get(f"drives/{drive['uuid']}/")).status_code == 200


def test_demo_credentials_are_defined_once():
    root = Path(__file__).resolve().parents[2] / "explorer" / "emulator"
    defining = [p for p in root.rglob("*.py") if '"demo-password"' in p.read_text()]
    assert [p.relative_to(root).as_posix() for p in defining] == ["__init__.py"]
    from explorer.emulator import DEMO_USERNAME
    from explorer.emulator.state.core import parse_users

    assert parse_users(None)[0][0] == DEMO_USERNAME


def test_unopenable_db_is_an_emulator_error(tmp_path):
    with pytest.raises(EmulatorError, match=r"/nonexistent/x\.db: No such file or directory"):
        Store("/nonexistent/x.db")
    (tmp_path / "not-a-db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(EmulatorError, match="not-a-db"):
        Store(tmp_path / "not-a-db")
    with pytest.raises(EmulatorError):
        Store(tmp_path)  # a directory


def test_cli_reports_an_unopenable_db_without_traceback():
    r = subprocess.run([sys.executable, "-m", "explorer", "emulator", "--db", "/nonexistent/x.db"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "/nonexistent/x.db" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("flags", [["--drives", "-3"], ["--snapshots", "-1"]])
def test_negative_fleet_sizes_are_refused(flags, monkeypatch):
    from explorer.emulator.main import run
    from explorer.emulator.state import core

    def too_late(**kw):
        raise AssertionError("the counts must be refused before the state is built")

    monkeypatch.setattr(core, "EmulatorState", too_late)
    args = build_parser().parse_args(["emulator", *flags])
    with pytest.raises(ConfigError, match=flags[0]):
        run(args)
