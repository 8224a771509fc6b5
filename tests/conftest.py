"""Shared fixtures. Any WeasyPrint warning during a test fails that test."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
SAMPLES = REPO / "data" / "species"
SHARED = REPO.parent / "shared"


class _FailOnWarning(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


@pytest.fixture(autouse=True)
def weasyprint_must_not_warn():
    """WeasyPrint logs problems instead of raising; a logged warning fails the test."""
    handler = _FailOnWarning()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    assert not handler.records, f"WeasyPrint warned: {handler.records}"


@pytest.fixture
def scenario():
    """Path of a named scenario file under tests/scenarios/."""
    def get(name: str) -> Path:
        path = SCENARIOS / name
        assert path.exists(), path
        return path
    return get


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """Every bundled sample species as a fact sheet at A4 and Letter, built once."""
    from wildpress import build

    out = tmp_path_factory.mktemp("samples")
    result = build(out_dir=out, project_dir=REPO)
    return {(o.job.species.id, o.job.size.name): o for o in result.outputs}
