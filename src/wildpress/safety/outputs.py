"""What may be written where: output names, collisions, atomic writes, leftovers.

Every output name is built from checked parts (ids, layout and size names)
and sanitised again here; two jobs that would write the same file (also
after case folding, for case-insensitive disks) are an error naming both
before anything renders; nothing is written outside the output folder; a
file wildpress did not make is never replaced (``--force`` overrides); and
``.part`` files left by a killed build are removed by the next one.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Iterable

from ..errors import OutputError
from ..oscompat import open_nofollow

MAX_NAME = 150  # characters in an output file name; NAME_MAX is 255 bytes and the temp name adds more
MAX_OURS_BYTES = 512 * 1024 * 1024  # a file this large is not a PDF we wrote
_UNSAFE = re.compile(r"[^a-z0-9._-]+")
# what write_atomically leaves when killed: '.<name>.<random>.part' of a PDF, the manifest, a report or a page
_PART = re.compile(r"^\.(?:.+\.(?:pdf|json|html|png))\.[A-Za-z0-9_]{6,}\.part$")
_PART_FOLDER = re.compile(r"^\.cmyk\.[0-9a-f]{12}\.part$")  # Ghostscript's private folder (printing/cmyk.py)


def safe_name(name: str, suffix: str = ".pdf") -> str:
    """``name`` lower-cased, with only letters, digits, '.', '_' and '-', capped at MAX_NAME."""
    stem = _UNSAFE.sub("-", name.lower()).strip(".-") or "output"
    if len(stem) + len(suffix) > MAX_NAME:
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        stem = stem[: MAX_NAME - len(suffix) - 9].rstrip(".-") + "-" + digest
    return stem + suffix


def check_collisions(planned: Iterable[tuple[str, str]]) -> None:
    """``planned`` is (file name, what writes it); raise naming both writers of any one file."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for name, source in planned:
        key = name.casefold()
        if key in seen:
            other_name, other = seen[key]
            same = "" if other_name == name else f" (as {other_name}: the same file on case-insensitive disks)"
            clashes.append(f"{name} would be written by both {other} and {source}{same}")
        else:
            seen[key] = (name, source)
    if clashes:
        raise OutputError("two jobs would write the same file; rename a species id, layout or --deck-name:\n  "
                          + "\n  ".join(clashes))


def inside(out: Path, path: Path) -> bool:
    """True if ``path`` is a direct child of the output folder ``out``."""
    return Path(os.path.realpath(path.parent)) == Path(os.path.realpath(out)) and path.name not in ("", ".", "..")


def is_ours(path: Path) -> bool:
    """True if ``path`` is a regular file and a PDF that wildpress wrote (safe to replace).

    Never follows a symlink, never opens a FIFO or device, and never reads a huge file.
    """
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_OURS_BYTES:
            return False
        fd = open_nofollow(path, os.O_RDONLY)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode) or handle.read(5) != b"%PDF-":
                return False  # not a PDF: never handed to pypdf, whose complaints would reach the terminal
            handle.seek(0)
            from pypdf import PdfReader

            creator = (PdfReader(handle).metadata or {}).get("/Creator", "")
        return str(creator).startswith("wildpress")
    except Exception:  # unreadable or not a PDF: certainly not ours to overwrite
        return False


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the disk"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return (exc.strerror or str(exc)).lower()


