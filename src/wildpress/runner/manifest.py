"""The build manifest: what every output was made from, so unchanged outputs are not made again.

``.wildpress-manifest.json`` in the output folder records, per output file,
the *key* of its inputs — a hash over the species files, their photos, the
layout's folders (its own and every parent's), the bundled fonts, the brand
and its logo, the options and print settings, and the wildpress version —
and the hash of the PDF that was written. A later build compares keys:
equal key and an untouched file means the output is up to date. The
manifest also says which files wildpress made (their hash matches), which is
how ``--clean`` knows what it may remove and how a rebuild knows it may
overwrite, without re-reading old PDFs.

File hashes are cached by (size, modification time, inode), so a build
where nothing changed reads no file twice and imports no renderer.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from .. import __version__
from ..safety.outputs import json_bytes, write_atomically

MANIFEST = ".wildpress-manifest.json"
FORMAT = 1
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_HASH_BYTES = 64 * 1024 * 1024  # without a confinement (tools), the same cap as the confined reader


def _stat_key(info: os.stat_result) -> list:
    return [info.st_size, info.st_mtime_ns, info.st_ino]


class Manifest:
    """The manifest of one output folder (empty when there is none, or it is unreadable)."""

    def __init__(self, out_dir: Path, confinement=None, project: Path | None = None, folder=None) -> None:
        self.path = Path(out_dir) / MANIFEST
        self.confinement = confinement  # inputs are hashed only where they may be read
        self.folder = folder  # the checked writer of the output folder (None: a read-only look)
        self.project = os.path.realpath(project) if project is not None else None
        self.outputs: dict[str, dict] = {}
        self.species: dict[str, dict] = {}  # real path of a valid species file -> its checked data
        self._hashes: dict[str, list] = {}  # real path -> [size, mtime_ns, inode, sha256]
        self._used: set[str] = set()
        self.existed = False
        self.ours = True  # written by a build of this project (else nothing in it is ever deleted)
        self.notes: list[str] = []  # entries dropped as malformed (a rebuild, never a deletion)
        self._changed = False
        try:
            info = os.lstat(self.path)
        except OSError:
            return
        if not _is_regular(info) or info.st_size > MAX_MANIFEST_BYTES:
            self.notes.append(f"{self.path}: not a regular file of at most 64 MB; ignored (everything is rebuilt)")
            return
        try:
            from ..safety.confine import Refused, read_regular

            doc = json.loads(read_regular(self.path, MAX_MANIFEST_BYTES).decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError, RecursionError, Refused):
            self.notes.append(f"{self.path}: not a readable manifest; ignored (everything is rebuilt)")
            return
        if isinstance(doc, dict) and doc.get("format") == FORMAT:
            self._load(doc)

    def _load(self, doc: dict) -> None:
        """Take the entries of a manifest read from disk that pass :mod:`.manifest_check`."""
        from .manifest_check import check_files, check_outputs, check_species

        self.outputs, dropped = check_outputs(doc.get("outputs"))
        self._hashes, dropped_files = check_files(doc.get("files"))
        self.species = check_species(doc.get("species"), self.project)
        recorded = doc.get("project")
        self.ours = self.project is None or (isinstance(recorded, str) and recorded == self.project)
        self.existed = True
        if dropped or dropped_files:
            shown = ", ".join(repr(n)[:60] for n in dropped[:3]) + (", ..." if len(dropped) > 3 else "")
            self.notes.append(f"{self.path}: ignored {len(dropped)} malformed output entr"
                              f"{'y' if len(dropped) == 1 else 'ies'}{': ' + shown if dropped else ''}"
                              f"{f' and {dropped_files} file hashes' if dropped_files else ''} (rebuilt, never "
                              "deleted)")

    # -- hashing --------------------------------------------------------------------------------
    def file_hash(self, path: Path, output: bool = False) -> str:
        """sha256 of a file's content, cached by its stat.

        The file is read as every file is (:mod:`wildpress.safety.confine`): only a regular
        file inside the confinement, under the size cap. Anything else ("missing", a link out
        of the project, a FIFO or device) gets a marker instead of a hash and is never opened;
        rendering then refuses it with a message. An ``output`` (in the output folder, which may
        lie outside the project) must be a regular file itself, never a link.
        """
        from ..safety.confine import Refused, read_regular

        confinement = None if output else self.confinement
        try:
            if output and not stat.S_ISREG(os.lstat(path).st_mode):
                return "not a regular file"
            real = confinement.check(path) if confinement else Path(os.path.realpath(path, strict=True))
            info = os.stat(real)
        except (Refused, OSError, RuntimeError, ValueError):
            return "unreadable"
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        key = str(real)
        self._used.add(key)
        cached = self._hashes.get(key)
        if cached and cached[:3] == _stat_key(info):
            return cached[3]
        try:
            data = read_regular(path, confinement.max_bytes if confinement else MAX_HASH_BYTES, real,
                                confinement.allows if confinement else None)
        except Refused:
            return "unreadable"
        digest = hashlib.sha256(data).hexdigest()
        self._hashes[key] = [*_stat_key(info), digest]
        self._changed = True  # remembered, so the next build does not read it again
        return digest

    def folder_hash(self, folder: Path) -> str:
        """A hash over every file under ``folder`` (names and contents)."""
        digest = hashlib.sha256()
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or name.endswith((".pyc", "~")):
                    continue
                path = Path(root) / name
                digest.update(f"{path.relative_to(folder)}\0{self.file_hash(path)}\0".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    # -- outputs --------------------------------------------------------------------------------
    def up_to_date(self, name: str, key: str, path: Path) -> bool:
        """True when ``path`` was made by wildpress from inputs with this ``key`` and is untouched."""
        entry = self.outputs.get(name)
        return bool(entry and entry.get("key") == key and self.made_it(name, path))

    def made_it(self, name: str, path: Path) -> bool:
        """True when the file at ``path`` is the one wildpress wrote there (its hash is recorded)."""
        entry = self.outputs.get(name)
        if not entry:
            return False
        try:
            info = os.lstat(path)
        except OSError:
            return False
        return (_is_regular(info) and info.st_size == entry.get("size")
                and self.file_hash(path, output=True) == entry.get("sha256"))

    def record(self, name: str, key: str, data: bytes, path: Path, label: str, sources: list[str],
               warnings: list = (), lang: str = "en", layout: str = "", of: str = "",
               fit: int | None = None) -> None:
        """Remember an output just written (``data`` is its content) and the warnings met making it
        (what the fit left out), so a later build that keeps it can still show them (``wildpress preview``).
        ``of``: the PDF a PNG page was drawn from (``--format png``); ``fit``: the ladder rung that
        fitted it, where the next build's fit starts (:meth:`fit_rung`)."""
        digest = hashlib.sha256(data).hexdigest()
        info = os.stat(path)
        self._hashes[os.path.realpath(path)] = [*_stat_key(info), digest]
        self._used.add(os.path.realpath(path))
        self.outputs[name] = {"key": key, "sha256": digest, "size": len(data), "job": label, "sources": sources,
                              "warnings": [str(w) for w in warnings], "lang": lang, "layout": layout,
                              **({"of": of} if of else {}), **({"fit": fit} if _rung_ok(fit) else {})}
        self._changed = True

    def fit_rung(self, name: str) -> int:
        """The ladder rung that fitted output ``name`` last time, or 0 (the top) when none is
        recorded or the manifest (untrusted: any file in the output folder) holds anything but a
        small whole number. The renderer checks it against the layout's ladder too."""
        entry = self.outputs.get(name)
        rung = entry.get("fit") if isinstance(entry, dict) else None
        return rung if _rung_ok(rung) else 0

    def forget(self, name: str) -> None:
        if self.outputs.pop(name, None) is not None:
            self._changed = True

    def save(self) -> None:
        """Write the manifest atomically (hash cache trimmed to the files this build looked at).

        A build that learnt nothing new writes nothing, and a build that never made its output
        folder (it failed first) does not make it for the manifest."""
        if not self._changed or not self.path.parent.exists():
            return
        files = {k: v for k, v in self._hashes.items() if k in self._used}
        species = {k: v for k, v in self.species.items() if k in self._used}
        from .manifest_check import seal

        doc = {"format": FORMAT, "generator": f"wildpress {__version__}", "project": self.project,
               "outputs": dict(sorted(self.outputs.items())), "files": dict(sorted(files.items())),
               "species": {k: seal(k, v, self.project) for k, v in sorted(species.items())}}
        text = json_bytes(json.dumps(doc, indent=1, ensure_ascii=False))
        if self.folder is not None:
            self.folder.write(MANIFEST, text, True)
        else:
            write_atomically(self.path, text, True)
        self._changed = False  # only once written: a save cut short by a signal is done again at the end


