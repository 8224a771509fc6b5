"""Hostile and mistaken inputs (issue 8): one folder per scenario under tests/hostile/.

Each ``tests/hostile/<name>/`` holds ``project/`` (copied to a temporary
folder and used as the current folder) and ``scenario.yaml``: the command,
its exit code, the exact message lines it must print (``{project}`` and
``{outside}`` stand for the two folders), links and FIFOs to create (git
cannot carry them, and their targets live outside the project), and files
that must (not) exist afterwards. Every scenario also checks that the
canary outside the project never reaches any output or message, that no
traceback is printed, and that nothing outside the output folder was
created or changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import write_test_photo
from pdfcheck import reader, text
from wildpress.cli import main

HOSTILE = Path(__file__).resolve().parent / "hostile"
SCENARIOS = sorted(p.name for p in HOSTILE.iterdir() if (p / "scenario.yaml").is_file())
CANARY = "WILDPRESS-CANARY-5f1d"
CANARY_SPECIES = ("schema: 1\nname: {common: " + CANARY + ", scientific: Felis canarius}\n"
                  "status: {category: LC}\nsources: [{title: " + CANARY + "}]\n")


def _outside(root: Path) -> Path:
    """Files a hostile project might try to reach: each carries the canary."""
    out = root / "outside"
    (out / "layouts" / "evil").mkdir(parents=True)
    (out / "species").mkdir()
    (out / "canary.txt").write_text(CANARY + "\n")
    (out / "canary.html.j2").write_text(f"<p>{CANARY}</p>\n")
    (out / "canary.css").write_text(f'body::after {{ content: "{CANARY}"; }}\n')
    (out / "canary.yaml").write_text(CANARY_SPECIES)
    (out / "species" / "canary.yaml").write_text(CANARY_SPECIES)
    (out / "layouts" / "evil" / "layout.yaml").write_text(
        f"name: evil\ndescription: {CANARY}\nkind: document\ntemplate: t.html.j2\n")
    (out / "layouts" / "evil" / "t.html.j2").write_text(f"<p>{CANARY}</p>\n")
    from PIL import Image, ImageDraw

    for name, fmt in (("canary.png", "PNG"), ("canary.jpg", "JPEG")):
        image = Image.new("RGB", (400, 100), "white")
        ImageDraw.Draw(image).text((10, 40), CANARY, fill="black")
        image.save(out / name, fmt)
    return out


def _make(project: Path, spec: str) -> None:
    kind, rel = spec.split(":", 1)
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "photo":
        write_test_photo(path, (600, 400))
    elif kind == "bigpng":  # 30000 x 30000 one-bit PNG: 110 KB on disk, 900 megapixels decoded
        from PIL import Image

        Image.new("1", (30000, 30000)).save(path, "PNG")
    else:
        raise ValueError(spec)


def _snapshot(root: Path, skip: Path) -> dict[str, tuple]:
    """Every entry under ``root`` but ``skip``: type and content hash, never opening FIFOs or devices."""
    state = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == skip or skip in Path(folder).parents:
            dirs[:] = []
            continue
        for name in dirs + files:
            path = Path(folder) / name
            if path == skip:
                continue
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                state[str(path)] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                state[str(path)] = ("file", info.st_size, hashlib.sha1(path.read_bytes()).hexdigest())
            else:
                state[str(path)] = ("other", stat.S_IFMT(info.st_mode))
    return state


def _texts(out: Path) -> list[tuple[Path, str]]:
    found = []
    if out.is_dir() and not out.is_symlink():
        for path in out.rglob("*"):
            if path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            content = data.decode("latin-1")
            if data.startswith(b"%PDF"):
                content += text(reader(path))
            found.append((path, content))
    return found


def _prepare(name: str, tmp_path: Path):
    """The scenario's project in ``tmp_path``, with its links, FIFOs and generated files."""
    spec = yaml.safe_load((HOSTILE / name / "scenario.yaml").read_text())
    outside = _outside(tmp_path)
    project = tmp_path / "project"
    if (HOSTILE / name / "project").is_dir():
        shutil.copytree(HOSTILE / name / "project", project, symlinks=True)
    else:  # git keeps no empty folders: a scenario whose project is only links and FIFOs has none
        project.mkdir()
    fill = {"project": str(project), "outside": str(outside)}
    for rel, target in spec["links"].items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).symlink_to(target.format(**fill))
    for rel in spec["fifos"]:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(project / rel)
    for item in spec["make"]:
        _make(project, item)
    return spec, project, fill


@pytest.mark.parametrize("name", SCENARIOS)
def test_hostile_input(name, tmp_path, monkeypatch):
    spec, project, fill = _prepare(name, tmp_path)
    out = project / "out"
    before = _snapshot(tmp_path, out)

    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, spec["run"])
    output = result.output  # stdout and stderr as a terminal shows them

    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == spec["exit"], output
    _check(spec, project, fill, output, tmp_path, before)


def _check(spec: dict, project: Path, fill: dict, output: str, tmp_path: Path, before: dict) -> None:
    out = project / "out"
    for line in spec["expect"]:
        assert line.format(**fill) in output, output
    assert CANARY not in output
    for path, content in _texts(out):
        assert CANARY not in content, f"the canary leaked into {path}"
    for rel in spec["absent"]:
        assert not os.path.lexists(project / rel), rel
    for rel in spec["present"]:
        assert (project / rel).is_file() and not (project / rel).is_symlink(), rel
    after = _snapshot(tmp_path, out)
    assert after == before, "files outside the output folder were created or changed"


@pytest.mark.parametrize("name", ["template-slow-loop", "species-symlink-outside", "output-path-is-fifo",
                                  "photo-30000-pixels-square", "validate-dev-zero"])
def test_hostile_input_in_a_real_process(name, tmp_path):
    """The installed command, as a user runs it: its own stderr and the worker's are both clean."""
    import subprocess
    import sys

    spec, project, fill = _prepare(name, tmp_path)
    before = _snapshot(tmp_path, project / "out")
    run = subprocess.run([sys.executable, "-m", "wildpress", *spec["run"]], cwd=project, capture_output=True,
                         text=True, timeout=300)
    output = run.stdout + run.stderr
    assert "Traceback" not in output, output
    assert run.returncode == spec["exit"], output
    _check(spec, project, fill, output, tmp_path, before)


def test_there_are_at_least_forty_scenarios():
    assert len(SCENARIOS) >= 40
