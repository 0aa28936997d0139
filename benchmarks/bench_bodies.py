"""What the emulator's body checks cost: size limit, decoding with the depth check, refusals (issue 9 item 3)."""

from __future__ import annotations

import argparse
import contextlib
import uuid

import httpx
import msgspec
from timing import median_ms as _median_ms

from explorer.emulator import running_emulator
from explorer.emulator.wire import MAX_BODY_BYTES, decode_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uuids", type=int, default=100_000, help="uuids in the bulk DELETE body")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    bulk = msgspec.json.encode({"objects": [{"uuid": str(uuid.uuid4())} for _ in range(args.uuids)]})
    deep = b"[" * 100_000
    rows = [
        ("decode bulk body, msgspec only", _median_ms(lambda: msgspec.json.decode(bulk), args.repeat), 500),
        ("decode bulk body, with depth check", _median_ms(lambda: decode_json(bulk), args.repeat), 500),
    ]

    def refused_deep():
        with contextlib.suppress(Exception):
            decode_json(deep)

    rows.append(("refuse [ x 100,000", _median_ms(refused_deep, args.repeat), 50))
    with running_emulator(seed=1, drives=2, snapshots=4) as emu, \
            httpx.Client(base_url=emu.url, auth=(emu.username, emu.password), timeout=120) as c:
        name = "x" * 20_000_000

        def refused_big():
            r = c.post("snapshots/", json={"drive": "x", "name": name})
            assert r.status_code == 413, r.status_code

        rows.append(("refuse a 20 MB name, loopback (413)", _median_ms(refused_big, args.repeat), 2000))
    print(f"bulk body: {args.uuids} uuids, {len(bulk) / 1e6:.1f} MB; body limit {MAX_BODY_BYTES} bytes; "
          f"median of {args.repeat}")
    print(f"{'measurement':40} {'time':>10} {'target':>9}  ok")
    for label, ms, target in rows:
        print(f"{label:40} {ms:8.1f}ms {target:7d}ms  {'yes' if ms <= target else 'NO'}")


if __name__ == "__main__":
    main()
