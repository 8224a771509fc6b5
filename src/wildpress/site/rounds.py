"""The order ``wildpress serve`` rebuilds in after an edit: what is on screen first, the rest after.

One rebuild is a series of narrowed copies of the one build request (``only`` some species,
the outputs of some layouts at some sizes: :meth:`~wildpress.request.BuildRequest.replace`), each
built by :func:`wildpress.build.build` like any other request, and the whole request last:

1. the output the browser shows first (the first card on screen, or the page view open):
   the reloaded page shows the edit after one document's render (one alone: on a busy
   machine two documents at once take longer than one);
2. then each species in turn (the species of the edited file first, then the sheet's order),
   a few per step (:data:`STEP_OUTPUTS_PER_WORKER` outputs a worker) so every worker stays
   busy, the sheet updated after each step; a new edit is taken up between two steps;
3. then the whole request, which finds what the steps built up to date and makes what no
   step named (a deck, a new species) and gives the round's final word.

Outputs are told apart by what the manifest records of them (``job``: 'species / layout /
size label', ``sources``); a step that narrows to nothing the request still makes is skipped
by the build itself (it then builds nothing). Nothing here reads a file: the manifest's
entries are handed in.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from ..jobs import BuildResult
from ..request import BuildRequest

MAX_STEP_SPECIES = 8  # species in one background step at most
STEP_OUTPUTS_PER_WORKER = 3  # fewer: more time spent between steps; more: a new edit waits longer


def _parts(entry: dict) -> tuple[str, str, str] | None:
    """(species, layout, size label) of a one-species output, else None (a deck, a tiled copy)."""
    parts = str(entry.get("job") or "").split(" / ")
    if len(parts) != 3 or parts[2].endswith("(tiled)") or len(entry.get("sources") or []) != 1:
        return None
    return parts[0], parts[1], parts[2]


def _size_matches(size: str, label: str, orientation: str | None) -> bool:
    from ..errors import UsageError
    from ..printing.sizes import get_size

    try:
        return get_size(size, orientation).label == label
    except UsageError:  # a size the build will name in its own error
        return False


def narrowed(request: BuildRequest, species: str, wanted: list[tuple[str, str]]) -> BuildRequest | None:
    """``request`` for ``species`` only, its outputs cut to the (layout, size label) pairs of
    ``wanted``; None when no output of the request matches."""
    outputs = []
    for output in request.outputs:
        labels = [label for layout, label in wanted if layout == output.layout]
        if not labels:
            continue
        if output.sizes:
            sizes = tuple(s for s in output.sizes if any(_size_matches(s, lab, output.orientation) for lab in labels))
            if not sizes:
                continue
            output = dataclasses.replace(output, sizes=sizes)
        outputs.append(output)
    return request.replace(only=(species,), outputs=tuple(outputs)) if outputs else None


def first_step(request: BuildRequest, recorded: dict[str, dict], viewing: tuple[str, ...]) -> BuildRequest | None:
    """The request for what is on screen: the first viewed one-species output, or None when
    nothing viewed is one (or the request is narrowed to some species already)."""
    if request.only:
        return None  # the user narrowed the build already: no second narrowing
    for name in viewing:
        parts = _parts(recorded.get(name) or {})
        if parts is not None:
            return narrowed(request, parts[0], [parts[1:]])
    return None


def species_steps(request: BuildRequest, recorded: dict[str, dict], changed: set[str], root: Path,
                  jobs: int) -> list[BuildRequest]:
    """One request per group of species (each group with at least STEP_OUTPUTS_PER_WORKER
    outputs a worker), the species whose files changed first, then in the sheet's order."""
    if request.only:
        return []
    outputs: dict[str, int] = {}
    touched = set()
    for entry in recorded.values():
        parts = _parts(entry)
        if parts is None:
            continue
        outputs[parts[0]] = outputs.get(parts[0], 0) + 1
        source = str(entry["sources"][0])
        if os.path.abspath(source if os.path.isabs(source) else root / source) in changed:
            touched.add(parts[0])
    order = sorted(outputs, key=lambda s: (s not in touched, s))
    steps, group, count = [], [], 0
    for species in order:
        group.append(species)
        count += outputs[species]
        if count >= jobs * STEP_OUTPUTS_PER_WORKER or len(group) >= MAX_STEP_SPECIES:
            steps.append(request.replace(only=tuple(group)))
            group, count = [], 0
    if group:
        steps.append(request.replace(only=tuple(group)))
    return steps


def merged(earlier: BuildResult | None, part: BuildResult | None) -> BuildResult | None:
    """The round so far as one result: what each step built and found up to date, its failures
    and warnings (each once)."""
    if earlier is None or part is None:
        return part if earlier is None else earlier
    total = BuildResult()
    built = {o.path for o in earlier.outputs}
    total.outputs = earlier.outputs + [o for o in part.outputs if o.path not in built]
    built |= {o.path for o in part.outputs}
    total.up_to_date = list(dict.fromkeys(p for p in earlier.up_to_date + part.up_to_date if p not in built))
    failed = {f.label for f in part.failures}
    total.failures = [f for f in earlier.failures if f.label not in failed] + part.failures
    seen = {str(w) for w in earlier.warnings}
    total.warnings = earlier.warnings + [w for w in part.warnings if str(w) not in seen]
    total.notices = list(dict.fromkeys(earlier.notices + part.notices))
    total.stale = part.stale or earlier.stale
    total.seconds = earlier.seconds + part.seconds
    return total
