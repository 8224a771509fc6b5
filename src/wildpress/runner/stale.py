"""Outputs of earlier builds whose source is gone: reported, and removed with ``--clean``.

An output is stale only when the manifest of *this* project recorded it and its species file
or its layout no longer exists; an output another (narrower or wider) request built from
species and layouts that still exist is never stale. Names come from the manifest, which is
untrusted (:mod:`.manifest_check`), and every removal goes through the checked writer.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import OutputError


def _layout_name(entry: dict) -> str:
    if entry.get("layout"):
        return str(entry["layout"])
    parts = str(entry.get("job", "")).split(" / ")
    return parts[1] if len(parts) == 3 else ""


def source_gone(entry: dict, project: Path, layouts: set[str]) -> bool:
    """True when a species file the output came from, or its layout, no longer exists."""
    for source in entry.get("sources") or []:
        path = Path(source)
        if not os.path.lexists(path if path.is_absolute() else project / path):
            return True
    layout = _layout_name(entry)
    return bool(layout) and layout not in layouts


def sweep(result, manifest, folder, planned: set[str], project: Path, dirs, clean: bool, dry_run: bool) -> None:
    """Sort the manifest's other outputs into kept, stale and (``clean``) removed / to remove."""
    from ..layout.layouts import available

    layouts = set(available(project, dirs))
    for name in sorted(set(manifest.outputs) - planned):
        entry = manifest.outputs[name]
        if entry.get("of") in planned:  # a page of a PDF this build plans: its writer keeps it or removes it
            continue
        try:
            path = folder.target(name)
        except OutputError:
            continue
        if not os.path.lexists(path):
            if not dry_run:
                manifest.forget(name)
            continue
        if not source_gone(entry, project, layouts):
            continue
        if clean and manifest.ours and manifest.made_it(name, path):
            if dry_run:
                result.would_remove.append(path)
                continue
            folder.remove(name)
            manifest.forget(name)
            result.removed.append(path)
        else:
            result.stale.append(path)
