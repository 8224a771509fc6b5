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

MAX_NAME = 150  # characters in an output file name; NAME_MAX is 255 bytes and the temp name adds more
MAX_OURS_BYTES = 512 * 1024 * 1024  # a file this large is not a PDF we wrote
_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_PART = re.compile(r"^\..+\.pdf\.[A-Za-z0-9_]{6,}\.part$")


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


def prepare_out_dir(out: Path, project: Path | None = None) -> Path:
    """Check the output folder can be written (it is created at the first write), and remove
    stale ``.part`` files from it; fails before anything renders.

    An output folder named inside the ``project`` whose real path leads outside it (a link a
    project shipped, e.g. ``out -> ~/.config``) is refused: give the real folder with --out.
    """
    out = Path(out)
    if project is not None:
        root, lexical = Path(os.path.realpath(project)), Path(os.path.abspath(out))
        real = Path(os.path.realpath(lexical))
        inside_project = lexical.is_relative_to(root) or lexical.is_relative_to(os.path.abspath(project))
        if inside_project and not real.is_relative_to(root):
            raise OutputError(f"output folder {out} is a link to {real}, outside the project folder; "
                              "name the real folder with --out if that is where the PDFs should go")
    probe = out
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        what = "is a file, not a folder" if probe == out else f"cannot be created: {probe} is not a folder"
        raise OutputError(f"output folder {out} {what}")
    if not os.access(probe, os.W_OK | os.X_OK):
        where = "" if probe == out else f" (in {probe})"
        raise OutputError(f"cannot write to output folder {out}{where}: permission denied")
    if probe == out:
        for entry in os.scandir(out):
            if _PART.match(entry.name) and entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
    return out


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
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return False
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
