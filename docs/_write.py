"""Shared by the docs generators: write the generated page, or with --check say it is out of date."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(out: Path, text: str, script: str) -> int:
    """Rewrite ``out`` with ``text``; with ``--check`` on the command line exit 1 if it differs."""
    if "--check" in sys.argv[1:]:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} is out of date: run python docs/{script}", file=sys.stderr)
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
