"""A strict YAML loader that remembers where every value came from.

PyYAML's ``safe_load`` turns ``NO`` into ``False``, ``01234`` into 668 and
``12:30`` into 750, keeps the last of two duplicate keys and expands alias
bombs. Species files come from volunteers, so we resolve scalars by the
YAML 1.2 core schema, reject duplicates and aliases, and record each node's
line/column and original text so errors point at the author's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import Problem

MAX_BYTES = 1_000_000  # a species file is a few KB; anything huge is a mistake or an attack
MAX_DEPTH = 32

Path_ = tuple  # a field path: tuple of str keys and int indexes

_INT = re.compile(r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class _NoAliasComposer(Composer):
    """Refuse aliases and every explicit tag outright: neither is ever needed in a species file."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in wildpress files", event.start_mark
            )
        event = self.peek_event()
        if getattr(event, "tag", None) is not None:  # on a scalar, a list or a mapping alike
            raise yaml.MarkedYAMLError(None, None, f"YAML tags ({_tag(event.tag)}) are not allowed in wildpress files",
                                       event.start_mark)
        return super().compose_node(parent, index)


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
              _NoAliasComposer, yaml.resolver.BaseResolver):
    """Composes nodes only; values are built by :func:`_build` below."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _NoAliasComposer.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)


@dataclass
class Located:
    """A loaded document plus the source position and text of each value."""

    file: Path
    data: Any
    positions: dict = field(default_factory=dict)  # path -> (line, column), 1-based
    key_positions: dict = field(default_factory=dict)  # path -> position of its key
    raw: dict = field(default_factory=dict)  # path -> source text of plain non-string scalars

    def where(self, path: tuple, key: bool = False) -> tuple[int | None, int | None]:
        """Best known (line, column) for ``path``, walking up to a parent if needed."""
        table = self.key_positions if key else self.positions
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))


def _scalar(node: ScalarNode) -> tuple[Any, bool]:
    """Resolve a scalar by the YAML 1.2 core schema; returns (value, was_plain_non_str)."""
    if node.tag != "tag:yaml.org,2002:str":  # the resolver gives every untagged scalar this tag
        raise yaml.MarkedYAMLError(None, None, f"tag {node.tag} is not allowed", node.start_mark)
    text = node.value
    if node.style:  # None (pure-Python parser) or "" (libyaml) for plain scalars
        return text, False  # quoted or block scalar: always a string
    if text in _NULL:
        return None, True
    if text in _BOOL:
        return _BOOL[text], True
    if _INT.match(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text), True
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text), True
    if text.lower() in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[text.lower()], True
    return text, False


def _build(node, path: tuple, doc: Located, depth: int = 0, seen: set | None = None) -> Any:
    if seen is not None:
        if id(node) in seen:
            raise _SharedNode()
        seen.add(id(node))
    if depth > MAX_DEPTH:
        raise yaml.MarkedYAMLError(None, None, f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, ScalarNode):
        value, plain = _scalar(node)
        if plain and value is not None:
            doc.raw[path] = node.value
        return value
    if isinstance(node, SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise yaml.MarkedYAMLError(None, None, f"YAML tags ({_tag(node.tag)}) are not allowed in wildpress files",
                                       node.start_mark)
        return [_build(item, path + (i,), doc, depth + 1, seen) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise yaml.MarkedYAMLError(None, None, f"YAML tags ({_tag(node.tag)}) are not allowed in wildpress files",
                                       node.start_mark)
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise yaml.MarkedYAMLError(None, None, "mapping keys must be plain text", key_node.start_mark)
            key = key_node.value
            if key == "<<":
                raise yaml.MarkedYAMLError(None, None, "merge keys (<<) are not allowed", key_node.start_mark)
            if key in result:
                first = doc.key_positions[path + (key,)]
                raise yaml.MarkedYAMLError(
                    None, None, f"duplicate key '{key}' (first defined on line {first[0]})", key_node.start_mark
                )
            doc.key_positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _build(value_node, path + (key,), doc, depth + 1, seen)
        return result
    raise yaml.MarkedYAMLError(None, None, "unsupported YAML node", node.start_mark)


class YAMLProblem(Exception):
    """Raised with a located :class:`Problem` when a file cannot be parsed."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


class _SharedNode(Exception):
    """The fast parser handed us one node twice: the text holds an alias."""


