"""Every command the README shows runs as written, in the order shown, for a new user.

The ```sh blocks are read in order; each starts in an empty temporary folder (the
user's starting folder: the bundled samples are what `wildpress build` finds there),
and a `cd` inside a block carries on to its next lines, as in a terminal. Comments
are stripped. `wildpress` is this installation's. Skipped, with their reason:
installing (`pip install`), the test suite itself, `serve` (runs until stopped) and
GNU parallel when it is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
SKIP = {
    "pip install": "installs wildpress: the test runs this installation",
    "python -m pytest": "the test suite itself",
    "wildpress serve": "runs until stopped",
}


def readme_commands(text: str) -> list[list[str]]:
    """The command lines of each ```sh block, comments and blank lines removed."""
    blocks = re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)
    result = []
    for block in blocks:
        lines = []
        for line in block.splitlines():
            line = re.sub(r"(^|\s)#.*$", "", line).strip()  # a comment: '#' at the start of a word
            if line:
                lines.append(line)
        result.append(lines)
    return result


def _skip_reason(line: str) -> str | None:
    for start, reason in SKIP.items():
        if start in line:
            return reason
    if line.startswith("parallel ") and shutil.which("parallel") is None:
        return "GNU parallel is not installed"
    return None


def test_readme_blocks_are_found():
    blocks = readme_commands(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 5 and any("wildpress tile" in line for b in blocks for line in b)


@pytest.mark.slow
def test_every_readme_command_runs_as_written(tmp_path):
    home = tmp_path / "start"
    home.mkdir()
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
               WILDPRESS_CACHE=str(tmp_path / "cache"), HOME=str(tmp_path))
    assert shutil.which("wildpress", path=env["PATH"]), "wildpress is not installed beside this Python"
    ran, skipped = [], []
    for block in readme_commands(README.read_text(encoding="utf-8")):
        cwd = home  # every block starts where the user started
        for line in block:
            reason = _skip_reason(line)
            if reason:
                skipped.append((line, reason))
                continue
            where = tmp_path / "cwd"
            script = f"{line}\nrc=$?\npwd > '{where}'\nexit $rc\n"
            done = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                                  timeout=240)
            assert done.returncode == 0, f"README command failed (exit {done.returncode}) in {cwd}:\n  {line}\n" \
                                         f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
            cwd = Path(where.read_text().strip())
            ran.append(line)
    assert any(line.startswith("wildpress tile") for line in ran)
    assert all(reason for _, reason in skipped)


def test_readme_python_example_runs_from_any_folder(tmp_path):
    code = re.search(r"```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M).group(1)
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "amur-leopard-factsheet-a4.pdf" in done.stdout
    assert (tmp_path / "out" / "amur-leopard-factsheet-a4.pdf").is_file()
