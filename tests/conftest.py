"""Shared fixtures. Any WeasyPrint warning during a test fails that test."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

import pytest

# Prepared photos go to a cache of this test session, never the user's ~/.cache (set before
# any worker process starts, so the workers see the same folder).
os.environ.setdefault("WILDPRESS_CACHE", tempfile.mkdtemp(prefix="wildpress-test-cache-"))

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
SAMPLES = REPO / "data" / "species"


class _FailOnWarning(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        from wildpress.layout.render import is_benign

        if not is_benign(record.getMessage()):  # e.g. no libharfbuzz-subset0: slower, same PDF
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


def without_photo(text: str) -> str:
    """A sample's YAML text without its ``photo:`` block (for copies written outside the repository)."""
    return re.sub(r"(?ms)^photo:\n(?:[ ].*\n?)*", "", text)


def write_test_photo(path: Path, size=(1200, 800)) -> Path:
    """A generated JPEG (a graded landscape with a dark blob for a 'subject'), so photo
    tests never depend on files outside the repository."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        draw.line([(0, y), (size[0], y)], fill=(40 + y * 100 // size[1], 90, 60))
    draw.ellipse([size[0] * 0.4, size[1] * 0.35, size[0] * 0.7, size[1] * 0.75], fill=(150, 110, 50))
    image.save(path, "JPEG", quality=85)
    return path


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """Every bundled sample species as a fact sheet at A4 and Letter, built once."""
    from wildpress import build

    out = tmp_path_factory.mktemp("samples")
    result = build(out_dir=out, project_dir=REPO)
    return {(o.job.species.id, o.job.size.name): o for o in result.outputs}