try:  # libyaml composes ~20x faster; the pure-Python loader stays the reference for errors
    from yaml.cyaml import CParser as _CParser

    class _FastLoader(_CParser, yaml.resolver.BaseResolver):
        """libyaml composer with the same (non-)resolution rules as :class:`_Loader`."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = None


def _parse(loader_class, text: str, file: Path) -> Located:
    doc = Located(file=file, data=None)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        raise YAMLProblem(Problem(file, 1, 1, "", "file is empty (expected a YAML mapping)"))
    doc.data = _build(node, (), doc, seen=set() if loader_class is _FastLoader else None)
    return doc


def load_text(text: str, file: Path | str) -> Located:
    """Parse one YAML document from ``text``; raise :class:`YAMLProblem` on any defect.

    Valid files take the libyaml path; anything it objects to is parsed again by
    the pure-Python loader, whose messages and positions are the ones we report.
    """
    file = Path(file)
    if _FastLoader is not None and "!" not in text:  # libyaml cannot tell `!!str x` from `x`: tags go slow
        try:
            return _parse(_FastLoader, text, file)
        except (yaml.YAMLError, _SharedNode, RecursionError):
            pass
    try:
        return _parse(_Loader, text, file)
    except yaml.MarkedYAMLError as exc:
        raise YAMLProblem(_syntax_problem(exc, file, text)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses: say where, and which
        before = text[:exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise YAMLProblem(Problem(file, line, col, "", f"holds the control character U+{char:04X}, which a species "
                                                       "file cannot hold; remove it")) from None
    except yaml.YAMLError as exc:  # other reader errors have no MarkedYAMLError base
        raise YAMLProblem(Problem(file, None, None, "", f"invalid YAML: {exc}")) from None
    except RecursionError:
        raise YAMLProblem(Problem(file, None, None, "", f"nesting deeper than {MAX_DEPTH} levels")) from None


_CONSTRUCTS = {"a quoted scalar": "quoted text", "a flow sequence": "a [...] list",
               "a flow mapping": "a {...} mapping", "a block scalar": "a | or > block"}


def _tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _syntax_problem(exc: yaml.MarkedYAMLError, file: Path, text: str = "") -> Problem:
    """Locate a syntax error and say it in an author's words. When the broken construct started on
    an earlier line (an unclosed quote or bracket), report it where it started and say where the
    parser gave up; a line that breaks the indentation is reported itself, naming the block it is in."""
    mark, start = exc.problem_mark or exc.context_mark, exc.context_mark
    message = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        message = f"{exc.context}: {exc.problem}" if "while" not in exc.context else f"invalid YAML: {exc.problem}"
    try:
        better = _explain(exc, file, text) if text and mark is not None else None
    except (yaml.YAMLError, IndexError, ValueError, RecursionError):  # the plain message is still right
        better = None
    if better:
        return better
    if start is not None and mark is not None and start.line < mark.line and "while" in (exc.context or ""):
        construct = exc.context.split("while ", 1)[1].replace("scanning ", "").replace("parsing ", "")
        construct = _CONSTRUCTS.get(construct, construct)
        problem = (exc.problem or "").replace("found unexpected end of stream", "the file ended")
        return Problem(file, start.line + 1, start.column + 1, "",
                       f"invalid YAML: {construct} starting here is not closed "
                       f"({problem} at line {mark.line + 1}, column {mark.column + 1})")
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return Problem(file, line, col, "", message)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _line_above(lines: list[str], n: int) -> int | None:
    """Index of the nearest line above ``n`` holding something besides spaces and a comment."""
    for i in range(min(n, len(lines)) - 1, -1, -1):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return i
    return None


def _last_quoted(text: str, mark) -> Any:
    """The last quoted scalar the scanner read before ``mark`` (None if the scan fails before one)."""
    loader, last = _Loader(text), None
    try:
        while True:
            token = loader.get_token()
            if token is None or isinstance(token, yaml.StreamEndToken) or token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                last = token
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return last


def _explain(exc: yaml.MarkedYAMLError, file: Path, text: str) -> Problem | None:
    """Plain words for the syntax errors volunteers make (None: keep PyYAML's own)."""
    mark, start = exc.problem_mark or exc.context_mark, exc.context_mark
    problem, context = exc.problem or "", exc.context or ""
    lines = text.split("\n")
    here = (mark.line + 1, mark.column + 1)

    def at(line: int, col: int, msg: str) -> Problem:
        return Problem(file, line, col, "", f"invalid YAML: {msg}")

    if "'\\t'" in problem and "cannot start any token" in problem:  # PyYAML writes the tab as '\t'
        return at(*here, "a tab character: YAML indents with spaces only (replace the tab with spaces)")
    if problem == "mapping values are not allowed here" and mark.line < len(lines):
        row = lines[mark.line]
        above = _line_above(lines, mark.line)
        first_colon = row.find(": ") if ": " in row else row.find(":")
        key_col = len(re.match(r"^(?:\s*-\s+)*\s*", lines[above]).group()) if above is not None else 0
        if above is not None and first_colon >= mark.column - 1 and _indent(row) > _indent(lines[above]):
            return at(mark.line + 1, _indent(row) + 1,
                      f"this line is indented deeper than line {above + 1}, so YAML reads it as more of that "
                      f"line's value; start it at column {key_col + 1} like the key on line {above + 1}, or "
                      "quote the value if the ': ' belongs in it")
        return at(*here, "': ' inside a value that is not quoted: put the whole value in quotes "
                         "(e.g. \"Status: vulnerable\")")
    if "could not find expected ':'" in problem and start is not None:
        return at(start.line + 1, start.column + 1,
                  f"this line is not 'key: value' (no ':' after it; the parser gave up at line {mark.line + 1}, "
                  f"column {mark.column + 1})")
    if not (problem.startswith("expected <block end>, but found") and start is not None):
        return None
    found = problem.rsplit("found ", 1)[1].strip("'")
    block = "list" if "collection" in context and start.line < len(lines) and \
        lines[start.line][start.column:start.column + 1] == "-" else "mapping"
    if "sequence" in context:
        block = "list"
    started = f"the {block} that started at line {start.line + 1}"
    if found == "<scalar>":
        quoted = _last_quoted(text, mark)
        if quoted is not None and quoted.end_mark.line == mark.line and quoted.end_mark.index <= mark.index:
            q = quoted.style
            if quoted.start_mark.line < quoted.end_mark.line:
                return at(quoted.start_mark.line + 1, quoted.start_mark.column + 1,
                          f"quoted text starting here is not closed on its line: it runs on to the {q} at line "
                          f"{quoted.end_mark.line + 1}, column {quoted.end_mark.column}, and the parser gave up "
                          f"right after it (close the quote on line {quoted.start_mark.line + 1})")
            tip = "write a ' inside '...' twice (It''s)" if q == "'" else 'write a " inside "..." as \\"'
            return at(*here, f"text after the closing {q} (the quoted text started at column "
                             f"{quoted.start_mark.column + 1}): {tip}, or quote the whole value with the other quote")
    if found in ("<scalar>", "<block mapping start>", "<block sequence start>") and mark.line < len(lines):
        above = _line_above(lines, mark.line)
        levels = f"{started} has its {'items' if block == 'list' else 'keys'} at column {start.column + 1}"
        if above is not None and above != start.line:
            levels += f", line {above + 1} starts at column {_indent(lines[above]) + 1}"
        return at(*here, f"this line is indented to column {mark.column + 1}, which lines up with nothing above "
                         f"it ({levels})")
    if found == "-" and block == "mapping":
        return at(*here, f"a list item ('- ') where {started} expects 'key: value': indent the list under a key")
    if found == "?" and block == "list":
        return at(*here, f"'key: value' where {started} expects an item ('- '): start the line with '- ' or "
                         "indent it under the item above")
    return None


def load_file(file: Path | str, confinement=None) -> Located:
    """Read (through ``confinement`` when given: see :mod:`wildpress.safety.confine`) and parse a
    YAML file with the size limit and strict rules above. FIFOs and devices are never opened."""
    from ..safety.confine import Refused, read_regular

    file = Path(file)
    try:
        raw = confinement.read_bytes(file, max_bytes=MAX_BYTES) if confinement else read_regular(file, MAX_BYTES)
    except Refused as exc:
        reason = exc.reason.replace(f"{file} is ", "file is ").replace(f"cannot read {file}:", "cannot read file:")
        raise YAMLProblem(Problem(file, None, None, "", reason)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YAMLProblem(Problem(file, None, None, "", not_utf8(raw, exc.start))) from None
    return load_text(text, file)


def not_utf8(raw: bytes, start: int) -> str:
    """Why bytes are not UTF-8, in words a user can act on (UTF-16 and Latin-1 are the usual culprits)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "is UTF-16 text; save it as UTF-8 (in most editors: Save as, encoding UTF-8)"
    before = raw[:start]
    line = before.count(b"\n") + 1
    return f"not UTF-8 text (line {line}, byte {start}); save it as UTF-8"


def format_path(path: tuple) -> str:
    """Render a field path the way authors write it: ``threats[2].name``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
