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
not have, or has in another form (:mod:`wildpress.i18n.placeholders`), and a
``Plural-Forms`` header that divides by zero, picks a form that does not exist
or is too long are refused with their file and line before anything renders;
every translation is printed as text (escaped), never as markup, and formats
plain placeholders only.
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from babel import Locale
from babel.messages.catalog import Catalog, parse_separated_header
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, PoFileParser
from babel.support import Translations

from ..errors import LayoutError, UsageError
from ..resources import layouts_dir
from ..safety.confine import Confinement, Refused
from .placeholders import Translated, translation_problem

# Languages wildpress ships a catalogue for; English is the source language (the msgids).
LANGUAGES = ("en", "es", "fr", "de", "pt", "ru", "zh", "ar")
RTL_LANGUAGES = ("ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb")
MAX_CATALOGUE_BYTES = 2_000_000
# CLDR's languages need at most six plural forms (Arabic: zero, one, two, few, many, other), and
# Arabic's gettext rule, the longest bundled, is about 110 characters.
MAX_PLURAL_FORMS = 6
MAX_PLURAL_EXPRESSION = 300
# The counts a Plural-Forms rule is tried on before anything renders: every small count, then large ones.
PLURAL_SAMPLES = (*range(201), 1000, 1001, 10_000, 100_000, 1_000_000, 1_000_001, 10**9, 2**31 - 1, 2**32,
                  10**12, 2**63 - 1)
