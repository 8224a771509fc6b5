"""The only way WeasyPrint may load a resource: confined files, data: URLs and wildpress's own pictures.

WeasyPrint's default fetcher follows ``../``, absolute ``file://`` paths,
symlinks and network URLs, and will read ``/dev/zero`` until memory runs out.
Layouts and species files come from volunteers, so every fetch goes through
the same :class:`~wildpress.safety.confine.Confinement` as every other read,
and images are checked (real format, pixel cap, safe SVG) before WeasyPrint
decodes them. ``wildpress-picture:`` URLs name range maps and QR codes wildpress
drew itself (:mod:`wildpress.pictures.store`): served from memory, never from disk.
"""

from __future__ import annotations

import mimetypes
import os
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..pictures.store import is_picture, picture_bytes
from ..safety.confine import MAX_FILE_BYTES, Confinement, Refused
from ..safety.images import IMAGE_SUFFIXES, image_problem, sniff

MAX_RESOURCE_BYTES = MAX_FILE_BYTES
MAX_DATA_URL_CHARS = MAX_RESOURCE_BYTES * 4 // 3 + 1024  # base64 grows data by a third
MAX_IMPORT_DEPTH = 8  # stylesheets importing stylesheets importing ...
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
        """Serve ``url`` if it is a data: URL, a picture wildpress drew or an allowed regular file;
        raise otherwise."""
        if is_picture(url):
            return self._picture(url)
        parts = urlsplit(url)
        if parts.scheme == "data":
            return self._data_url(url)
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
        if kind is None and real.suffix.lower() == ".css":
            self._check_imports(real, data)
        self.fetched.append(real)
        mime = {"SVG": "image/svg+xml"}.get(kind or "") or mimetypes.guess_type(real.name)[0] \
            or "application/octet-stream"
        return URLFetcherResponse(real.as_uri(), data, {"Content-Type": mime})

    @staticmethod
    def _picture(url: str) -> URLFetcherResponse:
        """A map or QR code held by :mod:`wildpress.pictures.store` (drawn by wildpress, by content)."""
        data = picture_bytes(url)
        if data is None:
            raise BlockedResource(f"blocked resource {url[:80]}: not a picture drawn for this build "
                                  "(maps and QR codes come from maps.svg() and qr.svg() only)")
        return URLFetcherResponse(url, data, {"Content-Type": "image/svg+xml"})

    def _data_url(self, url: str) -> URLFetcherResponse:
        """Decode a data: URL ourselves (size-capped) and check it like a file before WeasyPrint sees it."""
        shown = f"a data: URL ({url[5:40]}...)"
        data, mime = _decode_data_url(url, shown)
        kind = sniff(data)
        if kind or mime.startswith("image/"):
            problem = image_problem(data, shown)
            if problem:
                raise BlockedResource(f"blocked resource: {problem}")
        if kind == "SVG":
            mime = "image/svg+xml"
        if kind is None and mime == "text/css":
            self._check_imports(url, data)
        return URLFetcherResponse(url, data, {"Content-Type": mime})

    def _check_imports(self, sheet: Path | str, data: bytes) -> None:
        """Refuse a stylesheet whose @import chain loops back or goes deeper than MAX_IMPORT_DEPTH.

        The chain runs through files and ``data:`` stylesheets alike (a file importing a data:
        sheet that imports the file again is a loop too)."""
        pending = [(sheet, data, (sheet,))]
        while pending:
            current, text, chain = pending.pop()
            for target in _imported(current, text):
                if target in chain:
                    loop = " -> ".join(_name(p) for p in (*chain[chain.index(target):], target))
                    raise BlockedResource(f"blocked resource: {_name(current, full=True)} imports {_name(target)}, which is "
                                          f"already being imported ({loop}): remove the @import that loops back")
                if len(chain) >= MAX_IMPORT_DEPTH:
                    raise BlockedResource(f"blocked resource: {_name(current, full=True)}: @import nested more than "
                                          f"{MAX_IMPORT_DEPTH} stylesheets deep: import fewer levels")
                pending.append((target, self._imported_bytes(target), (*chain, target)))

    def _imported_bytes(self, target: Path | str) -> bytes:
        """The text of an imported stylesheet: a confined file, or a data: URL decoded under its caps."""
        if isinstance(target, str):  # a data: URL: the only kind kept as str
            return _decode_data_url(target, _name(target))[0]
        try:
            real = self.confinement.check(target)
            return self.confinement.read_bytes(real)
        except Refused as exc:
            raise BlockedResource(f"blocked resource: {exc}") from None


def _decode_data_url(url: str, shown: str) -> tuple[bytes, str]:
    """(bytes, MIME type) of a data: URL, decoded here under the length and size caps."""
    if len(url) > MAX_DATA_URL_CHARS:
        raise BlockedResource(f"blocked resource: {shown} is longer than {MAX_DATA_URL_CHARS} characters; "
                              "put it in a file beside the layout instead")
    try:
        with urllib.request.urlopen(url) as response:  # the data: handler only: callers checked the scheme
            data = response.read(MAX_RESOURCE_BYTES + 1)
            mime = response.headers.get_content_type()
    except (ValueError, OSError) as exc:
        raise BlockedResource(f"blocked resource: {shown} cannot be decoded ({exc}); "
                              "check its base64 text") from None
    if len(data) > MAX_RESOURCE_BYTES:
        raise BlockedResource(f"blocked resource: {shown} holds more than {MAX_RESOURCE_BYTES} bytes")
    return data, mime


def _name(sheet: Path | str, full: bool = False) -> str:
    """A stylesheet as messages name it: a file by its name (``full``: its path), a data: URL by its start."""
    if isinstance(sheet, Path):
        return str(sheet) if full else sheet.name
    return f"a data: stylesheet ({sheet[5:40]}...)"


def _imported(sheet: Path | str, data: bytes) -> list[Path | str]:
    """What the @import rules of ``sheet`` name: local files (real paths) and data: URLs (as given).
    A data: sheet's relative references have no base and are left to the fetcher, which refuses them."""
    import tinycss2

    rules, _encoding = tinycss2.parse_stylesheet_bytes(data, skip_comments=True, skip_whitespace=True)
    base = sheet.as_uri() if isinstance(sheet, Path) else ""
    targets: list[Path | str] = []
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "import":
            continue
        for token in rule.prelude:
            if token.type in ("url", "string"):
                ref = token.value
            elif token.type == "function" and token.lower_name == "url" and token.arguments:
                ref = getattr(token.arguments[0], "value", "")
            else:
                continue
            if ref[:5].lower() == "data:":
                targets.append(ref)
                break
            parts = urlsplit(urljoin(base, ref) if base else ref)
            if parts.scheme == "file":
                targets.append(Path(os.path.realpath(unquote(parts.path))))
            break
    return targets
