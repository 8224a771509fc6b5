"""The wheel carries layouts, data and fonts: install it in a fresh virtualenv and build."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile

import pytest

from conftest import REPO


@pytest.mark.slow
def test_wheel_installs_and_builds_outside_the_repo(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("wildpress-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("wildpress/_bundled/layouts/factsheet/layout.yaml",
                     "wildpress/_bundled/data/species/amur-leopard.yaml",
                     "wildpress/_bundled/fonts/NotoSans-Regular.ttf",
                     "wildpress/_bundled/fonts/OFL.txt"):
        assert expected in names

    # A truly fresh environment: dependencies resolve from the package index, as for a user.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    where = subprocess.run([str(python), "-c", "import wildpress, sys; print(wildpress.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where, f"imported wildpress from {where}, not from the wheel"
    result = subprocess.run([str(env_dir / "bin" / "wildpress"), "build"], cwd=elsewhere, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pdfs = sorted(p.name for p in (elsewhere / "out").glob("*.pdf"))
    assert "amur-leopard-factsheet-a4.pdf" in pdfs and len(pdfs) >= 12
