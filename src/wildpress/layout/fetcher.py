"""The only way WeasyPrint may load a resource: confined files and data: URLs.

WeasyPrint's default fetcher follows ``../``, absolute ``file://`` paths,
symlinks and network URLs, and will read ``/dev/zero`` until memory runs out.
Layouts and species files come from volunteers, so every fetch goes through
the same :class:`~wildpress.safety.confine.Confinement` as every other read,
and images are checked (real format, pixel cap, safe SVG) before WeasyPrint
decodes them.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..safety.confine import MAX_FILE_BYTES, Confinement, Refused
from ..safety.images import IMAGE_SUFFIXES, image_problem, sniff

MAX_RESOURCE_BYTES = MAX_FILE_BYTES
_checked_images: dict[tuple, str | None] = {}  # (real path, size, mtime) -> problem


class BlockedResource(ValueError):
    """A resource outside the allowed folders or of a forbidden kind."""


class ConfinedFetcher(URLFetcher):
    """URL fetcher that serves confined files and data: URLs only."""

    def __init__(self, confinement: Confinement | list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        if not isinstance(confinement, Confinement):
            confinement = Confinement(tuple(Path(os.path.realpath(r)) for r in confinement))
        self.confinement = confinement
        self.fetched: list[Path] = []

    def allows(self, path: Path) -> bool:
        """True if ``path`` (after resolving symlinks) lies inside an allowed root."""
        return self.confinement.allows(Path(os.path.realpath(path)))

    def fetch(self, url, headers=None):
        """Serve ``url`` if it is a data: URL or an allowed regular file; raise otherwise."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise BlockedResource(f"blocked resource {url[:200]}: only files inside the project may be used")
        path = Path(unquote(parts.path))
        try:
            real = self.confinement.check(path)
            data = self.confinement.read_bytes(real)
        except Refused as exc:
            raise BlockedResource(f"blocked resource: {exc}") from None
        kind = sniff(data)
        if kind or real.suffix.lower() in IMAGE_SUFFIXES:
            info = os.stat(real)
            key = (real, info.st_size, info.st_mtime_ns)
            if key not in _checked_images:
                _checked_images[key] = image_problem(data, path.name)
            if _checked_images[key]:
                raise BlockedResource(_checked_images[key])
        self.fetched.append(real)
        mime = {"SVG": "image/svg+xml"}.get(kind or "") or mimetypes.guess_type(real.name)[0] \
            or "application/octet-stream"
        return URLFetcherResponse(real.as_uri(), data, {"Content-Type": mime})
