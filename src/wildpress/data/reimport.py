"""Importing again updates the species files already there; a species' identity is its scientific name.

The folder the import writes to is read first (each ``*.yaml`` through the same
strict, confined loader as ``validate``). A row whose scientific name is already
in a file updates that file: the fields the table's columns map to take the
table's values (or go, when the cell is now empty); every other field, hand
edits included, is kept. A file with comments of its own is not rewritten
(comments would be lost): the import shows the change as a diff and leaves it,
unless ``--force``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ..safety.confine import Confinement, Refused
from .yamlsafe import MAX_BYTES, YAMLProblem, load_text

MAX_EXISTING_FILES = 20_000  # species files read from the output folder
DIFF_LINES = 40  # lines of a refused update's diff in the report
# Fields that come with a mapped one: replaced when the table gives them, kept otherwise.
COMPANIONS = {"range.countries": ["range.uncertain_countries"], "status.category": ["status.scope"],
              "name.scientific": ["name.authority"], "taxon.class": ["taxon.group"]}


@dataclass
class Existing:
    path: Path
    data: dict
    commented: bool
    text: str  # has comment lines besides the import's own header


def identity(scientific: str) -> str:
    return " ".join(scientific.split()).casefold()


def existing_species(folder: Path, confinement: Confinement) -> tuple[dict[str, Existing], list[str]]:
    """identity -> file for every readable species file in ``folder``; and the duplicates found among them."""
    found: dict[str, Existing] = {}
    duplicates: list[str] = []
    if not folder.is_dir():
        return found, duplicates
    for n, path in enumerate(sorted(folder.glob("*.yaml"))):
        if n >= MAX_EXISTING_FILES or path.is_symlink():
            continue
        try:
            text = confinement.read_bytes(path, max_bytes=MAX_BYTES).decode("utf-8-sig")
            data = load_text(text, path).data
        except (YAMLProblem, Refused, OSError, ValueError):
            continue  # not a species file this import can update; a path clash is refused when writing
        name = data.get("name") if isinstance(data, dict) else None
        scientific = name.get("scientific") if isinstance(name, dict) else None
        if not isinstance(scientific, str):
            continue
        commented = any(line.lstrip().startswith("#") and not line.startswith("# Imported by `wildpress import`")
                        for line in text.splitlines())
        key = identity(scientific)
        if key in found:
            duplicates.append(f"{path.name} and {found[key].path.name} are both {scientific}")
            continue
        found[key] = Existing(path, data, commented, text)
    return found, duplicates


def _get(data: dict, path: str):
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set(data: dict, path: str, value) -> None:
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return
    if value is None:
        node.pop(leaf, None)
        return
    node[leaf] = value


def _prune(data: dict) -> dict:
    """Parents left empty by removed fields go too."""
    for key in list(data):
        if isinstance(data[key], dict):
            _prune(data[key])
            if not data[key]:
                data.pop(key)
    return data


def merge(old: dict, new: dict, fields: set[str]) -> dict:
    """``old`` with the ``fields`` the table maps taken from ``new``; every other field of ``old`` kept."""
    import copy

    merged = copy.deepcopy(old)
    for path in sorted(fields):
        if path.startswith("measurements.") or "." in path or path in new or path in old:
            _set(merged, path, copy.deepcopy(_get(new, path)))
        for companion in COMPANIONS.get(path, []):
            if _get(new, companion) is not None:
                _set(merged, companion, copy.deepcopy(_get(new, companion)))
    if "sources" not in merged:
        merged["sources"] = new.get("sources")
    if isinstance(merged.get("status"), dict) and "category" not in merged["status"]:
        merged.pop("status")
    return _prune(merged)


def diff(old_text: str, new_text: str, name: str) -> str:
    lines = list(difflib.unified_diff(old_text.splitlines(), new_text.splitlines(), f"{name} (now)",
                                      f"{name} (from the table)", lineterm="", n=1))
    if len(lines) > DIFF_LINES:
        lines = lines[:DIFF_LINES] + [f"... ({len(lines) - DIFF_LINES} more lines)"]
    return "\n".join(lines)