def _write(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def json_bytes(text: str) -> bytes:
    """JSON text as UTF-8 bytes to write. A lone surrogate, how Python holds a file name whose
    bytes are not UTF-8, becomes its ``\\uXXXX`` escape: the same JSON value, read back exactly,
    where ``str.encode`` would fail."""
    return text.encode("utf-8", "backslashreplace")


def write_atomically(path: Path, data: bytes, force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file; never clobber a user's file.

    An existing symlink, FIFO, device or folder at ``path`` is never followed
    or read: it is not ours, so it is refused (with ``force``, a symlink or file
    is replaced itself, never its target).
    """
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"cannot write {path}: a folder of that name is in the way")
        if not force and not is_ours(path):
            raise OutputError(f"{path} exists and was not made by wildpress; not overwriting it (use --force)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {path.parent}: {_reason(exc)}") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    try:
        _write(fd, data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class OutputFolder:
    """The one checked writer: every file a command writes or deletes goes through one of these.

    A path handed to it is relative to its folder; '..', absolute paths, and any existing
    component that is a link (the folder itself included) are refused, so nothing is written,
    read for replacement or deleted outside the folder. ``project`` given: the folder must also
    resolve inside the project folder (a project's own ``out``), unless ``explicit`` (named on
    the command line; then only links are refused). Paths in messages are shown as given.
    """

    def __init__(self, path: Path, project: Path | None = None, explicit: bool = False) -> None:
        self.path = Path(path)
        self.project = Path(os.path.abspath(project)) if project is not None else None
        self.explicit = explicit

    def check(self) -> "OutputFolder":
        """Refuse a folder that is a link, leads outside the project (a project's own), is a file,
        or cannot be created or written; it is created at the first write."""
        out, real = self.path, Path(os.path.realpath(self.path))
        outside = self.project is not None and not real.is_relative_to(os.path.realpath(self.project))
        if os.path.islink(out):
            if outside:
                raise OutputError(f"output folder {out} is a link to {real}, outside the project folder; "
                                  "name the real folder with --out if that is where the PDFs should go")
            raise OutputError(f"output folder {out} is a link to {real}; wildpress never writes through a "
                              "link: name the real folder with --out")
        if outside and not self.explicit:
            raise OutputError(f"output folder {out} leads to {real}, outside the project folder; "
                              "name the real folder with --out if that is where the PDFs should go")
        self._refuse_links_above(out)
        probe = out
        while not os.path.lexists(probe) and probe != probe.parent:
            probe = probe.parent
        if not probe.is_dir():
            what = "is a file, not a folder" if probe == out else f"cannot be created: {probe} is not a folder"
            raise OutputError(f"output folder {out} {what}")
        if not os.access(probe, os.W_OK | os.X_OK):
            where = "" if probe == out else f" (in {probe})"
            raise OutputError(f"cannot write to output folder {out}{where}: permission denied")
        return self

    def _refuse_links_above(self, out: Path) -> None:
        """No folder between the project (or current) folder and ``out`` may be a link: ``-o linkdir/sub``
        would write behind it. Links above the project folder (``/tmp`` on macOS) are the system's own."""
        base = Path(os.path.abspath(self.project or Path.cwd()))
        lexical = Path(os.path.abspath(out))
        if not lexical.is_relative_to(base):
            return
        probe = base
        for part in lexical.relative_to(base).parts[:-1]:
            probe = probe / part
            if os.path.islink(probe):
                raise OutputError(f"output folder {out} lies behind the link {probe} (to {os.path.realpath(probe)}); "
                                  "wildpress never writes through a link: name the real folder with --out")

    def prepare(self) -> "OutputFolder":
        """:meth:`check`, then remove the ``.part`` files a killed build left; before anything renders."""
        self.check()
        if os.path.isdir(self.path):
            for entry in os.scandir(self.path):
                if _PART.match(entry.name) and entry.is_file(follow_symlinks=False):
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass
                elif _PART_FOLDER.match(entry.name) and entry.is_dir(follow_symlinks=False):
                    self.remove_tree(entry.name)
        return self

    def target(self, name: str | Path) -> Path:
        """The absolute path of ``name`` inside the folder, checked (see the class)."""
        rel = Path(name)
        if rel.is_absolute() or rel.drive or not rel.parts or any(p in ("..", ".", "") for p in rel.parts):
            raise OutputError(f"{name}: not a file name inside the output folder {self.path}; not touching it")
        self.check()
        path = self.path
        for part in rel.parts[:-1]:
            path = path / part
            if os.path.islink(path):
                raise OutputError(f"{path} is a link; wildpress never writes through a link")
        return path / rel.parts[-1]

    def write(self, name: str | Path, data: bytes, force: bool = False) -> Path:
        """Write ``data`` atomically (see :func:`write_atomically`) at ``name`` inside the folder."""
        path = self.target(name)
        write_atomically(path, data, force)
        return path

    def mkdir(self, name: str | Path) -> Path:
        path = self.target(name)
        if os.path.islink(path):
            raise OutputError(f"{path} is a link; wildpress never writes through a link")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def remove(self, name: str | Path) -> bool:
        """Delete the regular file ``name`` (never a link's target, a folder or a device)."""
        path = self.target(name)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return False
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f"{path} is not a regular file; not removing it")
        path.unlink()
        return True

    def remove_tree(self, name: str | Path) -> None:
        """Delete the folder ``name`` and what is in it (a link in its place is removed itself)."""
        import shutil

        path = self.target(name)
        if os.path.islink(path):
            path.unlink()
        elif os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)  # rmtree never follows links inside
