"""The language of one build: its catalogue, locale data, units and text choice.

A :class:`Words` goes wherever something is printed: Jinja filters, card
questions, stat tiles. It picks the right text of a per-language field,
formats numbers and lists with Babel's CLDR data, names countries in the
language (CLDR territory names, never typed per language) and translates the
fixed words through the message catalogue (:mod:`wildpress.i18n.catalogue`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.lists import format_list

from ..data.schema import IUCN_CATEGORIES
from . import direction
from .catalogue import Catalogue, N_, catalogue, catalogue_code, is_rtl

UNIT_SYSTEMS = ("source", "metric", "imperial", "both")

# IUCN's own names: the English ones are the msgids; French and Spanish catalogues hold IUCN's
# official French and Spanish names, the others the names national Red Lists use.
STATUS_NAMES = {"EX": N_("Extinct"), "EW": N_("Extinct in the Wild"), "CR": N_("Critically Endangered"),
                "EN": N_("Endangered"), "VU": N_("Vulnerable"), "NT": N_("Near Threatened"),
                "LC": N_("Least Concern"), "DD": N_("Data Deficient"), "NE": N_("Not Evaluated")}
assert STATUS_NAMES == IUCN_CATEGORIES
TRENDS = {"increasing": N_("Increasing"), "decreasing": N_("Decreasing"), "stable": N_("Stable"),
          "unknown": N_("Unknown")}


def check_language(lang: str) -> None:
    """Raise UsageError unless ``lang`` is a locale Babel knows (e.g. en, ru, zh-Hans)."""
    from ..errors import UsageError

    try:
        Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"unknown language {lang!r}; use a code such as en, ru, zh or pt-BR") from None


def babel_locale(lang: str) -> Locale:
    """Babel's locale for a language tag ('pt-BR', 'zh-Hans', 'ar')."""
    return Locale.parse(lang.replace("-", "_"))


def pick(value: Any, lang: str, default: str = "en") -> Any:
    """The text of a per-language field in ``lang``: the exact tag, its base language, then
    ``default`` (the species' own language), English, and any. A plain string is returned as is."""
    return pick_with_language(value, lang, default)[0]


def pick_with_language(value: Any, lang: str, default: str = "en") -> tuple[Any, str]:
    """(:func:`pick`'s text, the language it is in): a plain string is in ``default``."""
    if isinstance(value, dict):
        base = catalogue_code(lang)
        for key in (lang, base, default, catalogue_code(default), "en"):
            if key in value:
                return value[key], key
        for key, text in value.items():
            if catalogue_code(key) == base:
                return text, key
        key = next(iter(value))
        return value[key], key
    return value, default


@dataclass(frozen=True)
class Words:
    """Everything language-dependent about one build."""

    lang: str = "en"
    cat: Catalogue = field(default=None, repr=False)  # type: ignore[assignment]
    units: str = "source"
    default_lang: str = "en"  # the language plain strings are written in (species `lang:`)

    def __post_init__(self) -> None:
        if self.cat is None:
            object.__setattr__(self, "cat", catalogue(self.lang))

    # -- the catalogue ---------------------------------------------------------------------------
    def _(self, message: str, **values: Any) -> str:
        text = self.cat.gettext(message)
        return text % values if values else text

    def n_(self, singular: str, plural: str, n: int, **values: Any) -> str:
        return self.cat.ngettext(singular, plural, n) % {"num": n, **values}

    # -- locale data -----------------------------------------------------------------------------
    @property
    def locale(self) -> Locale:
        return babel_locale(self.lang)

    @property
    def rtl(self) -> bool:
        return is_rtl(self.lang)

    def text(self, value: Any) -> Any:
        """A per-language field in this language (see :func:`pick`)."""
        return pick(value, self.lang, self.default_lang)

    def directed(self, value: Any) -> Any:
        """:meth:`text`, marked to be set left to right (:mod:`.direction`) when this page is
        right to left and the text is not: a fallback, such as English in an Arabic page."""
        text, source = pick_with_language(value, self.lang, self.default_lang)
        if isinstance(text, str) and text.strip() and self.rtl and not is_rtl(source):
            return direction.mark(text, source)
        return text

    def country(self, code: str) -> str:
        """Short country name in this language ('RU' -> 'Russia', 'Россия', '俄罗斯')."""
        return self.locale.territories.get(code, code)

    def countries(self, codes: list[str]) -> str:
        """'Russia and China', 'Россия и Китай', '俄罗斯和中国'."""
        return self.join([self.country(c) for c in codes]) if codes else ""

    def country_names(self, codes: list[str]) -> list[str]:
        """Localised names of ``codes`` in the language's alphabetical order, for long range lists."""
        return sorted((self.country(c) for c in dict.fromkeys(codes)), key=collation_key)

    def join(self, items: list[str], style: str = "standard") -> str:
        """A list joined the language's way ('A, B and C'; 'A, B и C'; 'A、B和C')."""
        return format_list(items, style=style, locale=self.locale) if items else ""

    def status_name(self, code: str) -> str:
        """The IUCN category's name in this language."""
        return self._(STATUS_NAMES[code])

    def trend(self, trend: str) -> str:
        return self._(TRENDS[trend])

    def number(self, value: float) -> str:
        """A number in the locale's digits and separators, keeping every digit the author gave."""
        from .units import number

        return number(value, self.lang)


@lru_cache(maxsize=32)
def words_for(lang: str = "en", units: str = "source") -> Words:
    """The bundled-catalogue :class:`Words` for ``lang`` (no layout or project overrides)."""
    return Words(lang, catalogue(lang), units)


def as_words(lang: "str | Words") -> Words:
    """Accept a language tag or a :class:`Words`."""
    return lang if isinstance(lang, Words) else words_for(lang)


def collation_key(text: str) -> tuple:
    """A sort key that orders names as a reader expects in Latin, Cyrillic, Greek and Arabic scripts:
    letters first without their accents and case ('São Tomé' beside 'Senegal', before 'Sudan';
    'Ёлки' among the Е), then accents, then case as tie-breaks. Han characters keep code-point
    order (a pinyin or stroke order needs ICU's collation tables, which wildpress does not ship)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return base, len(decomposed) - len(base), text.swapcase()  # unaccented first, then lower case first

