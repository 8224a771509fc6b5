"""Templates from volunteers: confined loading and bounded work.

:class:`ConfinedLoader` replaces Jinja's FileSystemLoader: every template,
include, import and parent is read through :class:`~.confine.Confinement`,
so a template that is a symlink to ``/etc/passwd`` is refused, not printed.
:class:`BoundedEnvironment` is Jinja's immutable sandbox with limits on
``range()``, powers, repeated and joined text, recursion and total output;
a breach raises :class:`TemplateLimit`, which Jinja locates at the template
line that caused it (:func:`location`).
"""

from __future__ import annotations

import math
import operator
import os
import re
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .confine import Confinement, Refused

MAX_TEMPLATE_BYTES = 1_000_000
MAX_RANGE = 10_000  # items in one range(); a deck of every species is far below this
MAX_POWER_BITS = 4_096  # results of ** on integers
MAX_TEXT = 2_000_000  # characters in one string built with *, + or a block
MAX_OUTPUT = 20_000_000  # characters of HTML one document may produce


class TemplateLimit(SecurityError):
    """A template exceeded one of the limits above."""


class ConfinedLoader(jinja2.BaseLoader):
    """Loads templates from layout folders (own first) through a Confinement."""

    def __init__(self, folders: list[Path], confinement: Confinement, asker: str = ""):
        self.folders = [Path(f) for f in folders]
        self.confinement = confinement
        self.asker = asker

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses '..' and empty names
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            try:
                text = self.confinement.read_text(path, max_bytes=MAX_TEMPLATE_BYTES)
                mtime = os.stat(path).st_mtime_ns
            except Refused as exc:
                raise TemplateLimit(f"template {template!r}: {exc.reason}") from None

            def uptodate(path: Path = path, mtime: int = mtime) -> bool:
                try:
                    return os.stat(path).st_mtime_ns == mtime
                except OSError:
                    return False

            return text, str(path), uptodate
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:  # pragma: no cover - not used by wildpress
        return []


MAX_STEPS = 5_000_000  # iterations over range() in one document, however the loops nest
_steps = [0]


class _CountedRange:
    """A range whose iterations count against MAX_STEPS (nested loops multiply quickly)."""

    def __init__(self, rng: range):
        self._range = rng

    def __iter__(self):
        for item in self._range:
            _steps[0] += 1
            if _steps[0] > MAX_STEPS:
                raise TemplateLimit(f"loops over range() ran more than {MAX_STEPS} times")
            yield item

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index):
        return self._range[index]

    def __contains__(self, item) -> bool:
        return item in self._range

    def __reversed__(self):
        return _CountedRange(self._range[::-1]).__iter__()

    def __repr__(self) -> str:
        return repr(self._range)


def safe_range(*args: int) -> _CountedRange:
    """``range()`` of at most MAX_RANGE items, its iterations counted against MAX_STEPS."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise TemplateLimit(f"range() of {len(rng)} items; the limit is {MAX_RANGE}")
    return _CountedRange(rng)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple, bytes)) else 0


def _checked_join(parts) -> str:
    text = "".join(parts)
    if len(text) > MAX_TEXT:
        raise TemplateLimit(f"a block or macro produced {len(text)} characters; the limit is {MAX_TEXT}")
    return text


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Immutable sandbox whose ranges, powers, text sizes and recursion are limited."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})  # also keeps them from being folded at compile time

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.globals["range"] = safe_range
        self.globals.pop("lipsum", None)  # a development helper that writes any amount of text
        self.concat = _checked_join
        for name in _WIDTH_FILTERS:
            if name in self.filters:
                self.filters[name] = _width_checked(self.filters[name], name)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Calls from templates; padding methods of text may not make huge strings."""
        owner, name = getattr(__obj, "__self__", None), getattr(__obj, "__name__", "")
        if isinstance(owner, str) and ((name in _PADDING and _too_wide(args, kwargs))
                                       or (name in ("replace", "join") and _grows(name, owner, args))):
            raise TemplateLimit(f"{name}() would make more than {MAX_TEXT} characters")
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: jinja2.runtime.Context, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                if right * math.log2(abs(left)) > MAX_POWER_BITS:
                    raise TemplateLimit(f"{left} ** {right} is too large; results are limited to "
                                        f"{MAX_POWER_BITS} bits")
            return operator.pow(left, right)
        if operator_name == "*":
            for seq, count in ((left, right), (right, left)):
                if _size(seq) and isinstance(count, int) and _size(seq) * count > MAX_TEXT:
                    raise TemplateLimit(f"'*' would make {_size(seq) * count} characters or items; "
                                        f"the limit is {MAX_TEXT}")
            return operator.mul(left, right)
        if operator_name == "%" and isinstance(left, str) and re.search(r"%[-+ #0]*(\*|\d{7,})", left):
            raise TemplateLimit(f"a '%' format with a width over {MAX_TEXT} characters")
        if operator_name == "+":
            if _size(left) + _size(right) > MAX_TEXT:
                raise TemplateLimit(f"'+' would make {_size(left) + _size(right)} characters or items; "
                                    f"the limit is {MAX_TEXT}")
            return operator.add(left, right)
        return super().call_binop(context, operator_name, left, right)


