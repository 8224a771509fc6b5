"""Save to reloaded page: `wildpress serve` in a real browser on a 40-output project.

Not a test: a script that prints figures (see benchmarks/common.py for the rules).
A generated project of --species species (the samples repeated, with their photos unless
--no-photos) and a layout of its own (the fact sheet and one stylesheet, ``mine.css``) at A4
and US Letter: 2 outputs a species, 40 by default, every one of them changed by an edit
of ``mine.css``. `wildpress serve` runs as a user starts it (a fresh process, default
--jobs); Debian's chromium, driven by Playwright, shows the contact sheet. Each edit
changes the stylesheet (a letter-spacing every page shows), then measures:

- save -> reloaded page: until the page has reloaded by itself and the thumbnail of the
  first card (scrolled into view: the one looked at) is a new image, loaded (a PNG of
  the edited PDF);
- save -> every card updated: until every card on the sheet links new thumbnails (those
  off screen load lazily, when scrolled to).

Usage (needs /usr/bin/chromium and the playwright package; never `playwright install`):

    python benchmarks/serve_reload.py --species 20 --edits 5
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BenchmarkError, make_project, spread  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CSS = ".species-name {{ letter-spacing: {spacing:.3f}em; }}\n"
STEP_S = 0.02  # how often the page is looked at while waiting


def restyled_project(folder: Path, count: int, photos: bool) -> Path:
    """The generated project, its layout ``mine`` at A4 and US Letter; the stylesheet edited."""
    make_project(folder, count, photos=photos)
    mine = folder / "layouts" / "mine"
    mine.mkdir(parents=True)
    (mine / "layout.yaml").write_text("name: mine\ndescription: the fact sheet, restyled\nkind: document\n"
                                      "extends: factsheet\nstyles: [mine.css]\n", "utf-8")
    (mine / "mine.css").write_text(CSS.format(spacing=0.0), "utf-8")
    (folder / "wildpress.yaml").write_text(
        "species: [data/species]\nout: out\noutputs:\n  - {layout: mine, sizes: [A4, letter]}\n", "utf-8")
    return mine / "mine.css"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _load() -> str:
    """The load averages (1, 5, 15 minutes): other work on the machine shows in every figure."""
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


SHOWN = """() => {
  const cards = Array.from(document.querySelectorAll('article[data-output]'));
  const img = cards.length ? cards[0].querySelector('img') : null;
  return {marker: window.__wpBench === 1, src: img ? img.getAttribute('src') : '',
          loaded: !!(img && img.complete && img.naturalWidth > 0),
          srcs: cards.map(c => { const i = c.querySelector('img'); return i ? i.getAttribute('src') : ''; }),
          failures: document.querySelectorAll('#failures').length};
}"""


def one_edit(page, css: Path, spacing: float, outputs: int, timeout: float = 300) -> tuple[float, float]:
    """Edit the stylesheet; seconds until the shown preview is the new one, and until all are."""
    before = page.evaluate(SHOWN)
    if len(before["srcs"]) != outputs:
        raise BenchmarkError(f"the sheet shows {len(before['srcs'])} cards, not {outputs}")
    page.evaluate("() => { window.__wpBench = 1; }")  # gone once the page has reloaded
    started = time.perf_counter()
    css.write_text(CSS.format(spacing=spacing), "utf-8")
    shown = None
    while True:
        try:
            now = page.evaluate(SHOWN)
        except Exception:  # noqa: BLE001 - the page is between two loads
            time.sleep(STEP_S)
            continue
        elapsed = time.perf_counter() - started
        if now["failures"]:
            raise BenchmarkError("the build failed after the edit")
        fresh = not now["marker"] and now["src"] and now["src"] != before["src"] and now["loaded"]
        if shown is None and fresh:
            shown = elapsed
        changed = sum(a != b for a, b in zip(now["srcs"], before["srcs"]))
        if shown is not None and not now["marker"] and changed == outputs:
            return shown, elapsed
        if elapsed > timeout:
            raise BenchmarkError(f"after {timeout:.0f} s: {changed} of {outputs} cards updated")
        time.sleep(STEP_S)


def serve(project: Path, port: int, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "wildpress", "serve", "--port", str(port)], cwd=project,
                            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--species", type=int, default=20, help="species (2 outputs each)")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--no-photos", action="store_true")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise BenchmarkError(f"needs Debian's chromium at {CHROMIUM}")
    outputs = 2 * args.species
    with tempfile.TemporaryDirectory(prefix="wp-bench-serve-") as tmp:
        project = Path(tmp) / "project"
        css = restyled_project(project, args.species, photos=not args.no_photos)
        port = _free_port()
        with open(Path(tmp) / "serve.log", "w+") as log:
            proc = serve(project, port, log)
            try:
                shown, every = measure(proc, port, css, outputs, args.edits, log)
            finally:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            log.seek(0)  # serve's output, complete once it has stopped
            first = [float(m) for m in re.findall(r"^shown first: .* \(([\d.]+) s\)$", log.read(), re.M)]
    print(f"wildpress serve, {outputs} outputs ({args.species} species x A4 and US Letter, "
          f"{'no ' if args.no_photos else ''}photos), a stylesheet edit that changes all {outputs}")
    print(f"  save -> reloaded page, shown preview new: {spread(shown)}")
    if first:  # serve's own word on the build of the shown output: the rest is watching, sheet and reload
        print(f"  of which the build of the shown output:   {spread(first[-len(shown):])}")
    else:
        print("  (serve named no output it built first: the save -> reload time is a whole rebuild)")
    print(f"  save -> every card updated:              {spread(every)}")
    print(f"  load average (1, 5, 15 min) at the end:  {_load()}  on {os.cpu_count()} cores")


def measure(proc, port: int, css: Path, outputs: int, edits: int, log) -> tuple[list, list]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            deadline = time.monotonic() + 600
            while True:  # the first build: until the sheet shows every output
                if proc.poll() is not None:
                    log.seek(0)
                    raise BenchmarkError("serve stopped: " + log.read()[-2000:])
                try:
                    page.goto(f"http://127.0.0.1:{port}/")
                    if page.locator("article[data-output]").count() == outputs:
                        break
                except Exception:  # noqa: BLE001 - not serving yet
                    pass
                if time.monotonic() > deadline:
                    raise BenchmarkError("the first build did not finish in 600 s")
                time.sleep(1)
            page.evaluate("() => document.querySelector('article[data-output]').scrollIntoView()")  # looked at
            shown, every = [], []
            for number in range(1, edits + 1):
                time.sleep(1.5)  # a designer looks before the next save
                first, last = one_edit(page, css, 0.01 * number, outputs)
                shown.append(first)
                every.append(last)
                print(f"  edit {number}: shown preview new after {first:.2f} s, every card after {last:.2f} s",
                      flush=True)
            return shown, every
        finally:
            browser.close()


if __name__ == "__main__":
    main()
