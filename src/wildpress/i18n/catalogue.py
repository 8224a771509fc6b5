"""Message catalogues: every fixed word a layout prints, in the reader's language.

The words live in gettext ``.po`` files, so translators use the tools they
know (Poedit, Weblate, a text editor). The bundled ones sit in the base
layout, ``layouts/base/locale/<lang>.po``, with the template
``wildpress.pot`` made by ``docs/gen_catalogue.py``. Catalogues are merged in
this order, each overriding the ones before:

1. the bundled catalogue (the base layout's ``locale/``),
2. every layout folder of the chain that has a ``locale/`` folder, parent first,
3. the project's own ``locale/<lang>.po`` beside ``wildpress.yaml``.

Every file is read through the confined reader. A catalogue that is not
bundled is untrusted: a translation with a placeholder the English text does
not have is refused with its file and line, and every translation is printed
as text (escaped), never as markup.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from ..errors import LayoutError, UsageError
from ..resources import layouts_dir
from ..safety.confine import Confinement, Refused

# Languages wildpress ships a catalogue for; English is the source language (the msgids).
LANGUAGES = ("en", "es", "fr", "de", "pt", "ru", "zh", "ar")
RTL_LANGUAGES = ("ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb")
MAX_CATALOGUE_BYTES = 2_000_000
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def bundled_folder() -> Path:
    """The bundled catalogues (the base layout's ``locale/``)."""
    return layouts_dir() / "base" / "locale"


def catalogue_code(lang: str) -> str:
    """The catalogue file stem for a language tag: 'pt-BR' -> 'pt', 'zh-Hans' -> 'zh', 'en' -> 'en'."""
    return lang.replace("_", "-").split("-")[0].lower()


def is_rtl(lang: str) -> bool:
    """True for languages written right to left (Arabic, Persian, Hebrew, Urdu...)."""
    try:
        return Locale.parse(lang.replace("-", "_")).character_order == "right-to-left"
    except (ValueError, LookupError):
        return catalogue_code(lang) in RTL_LANGUAGES


@dataclass(frozen=True)
class Catalogue:
    """The merged translations for one language, and the files they came from."""

    lang: str
    translations: Translations
    files: tuple[Path, ...]
    own: tuple[tuple[Path, int, str], ...] = ()  # (file, line, text) of every translation not bundled

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)


def _parse(text: str, file: Path, lang: str, trusted: bool) -> Catalog:
    """One .po file, checked when it is not bundled."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, LookupError):
        locale = None
    try:
        catalog = read_po(io.StringIO(text), locale=locale, abort_invalid=True)
    except (PoFileError, ValueError) as exc:
        raise LayoutError(f"{file}: not a valid gettext catalogue: {exc}") from None
    if not trusted:
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = {m for i in ids for m in _PLACEHOLDER.findall(i)}
            for string in strings:
                where = f"{file}:{message.lineno}"
                extra = {m for m in _PLACEHOLDER.findall(string or "")} - wanted
                if extra:
                    names = ", ".join(sorted("%(" + a + ")s" if a else "{" + b + "}" for a, b in extra))
                    raise LayoutError(f"{where}: the translation uses {names}, which the English text "
                                      f"{ids[0]!r} does not have")
    return catalog


def _compile(catalog: Catalog) -> Translations:
    """Translations compiled in memory (no .mo file is written); fuzzy entries are left out."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


@lru_cache(maxsize=64)
def _bundled(code: str, stamp: tuple) -> Catalog | None:
    file = bundled_folder() / f"{code}.po"
    if not stamp:
        return None
    text = Confinement.for_project(bundled_folder()).read_text(file, max_bytes=MAX_CATALOGUE_BYTES)
    return _parse(text, file, code, trusted=True)


def _stamp(file: Path) -> tuple:
    try:
        st = file.stat()
    except OSError:
        return ()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


_CACHE: dict[tuple, Catalogue] = {}


def catalogue(lang: str, layout_folders: Iterable[Path] = (), project_dir: Path | None = None,
              confinement: Confinement | None = None) -> Catalogue:
    """The merged catalogue for ``lang``: bundled, then the layout chain's, then the project's.

    ``layout_folders`` is a layout's folder chain, child first (``Layout.folders``).
    English needs no catalogue (the messages are English); any other language
    without one, bundled or in the project, is a :class:`UsageError` naming the
    file to add.
    """
    code = catalogue_code(lang)
    bundled_file = bundled_folder() / f"{code}.po"
    extra = [Path(f) / "locale" / f"{code}.po" for f in reversed(list(layout_folders))]
    if project_dir is not None:
        extra.append(Path(project_dir) / "locale" / f"{code}.po")
    extra = [f for f in dict.fromkeys(extra) if f != bundled_file and _stamp(f)]
    key = (code, _stamp(bundled_file), tuple((f, _stamp(f)) for f in extra), confinement)
    if key in _CACHE:
        return _CACHE[key]
    base = _bundled(code, _stamp(bundled_file))
    if base is None and not extra and code != "en":
        shipped = ", ".join(LANGUAGES)
        raise UsageError(f"wildpress has no catalogue for {lang!r} (it ships {shipped}); "
                         f"translate layouts/base/locale/wildpress.pot into locale/{code}.po in your project")
    merged = Catalog(locale=base.locale if base is not None else None)
    if base is not None:
        merged._num_plurals, merged._plural_expr = base.num_plurals, base.plural_expr
        for message in base:
            if message.id:
                merged[message.id] = message
    files = [bundled_file] if base is not None else []
    own: list[tuple[Path, int, str]] = []
    reader = confinement or Confinement.for_project(project_dir)
    for file in extra:
        try:
            text = reader.read_text(file, max_bytes=MAX_CATALOGUE_BYTES)
        except Refused as exc:
            raise LayoutError(str(exc)) from None
        override = _parse(text, file, code, trusted=False)
        if base is None:  # a language wildpress does not ship: the project's header gives the plural rule
            merged._num_plurals, merged._plural_expr = override.num_plurals, override.plural_expr
        for message in override:
            if message.id and message.string and not message.fuzzy:
                merged.delete(message.id, message.context)  # setting an existing id would keep its old text
                merged[message.id] = message
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                own += [(file, message.lineno, string) for string in strings if string]
        files.append(file)
    if len(_CACHE) > 64:
        _CACHE.clear()
    result = Catalogue(lang, _compile(merged), tuple(files), tuple(own))
    _CACHE[key] = result
    return result


def check_catalogues(settings) -> None:
    """Before anything renders: the build's languages (``lang``, ``back_lang``) have a catalogue,
    bundled or in the project, and the project's catalogues are well formed."""
    project = Path(settings.project_dir) if settings.project_dir else None
    for lang in dict.fromkeys(filter(None, (settings.lang, settings.back_lang))):
        catalogue(lang, (), project)


def english() -> Catalogue:
    """The source language: every message as written."""
    return catalogue("en")


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it here (translated where printed)."""
    return message
