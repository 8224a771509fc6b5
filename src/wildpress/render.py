"""Templates to HTML, HTML to PDF.

One :class:`Renderer` per process keeps WeasyPrint imported, the bundled
fonts registered and each layout's CSS parsed, which is where the speed
over one ``weasyprint`` process per document comes from. Any warning
WeasyPrint logs while rendering (a missing image, a bad CSS rule, a blocked
fetch) fails the document: a print file that silently lost something is
worse than no file.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import formatting
from .errors import LayoutError, RenderError
from .layouts import Layout
from .resources import fonts_dir
from .sizes import PaperSize
from .yamlsafe import YAMLProblem, load_file

if TYPE_CHECKING:  # the fetcher imports WeasyPrint (~0.5 s), which `validate` never needs
    from .fetcher import ConfinedFetcher


@dataclass(frozen=True)
class FontFace:
    """One bundled font file and the CSS family/weight/style it serves."""

    family: str
    file: Path
    weight: int
    style: str


@lru_cache(maxsize=None)
def bundled_fonts() -> tuple[FontFace, ...]:
    """Fonts listed in ``fonts/fonts.yaml``."""
    folder = fonts_dir()
    try:
        manifest = load_file(folder / "fonts.yaml").data
    except YAMLProblem as exc:
        raise LayoutError(str(exc.problem)) from None
    return tuple(
        FontFace(family, folder / face["file"], int(face["weight"]), face["style"])
        for family, faces in manifest["families"].items()
        for face in faces
    )


def font_face_css() -> str:
    """@font-face rules for every bundled font."""
    return "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{f.file.as_uri()}"); '
        f"font-weight: {f.weight}; font-style: {f.style}; }}"
        for f in bundled_fonts()
    )


# Warnings about speed, not about the page: on machines without Debian's
# libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools (slower, same PDF).
BENIGN_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)


def is_benign(message: str) -> bool:
    """True for WeasyPrint warnings that do not affect the printed result."""
    return message.startswith(BENIGN_WARNINGS)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not is_benign(message):
            self.messages.append(message)


@contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """Collect every WARNING+ that WeasyPrint logs inside the block."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def page_css(size: PaperSize, bleed_pt: float = 0.0) -> str:
    """The @page rule for ``size``: injected so no template hard-codes a size.

    The page box stays the finished (trim) size; CSS ``bleed`` adds the bleed
    around it, so WeasyPrint writes TrimBox = size and MediaBox = size + bleed,
    and the page background and anything pushed past the trim paint into it.
    Marks are drawn later by :mod:`wildpress.production`, outside the bleed.
    """
    return (f"@page {{ size: {size.width:.4f}pt {size.height:.4f}pt; bleed: {bleed_pt:.4f}pt; marks: none; }}\n"
            f":root {{ --page-width: {size.width:.4f}pt; --page-height: {size.height:.4f}pt; "
            f"--bleed: {bleed_pt:.4f}pt; }}")


class Renderer:
    """Renders layouts to PDF bytes, reusing fonts and parsed CSS across documents."""

    def __init__(self) -> None:
        import weasyprint  # imported here: ~0.5 s that `wildpress validate` should not pay
        from weasyprint.text.fonts import FontConfiguration

        self._wp = weasyprint
        self.font_config = FontConfiguration()
        self._css_cache: dict[tuple, Any] = {}
        self._env_cache: dict[tuple, jinja2.Environment] = {}

    def environment(self, layout: Layout, lang: str) -> jinja2.Environment:
        """Sandboxed, autoescaping, StrictUndefined Jinja environment for ``layout``."""
        key = (tuple(layout.folders), lang)
        if key not in self._env_cache:
            env = ImmutableSandboxedEnvironment(
                loader=jinja2.FileSystemLoader([str(f) for f in layout.folders]),
                undefined=jinja2.StrictUndefined,
                autoescape=True,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.filters.update(formatting.filters(lang))
            self._env_cache[key] = env
        return self._env_cache[key]

    def html(self, layout: Layout, context: dict, lang: str = "en") -> str:
        """Render the layout's entry template; template errors name file and line."""
        env = self.environment(layout, lang)
        try:
            return env.get_template(layout.template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise LayoutError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise LayoutError(f"layout '{layout.name}': {_template_location(exc)}{exc}") from None

    def _stylesheets(self, layout: Layout, fetcher: ConfinedFetcher) -> list:
        key = tuple(layout.style_files())
        if key not in self._css_cache:
            sheets = [self._wp.CSS(string=font_face_css(), font_config=self.font_config, url_fetcher=fetcher)]
            for path in layout.style_files():
                if not path.is_file():
                    raise LayoutError(f"layout '{layout.name}': style file {path} not found")
                sheets.append(self._wp.CSS(filename=str(path), font_config=self.font_config, url_fetcher=fetcher))
            self._css_cache[key] = sheets
        return self._css_cache[key]

    def render(self, html: str, layout: Layout, size: PaperSize, roots: list[Path],
               extra_css: str = "", **options: Any):
        """Lay out ``html`` at ``size``; returns the WeasyPrint Document.

        Resources load only from ``roots``; any WeasyPrint warning raises RenderError.
        """
        from .fetcher import ConfinedFetcher

        fetcher = ConfinedFetcher([*roots, *layout.folders, fonts_dir()])
        with weasyprint_warnings() as warnings:
            sheets = self._stylesheets(layout, fetcher)
            page = self._wp.CSS(string=page_css(size, options.pop("bleed_pt", 0.0)) + extra_css,
                                font_config=self.font_config)
            doc = self._wp.HTML(string=html, base_url=str(layout.folders[0]) + "/", url_fetcher=fetcher)
            document = doc.render(font_config=self.font_config, stylesheets=[*sheets, page], **options)
        if warnings:
            raise RenderError("WeasyPrint reported problems:\n  " + "\n  ".join(dict.fromkeys(warnings)))
        return document

    def write_pdf(self, document, **options: Any) -> bytes:
        """Serialise a rendered document to PDF bytes.

        Warnings fail, as in render, and so does any glyph drawn with a font
        that is not bundled: that is the machine's fallback font standing in
        for a missing glyph, and on another machine it would be a tofu box.
        """
        with weasyprint_warnings() as warnings:
            data = document.write_pdf(**options)
        if warnings:
            raise RenderError("WeasyPrint reported problems:\n  " + "\n  ".join(dict.fromkeys(warnings)))
        families = {f"{face.family.replace(' ', '-')}" for face in bundled_fonts()}
        for font in document.fonts.values():
            name = font.name.decode("latin-1").lstrip("/").split("+", 1)[-1]
            if not any(name.startswith(family) for family in families):
                chars = "".join(sorted(set(font.to_unicode.values())))
                listing = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars if c.strip()) or "some characters"
                raise RenderError(f"the bundled fonts have no glyph for {listing}; "
                                  f"the system font {name} would stand in. Replace the characters "
                                  "or add a font that has them to fonts/.")
        return data


def _template_location(exc: Exception) -> str:
    """'file.html.j2:12: ' from the traceback, since StrictUndefined errors lack it."""
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".html", ".jinja")):
            where = f"{Path(name).name}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where
