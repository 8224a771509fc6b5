"""Photos named by a table: a photo column, a folder matched by name, credits and licences resolved.

A photo cell is a path relative to the table's folder; ``--photos DIR`` finds
``panthera-leo.jpg``, ``Panthera leo.jpeg`` or ``lion.png`` for rows without one.
The species file gets the path relative to itself. Credit and licence come from
their columns or from ``defaults:`` in the mapping file (``photo.credit``,
``photo.licence``); a licence is resolved as the species files resolve it
("CC-BY-SA 4.0", "public domain"), with a "did you mean" when it names none.
A photo that cannot be used is reported and the row kept without it.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..pictures.licences import normalise
from ..safety.confine import Confinement, Refused
from .cleaning import slug

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")
MAX_PHOTO_FOLDER_FILES = 50_000  # files looked at in a --photos folder


def photo_index(folder: Path | None, confinement: Confinement) -> dict[str, Path]:
    """slug(file stem) -> path for every photo directly in ``folder`` (none when no folder is given)."""
    if folder is None:
        return {}
    folder = confinement.check(Path(folder))
    index: dict[str, Path] = {}
    for n, entry in enumerate(sorted(os.scandir(folder), key=lambda e: e.name)):
        if n >= MAX_PHOTO_FOLDER_FILES:
            break
        if entry.is_file(follow_symlinks=False) and Path(entry.name).suffix.lower() in PHOTO_SUFFIXES:
            index.setdefault(slug(Path(entry.name).stem), Path(entry.path))
    return index


class PhotoLinker:
    """Turns a row's photo cells (or a match in the photos folder) into a photo block of the species file."""

    def __init__(self, table_dir: Path, out_dir: Path, confinement: Confinement, index: dict[str, Path],
                 defaults: dict[str, str]):
        self.table_dir, self.out_dir, self.confinement = table_dir, out_dir, confinement
        self.index, self.defaults = index, defaults
        self.without: list[str] = []  # rows left without a photo

    def _find(self, written: str) -> Path:
        path = Path(written.strip())
        path = path if path.is_absolute() else self.table_dir / path
        try:
            checked = self.confinement.check(path)
        except Refused as exc:
            raise Refused(path, f"photo {written!r}: {exc.reason}") from None
        if not checked.is_file():
            raise Refused(path, f"photo {written!r} is not a file ({path})")
        return checked

    def _relative(self, path: Path) -> str:
        return Path(os.path.relpath(path.resolve(), self.out_dir.resolve())).as_posix()

    def link(self, row, columns: dict) -> None:
        """Completes or removes ``row.data['photo']``; every gallery item likewise."""
        photo = row.data.pop("photo", None) or {}
        column = next((c for c, t in columns.items() if t.field == "photo.file"), "(photos folder)")
        if "file" not in photo:
            name = row.get("name.scientific") or ""
            common = row.get("name.common") or ""
            found = self.index.get(slug(name)) or self.index.get(slug(str(common)))
            if found is None:
                if photo:
                    row.drop(column, "photo credit or licence without a photo file")
                self.without.append(row.label)
            else:
                photo["file"] = str(found)
        if "file" in photo:
            block = self._block(row, column, photo)
            if block:
                row.data["photo"] = block
            else:
                self.without.append(row.label)
        gallery = row.data.pop("gallery", None)
        if gallery:
            items = [b for item in gallery if (b := self._block(row, column, {"file": item}))]
            if items:
                row.data["gallery"] = items

    def _block(self, row, column: str, photo: dict) -> dict | None:
        try:
            path = self._find(photo["file"])
        except Refused as exc:
            row.drop(column, str(exc))
            return None
        block = {"file": self._relative(path)}
        for key in ("credit", "licence"):
            value = photo.get(key) or self.defaults.get(f"photo.{key}")
            if not value:
                row.drop(column, f"photo {photo['file']!r} has no {key}: add a photo_{key} column or "
                                 f"defaults: {{photo.{key}: ...}} to the mapping file")
                return None
            block[key] = value
        try:
            licence = normalise(block["licence"])
        except ValueError as exc:
            row.drop(column, f"photo {photo['file']!r}: {exc}")
            return None
        if licence.short != block["licence"]:
            row.sub(column, block["licence"], licence.short, "licence name")
            block["licence"] = licence.short
        common = row.get("name.common")
        block["alt"] = photo.get("alt") or self.defaults.get("photo.alt") or \
            f"Photo of {common if isinstance(common, str) else row.get('name.scientific')}"
        return block
