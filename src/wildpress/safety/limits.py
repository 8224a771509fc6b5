"""How much work one document may take: time, memory and pages.

Defaults are generous for real fact sheets, posters and decks and small
enough that a hostile layout or data file stops in seconds, not hours. They
are configurable with ``--time-limit``, ``--memory-limit`` and ``--max-pages``
(or :class:`Limits` in :class:`wildpress.build.Settings`). A deck is one
document, so its time and page limits grow with the number of cards.

The page limit is enforced inside WeasyPrint's pagination
(:func:`install_page_limit`), so a CSS rule that would lay out thousands of
pages stops at the first page over the limit.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from ..errors import PageLimitExceeded

CARDS_PER_DOCUMENT = 25  # a deck gets one document's time limit per this many cards


@dataclass(frozen=True)
class Limits:
    """Per-document limits (time in seconds, memory in MB, pages)."""

    time_s: float = 60.0
    memory_mb: int = 3072
    max_pages: int = 100

    def time_for(self, cards: int = 1, per: int = CARDS_PER_DOCUMENT) -> float:
        """Time limit for a document holding ``cards`` species (1 for one-species documents): one
        limit per ``per`` species (25 cards; a booklet's full fact sheets take more each)."""
        return self.time_s * max(1.0, cards / per)

    def pages_for(self, cards: int = 1) -> int:
        """Page limit for a document holding ``cards`` species: a deck may use 4 pages per card."""
        return max(self.max_pages, 4 * cards) if cards > 1 else self.max_pages

    def check(self) -> "Limits":
        """Raise UsageError for limits that cannot work."""
        from ..errors import UsageError

        if not self.time_s > 0:
            raise UsageError(f"--time-limit must be more than 0 seconds, got {self.time_s:g}")
        if self.memory_mb < 256:
            raise UsageError(f"--memory-limit must be at least 256 MB, got {self.memory_mb}")
        if self.max_pages < 1:
            raise UsageError(f"--max-pages must be at least 1, got {self.max_pages}")
        return self


_page_limit: list[int | None] = [None]


@contextmanager
def page_limit(pages: int | None) -> Iterator[None]:
    """Within the block, WeasyPrint stops laying out a document after ``pages`` pages."""
    saved, _page_limit[0] = _page_limit[0], pages
    try:
        yield
    finally:
        _page_limit[0] = saved


def install_page_limit() -> None:
    """Wrap WeasyPrint's page maker so it raises as soon as a document passes the limit."""
    from weasyprint import layout

    if getattr(layout.make_all_pages, "_wildpress_limited", False):
        return
    original = layout.make_all_pages

    def make_all_pages(*args, **kwargs):
        limit = _page_limit[0]
        for count, page in enumerate(original(*args, **kwargs), start=1):
            if limit is not None and count > limit:
                raise PageLimitExceeded(f"the document passed {limit} pages and layout was stopped there; "
                                        f"the limit is {limit} pages (--max-pages)")
            yield page

    make_all_pages._wildpress_limited = True
    layout.make_all_pages = make_all_pages
