"""Text from input, made safe for a terminal, a CI log or a GitHub annotation.

A file name, a photo path or a YAML value can hold anything: ESC sequences
(that set the terminal title, erase the line, or recolour what follows), a
carriage return or a newline (that forge a line such as "all species files are
valid"), BEL, C1 controls, or bidi overrides (that show text in another order
than it is). :func:`for_terminal` shows every such character as a visible
escape -- ``\\x1b``, ``\\r``, ``\\n``, ``\\u202e`` -- and keeps all printable
Unicode (accents, CJK, emoji) as it is. Every line wildpress prints goes
through :func:`say` (or :func:`for_terminal`), so one line printed is one line
shown. Files written (PDFs, the JSON report) keep their text exact: escaping
is only for what is shown.

:func:`github_line` additionally keeps a plain line of ``--format github``
output from being read as a workflow command (``::stop-commands::``), and
:func:`github_data` / :func:`github_property` escape an annotation's message
and properties the way GitHub Actions decodes them.
"""

from __future__ import annotations

import unicodedata

import click

#: Invisible characters that reorder text (Trojan Source, CVE-2021-42574), shown escaped.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Cc: C0 and C1 controls, DEL; Cs: lone surrogates (undecodable bytes of a file name);
# Zl, Zp: line and paragraph separators, which some viewers break lines at.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _escaped(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def is_unsafe(char: str) -> bool:
    """True for a character a terminal or log would act on or hide rather than show."""
    return char in BIDI_CONTROLS or unicodedata.category(char) in _UNSAFE_CATEGORIES


def for_terminal(text: object) -> str:
    """``text`` (any object: its ``str``) with every control, bidi and line-breaking character
    shown as an escape: one line, exactly what it says, nothing the terminal acts on."""
    text = str(text)
    if text.isprintable() and not any(char in BIDI_CONTROLS for char in text):
        return text  # the common case, fast
    return "".join(_escaped(char) if is_unsafe(char) else char for char in text)


def say(text: object, err: bool = True) -> None:
    """Print one line, escaped (:func:`for_terminal`); standard error unless ``err`` is False."""
    click.echo(for_terminal(text), err=err)


def json_for_terminal(text: str) -> str:
    """JSON text (from :func:`json.dumps`) to print: the characters :func:`for_terminal` escapes
    that JSON leaves raw (DEL, C1 controls, bidi controls, line separators, lone surrogates) written
    as ``\\uXXXX`` escapes -- the same JSON data, decoded exactly, but nothing a terminal acts on.
    A raw newline in JSON text is only ever layout (inside strings JSON escapes it): it stays."""
    if text.isprintable() or not any(is_unsafe(char) and char != "\n" for char in text):
        return text
    return "".join(f"\\u{ord(char):04x}" if char != "\n" and is_unsafe(char) else char for char in text)


def github_data(text: object) -> str:
    """An annotation's message: escaped for the log, then as GitHub decodes it (%, CR, LF)."""
    return for_terminal(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: object) -> str:
    """An annotation's property value (file=, title=): as :func:`github_data`, and : and , too."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(text: object) -> str:
    """A plain line of GitHub output (not an annotation), escaped, which the runner cannot take
    for a workflow command: such a line starts with ``::`` after any blanks, so it gets a ``\\``."""
    line = for_terminal(text)
    return "\\" + line if line.lstrip().startswith("::") else line


def say_message(text: object, err: bool = True) -> None:
    """Print a message that may span lines of its own (a list of clashes, WeasyPrint's
    warnings): each line escaped, and every line after the first indented, so no text in it --
    even one holding a newline -- can stand at the start of a line as if wildpress had said it."""
    first, *rest = str(text).split("\n")
    say(first, err=err)
    for line in rest:
        shown = for_terminal(line)
        click.echo(shown if shown.startswith("  ") else "  " + shown, err=err)