PLURAL_EXAMPLE = "nplurals=2; plural=(n != 1);"


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
        return Translated(self.translations.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return Translated(self.translations.ngettext(singular, plural, n))


class _PluralFormsRefused(Exception):
    """The Plural-Forms header of the catalogue being read is refused (the text says why)."""


class _GuardedCatalog(Catalog):
    """A Catalog that checks ``nplurals`` as soon as the header is read: Babel pads every plural
    message to that many strings, so ``nplurals=1000000000`` would fill the memory."""

    @Catalog.mime_headers.setter
    def mime_headers(self, headers) -> None:
        headers = list(headers)
        for name, value in headers:
            if str(name).lower() == "plural-forms":
                raw = parse_separated_header(f" ;{value}").get("nplurals", "2").strip()
                if not (raw.isdigit() and 1 <= int(raw) <= MAX_PLURAL_FORMS):
                    raise _PluralFormsRefused(f"Plural-Forms: nplurals={raw} is not a number from 1 to "
                                              f"{MAX_PLURAL_FORMS}; give the language's count of plural forms, "
                                              f"e.g. {PLURAL_EXAMPLE}")
        Catalog.mime_headers.fset(self, headers)

    def __setitem__(self, id, message) -> None:
        """Babel merges a message translated twice; the second would silently win, so it is refused."""
        key = self._key_for(id, message.context)
        if key and key in self._messages and getattr(message, "lineno", None):
            first = self._messages[key].lineno
            english = id[0] if isinstance(id, tuple) else id
            raise _PoMistake(message.lineno, f"msgid {english!r} is translated twice (lines {first} and "
                                             f"{message.lineno}); keep one")
        Catalog.__setitem__(self, id, message)


class _PoMistake(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


_PO_KEYWORD = re.compile(r"^(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)$")
_PO_STRING = re.compile(r'^"(?:[^"\\]|\\.)*"$')


_CHARSET = re.compile(r'^\s*"content-type:.*?charset=(?P<charset>[^;\\"\s]*)', re.I)
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}


def _quote_mistake(line: str) -> str | None:
    """Every string of the file opens and closes with a quote mark (Babel would cut a character off one
    that does not, and the translation would print without it)."""
    keyword = _PO_KEYWORD.match(line)
    value = keyword[1].strip() if keyword else line
    if _PO_STRING.match(value):
        return None
    what = "a string not closed with a quote mark" if value.startswith('"') else \
        "neither msgid/msgstr nor a quoted string"
    return f"{what}: {value[:60]!r}; write strings as \"text\""


def _plural_shape_mistake(line: str, plural: bool) -> str | None:
    """``msgstr[N]`` only under a ``msgid_plural`` and plain ``msgstr`` only without one (Babel
    would keep msgstr[0] of a singular message and drop the rest without a word)."""
    if line.startswith("msgstr[") and not plural:
        return (f"{line.split()[0]} belongs to a plural message, but this msgid has no "
                "msgid_plural; write msgstr \"...\" for a singular message")
    if line.startswith("msgstr ") and plural:
        return ("a plural message (msgid_plural) is translated as msgstr[0], msgstr[1] ...; "
                "write one msgstr[N] per plural form")
    return None


def _charset_mistake(line: str) -> str | None:
    """The header's charset is UTF-8 (or ASCII, a part of it): wildpress reads every catalogue as UTF-8,
    and a file saved in another encoding would print wrong letters."""
    found = _CHARSET.match(line)
    if found and found["charset"].lower() not in _UTF8_NAMES:
        return (f"the header says charset={found['charset'][:40]}, but catalogues are "
                "read as UTF-8: save the file as UTF-8 and write charset=UTF-8")
    return None


def _check_lines(text: str) -> None:
    """What Babel's parser lets through silently, checked line by line in one pass: quoting,
    singular/plural shapes and the charset (each raises :class:`_PoMistake` at its line)."""
    plural = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            plural = False
        elif line.startswith("msgid_plural"):
            plural = True
        mistake = _quote_mistake(line) or _plural_shape_mistake(line, plural) or _charset_mistake(line)
        if mistake:
            raise _PoMistake(number, mistake)


def _header_line(text: str) -> int | None:
    """The line of the Plural-Forms header (the first quoted line naming it)."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith('"') and "plural-forms" in line.lower():
            return number
    return None


def _check_plural_forms(catalog: Catalog, where: str) -> None:
    """The declared plural rule, tried on :data:`PLURAL_SAMPLES` with the rule gettext will run
    (:func:`gettext.c2py`, what Babel's Translations evaluate): every count must pick a form."""
    expression, forms = catalog._plural_expr, catalog.num_plurals
    fix = f"write the rule of the GNU gettext manual for the language, e.g. {PLURAL_EXAMPLE}"
    if len(expression) > MAX_PLURAL_EXPRESSION:
        raise LayoutError(f"{where}: Plural-Forms: the plural expression is {len(expression)} characters long, "
                          f"more than the {MAX_PLURAL_EXPRESSION} allowed; {fix}")
    try:
        rule = gettext.c2py(expression)
    except (ValueError, SyntaxError, RecursionError, MemoryError) as exc:
        raise LayoutError(f"{where}: Plural-Forms: plural={expression} is not a rule gettext can read "
                          f"({exc}); {fix}") from None
    for n in PLURAL_SAMPLES:
        try:
            form = rule(n)
        except ZeroDivisionError:
            raise LayoutError(f"{where}: Plural-Forms: plural={expression} divides by zero for n = {n}; "
                              f"{fix}") from None
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as exc:
            raise LayoutError(f"{where}: Plural-Forms: plural={expression} fails for n = {n} "
                              f"({type(exc).__name__}); {fix}") from None
        if type(form) is not int or not 0 <= form < forms:
            raise LayoutError(f"{where}: Plural-Forms: plural={expression} gives {form!r} for n = {n}, but "
                              f"nplurals={forms} allows only 0 to {forms - 1}; {fix}")


def _check_translations(catalog: Catalog, file: Path) -> None:
    """Every translation fills in only the placeholders of its English text, in the same form,
    and a plural message is translated in all its forms or none."""
    for message in catalog:
        if not message.id or message.fuzzy:  # fuzzy translations are never used (see _compile)
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{file}:{message.lineno}"
        for index, string in enumerate(strings):
            problem = translation_problem(english, string or "")
            if problem:
                form = f" (msgstr[{index}])" if isinstance(message.string, tuple) else ""
                raise LayoutError(f"{where}: the translation{form} {problem}; the English text is {english[0]!r}")
        if isinstance(message.string, tuple) and any(strings) and not all(strings):
            empty = next(i for i, text in enumerate(strings) if not text)
            raise LayoutError(f"{where}: msgstr[{empty}] is empty: translate every plural form of "
                              f"{english[0]!r} (the file's Plural-Forms has {len(strings)}), or none")


def _read_po(text: str, file: Path, locale: Locale | None) -> Catalog:
    """Babel's ``read_po``, with the Plural-Forms count checked before Babel acts on it."""
    catalog = _GuardedCatalog(locale=locale)
    try:
        _check_lines(text)
        PoFileParser(catalog, abort_invalid=True).parse(io.StringIO(text))
    except _PoMistake as exc:
        raise LayoutError(f"{file}:{exc.line}: {exc}") from None
    except _PluralFormsRefused as exc:
        line = _header_line(text)
        raise LayoutError(f"{file}{f':{line}' if line else ''}: {exc}") from None
    except PoFileError as exc:
        reason = str(exc).rsplit(" on ", 1)[0]  # Babel appends " on <line index>", counted from 0
        raise LayoutError(f"{file}:{exc.lineno + 1}: not a valid gettext catalogue: {reason}") from None
    except (ValueError, LookupError) as exc:
        raise LayoutError(f"{file}: not a valid gettext catalogue: {exc}") from None
    return catalog


def _parse(text: str, file: Path, lang: str, trusted: bool) -> Catalog:
    """One .po file, checked when it is not bundled."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, LookupError):
        locale = None
    catalog = _read_po(text, file, locale)
    if not trusted:
        if catalog._plural_expr is not None:  # the file declares its own Plural-Forms
            line = _header_line(text)
            _check_plural_forms(catalog, f"{file}:{line}" if line else str(file))
        _check_translations(catalog, file)
    return catalog


def _rule(catalog: Catalog) -> tuple[int, tuple[int, ...]]:
    """What a catalogue's plural rule does: its count of forms and the form it picks for each of
    :data:`PLURAL_SAMPLES` (two rules written differently that pick the same forms are one rule).
    Only called on rules :func:`_check_plural_forms` passed, or the bundled ones."""
    rule = gettext.c2py(str(catalog.plural_expr))
    return catalog.num_plurals, tuple(rule(n) for n in PLURAL_SAMPLES)


def _own_plural_rule(merged: Catalog, override: Catalog, file: Path, text: str) -> bool:
    """True if ``override`` (a layout's or project's .po) declares a Plural-Forms rule of its own
    that differs from the catalogue it is merged into, and translates every plural message of
    that catalogue in it (then its rule is the one gettext runs). A different rule that leaves
    some of them to the bundled translations would pick their forms wrongly: a LayoutError
    naming the file, the header's line and a message it leaves out."""
    if override._plural_expr is None or _rule(override) == _rule(merged):
        return False
    own = {m.id for m in override if isinstance(m.id, tuple) and isinstance(m.string, tuple) and all(m.string)}
    left = sorted(m.id[0] for m in merged if isinstance(m.id, tuple) and m.id and m.id not in own)
    if left:
        line = _header_line(text)
        raise LayoutError(f"{file}:{line or 1}: Plural-Forms: nplurals={override.num_plurals}; "
                          f"plural={override.plural_expr} differs from the catalogue it adds to "
                          f"(nplurals={merged.num_plurals}; plural={merged.plural_expr}), whose "
                          f"{len(left)} plural message(s) it does not translate, such as {left[0]!r}, "
                          "would then show the wrong forms: use that rule, or translate them all")
    return True


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
        if base is None or _own_plural_rule(merged, override, file, text):
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
