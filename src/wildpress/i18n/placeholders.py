"""The placeholders of a message, and formatting a translation so it can only fill them in.

Messages use two styles: ``{}`` for :meth:`str.format` (the measurement
qualifiers, "Up to {}") and ``%(name)s`` / ``%(name)d`` for ``%`` formatting
(everything else, and Jinja's ``_()`` / ``ngettext()``). Those are the only
forms the bundled catalogues use. A translation that is not bundled may use
only the placeholders its English text (the msgid) has, written exactly as
there: no ``{0.__class__}``, ``{x[0]}``, ``{x!r}``, ``{:>900000000}`` or
``%(num)900000000d`` unless the msgid itself has that very form.

:class:`Translated` is what the catalogue hands out: a ``str`` whose
``format`` and ``%`` fill in plain placeholders only, so even a translation
that escaped the check cannot reach an attribute, an item or a huge padding.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from typing import Any, Iterable, Mapping

from ..errors import LayoutError

# One '%' and whatever follows it that Python's % operator would read as one conversion; a '%' with
# no conversion letter after it is a stray percent sign (% formatting fails on it).
_PERCENT_TOKEN = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+)?)?[hlL]?[diouxXeEfFgGcrsa%]?")
_PLAIN_PERCENT = re.compile(r"%\(\w+\)[sd]|%%")
_CONVERSIONS = frozenset("diouxXeEfFgGcrsa%")
_PLAIN_FIELD = re.compile(r"\d*|[A-Za-z_]\w*")


class UnsafeFormat(Exception):
    """A translation asked :class:`PlainFormatter` for more than a plain placeholder (the text says what);
    :class:`Translated` reports it as a :class:`~wildpress.errors.LayoutError` naming the translation."""


def brace_fields(text: str) -> list[str]:
    """Every ``{...}`` placeholder of ``text`` as written ('{}', '{0.x}', '{:>9}'); ValueError if
    the braces do not pair up (``string.Formatter().parse`` reads them as ``str.format`` does)."""
    fields = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        fields.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return fields


def percent_tokens(text: str) -> list[str]:
    """Every ``%`` conversion of ``text`` as written ('%(num)d', '%%', '%(x)9s'); a stray '%' is '%'."""
    return [match.group(0) for match in _PERCENT_TOKEN.finditer(text)]


def _brace_problem(wanted: Counter, translation: str) -> str | None:
    try:
        found = Counter(brace_fields(translation))
    except ValueError:
        if not wanted:
            return None  # never given to str.format: a lone brace is only text
        return "has a '{' or '}' that does not pair up: write {{ and }} for the braces themselves"
    for field, count in found.items():
        if field not in wanted:
            return _not_in_english(field, sorted(wanted), "inside the braces")
        if field == "{}" and count > wanted[field]:
            return (f"uses {{}} {count} times but the English text only {wanted[field]}: "
                    "each {} takes the next value, so there is none left for the extra ones")
    return None


def _percent_problem(wanted: set[str], translation: str) -> str | None:
    for token in percent_tokens(translation):
        if token in wanted:
            continue
        if token == "%" or token[-1] not in _CONVERSIONS:
            return ("has a '%' that is not a placeholder of the English text: leave it out or write the "
                    "word for it (% starts a placeholder)")
        return _not_in_english(token, sorted(wanted), "between % and the letter")
    return None


def _not_in_english(placeholder: str, wanted: list[str], where_added: str) -> str:
    if not wanted:
        return f"uses {placeholder}, but the English text has no placeholder: leave {placeholder} out"
    return (f"uses {placeholder}, which the English text does not have: use only {', '.join(wanted)}, "
            f"exactly as written there (nothing added {where_added})")


def translation_problem(english: Iterable[str], translation: str) -> str | None:
    """Why ``translation`` may not stand for the English text(s) (singular, plural), or None.

    Every placeholder must be one the English has, in the identical form; a translation may
    leave one out. ``{}`` may not occur more often than in the English.
    """
    english = list(english)
    wanted_fields: Counter = Counter()
    wanted_percent: set[str] = set()
    for text in english:
        try:
            for field, count in Counter(brace_fields(text)).items():
                wanted_fields[field] = max(wanted_fields[field], count)
        except ValueError:
            pass  # an English text that is not a format string: its translation must not be one either
        wanted_percent.update(percent_tokens(text))
    return _brace_problem(wanted_fields, translation) or _percent_problem(wanted_percent, translation)


class PlainFormatter(string.Formatter):
    """``str.format`` that fills plain placeholders only: ``{}``, ``{0}``, ``{name}``.

    Attribute access (``{0.__class__}``), indexing (``{x[0]}``), conversions (``{x!r}``) and
    format specs (``{:>900000000}``) are refused with :class:`UnsafeFormat`.
    """

    def get_field(self, field_name: str, args, kwargs):
        if not _PLAIN_FIELD.fullmatch(field_name):
            raise UnsafeFormat(f"may not look inside a value ({{{field_name}}})")
        return super().get_field(field_name, args, kwargs)

    def convert_field(self, value, conversion):
        if conversion:
            raise UnsafeFormat(f"may not convert a value (!{conversion})")
        return value

    def format_field(self, value, format_spec: str):
        if format_spec:
            raise UnsafeFormat(f"may not format a value (:{format_spec})")
        return format(value, "")


_PLAIN = PlainFormatter()


class Translated(str):
    """A translated message: ``.format()`` and ``%`` fill in plain placeholders only (and give a plain str)."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        return self._filled(args, kwargs)

    def format_map(self, mapping: Mapping[str, Any]) -> str:  # type: ignore[override]
        return self._filled((), mapping)

    def _filled(self, args: tuple, mapping: Mapping[str, Any]) -> str:
        try:
            return _PLAIN.vformat(str(self), args, mapping)
        except UnsafeFormat as exc:
            raise self._refused(str(exc)) from None

    def __mod__(self, values: Any) -> str:
        text = str(self)
        for token in percent_tokens(text):
            if not _PLAIN_PERCENT.fullmatch(token):
                raise self._refused(f"may use only %(name)s, %(name)d and %%, not {token}")
        return text % values

    def _refused(self, reason: str) -> LayoutError:
        return LayoutError(f"the translation {str(self)!r} {reason}: correct it in the catalogue (locale/*.po) "
                           "that has it, using the placeholders of its English text")
