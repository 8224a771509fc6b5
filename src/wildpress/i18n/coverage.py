"""Which texts of a species exist in a language, and where in the file the missing ones are.

A text field (``$defs/text`` in the schema) is a plain string, written in the
species' own language (its top-level ``lang:``, English by default), or a
mapping of language codes to strings. :func:`untranslated` lists the fields a
language lacks; :func:`printed_texts` gives every string that will be printed
in a language, for the glyph check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..data.schema import SPECIES_SCHEMA
from ..data.yamlsafe import format_path
from .catalogue import catalogue_code
from .words import pick

_TEXT_REF = "#/$defs/text"

# What a flashcard side prints (the rest of the file may stay untranslated for a deck).
CARD_FRONT = ("name.common", "photo.alt")
CARD_BACK = ("name.common", "photo.alt", "quick_facts", "diet", "range.region", "status.scope",
             "population.unit", "measurements")


def _resolve(node: dict) -> dict:
    ref = node.get("$ref")
    if ref and ref.startswith("#/$defs/") and ref != _TEXT_REF:
        return {**SPECIES_SCHEMA["$defs"][ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def text_fields(data: Any, schema: dict = SPECIES_SCHEMA, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every text field in ``data`` as (path, value), in file order, guided by the schema."""
    if data is None:  # an optional section left out (the loader fills in None)
        return
    node = _resolve(schema)
    if node.get("$ref") == _TEXT_REF:
        yield path, data
        return
    if isinstance(data, dict):
        props = node.get("properties", {})
        patterns = node.get("patternProperties", {})
        for key, value in data.items():
            sub = props.get(key)
            if sub is None:
                sub = next((s for p, s in patterns.items() if re.match(p, str(key))), None)
            if sub is not None:
                yield from text_fields(value, sub, path + (key,))
    elif isinstance(data, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(data):
            yield from text_fields(item, node["items"], path + (index,))


def has_language(value: Any, lang: str, default: str) -> bool:
    """True if a text field has its text in ``lang`` (a plain string is in ``default``)."""
    code = catalogue_code(lang)
    if isinstance(value, dict):
        return any(key == lang or catalogue_code(key) == code for key in value)
    return catalogue_code(default) == code


def _under(path: tuple, prefixes: Iterable[str] | None) -> bool:
    if prefixes is None:
        return True
    dotted = format_path(path)
    return any(dotted == p or dotted.startswith(p + ".") or dotted.startswith(p + "[") for p in prefixes)


@dataclass(frozen=True)
class Missing:
    """A text field without a text in the language asked."""

    path: tuple
    lang: str
    available: tuple[str, ...]  # the languages it does have

    @property
    def field(self) -> str:
        return format_path(self.path)


def untranslated(data: dict, lang: str, fields: Iterable[str] | None = None) -> list[Missing]:
    """Text fields of a species (restricted to ``fields`` prefixes, if given) that lack ``lang``."""
    default = data.get("lang") or "en"
    missing = []
    for path, value in text_fields(data):
        if path and path[0] in ("lang",):
            continue
        if _under(path, fields) and not has_language(value, lang, default):
            have = tuple(value) if isinstance(value, dict) else (default,)
            missing.append(Missing(path, lang, have))
    return missing


def printed_texts(data: dict, lang: str, fields: Iterable[str] | None = None) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every string a layout may print in ``lang``: text fields in that language
    (or the fallback the build will use) and the other strings (names, credits, sources)."""
    default = data.get("lang") or "en"
    texts = {path: value for path, value in text_fields(data)}
    for path, value in texts.items():
        if _under(path, fields):
            chosen = pick(value, lang, default)
            key = next((k for k, v in value.items() if v is chosen), None) if isinstance(value, dict) else None
            yield (path + (key,) if key else path), chosen
    yield from _plain_strings(data, (), set(texts))


def _plain_strings(data: Any, path: tuple, skip: set) -> Iterator[tuple[tuple, str]]:
    if path in skip:
        return
    if isinstance(data, str):
        if path and path[-1] not in ("file", "url", "more_info", "donate", "licence", "accent", "id", "lang"):
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _plain_strings(value, path + (key,), skip)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _plain_strings(item, path + (index,), skip)


def locate(file: Path, path: tuple, confinement=None) -> tuple[int | None, int | None]:
    """Line and column of ``path`` in a species file (None when the file cannot be read again)."""
    from ..data.yamlsafe import YAMLProblem, load_file

    try:
        doc = load_file(Path(file), confinement) if confinement else load_file(Path(file))
    except (YAMLProblem, OSError, ValueError):
        return None, None
    return doc.where(path)
