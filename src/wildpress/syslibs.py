"""The system libraries WeasyPrint needs (Pango, GObject, HarfBuzz): one sentence when they are missing.

WeasyPrint loads them with ``cffi`` when it is imported, and a missing one surfaces as
an ``OSError`` ("cannot load library 'libpango-1.0-0'..."). wildpress imports WeasyPrint
in its render worker (:mod:`wildpress.safety.worker`), which reports such a failure as a
:class:`~wildpress.errors.WorkerFailure` carrying :func:`missing_libraries_message`, and
the command line prints it instead of a traceback (exit code 1).
"""

from __future__ import annotations

import sys

_LIBRARIES = ("pango", "gobject", "harfbuzz", "fontconfig", "cairo", "glib")

#: Set to any value to make the render worker fail as if Pango were not installed (tests only).
SIMULATE_ENV = "WILDPRESS_SIMULATE_MISSING_PANGO"


def is_missing_library(exc: BaseException) -> bool:
    """True when ``exc`` is WeasyPrint failing to load one of the system libraries it needs."""
    return isinstance(exc, OSError) and any(name in str(exc).lower() for name in _LIBRARIES)


#: WeasyPrint's installation page: its Windows section is the route for Windows.
INSTALL_PAGE = "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#windows"
_MSYS2_BIN = r"C:\msys64\mingw64\bin"


def _system(platform: str | None) -> str:
    platform = platform or sys.platform
    if platform == "darwin":
        return "macos"
    if platform.startswith(("win32", "cygwin", "msys")) or platform == "windows":
        return "windows"
    return "linux"


def install_command(platform: str | None = None) -> str:
    """The command that installs the missing libraries on this kind of machine (``platform`` is a
    ``sys.platform`` value; default: this one)."""
    system = _system(platform)
    if system == "macos":
        return "brew install pango"
    if system == "windows":
        return "pacman -S mingw-w64-x86_64-pango"
    return "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"


def missing_libraries_message(exc: BaseException | str | None = None, platform: str | None = None) -> str:
    """One sentence: which library is missing and how to install it on this platform."""
    detail = f" ({str(exc).strip().splitlines()[0]})" if exc and str(exc).strip() else ""
    system = _system(platform)
    if system == "macos":
        how = f"install it with `{install_command('darwin')}`"
    elif system == "windows":
        how = (f"install MSYS2 (https://www.msys2.org), run `{install_command('win32')}` in its shell, and "
               f"set WEASYPRINT_DLL_DIRECTORIES to its mingw64\\bin folder if MSYS2 is not in {_MSYS2_BIN} "
               f"(see {INSTALL_PAGE})")
    else:
        how = (f"install it with `{install_command('linux')}` on Debian/Ubuntu "
               f"(`{install_command('darwin')}` on macOS)")
    return f"WeasyPrint cannot load the Pango text library it needs to make PDFs{detail}: {how}."
