"""The registry of layout kinds: how each kind renders and whether it gathers every species.

A layout's ``kind`` (in its ``layout.yaml``) names an entry here. Renderers are
named by module and function and imported on first use, so registering a kind
never imports WeasyPrint and no module registers itself by being imported.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Kind:
    """One layout kind: ``module:function`` renders a job; ``gathers``: one document holds every species."""

    name: str
    renderer: str
    gathers: bool = False
    description: str = ""
    per_time_limit: int = 25  # a gathering document gets one time limit (--time-limit) per this many species

    def render_function(self) -> Callable:
        module, func = self.renderer.split(":")
        return getattr(importlib.import_module(module), func)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add (or replace) a layout kind."""
    KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> Kind:
    """The kind called ``name`` (layout manifests are checked against :data:`KINDS` when loaded)."""
    return KINDS[name]


def gathers(name: str) -> bool:
    """True for kinds whose one document holds every species (decks, booklets)."""
    return name in KINDS and KINDS[name].gathers


register(Kind("document", "wildpress.layout.document:render_document",
              description="one document per species (fact sheets, posters)"))
register(Kind("cards", "wildpress.layout.cards:render_cards", gathers=True,
              description="a flashcard deck of every species, imposed on sheets"))
register(Kind("booklet", "wildpress.layout.booklet:render_booklet", gathers=True, per_time_limit=8,
              description="every species in one PDF: cover, contents, a fact sheet each, credits"))
