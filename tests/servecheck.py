"""What the serve tests share: the small projects they serve and `wildpress serve` run as a user runs it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import SAMPLES, without_photo

GOOD_CSS = ".species-name { letter-spacing: 0.01em; }\n"


def two_species(root: Path) -> None:
    """The red fox and the Amur leopard without photos (quick to build) in ``root/data/species``."""
    species = root / "data" / "species"
    species.mkdir(parents=True)
    for name in ("red-fox", "amur-leopard"):
        (species / f"{name}.yaml").write_text(without_photo((SAMPLES / f"{name}.yaml").read_text("utf-8")), "utf-8")


def restyled_project(root: Path, sizes: str = "A4") -> Path:
    """Two species and a layout of the project's own (the fact sheet and one stylesheet on top) at
    ``sizes``; the stylesheet's path, for the test to edit."""
    two_species(root)
    mine = root / "layouts" / "mine"
    mine.mkdir(parents=True)
    (mine / "layout.yaml").write_text("name: mine\ndescription: the fact sheet, restyled\nkind: document\n"
                                      "extends: factsheet\nstyles: [mine.css]\n", "utf-8")
    (mine / "mine.css").write_text(GOOD_CSS, "utf-8")
    (root / "wildpress.yaml").write_text("species: [data/species]\nout: out\noutputs:\n"
                                         f"  - {{layout: mine, sizes: [{sizes}]}}\n", "utf-8")
    return mine / "mine.css"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served_version(port: int) -> int:
    """The build count, asked as the page asks: with the run's token, which the page carries."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
        token = re.search(r"/__version\?token=([A-Za-z0-9_-]+)", page.read().decode("utf-8")).group(1)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__version?token={token}", timeout=2) as answer:
        return json.load(answer)["version"]


@contextlib.contextmanager
def serving(project: Path, first_build_s: float = 180):
    """`wildpress serve` on a free port in a subprocess from ``project``, once its first build and
    contact sheet are done; yields (port, process); stopped with Ctrl-C (SIGINT) afterwards."""
    port = free_port()
    log_path = project / "serve.log"
    log = open(log_path, "w+")
    proc = subprocess.Popen([sys.executable, "-m", "wildpress", "serve", "--port", str(port), "--jobs", "2"],
                            cwd=project, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
    deadline = time.monotonic() + first_build_s
    try:
        while True:
            assert proc.poll() is None, log_path.read_text()
            try:
                if served_version(port) >= 1:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "serve did not finish its first build in time"
            time.sleep(0.3)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, driven by Playwright (no browser download)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def browser_page(width: int = 1280, height: int = 900):
    """A page of headless chromium with a ``width`` × ``height`` viewport; the browser closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()