class SpeciesCache:
    """Checked species files, so a build where nothing changed does not validate them again.

    An entry is used only when the species file's content, every picture it
    names, the wildpress version and the folders files may be read from are
    all as they were when it was checked; anything else checks the file anew.
    Only valid files are kept (their warnings with them).
    """

    def __init__(self, manifest: Manifest, confinement) -> None:
        self.manifest = manifest
        self.context = [__version__, sorted(str(r) for r in getattr(confinement, "roots", ()))]

    @staticmethod
    def _pictures(file: Path, data: dict) -> list[Path]:
        pictures = [data.get("photo")] + list(data.get("gallery") or [])
        return [file.parent / p["file"] for p in pictures if isinstance(p, dict) and p.get("file")]

    def get(self, file: Path):
        from ..data.species import Species
        from ..errors import Problem

        entry = self.manifest.species.get(os.path.realpath(file))
        if not entry or entry.get("context") != self.context or self.manifest.file_hash(file) != entry.get("sha"):
            return None
        data = entry.get("data") or {}
        if any(self.manifest.file_hash(p) != sha
               for p, sha in zip(self._pictures(file, data), entry.get("pictures", []))):
            return None
        warnings = [Problem(Path(w[0]), *w[1:]) for w in entry.get("warnings", [])]
        return Species(entry["id"], Path(file), data, warnings)

    def put(self, file: Path, species) -> None:
        try:
            data = json.loads(json.dumps(species.data))
        except (TypeError, ValueError):
            return
        if data != species.data:  # not plain JSON data: check it every time instead
            return
        species.data = data  # one copy shared with the cache entry (nothing changes species data after checking)
        real = os.path.realpath(file)
        self.manifest.species[real] = {
            "context": self.context, "sha": self.manifest.file_hash(file), "id": species.id, "data": data,
            "pictures": [self.manifest.file_hash(p) for p in self._pictures(file, data)],
            "warnings": [[str(w.file), w.line, w.column, w.path, w.message, w.severity] for w in species.warnings]}
        self.manifest._used.add(real)
        self.manifest._changed = True


