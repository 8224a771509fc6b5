"""What every benchmark shares: generated projects, fresh folders, builds in a fresh process,
memory over the whole process tree, and figures that are measured or not printed at all.

Needs only the README's install (``pip install .``): wildpress and its dependencies
(psutil among them), nothing from ``tests/``.

Rules every benchmark follows:
- each build runs in a fresh Python process (import and worker start-up count, as for a user)
  into a folder made for that run (:func:`fresh`), so no run is a no-op of the one before;
- memory is the peak of the summed resident memory of the build and all its descendants,
  sampled every 20 ms with psutil (:class:`TreeSampler`);
- a figure is printed as ``median (min-max, n runs)`` of interleaved runs (:func:`spread`);
- a run that did not do what it was measured for (a failed build, fewer outputs than
  asked, a rebuild that rendered nothing) raises :class:`BenchmarkError`, so no
  figure is printed for it.
"""

from __future__ import annotations

import itertools
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "species"
_runs = itertools.count(1)


class BenchmarkError(SystemExit):
    """A run did not measure what its figure claims: the benchmark stops with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(f"benchmark failed: {message}")


def sample_files() -> list[Path]:
    """The bundled sample species, sorted (the source of every generated project)."""
    files = sorted(SAMPLES.glob("*.yaml"))
    if not files:
        raise BenchmarkError(f"no sample species in {SAMPLES}")
    return files


def make_project(folder: Path, count: int, photos: bool = True) -> Path:
    """A project folder with ``count`` species: the samples repeated under new ids, each keeping
    its photo (the samples' photos are copied beside them) unless ``photos`` is False."""
    import yaml

    from wildpress.data.yamlsafe import load_file  # wildpress's loader: 'NO' stays Norway

    species = folder / "data" / "species"
    species.mkdir(parents=True)
    if photos:
        shutil.copytree(SAMPLES / "photos", species / "photos")
    samples = sample_files()
    for n in range(count):
        source = samples[n % len(samples)]
        data = load_file(source).data
        data["id"] = f"{source.stem}-{n:04d}"
        if not photos:
            data.pop("photo", None)
            data.pop("gallery", None)
        (species / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                    encoding="utf-8")
    return folder


def edit_species(project: Path, index: int = 1) -> Path:
    """Change one species file (a line appended) so its outputs must be rebuilt; the file edited."""
    victim = sorted((project / "data" / "species").glob("*.yaml"))[index]
    with victim.open("a", encoding="utf-8") as handle:
        handle.write(f"\n# edited for the benchmark, run {next(_runs)}\n")
    return victim


def fresh(parent: Path, label: str) -> Path:
    """A folder no earlier run has used."""
    folder = parent / f"{label}-{next(_runs)}"
    folder.mkdir(parents=True)
    return folder


class TreeSampler:
    """Peak resident memory (MiB) of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, every_s: float = 0.02) -> None:
        import psutil

        self._root = psutil.Process(pid)
        self._every = every_s
        self.peak_mib = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_mib(self) -> float:
        import psutil

        total = 0
        try:
            members = [self._root, *self._root.children(recursive=True)]
        except psutil.Error:
            return 0.0
        for proc in members:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, self._tree_mib())
            self.samples += 1
            self._stop.wait(self._every)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


BUILD = r"""
import json, sys
from wildpress import assemble, build
from wildpress.runner.progress import report
args = json.loads(sys.argv[1])
request = assemble(root=args.pop("root"), **args)  # the project frames it, as the CLI does
print("REPORT " + json.dumps(report(build(request), request.out_dir)))
"""


def build(project: Path, out: Path | None = None, **request) -> dict:
    """Build ``project`` in a fresh process through the request the CLI would make
    (``request``: layouts, sizes, jobs, options ...). Returns the JSON report with ``wall_s``
    (seconds, process start included) and ``peak_mib`` (process tree) added."""
    args = {"root": str(project), **request}
    if out is not None:
        args["out_dir"] = str(out)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BUILD, json.dumps(args)], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeSampler(proc.pid) as sampler:
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    lines = [line for line in stdout.splitlines() if line.startswith("REPORT ")]
    if proc.returncode or not lines:
        raise BenchmarkError(f"the build of {project} exited {proc.returncode}:\n{stderr[-3000:]}")
    result = json.loads(lines[-1][len("REPORT "):])
    if result["failed"]:
        raise BenchmarkError(f"{len(result['failed'])} outputs failed: {result['failed'][0]['message']}")
    if sampler.samples < 2:
        raise BenchmarkError("the memory sampler did not run during the build")
    return {**result, "wall_s": wall, "peak_mib": sampler.peak_mib}


def expect_built(result: dict, count: int, what: str) -> dict:
    """``result`` must have built ``count`` outputs (a no-op counted as a build is a wrong figure)."""
    built = len(result["built"])
    if built != count:
        raise BenchmarkError(f"{what}: expected {count} outputs built, got {built} "
                             f"({len(result['up_to_date'])} up to date)")
    return result


def spread(values, unit: str = "s", digits: int = 2) -> str:
    """``median (min-max, n runs)`` of measured ``values``."""
    values = list(values)
    if not values:
        raise BenchmarkError("no runs measured")
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f} {unit} (1 run)"
    return f"{med:.{digits}f} {unit} ({min(values):.{digits}f}-{max(values):.{digits}f}, {len(values)} runs)"


def naive_loop(project: Path, work: Path, layout_name: str = "factsheet", size_name: str = "a4") -> tuple[float, int]:
    """One ``weasyprint`` process per document, on the final HTML and CSS wildpress would lay out
    (what a shell loop over WeasyPrint's CLI does). Returns (seconds, documents written)."""
    from wildpress.data.species import find_species_files, load_species
    from wildpress.jobs import Job, Settings
    from wildpress.layout.context import template_context
    from wildpress.layout.layouts import load_layout
    from wildpress.layout.render import Renderer, font_face_css, page_css
    from wildpress.printing.sizes import get_size
    from wildpress.safety.confine import Confinement

    if shutil.which("weasyprint") is None:
        raise BenchmarkError("the weasyprint command is not on PATH (it comes with `pip install .`)")
    work.mkdir(parents=True, exist_ok=True)
    species, problems = load_species(find_species_files([project / "data" / "species"]))
    if not species or any(p.severity == "error" for p in problems):
        raise BenchmarkError(f"the species of {project} do not load: {problems[:1]}")
    layout, size, renderer = load_layout(layout_name), get_size(size_name), Renderer()
    (work / "fonts.css").write_text(font_face_css())
    (work / "page.css").write_text(page_css(size))
    css = [work / "fonts.css", *layout.style_files(), work / "page.css"]
    settings = Settings(cache_dir=str(work / "cache"))
    pages = []
    for sp in species:
        job = Job([sp], layout, size, layout.resolve_options({}), sp.id)
        confinement = Confinement.for_project(project, [sp.file.parent]).with_root(work / "cache")
        page = work / f"{sp.id}.html"
        page.write_text(renderer.html(layout, template_context(job, settings, confinement)), encoding="utf-8")
        pages.append(page)
    started = time.perf_counter()
    for page in pages:
        cmd = ["weasyprint", "-q", "-u", layout.folders[0].as_uri() + "/"]
        for sheet in css:
            cmd += ["-s", str(sheet)]
        subprocess.run(cmd + [str(page), str(page.with_suffix(".pdf"))], check=True)
    seconds = time.perf_counter() - started
    written = sum(1 for page in pages if page.with_suffix(".pdf").stat().st_size > 0)
    if written != len(pages):
        raise BenchmarkError(f"the naive loop wrote {written} of {len(pages)} PDFs")
    return seconds, written