_PADDING = {"center", "ljust", "rjust", "zfill", "expandtabs"}
_WIDTH_FILTERS = ("center", "indent", "format", "replace", "join")


def _grows(name: str, text: str, args: tuple) -> bool:
    """True if ``text.replace(*args)`` or ``text.join(*args)`` would pass MAX_TEXT characters."""
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = text.count(args[0]) if args[0] else len(text) + 1
        return len(text) + count * (len(args[1]) - len(args[0])) > MAX_TEXT
    if name == "join" and args and hasattr(args[0], "__len__"):
        return len(text) * len(args[0]) > MAX_TEXT
    return False


def _too_wide(args: tuple, kwargs: dict) -> bool:
    return any(isinstance(v, int) and v > MAX_TEXT for v in (*args, *kwargs.values()))


def _width_checked(filter_func: Callable, name: str) -> Callable:
    """A filter that refuses widths (or format arguments) that would make huge strings."""
    import functools

    @functools.wraps(filter_func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if name in ("replace", "join"):
            value = args[1] if args and isinstance(args[0], jinja2.nodes.EvalContext) else args[0]
            rest = args[2:] if args and isinstance(args[0], jinja2.nodes.EvalContext) else args[1:]
            text = str(value) if name == "replace" else (rest[0] if rest and isinstance(rest[0], str) else "")
            wide = _grows("replace", text, tuple(rest)) if name == "replace" else \
                _grows("join", text, (value,) if hasattr(value, "__len__") else ())
            if wide:
                raise TemplateLimit(f"the {name} filter would make more than {MAX_TEXT} characters")
            return filter_func(*args, **kwargs)
        if _too_wide(args[1:], kwargs) or (name == "format" and any(
                isinstance(a, str) and re.search(r"%[-+ #0]*(\*|\d{7,})", a) for a in args[:1])):
            raise TemplateLimit(f"the {name} filter would make more than {MAX_TEXT} characters")
        return filter_func(*args, **kwargs)

    return checked


def render_bounded(template: jinja2.Template, context: dict, max_output: int = MAX_OUTPUT) -> str:
    """Render ``template`` while counting its output; stop at ``max_output`` characters."""
    parts, total = [], 0
    _steps[0] = 0
    stream = template.generate(**context)
    for part in stream:
        total += len(part)
        if total > max_output:
            where = _generator_location(stream)
            stream.close()
            raise TemplateLimit(f"{where}the template produced more than {max_output} characters of HTML")
        parts.append(part)
    return "".join(parts)


def _generator_location(stream) -> str:
    """'name:line: ' of the innermost template code a paused generator is in."""
    where, gen = "", stream
    while gen is not None and hasattr(gen, "gi_frame"):
        frame = gen.gi_frame
        tmpl = frame.f_globals.get("__jinja_template__") if frame is not None else None
        if tmpl is not None:
            where = f"{Path(tmpl.filename or tmpl.name or '?').name}:{tmpl.get_corresponding_lineno(frame.f_lineno)}: "
        gen = gen.gi_yieldfrom
    return where


def location(exc: BaseException) -> str:
    """'file.html.j2:12: ' of the innermost template line in ``exc``'s traceback (Jinja rewrites
    tracebacks so template frames carry template line numbers)."""
    tb, where = exc.__traceback__, ""
    while tb is not None:
        frame = tb.tb_frame
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:  # compiled template code that Jinja did not rewrite (e.g. a timeout)
            where = f"{Path(template.filename or template.name or '?').name}:" \
                    f"{template.get_corresponding_lineno(tb.tb_lineno)}: "
        elif "__jinja_exception__" in frame.f_globals:  # a frame Jinja rewrote to the template's line
            where = f"{Path(frame.f_code.co_filename).name}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where