MAX_FIT_RUNG = 256  # more rungs than any ladder has: a larger number is not one wildpress wrote


def _rung_ok(rung) -> bool:
    return type(rung) is int and 0 <= rung < MAX_FIT_RUNG


def _is_regular(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode)


# -- the key of one job -------------------------------------------------------------------------
def settings_fingerprint(settings) -> dict:
    """The build settings an output depends on (the settings table's fingerprinted ones, see
    :func:`wildpress.settings.fingerprint`; not limits, not where files go)."""
    from ..settings import fingerprint

    return {**fingerprint(settings), "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH")}


def species_inputs(species, manifest: Manifest, relative: bool = False) -> list:
    """The species file and every picture it names (photo and gallery), by content; named
    as written in the species folder when ``relative`` (a card's key stays the same when
    the project moves), else by full path."""
    data = species.data
    pictures = [data.get("photo")] + list(data.get("gallery") or [])
    names = [species.file.name] + [p["file"] for p in pictures if p and p.get("file")]
    files = [species.file] + [species.file.parent / name for name in names[1:]]
    return [[name if relative else str(f), manifest.file_hash(f)] for name, f in zip(names, files)]


def job_key(job, settings, manifest: Manifest, layout_folders: list[Path], fonts: list[Path]) -> str:
    """A hash of everything ``job``'s output depends on."""
    parts = key_parts(job, settings, manifest, layout_folders, fonts)
    parts["species"] = [species_inputs(sp, manifest) for sp in job.species_list]
    return digest(parts)


def key_parts(job, settings, manifest: Manifest, layout_folders: list[Path], fonts: list[Path]) -> dict[str, Any]:
    """Everything ``job``'s output depends on except its species (shared by a deck's cards)."""
    settings_fp = settings_fingerprint(settings)
    if settings.brand.logo:
        settings_fp["brand"]["logo_sha256"] = manifest.file_hash(settings.brand.logo)
    return {
        "version": __version__,
        "layout": [job.layout.name, job.layout.kind],
        "layout_folders": [[str(f), manifest.folder_hash(f)] for f in layout_folders],
        "fonts": [[str(f), manifest.folder_hash(f)] for f in fonts],
        "size": [job.size.name, round(job.size.width, 4), round(job.size.height, 4), job.size.orientation],
        "options": job.options,
        "settings": settings_fp,
    }


def digest(parts) -> str:
    """The SHA-256 of ``parts`` as canonical JSON."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(json_bytes(text)).hexdigest()
