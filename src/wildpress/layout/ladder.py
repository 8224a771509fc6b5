"""Concession ladders: how a layout gives ground, in a declared order, until its content fits.

Every layout kind uses this one mechanism. A layout's ``layout.yaml`` lists
its ``ladder``: steps from "change nothing" towards "leave things out", each
a mapping with

- ``name``: what the step does, in words a user understands ("body type 8.5 pt");
- ``class``: a class put on the document (or card side) that the layout's CSS styles;
- ``scale``: a type scale the template applies (cards and posters);
- ``limit``: ``{list: N}``, show the first N items of a list and "+ M more";
- ``drop``: names of optional parts to leave out.

Steps are cumulative: rung *k* applies steps 1..k. The renderer lays the
content out at rung 0, measures it, and moves one rung down for as long as it
does not fit (see :func:`walk`); only when the last rung fails does the build
fail. Steps that remove content (``limit``, ``drop``) are reported as
warnings naming what was left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

STEP_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "class": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*$"},
        "scale": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "limit": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "drop": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
    "required": ["name"],
    "additionalProperties": False,
}

# Human words for the parts a step may limit or drop, for warnings.
PART_WORDS = {
    "quick_facts": "quick facts", "threats": "threats", "threats.detail": "threat details",
    "description": "the description", "habitat": "the habitat text", "range.notes": "the range notes",
    "range.countries": "range countries", "population.subpopulations": "subpopulations",
    "conservation.actions": "conservation actions", "conservation.organisations": "organisations",
    "diet": "diet items", "stats": "headline figures", "facts": "facts", "sources": "sources",
    "name.other": "other names", "ecology": "the 'why it matters' text", "gallery": "gallery photos", "map": "the range map", "status.scope": "the assessment note",
}


@dataclass(frozen=True)
class Step:
    """One declared concession."""

    name: str
    css_class: str = ""
    scale: float | None = None
    limit: tuple[tuple[str, int], ...] = ()
    drop: tuple[str, ...] = ()

    @classmethod
    def from_manifest(cls, spec: dict) -> Step:
        """A step from its ``layout.yaml`` mapping (already schema-checked)."""
        return cls(spec["name"], spec.get("class", ""), spec.get("scale"),
                   tuple(sorted((spec.get("limit") or {}).items())), tuple(spec.get("drop") or ()))


@dataclass(frozen=True)
class Rung:
    """The state after some steps: what the template sees as ``fit``."""

    steps: tuple[Step, ...] = ()
    scale: float = 1.0
    limits: tuple[tuple[str, int], ...] = ()
    dropped: frozenset = field(default_factory=frozenset)
    css_classes: tuple[str, ...] = ()
    extras: frozenset = field(default_factory=frozenset)  # parts added because the page had room
    rooms: tuple[tuple[str, float], ...] = ()  # part grown -> the free height in mm it was grown into
    measured: tuple[tuple[str, float], ...] = ()  # heights in mm of data-measure elements before growing

    @property
    def classes(self) -> str:
        """Space-separated classes for the document (or card side) element."""
        return " ".join(self.css_classes)

    def shows(self, part: str) -> bool:
        """False if ``part`` has been dropped on this rung."""
        return part not in self.dropped

    def adds(self, part: str) -> bool:
        """True if ``part``, shown only when there is room, has been added (see :mod:`.grow`)."""
        return part in self.extras

    def room(self, part: str) -> float:
        """The free height in mm ``part`` was brought back into (0.0 if it was not grown): a
        template sizes the part for it, on that pass and every later one."""
        return dict(self.rooms).get(part, 0.0)

    def height(self, name: str, default: float = 0.0) -> float:
        """Height in mm the last layout gave the element marked ``data-measure="name"``."""
        return dict(self.measured).get(name, default)

    def limit(self, part: str, default: int | None = None) -> int | None:
        """How many items of list ``part`` to show (``default``: the layout's own cap)."""
        for name, count in self.limits:
            if name == part:
                return count if default is None else min(count, default)
        return default

    def then(self, step: Step) -> Rung:
        """This rung with ``step`` applied on top."""
        limits = dict(self.limits)
        limits.update(step.limit)
        return Rung(self.steps + (step,), step.scale if step.scale is not None else self.scale,
                    tuple(sorted(limits.items())), self.dropped | set(step.drop),
                    self.css_classes + ((step.css_class,) if step.css_class else ()), self.extras)

    @property
    def label(self) -> str:
        """The steps taken, for messages ('none' at the first rung)."""
        return ", ".join(s.name for s in self.steps) or "none"


def rungs(steps: Iterable[Step]) -> list[Rung]:
    """Rung 0 (nothing given up) followed by one rung per step, cumulatively."""
    result = [Rung()]
    for step in steps:
        result.append(result[-1].then(step))
    return result


def layout_rungs(layout) -> list[Rung]:
    """The rungs a layout declares (just rung 0 if it declares no ladder)."""
    return rungs(Step.from_manifest(s) for s in layout.manifest.get("ladder", []))


def count(data: Any, part: str) -> int:
    """How many items of ``part`` the species data holds ('threats.detail': threats with a detail)."""
    if part == "map":
        return 1 if (data.get("range") or {}).get("countries") else 0
    head, _, tail = part.partition(".")
    value = data.get(head) if isinstance(data, dict) else None
    if tail and isinstance(value, list):
        return sum(1 for item in value if isinstance(item, dict) and item.get(tail))
    if tail:
        return count(value or {}, tail)
    if isinstance(value, (list, dict)):
        return len(value)
    return 1 if value else 0


def losses(rung: Rung, data: dict, counts: Callable[[str], int] | None = None) -> list[str]:
    """What ``rung`` leaves out of this record, in words ('4 of 10 threats'); [] if nothing.

    ``counts(part)`` overrides how many items a part holds (cards count their
    candidate facts, which are not one data field).
    """
    how_many = counts or (lambda part: count(data, part))
    found = []
    for part, shown in rung.limits:
        if part in rung.extras:  # an extra shows what room allows: nothing is left out
            continue
        total = how_many(part)
        if total > shown:
            found.append(f"{total - shown} of {total} {PART_WORDS.get(part, part.replace('_', ' '))}")
    for part in sorted(rung.dropped):
        if how_many(part):
            found.append(PART_WORDS.get(part, part.replace("_", " ")))
    return found


def walk(ladder: list[Rung], attempt: Callable[[Rung], Any | None], start: int = 0,
         keep: Callable[[], Any] = lambda: None, restore: Callable[[Any], None] = lambda state: None,
         ) -> tuple[int, Any]:
    """The first rung on which ``attempt(rung)`` returns None (fits), as a walk from the top finds it.

    Returns (index of the rung that fitted, None), or (-1, the last rung's result) when no rung
    fits, for the caller to report. A rung that changes nothing a measurement can see is still
    tried: the ladder is short.

    ``start``: the rung that fitted this output last time (an index the caller has checked; 0
    walks from the top). Rungs give ground cumulatively, so a rung that does not fit means none
    before it does: the walk tries the rung before ``start`` first. If that one still does not
    fit, it goes on down from ``start`` (one pass fewer than ``start`` from the top); if it fits
    now (the record got shorter), it climbs back until a rung does not fit, and ``restore(state)``
    brings back what ``keep()`` saved after the last attempt that fitted.
    """
    if type(start) is not int or not 0 < start < len(ladder):  # the manifest's word: anything else is the top
        start = 0
    if start and attempt(ladder[start - 1]) is None:
        best, state = start - 1, keep()
        for index in range(start - 2, -1, -1):
            if attempt(ladder[index]) is not None:
                restore(state)
                return best, None
            best, state = index, keep()
        return best, None
    result = None
    for index in range(start, len(ladder)):
        result = attempt(ladder[index])
        if result is None:
            return index, None
    return -1, result
