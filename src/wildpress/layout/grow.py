"""Growing into the room a page has left: a layout adds before it removes.

The concession ladder (:mod:`wildpress.layout.ladder`) gives ground until a
record fits. Its steps are coarse: the step that makes a long record fit may
leave a fifth of the page empty, and a large sheet of paper that fits
everything at the first rung has room for more than a small one. So, once a
document fits, its layout's ``grow`` steps (``layout.yaml``) are tried in
their declared order while the page has room:

- ``restore: part`` brings back a part the ladder left out or shortened (the
  range map, the threat details), sized for the room that is left;
- ``add: part`` shows a part the layout prints only when there is room for it
  (quick facts on a poster), at most ``limit`` items;
- ``scale: 1.15`` sets the type larger (a sparse record on a poster), only
  when the ladder scaled nothing down;
- ``class: grow-roomy`` puts a class on the document that the layout's CSS
  styles roomier (larger type, pictures and spacing), only when nothing of
  the record is left out.

Each candidate is one more layout pass, kept only if the document still fits
on as many pages as before; otherwise it is undone. The template learns the
room a part was brought back into (``fit.room("map")``) and the heights of
elements marked ``data-measure`` before growing began (``fit.height(name)``),
so it sizes what it adds for the space it has, on that pass and every later one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

from ..printing.sizes import MM
from . import ladder, pagefill
from .fit import PX

GROW_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "restore": {"type": "string", "minLength": 1},
        "add": {"type": "string", "minLength": 1},
        "limit": {"type": "integer", "minimum": 1},
        "scale": {"type": "number", "exclusiveMinimum": 1, "maximum": 1.6},
        "class": {"type": "string", "pattern": r"^[a-z][a-z0-9-]*$"},
    },
    "required": ["name"],
    "oneOf": [{"required": ["restore"]}, {"required": ["add"]}, {"required": ["scale"]}, {"required": ["class"]}],
    "additionalProperties": False,
}

# Less free height than this share of the page is not room worth another layout pass.
MIN_ROOM_SHARE = 0.06


@dataclass(frozen=True)
class GrowStep:
    """One declared way to use spare room."""

    name: str
    part: str  # '' for a type step
    add: bool  # True: a part shown only when added; False: restore what the ladder took
    limit: int | None = None
    scale: float | None = None
    css_class: str = ""

    @classmethod
    def from_manifest(cls, spec: dict) -> GrowStep:
        """A step from its ``layout.yaml`` mapping (already schema-checked)."""
        return cls(spec["name"], spec.get("add") or spec.get("restore") or "", "add" in spec,
                   spec.get("limit"), spec.get("scale"), spec.get("class", ""))


def layout_grow_steps(layout) -> list[GrowStep]:
    """The grow steps a layout declares, in order ([] if none)."""
    return [GrowStep.from_manifest(spec) for spec in layout.manifest.get("grow", [])]


def _with_limit(limits: tuple, part: str, shown: int | None) -> tuple:
    kept = {name: n for name, n in limits if name != part}
    if shown is not None:
        kept[part] = shown
    return tuple(sorted(kept.items()))


def candidates(rung: ladder.Rung, step: GrowStep, data: dict) -> list[ladder.Rung]:
    """Rungs that carry out ``step`` on top of ``rung``, richest first ([] if nothing to do)."""
    if step.scale:
        if rung.scale < 1 or step.scale <= rung.scale:
            return []
        return [dataclasses.replace(rung, scale=step.scale)]
    if step.css_class:
        if ladder.losses(rung, data) or step.css_class in rung.css_classes:
            return []
        return [dataclasses.replace(rung, css_classes=rung.css_classes + (step.css_class,))]
    total = ladder.count(data, step.part)
    if not total:
        return []
    if step.add:
        if step.part in rung.extras:
            return []
        most = min(total, step.limit or total)
        sizes = [most] + ([most // 2] if most >= 4 else [])
        return [dataclasses.replace(rung, extras=rung.extras | {step.part},
                                    limits=_with_limit(rung.limits, step.part, n)) for n in sizes]
    if step.part in rung.dropped:
        return [dataclasses.replace(rung, dropped=rung.dropped - {step.part})]
    shown = rung.limit(step.part)
    if shown is None or shown >= total:
        return []
    middle = (shown + total) // 2
    found = [dataclasses.replace(rung, limits=_with_limit(rung.limits, step.part, None))]
    if shown < middle < total:
        found.append(dataclasses.replace(rung, limits=_with_limit(rung.limits, step.part, middle)))
    return found


def measured_heights(document) -> tuple[tuple[str, float], ...]:
    """(name, height in mm) of every element marked ``data-measure``, on any page."""
    heights: dict[str, float] = {}
    for page in document.pages:
        for box, _parent in pagefill._walk(page._page_box):
            element = getattr(box, "element", None)
            name = element.get("data-measure") if element is not None and hasattr(element, "get") else None
            if name and getattr(box, "element_tag", None) is not None and hasattr(box, "height"):
                heights[name] = heights.get(name, 0.0) + box.margin_height() * PX / MM
    return tuple(sorted(heights.items()))


def grow(rung: ladder.Rung, steps: list[GrowStep], data: dict, last: dict[str, Any],
         attempt: Callable[[ladder.Rung], Any]) -> ladder.Rung:
    """The richest rung, from ``rung`` on, whose document still fits on as many pages.

    ``last["document"]`` is the fitted document; ``attempt(rung)`` lays out a rung
    into ``last`` and returns None when it fits. ``last`` is left holding the
    document of the rung returned.
    """
    failed_kinds: set[str] = set()  # a larger type or roomier class that did not fit: no larger one will
    for step in steps:
        kind = "scale" if step.scale else ("class" if step.css_class else "")
        if kind in failed_kinds:
            continue
        for candidate in candidates(rung, step, data):
            document = last["document"]
            room = pagefill.free_height(document) * PX / MM
            if room < MIN_ROOM_SHARE * document.pages[-1].height * PX / MM:
                return rung
            candidate = dataclasses.replace(candidate, rooms=rung.rooms + ((step.part or step.css_class or "type", room),),
                                            measured=rung.measured or measured_heights(document))
            kept = dict(last)
            if attempt(candidate) is None and len(last["document"].pages) <= len(document.pages):
                rung = candidate
                break
            last.clear()
            last.update(kept)
            if kind:
                failed_kinds.add(kind)
    return rung
