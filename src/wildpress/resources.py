"""Where the bundled layouts, sample data and fonts live.

In the repository they are top-level folders; in an installed wheel they are
copied to ``wildpress/_bundled/``. Everything else asks this module.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def bundled_root() -> Path:
    """Folder holding ``layouts/``, ``data/`` and ``fonts/`` for this installation."""
    installed = _PACKAGE / "_bundled"
    if (installed / "layouts").is_dir():
        return installed
    repo = _PACKAGE.parent.parent  # src/wildpress -> repository root (editable install)
    if (repo / "layouts").is_dir() and (repo / "fonts").is_dir():
        return repo
    raise RuntimeError(f"wildpress is installed without its layouts/fonts (looked in {installed} and {repo})")


def layouts_dir() -> Path:
    """Built-in layouts folder."""
    return bundled_root() / "layouts"


def fonts_dir() -> Path:
    """Bundled fonts folder (with ``fonts.yaml`` and licences)."""
    return bundled_root() / "fonts"


def sample_species_dir() -> Path:
    """Bundled sample species files."""
    return bundled_root() / "data" / "species"


def cache_dir() -> Path:
    """Asset cache (fetched and converted images): ``$WILDPRESS_CACHE`` or ``~/.cache/wildpress``."""
    import os

    base = os.environ.get("WILDPRESS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "wildpress")
    return Path(base)
