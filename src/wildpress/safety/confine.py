"""The one way wildpress reads a file: real path inside an allowed root, regular, capped.

Every file wildpress opens — species files, photos, ``layout.yaml``, templates
and whatever they include, stylesheets, fonts, images a layout references —
is read by :meth:`Confinement.read_bytes`. It resolves the real path (after
``..`` and symlinks), accepts only regular files inside the allowed roots
(the project folder, the built-in layouts and fonts, the asset cache) and
under a size cap, and never opens a FIFO or a device: the file type is
checked before opening, and the open itself is non-blocking and never
follows a link (:func:`wildpress.oscompat.open_nofollow`, on every system).
A refusal names the file that asked and the path refused.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..errors import Refused
from ..oscompat import open_nofollow, opened_path
from ..resources import cache_dir, fonts_dir, layouts_dir

MAX_FILE_BYTES = 64 * 1024 * 1024  # a print-resolution A0 photo stays well under this

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def real_path(path: Path | str) -> Path:
    """``path`` with ``..`` and every symlink resolved; raises Refused if it cannot be."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        raise Refused(path, f"{path} not found") from None
    except (OSError, RuntimeError, ValueError) as exc:  # symlink loops, names too long, NUL bytes
        reason = getattr(exc, "strerror", None) or str(exc)
        raise Refused(path, f"cannot read {path}: {reason}") from None


def read_regular(path: Path | str, max_bytes: int = MAX_FILE_BYTES, real: Path | None = None,
                 allowed: Callable[[Path], bool] | None = None) -> bytes:
    """Bytes of a regular file of at most ``max_bytes``; FIFOs and devices are never opened.

    With ``allowed``, the file actually opened is checked again (its real path where the system
    names it, see :func:`~wildpress.oscompat.opened_path`; elsewhere it must still be the file at
    the checked real path), so a folder swapped for a link after the check gains nothing.
    """
    real = real or real_path(path)
    try:
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(path, f"{path} is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise Refused(path, f"{path} is {info.st_size} bytes; the limit is {max_bytes}")
        fd = open_nofollow(real, os.O_RDONLY, regular=False)
    except OSError as exc:
        raise Refused(path, f"cannot read {path}: {exc.strerror}") from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped for something else since the stat
            raise Refused(path, f"{path} is not a regular file")
        if allowed is not None:
            _check_opened(path, fd, opened, real, allowed)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise Refused(path, f"{path} is more than {max_bytes} bytes; the limit is {max_bytes}")
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(path, f"cannot read {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


def _check_opened(path, fd: int, opened: os.stat_result, real: Path, allowed: Callable[[Path], bool]) -> None:
    """Refuse the open file ``fd`` unless it lies inside ``allowed``: by its own path where the system
    names it, else by being the file now at the checked real path ``real`` (same device and inode)."""
    where = opened_path(fd)
    if where is not None:
        if not allowed(where):
            raise Refused(path, f"refused {path}: it changed into a link to {where} while being read")
        return
    try:
        now = os.stat(real_path(real))
        same = (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino) and allowed(real_path(real))
    except (OSError, Refused):
        same = False
    if not same:
        raise Refused(path, f"refused {path}: it changed while being read")


@dataclass(frozen=True)
class Confinement:
    """Allowed roots (real paths) and a size cap; see the module docstring."""

    roots: tuple[Path, ...]
    max_bytes: int = MAX_FILE_BYTES

    @classmethod
    def for_project(cls, project: Path | str | None = None, named: Iterable[Path | str] = ()) -> "Confinement":
        """Project folder (default: the current folder), the folders of species paths the user
        named (a named folder, or a named file's folder; a named symlink counts as its own
        folder, so a link cannot widen the roots), the built-in layouts and fonts and the asset cache."""
        roots = [Path(project or Path.cwd()), layouts_dir(), fonts_dir(), cache_dir()]
        for path in map(Path, named):  # a named link does not widen the roots: only real folders do
            roots.append(path if path.is_dir() and not path.is_symlink() else path.parent)
        real = []
        for root in roots:
            try:
                resolved = Path(os.path.realpath(root))
            except (OSError, ValueError):
                continue
            if resolved not in real:
                real.append(resolved)
        return cls(tuple(real))

    def with_root(self, folder: Path | str) -> "Confinement":
        """This confinement with one more allowed folder (its real path), e.g. the build's photo cache."""
        real = Path(os.path.realpath(folder))
        return self if real in self.roots else Confinement(self.roots + (real,), self.max_bytes)

    def allows(self, real: Path) -> bool:
        """True if the real path ``real`` lies inside an allowed root."""
        return any(real == root or real.is_relative_to(root) for root in self.roots)

    def check(self, path: Path | str, asker: Path | str | None = None) -> Path:
        """The real path of ``path`` if it may be read; raise :class:`Refused` otherwise."""
        try:
            real = real_path(path)
        except Refused:
            lexical = Path(os.path.normpath(os.path.abspath(path)))
            if not self.allows(lexical):  # missing and outside: say outside, it is the real problem
                raise Refused(path, f"refused {path}: it is outside the project folder and "
                                    "wildpress's own layouts and fonts", asker) from None
            raise
        if not self.allows(real):
            link = f" (a link to {real})" if Path(os.path.abspath(path)) != real else ""
            raise Refused(path, f"refused {path}{link}: it is outside the project folder and "
                                "wildpress's own layouts and fonts", asker)
        return real

    def read_bytes(self, path: Path | str, asker: Path | str | None = None, max_bytes: int | None = None) -> bytes:
        """Contents of ``path`` after :meth:`check`; a regular file under the size cap."""
        try:
            real = self.check(path, asker)
            return read_regular(path, max_bytes or self.max_bytes, real, self.allows)
        except Refused as exc:
            if exc.asker is None and asker is not None:
                raise Refused(exc.path, exc.reason, asker) from None
            raise

    def read_text(self, path: Path | str, asker: Path | str | None = None, max_bytes: int | None = None) -> str:
        """UTF-8 text of ``path`` (a byte-order mark is dropped)."""
        data = self.read_bytes(path, asker, max_bytes)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            utf16 = " (it is UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
            line = data[:exc.start].count(b"\n") + 1
            raise Refused(path, f"{path} is not UTF-8 text{utf16} (line {line}, byte {exc.start}); save it as UTF-8",
                          asker) from None
