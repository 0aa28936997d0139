"""`snapshot-explorer report --output FILE.html`: the shareable, offline HTML report (a front end, like the TUI)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from explorer.errors import ExplorerError, ValidationError


def output_path(output: str) -> Path:
    """Where the report goes; refused before anything is loaded when it cannot be written there."""
    path = Path(output).expanduser()
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValidationError(f"--output must name an .html file (got {output})")
    if not path.parent.is_dir():
        raise ValidationError(f"cannot write {path}: directory {path.parent} does not exist")
    return path


def write_report(inv, path: Path) -> int:
    """Write the report of `inv` to `path`; returns its size in bytes."""
    from explorer.report.html import build_report

    text = build_report(inv)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExplorerError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(text.encode())


def run(args: argparse.Namespace, *, err: TextIO | None = None) -> int:
    from explorer.data.commands import load_for_command

    err = err or sys.stderr
    path = output_path(args.output)
    from explorer.data.commands import report_failures

    inv = load_for_command(args, stream=err)
    size = write_report(inv, path)
    what = "DEMO DATA (the embedded emulator)" if inv.source.demo else (inv.source.account or inv.source.endpoint)
    print(f"wrote the report of {len(inv.snapshots):,} snapshots — {what} — to {path} ({size / 2**20:.1f} MiB, "
          "opens offline)", file=err)
    return report_failures(inv, err)
