"""Fallback text in its own direction inside a right-to-left page.

An Arabic page whose species file has no Arabic for a field prints the English
(with ``--fallback``). Set in the page's right-to-left direction, English goes
wrong: the full stop lands on the left (".Australia") and figures move
("usually less than m deep … 20"). Unicode's isolate characters would fix
that, but Pango ignores them, so each such field becomes an element of its
own direction, ``<bdi dir="ltr" lang="en">``.

A template's ``t`` filter cannot emit that element itself: the same text is
also cut into words, measured, or put in an attribute (``alt="..."``). So
:func:`mark` wraps the text in private-use sentinels that survive any string
operation, and :func:`resolve` turns them into elements in the rendered HTML's
text and removes them from its tags. An unpaired sentinel (a template that kept
only the first word) is dropped.
"""

from __future__ import annotations

import re

from markupsafe import escape

OPEN, LANG_END, CLOSE = "\ue000", "\ue001", "\ue002"
_TAG = re.compile(r"(<[^>]*>)")
_SENTINELS = re.compile(f"{OPEN}[a-zA-Z0-9-]{{0,35}}{LANG_END}|[{OPEN}{LANG_END}{CLOSE}]")
_RAW = ("title", "style", "script", "textarea")
_MARK = re.compile(f"{OPEN}([a-zA-Z0-9-]{{0,35}}){LANG_END}|{CLOSE}")


def mark(text: str, lang: str) -> str:
    """``text`` (in left-to-right ``lang``) marked to be set in its own direction."""
    return f"{OPEN}{lang}{LANG_END}{text}{CLOSE}"


def strip(text: str) -> str:
    """``text`` without any marks (for places that are not HTML: file names, messages)."""
    return _SENTINELS.sub("", text)


def _resolve_text(text: str) -> str:
    opened: list[int] = []  # indexes in ``out`` of the open tags not closed yet
    out: list[str] = []
    last = 0
    for match in _MARK.finditer(text):
        out.append(text[last:match.start()])
        last = match.end()
        if match.group(0) == CLOSE:
            if opened:
                opened.pop()
                out.append("</bdi>")
        else:
            opened.append(len(out))
            out.append(f'<bdi dir="ltr" lang="{escape(match.group(1))}">' if match.group(1) else '<bdi dir="ltr">')
    out.append(text[last:])
    for index in opened:  # opened and never closed inside this text: no element at all
        out[index] = ""
    return _SENTINELS.sub("", "".join(out))


def resolve(html: str) -> str:
    """The rendered HTML with marked text in ``<bdi dir="ltr">`` elements, marks gone from tags."""
    if OPEN not in html and CLOSE not in html:
        return html
    out, raw = [], False  # raw: inside <title>, <style> or <script>, whose text takes no elements
    for index, piece in enumerate(_TAG.split(html)):
        if index % 2:  # a tag: marks in its attributes are dropped
            name = piece[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(piece) > 2 else ""
            if name in _RAW:
                raw = not piece.startswith("</")
            out.append(_SENTINELS.sub("", piece))
        else:
            out.append(_SENTINELS.sub("", piece) if raw else _resolve_text(piece))
    return "".join(out)
