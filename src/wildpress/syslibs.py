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


def install_command(platform: str | None = None) -> str:
    """The command that installs the missing libraries on this kind of machine."""
    if (platform or sys.platform) == "darwin":
        return "brew install pango"
    return "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"


def missing_libraries_message(exc: BaseException | str | None = None, platform: str | None = None) -> str:
    """One sentence: which library is missing and how to install it."""
    detail = f" ({str(exc).strip().splitlines()[0]})" if exc and str(exc).strip() else ""
    if (platform or sys.platform) == "darwin":
        how = f"install it with `{install_command('darwin')}`"
    else:
        how = (f"install it with `{install_command('linux')}` on Debian/Ubuntu "
               f"(`{install_command('darwin')}` on macOS)")
    return f"WeasyPrint cannot load the Pango text library it needs to make PDFs{detail}: {how}."
