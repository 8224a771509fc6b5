"""The only way WeasyPrint may load a resource: files inside allowed folders.

WeasyPrint's default fetcher follows ``../``, absolute ``file://`` paths,
symlinks and network URLs, and will read ``/dev/zero`` until memory runs out.
Layouts and species files come from volunteers, so every fetch is checked
here: regular files only, resolved (symlinks included) inside the project's
own folders, under a size cap; ``data:`` URLs are allowed, nothing else.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_RESOURCE_BYTES = 64 * 1024 * 1024  # a print-resolution A0 photo stays well under this


class BlockedResource(ValueError):
    """A resource outside the allowed folders or of a forbidden kind."""


class ConfinedFetcher(URLFetcher):
    """URL fetcher that serves files from ``roots`` and data: URLs only."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.fetched: list[Path] = []

    def allows(self, path: Path) -> bool:
        """True if ``path`` (after resolving symlinks) lies inside an allowed root."""
        real = Path(path).resolve()
        return any(real.is_relative_to(root) for root in self.roots)

    def fetch(self, url, headers=None):
        """Serve ``url`` if it is a data: URL or an allowed regular file; raise otherwise."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise BlockedResource(f"blocked resource {url}: only files inside the project may be used")
        path = Path(unquote(parts.path))
        real = path.resolve()
        if not self.allows(real):
            raise BlockedResource(f"blocked resource {path}: outside the project's folders")
        if not real.is_file():
            raise BlockedResource(f"missing resource {path}")
        size = real.stat().st_size
        if size > MAX_RESOURCE_BYTES:
            raise BlockedResource(f"resource {path} is {size} bytes; the limit is {MAX_RESOURCE_BYTES}")
        self.fetched.append(real)
        mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": mime})
