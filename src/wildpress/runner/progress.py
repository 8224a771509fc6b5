"""What a build tells its user while it runs and when it ends.

On a terminal: one progress bar (per document, and per chunk of cards inside
decks) with the lines worth keeping printed above it. Anywhere else (CI logs,
pipes): plain lines, one per finished output. At the end a summary (built, up
to date, failed, with times) and, with ``--json``, a machine-readable report.

Every line and every bar label is escaped for the terminal here, once
(:func:`wildpress.terminal.for_terminal`): a species id, photo path or output
name cannot move the cursor or forge a line. The JSON report keeps its text
exact (JSON escapes it).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from ..jobs import BuildResult, Output
from ..terminal import for_terminal, json_for_terminal


class Progress:
    """Plain lines: every finished output on one line (also the base for the bar)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = 0
        self.done = 0
        self.started = time.perf_counter()

    def start(self, total: int) -> None:
        """``total`` units of work are about to run (documents and deck chunks)."""
        self.total, self.done, self.started = total, 0, time.perf_counter()

    def step(self, label: str, status: str) -> None:
        """One unit finished: 'wrote', 'rendered' (a deck chunk), 'failed' or 'skipped'."""
        self.done += 1

    def log(self, line: str) -> None:
        """A line to keep (an output written, a failure), escaped for the terminal."""
        print(for_terminal(line), file=self.stream, flush=True)

    def output(self, output: Output) -> None:
        pages = f"{output.pages} page{'s' if output.pages != 1 else ''}"
        cards = len(output.job.species_list)
        if output.cards_rendered is not None and output.cards_rendered < cards:  # part of a deck from the card cache
            pages += f"; {output.cards_rendered} of {cards} cards rendered, the rest from the card cache"
        self.log(f"wrote {output.path}  ({pages}, {output.seconds:.2f} s)")

    def close(self) -> None:
        pass


class Bar(Progress):
    """A one-line progress bar on a terminal; kept lines scroll above it."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self.current = ""
        self._shown = False

    def step(self, label: str, status: str) -> None:
        super().step(label, status)
        self.current = for_terminal(label)
        self._draw()

    def log(self, line: str) -> None:
        self._clear()
        print(for_terminal(line), file=self.stream, flush=True)
        self._draw()

    def _clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self._shown = False

    def _draw(self) -> None:
        if not self.total:
            return
        width = shutil.get_terminal_size((80, 20)).columns
        share = self.done / self.total
        elapsed = time.perf_counter() - self.started
        eta = f" ~{elapsed / share - elapsed:.0f} s left" if 0 < share < 1 and elapsed > 2 else ""
        head = f"[{'#' * round(24 * share):<24}] {self.done}/{self.total}{eta} "
        text = (head + self.current)[: max(10, width - 1)]
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        self._clear()
        self.stream.flush()


def for_stream(stream: TextIO | None = None, quiet: bool = False) -> Progress:
    """A bar on a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    if not quiet and hasattr(stream, "isatty") and stream.isatty():
        return Bar(stream)
    return Progress(stream)


def summary(result: BuildResult) -> str:
    """'12 built, 30 up to date, 1 failed in 14.2 s (rendering 21.5 s on 2 workers)' and so on."""
    built = sum(1 for o in result.outputs)
    parts = [f"{built} built", f"{len(result.up_to_date)} up to date"]
    if result.failures:
        parts.append(f"{len(result.failures)} failed")
    if result.removed:
        parts.append(f"{len(result.removed)} removed")
    render = sum(o.seconds for o in result.outputs)
    timing = f" in {result.seconds:.1f} s" + (f" (rendering {render:.1f} s)" if render else "")
    return ", ".join(parts) + timing


def report(result: BuildResult, out_dir: Path) -> dict:
    """The build as JSON-able data (``--json``)."""
    return {
        "out_dir": str(out_dir),
        "seconds": round(result.seconds, 3),
        "built": [{"path": str(o.path), "job": o.job.label, "pages": o.pages, "seconds": round(o.seconds, 3),
                   "species": [sp.id for sp in o.job.species_list],
                   **({"cards_rendered": o.cards_rendered} if o.cards_rendered is not None else {})}
                  for o in result.outputs],
        "up_to_date": [str(p) for p in result.up_to_date],
        "failed": [{"job": f.label, "message": f.message} for f in result.failures],
        "stale": [str(p) for p in result.stale],
        "removed": [str(p) for p in result.removed],
        "warnings": [str(w) for w in result.warnings],
        "notices": list(result.notices),
        "ok": not result.failures,
    }


def write_report(result: BuildResult, out_dir: Path, path: Path) -> None:
    """Write :func:`report` to ``path`` atomically ("-": standard output, where the characters a
    terminal acts on are JSON escapes: :func:`~wildpress.terminal.json_for_terminal`; the file keeps
    them as they are)."""
    text = json.dumps(report(result, out_dir), indent=2, ensure_ascii=False) + "\n"
    if str(path) == "-":
        sys.stdout.write(json_for_terminal(text))
        return
    from ..safety.outputs import json_bytes, write_atomically

    write_atomically(Path(path), json_bytes(text), True)
