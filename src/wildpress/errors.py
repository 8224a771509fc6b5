"""One exception hierarchy for everything wildpress reports to a user.

The CLI catches :class:`WildpressError` and prints it; anything else is a bug.
Each error knows the exit code it maps to, so the commands stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One finding about an input file, located as precisely as we can."""

    file: Path | str
    line: int | None
    column: int | None
    path: str  # dotted field path, e.g. "status.category"; "" for the document
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{self.path}: " if self.path else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{where}: {tag}{field}{self.message}"


class WildpressError(Exception):
    """Base of every error wildpress reports to a user (exit code 1)."""

    exit_code = 1


class UsageError(WildpressError):
    """The command was asked for something that does not exist (exit code 2)."""

    exit_code = 2


class DataError(WildpressError):
    """One or more species files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class LayoutError(WildpressError):
    """A layout folder, manifest or template is broken."""


class RenderError(WildpressError):
    """WeasyPrint could not produce a clean PDF (warnings count as failures)."""


class FitError(RenderError):
    """Content does not fit the page or card it was laid out for."""


class OutputError(WildpressError):
    """An output file could not be written without destroying something."""


class Refused(WildpressError):
    """A file may not be read: outside the allowed folders, not a regular file, too big or missing
    (see :mod:`wildpress.safety.confine`). Names the file that asked and the path refused."""

    def __init__(self, path, reason: str, asker=None):
        self.path, self.reason, self.asker = Path(path), reason, asker
        super().__init__(f"{asker}: {reason}" if asker else reason)


class PageLimitExceeded(RenderError):
    """Pagination went past the page limit; layout stopped there (see :mod:`wildpress.safety.limits`)."""


class WorkerFailure(RenderError):
    """The render worker ran out of time or memory, or died (see :mod:`wildpress.safety.worker`)."""

    #: "timeout", "memory" or "crash"
    reason = "crash"
