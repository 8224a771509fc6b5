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
import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import jinja2
from markupsafe import escape

from . import formatting
from ..i18n import direction
from ..errors import LayoutError, RenderError
from .fonts import FontFace, bundled_fonts, font_face_css, project_fonts, project_root_of  # noqa: F401 - re-exported
from .layouts import Layout
from ..safety.confine import Confinement, Refused
from ..safety.limits import Limits, install_page_limit, page_limit
from ..safety.sandbox import BoundedEnvironment, ConfinedLoader, TemplateLimit, location, render_bounded
from ..pictures.store import PICTURE_CSS, SharedPictures
from ..printing.sizes import PaperSize

if TYPE_CHECKING:  # the fetcher imports WeasyPrint (~0.5 s), which `validate` never needs
    from .fetcher import ConfinedFetcher
    from ..i18n.words import Words


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
    Marks are drawn later by :mod:`wildpress.printing.production`, outside the bleed.
    """
    return (f"@page {{ size: {size.width:.4f}pt {size.height:.4f}pt; bleed: {bleed_pt:.4f}pt; marks: none; }}\n"
            f":root {{ --page-width: {size.width:.4f}pt; --page-height: {size.height:.4f}pt; "
            f"--bleed: {bleed_pt:.4f}pt; }}")


class Renderer:
    """Renders layouts to PDF bytes, reusing fonts and parsed CSS across documents.

    Every file it reads goes through :attr:`confinement` (set per job with
    :meth:`confined`; by default the current folder, the species folders a
    caller names, and wildpress's own layouts and fonts), and no document
    lays out more than :attr:`max_pages` pages.
    """

    def __init__(self) -> None:
        import weasyprint  # imported here: ~0.5 s that `wildpress validate` should not pay
        from weasyprint.text.fonts import FontConfiguration

        self._wp = weasyprint
        install_page_limit()
        self.font_config = FontConfiguration()
        self._css_cache: dict[tuple, Any] = {}
        self._env_cache: dict[tuple, jinja2.Environment] = {}
        self._picture_css = None  # PICTURE_CSS parsed, on the first render
        self.confinement: Confinement | None = None
        self.max_pages: int = Limits().max_pages

    @contextmanager
    def confined(self, confinement: Confinement, max_pages: int) -> Iterator["Renderer"]:
        """Within the block, read only what ``confinement`` allows and lay out at most ``max_pages``."""
        saved = self.confinement, self.max_pages
        self.confinement, self.max_pages = confinement, max_pages
        try:
            yield self
        finally:
            self.confinement, self.max_pages = saved

    def _confinement(self, roots: list[Path] | tuple = ()) -> Confinement:
        return self.confinement or Confinement.for_project(Path.cwd(), roots)

    def environment(self, layout: Layout, words: "Words | str") -> jinja2.Environment:
        """Bounded sandbox (autoescaping, StrictUndefined) loading ``layout``'s templates confined.

        ``_()`` and ``ngettext()`` in templates translate through the build's catalogue
        (Jinja's i18n extension, new style: values are escaped, ``%(name)s`` placeholders).
        """
        from ..i18n.words import as_words

        words = as_words(words)
        confinement = self._confinement()
        key = (tuple(layout.folders), words, confinement)
        if key not in self._env_cache:
            env = BoundedEnvironment(
                loader=ConfinedLoader(layout.folders, confinement),
                undefined=jinja2.StrictUndefined,
                autoescape=True,
                trim_blocks=True,
                lstrip_blocks=True,
                extensions=["jinja2.ext.i18n"],
            )
            # Translations are text, never markup: escaped like any value (a project's .po is untrusted).
            cat = words.cat
            env.install_gettext_callables(lambda s: escape(cat.gettext(s)),
                                          lambda s, p, n: escape(cat.ngettext(s, p, n)), newstyle=True)
            env.filters.update(formatting.filters(words))
            if len(self._env_cache) > 32:  # a long-lived worker serves many projects: stay bounded
                self._env_cache.clear()
            self._env_cache[key] = env
        return self._env_cache[key]

    def html(self, layout: Layout, context: dict, words: "Words | str" = "en") -> str:
        """Render the layout's entry template in ``words``' language; template errors name file and line."""
        env = self.environment(layout, words)
        try:
            return direction.resolve(render_bounded(env.get_template(layout.template), context))
        except jinja2.TemplateSyntaxError as exc:
            raise LayoutError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
        except TemplateLimit as exc:
            raise LayoutError(f"layout '{layout.name}': {location(exc)}{exc}") from None
        except jinja2.TemplateNotFound as exc:
            folders = ", ".join(str(f) for f in layout.folders)
            raise LayoutError(f"layout '{layout.name}': {_template_location(exc)}template {exc.name!r} not found: "
                              f"include, import and extends name a file inside the layout folders ({folders}), "
                              "by its path relative to them") from None
        except jinja2.TemplateError as exc:
            raise LayoutError(f"layout '{layout.name}': {_template_location(exc)}{exc}") from None
        except RecursionError as exc:
            raise LayoutError(f"layout '{layout.name}': {location(exc)}recursion too deep "
                              "(a macro or loop that calls itself without end?)") from None
        except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
            raise LayoutError(f"layout '{layout.name}': {location(exc)}{type(exc).__name__}: {exc}") from None

    def _stylesheets(self, layout: Layout, fetcher: ConfinedFetcher) -> tuple[list, list[str]]:
        """The layout's CSS, read through the confinement, and what WeasyPrint said of each file
        (named by stylesheet and line); both cached while the files are unchanged, so a bad rule
        fails every document, not only the first a worker parses."""
        confinement = fetcher.confinement
        texts = []
        for path in layout.style_files():
            asker = _manifest_naming(layout, path)
            try:
                texts.append((path, confinement.read_text(path, asker=asker, max_bytes=MAX_CSS_BYTES)))
            except Refused as exc:
                raise LayoutError(f"layout '{layout.name}': {exc}") from None
        faces = project_fonts(project_root_of(confinement), confinement)
        fonts_css = font_face_css(layout, faces)  # @font-face rules and the layout's --font-* chains
        key = (fonts_css, tuple(texts), confinement)
        if key not in self._css_cache:
            sheets, problems = [], []
            for path, text in [(None, fonts_css), *texts]:
                with weasyprint_warnings() as said:
                    sheets.append(self._wp.CSS(string=text, base_url=path.as_uri() if path else None,
                                               font_config=self.font_config, url_fetcher=fetcher))
                name = _stylesheet_name(layout, path) if path else f"the font rules of layout '{layout.name}'"
                problems += [stylesheet_problem(name, text, message) for message in said]
            if len(self._css_cache) > 64:
                self._css_cache.clear()
            self._css_cache[key] = sheets, problems
        return self._css_cache[key]

    def render(self, html: str, layout: Layout, size: PaperSize, roots: list[Path],
               extra_css: str = "", **options: Any):
        """Lay out ``html`` at ``size``; returns the WeasyPrint Document.

        Resources load only from ``roots``; any WeasyPrint warning raises RenderError. The
        pictures of :mod:`wildpress.pictures.store` are blocks unless the layout's CSS says
        otherwise (:data:`~wildpress.pictures.store.PICTURE_CSS` comes before the layout's own).
        """
        from .fetcher import ConfinedFetcher

        fetcher = ConfinedFetcher(self._confinement(roots))
        sheets, css_problems = self._stylesheets(layout, fetcher)
        if css_problems:
            raise RenderError(_problems(css_problems))
        if self._picture_css is None:
            self._picture_css = self._wp.CSS(string=PICTURE_CSS, font_config=self.font_config)
        with weasyprint_warnings() as warnings, page_limit(self.max_pages):
            page = self._wp.CSS(string=page_css(size, options.pop("bleed_pt", 0.0)) + extra_css,
                                font_config=self.font_config, url_fetcher=fetcher)
            doc = self._wp.HTML(string=html, base_url=layout.folders[0].as_uri() + "/", url_fetcher=fetcher)
            # Maps and QR codes (wildpress-picture: URLs) are parsed once and kept across passes
            # and documents; every other image is loaded afresh by each render, through the fetcher.
            document = doc.render(font_config=self.font_config, stylesheets=[self._picture_css, *sheets, page],
                                  cache=SharedPictures(), **options)
        if warnings:
            raise RenderError(_problems(warnings))
        return document

    def write_pdf(self, document, **options: Any) -> bytes:
        """Serialise a rendered document to PDF bytes.

        Warnings fail, as in render, and so does any glyph drawn with a font
        that is neither bundled nor in the project's ``fonts/``: that is the
        machine's fallback font standing in for a missing glyph, and on another
        machine it would be a tofu box.
        """
        with weasyprint_warnings() as warnings:
            data = document.write_pdf(**options)
        if warnings:
            raise RenderError(_problems(warnings))
        confinement = self._confinement()
        faces = (*bundled_fonts(), *project_fonts(project_root_of(confinement), confinement))
        families = {f"{face.family.replace(' ', '-')}" for face in faces}
        for font in document.fonts.values():
            name = font.name.decode("latin-1").lstrip("/").split("+", 1)[-1]
            if not any(name.startswith(family) for family in families):
                chars = "".join(sorted(set(font.to_unicode.values())))
                listing = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars if c.strip()) or "some characters"
                raise RenderError(f"the bundled fonts have no glyph for {listing}; "
                                  f"the system font {name} would stand in. Replace the characters "
                                  "or add a font that has them to the project's fonts/ folder "
                                  "(beside wildpress.yaml, or the folder you build in).")
        return data


MAX_CSS_BYTES = 2_000_000


_DATA_URL = re.compile(r"data:([^,'\s]{0,40})[^'\s]{40,}")


def _problems(warnings: list[str]) -> str:
    """WeasyPrint's warnings as one error; a missing glyph says where to add a font. A ``data:``
    URL WeasyPrint quotes whole is cut to its start (it may be megabytes)."""
    warnings = [_DATA_URL.sub(lambda m: f"data:{m.group(1)}…", w) for w in warnings]
    text = "WeasyPrint reported problems:\n  " + "\n  ".join(dict.fromkeys(warnings))
    if any("unsupported by fonts" in w or ".notdef" in w for w in warnings):
        text += ("\nNo font of the layout has those characters (the layout's own text, since species texts "
                 "are checked before rendering): add a font that has them to the project's fonts/ folder.")
    return text


_AT_LINE = re.compile(r"^(?P<what>.*?) at (?P<line>\d+):(?P<column>\d+)(?P<rest>.*)$", re.S)
_QUOTED = re.compile(r"[`'](?P<quoted>[^`']{2,})[`']")


def stylesheet_problem(name: str, text: str, message: str) -> str:
    """WeasyPrint's word on a stylesheet as 'name:line:column: what', e.g. "poster.css:2:6:
    ignored `font-sise: 3pt`, unknown property." Where WeasyPrint gives no place (a bad
    selector), the first line quoting what it names is given."""
    found = _AT_LINE.match(message)
    if found:
        what = found["what"][:1].lower() + found["what"][1:]
        return f"{name}:{found['line']}:{found['column']}: {what}{found['rest']}"
    quoted = _QUOTED.search(message)
    fragment = quoted["quoted"].strip() if quoted else ""
    for number, line in enumerate(text.splitlines(), 1):
        if fragment and fragment in line:
            return f"{name}:{number}: {message}"
    return f"{name}: {message}"


def _stylesheet_name(layout: Layout, path: Path) -> str:
    """``path`` as its layout folder names it: 'poster/poster.css', 'mine/extra.css'."""
    for folder in layout.folders:
        try:
            return f"{folder.name}/{path.relative_to(folder).as_posix()}"
        except ValueError:
            continue
    return path.name


def _manifest_naming(layout: Layout, path: Path) -> Path:
    """The layout.yaml whose ``styles:`` names ``path`` (the file that asked for it)."""
    for folder, manifest in layout._chain:
        if any(folder / name == path for name in manifest.get("styles", [])):
            return folder / "layout.yaml"
    return layout.folders[0] / "layout.yaml"


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
