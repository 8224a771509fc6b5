"""Checks made before a document renders: every text exists in its language, every character has a glyph.

Both name the species file and line, the field and the language, so a
volunteer can fix the file; WeasyPrint's own '.notdef' warning stays a failure
as a last line of defence (:mod:`wildpress.layout.render`).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Iterable

from ..errors import DataError, Problem
from ..i18n.coverage import CARD_BACK, CARD_FRONT, locate, printed_texts, untranslated

MAX_LISTED = 12  # characters named in one message


def requirements(job, words_list) -> list[tuple[object, tuple | None]]:
    """(words, field prefixes) a job prints: every text field for a document; for a deck, what its
    fronts and backs show, each in its own language."""
    if job.layout.kind == "cards":
        front, back = words_list[0], words_list[-1]
        if front.lang == back.lang:
            return [(front, tuple(dict.fromkeys(CARD_FRONT + CARD_BACK)))]
        return [(front, CARD_FRONT), (back, CARD_BACK)]
    return [(words_list[0], None)]


def describe_chars(chars: Iterable[str]) -> str:
    """"'བ' (U+0F56 TIBETAN LETTER BA), 'ོ' (U+0F7C ...)": each character with its code point and name."""
    chars = list(dict.fromkeys(chars))
    shown = [f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:MAX_LISTED]]
    more = f" and {len(chars) - MAX_LISTED} more" if len(chars) > MAX_LISTED else ""
    return ", ".join(shown) + more


def translation_problems(job, words_list, fallback: bool) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for texts the job's languages lack; with ``fallback`` they are warnings."""
    errors, warnings = [], []
    for words, fields in requirements(job, words_list):
        for sp in job.species_list:
            missing = untranslated(sp.data, words.lang, fields)
            if not missing:
                continue
            default = sp.data.get("lang") or "en"
            for item in missing:
                line, col = locate(sp.file, item.path)
                have = "/".join(item.available)
                if fallback:
                    warnings.append(Problem(sp.file, line, col, item.field,
                                            f"no {words.lang} text: printed in {_fallback_lang(item, default)} "
                                            f"(--fallback)", "warning"))
                else:
                    errors.append(Problem(sp.file, line, col, item.field,
                                          f"no {words.lang} text (it is given in {have}); add `{words.lang}:` "
                                          f"to it, or build with --fallback to print the {have} text"))
    return errors, warnings


def _fallback_lang(item, default: str) -> str:
    return default if default in item.available or not item.available else item.available[0]


def glyph_problems(job, settings, words_list) -> list[Problem]:
    """Characters the job will print that no font of its layout's chains has (fontTools cmaps)."""
    from ..data.yamlsafe import format_path
    from .context import project_root
    from .fonts import coverage_faces, missing_glyphs

    problems = []
    faces = coverage_faces(job.layout, project_root(settings))
    for words in dict.fromkeys(words_list):  # the project's own translations of the layouts' words
        for file, line, text in words.cat.own:
            missing = missing_glyphs([text], faces)
            if missing:
                problems.append(Problem(file, line, None, "", f"no font of layout '{job.layout.name}' has a glyph "
                                        f"for {describe_chars(missing)}; add a font that has them to the "
                                        "project's fonts/ folder"))
    for words, fields in requirements(job, words_list):
        for sp in job.species_list:
            texts = list(printed_texts(sp.data, words.lang, fields))
            if not missing_glyphs([text for _, text in texts], faces):  # one pass; the fields only on a miss
                continue
            for path, text in texts:
                missing = missing_glyphs([text], faces)
                if missing:
                    line, col = locate(sp.file, path)
                    problems.append(Problem(sp.file, line, col, format_path(path),
                                            f"no font of layout '{job.layout.name}' has a glyph for "
                                            f"{describe_chars(missing)} ({words.lang}); add a font that has "
                                            "them to the project's fonts/ folder, or replace them"))
    return problems


def preflight(job, settings, words_list) -> None:
    """Raise DataError listing every untranslated field (unless --fallback) and every character without a
    glyph; with --fallback the fields used in another language become warnings on the job."""
    errors, warnings = translation_problems(job, words_list, getattr(settings, "fallback", False))
    errors += glyph_problems(job, settings, words_list)
    job.notes.extend(warnings)
    if errors:
        raise DataError(errors)


def language_problems(species: list, langs: list[str], project_dir: Path) -> list[Problem]:
    """For `validate --lang`: per species and language, the texts it lacks and the characters no font
    of the fact sheet's chain (bundled and the project's fonts/) has."""
    from types import SimpleNamespace

    from .layouts import load_layout
    from ..i18n.words import Words

    layout = load_layout("factsheet", project_dir)
    settings = SimpleNamespace(fallback=False, project_dir=str(project_dir))
    problems = []
    from ..errors import UsageError
    from ..i18n.catalogue import catalogue, catalogue_code

    for lang in langs:
        try:
            cat = catalogue(lang, layout.folders, project_dir)
        except UsageError as exc:  # the data can still be checked; building will need the catalogue
            problems.append(Problem(Path(project_dir) / "locale" / f"{catalogue_code(lang)}.po", None, None, "",
                                    str(exc), "warning"))
            cat = catalogue("en")
        words = Words(lang, cat)
        for sp in species:
            job = SimpleNamespace(layout=layout, species_list=[sp], notes=[])
            errors, _ = translation_problems(job, [words], False)
            problems += errors + glyph_problems(job, settings, [words])
    return problems
