"""`wildpress new`: a new project folder to start from.

The skeleton (``skeleton/`` beside this module: the commented project file,
a brand logo, a layout of the project's own and a README) is copied as it is;
two sample species, their photos and the matching lines of the photo
licences are copied from the bundled sample data, so they are never kept
twice. Nothing is ever overwritten: every file is created exclusively.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UsageError
from ..resources import sample_species_dir

SKELETON = Path(__file__).resolve().parent / "skeleton"
SAMPLE_SPECIES = ("amur-leopard", "red-fox")  # a photo each, an endangered cat and a common fox
SPECIES_FOLDER = Path("data") / "species"


def _skeleton_files() -> dict[Path, bytes]:
    """Relative path -> contents of every skeleton file."""
    files = {}
    for folder, dirs, names in os.walk(SKELETON):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            path = Path(folder) / name
            files[path.relative_to(SKELETON)] = path.read_bytes()
    return files


def _licences(photos: list[str]) -> bytes:
    """The bundled ``LICENCES.md`` with only the table rows of ``photos``."""
    text = (sample_species_dir() / "photos" / "LICENCES.md").read_text(encoding="utf-8")
    kept = []
    for line in text.splitlines(keepends=True):
        is_row = line.startswith("| ") and not line.startswith("| file ") and not line.startswith("| ---")
        if not is_row or line.split("|")[1].strip() in photos:
            kept.append(line)
    return "".join(kept).encode("utf-8")


def _sample_files() -> dict[Path, bytes]:
    """The sample species, their photos and licences, from the bundled data."""
    from ..data.species import check_file

    source = sample_species_dir()
    files, photos = {}, []
    for name in SAMPLE_SPECIES:
        species_file = source / f"{name}.yaml"
        files[SPECIES_FOLDER / species_file.name] = species_file.read_bytes()
        species, problems = check_file(species_file, [source])
        if species is None:  # pragma: no cover - the bundled samples are tested
            raise UsageError(f"bundled sample {species_file} is invalid: {problems[0]}")
        for item in [species.data.get("photo")] + list(species.data.get("gallery") or []):
            if item:
                files[SPECIES_FOLDER / item["file"]] = (source / item["file"]).read_bytes()
                photos.append(Path(item["file"]).name)
    files[SPECIES_FOLDER / "photos" / "LICENCES.md"] = _licences(photos)
    return files


def _check_target(target: Path, files: dict[Path, bytes], force: bool) -> None:
    """Refuse a non-empty folder (unless ``force``), a file in the way, or a folder that links out."""
    if os.path.lexists(target) and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise UsageError(f"{target} is not empty: choose a new folder name, or --force to add the project "
                             "to it (existing files are never replaced)")
        present = sorted(str(target / rel) for rel in files if os.path.lexists(target / rel))
        if present:
            raise UsageError(f"{target} already has {', '.join(present)}: wildpress never replaces a file; "
                             "move them away first")
        real_target = Path(os.path.realpath(target))
        for rel in files:
            parent = target / rel.parent
            while not os.path.lexists(parent):
                parent = parent.parent
            if not Path(os.path.realpath(parent)).is_relative_to(real_target):
                raise UsageError(f"{parent} links outside {target}: wildpress will not write through it")


def scaffold(target: Path, force: bool = False) -> list[Path]:
    """Write a new project into ``target`` (created if needed); return the files written.

    Raises :class:`UsageError` (exit code 2) for a folder that is not empty, unless ``force``;
    even then, no file that exists is replaced.
    """
    target = Path(target)
    files = {**_skeleton_files(), **_sample_files()}
    _check_target(target, files, force)
    written = []
    try:
        for rel, data in sorted(files.items()):
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as out:  # exclusive: fails rather than replace a file made meanwhile
                out.write(data)
            written.append(path)
    except FileExistsError as exc:
        raise UsageError(f"{exc.filename} appeared while the project was being written; "
                         "nothing there was replaced") from None
    return written
