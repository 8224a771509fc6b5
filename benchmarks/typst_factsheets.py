"""112 A4 fact sheets: a wildpress build (2 workers) vs Typst compiling the same sheets (issue 19).

Not a test: a script that prints figures (see benchmarks/common.py for the rules). Needs the
``bench`` extra (``pip install .[bench]``: Typst from PyPI, which compiles in-process).

The records are the bundled samples and the held-out corpus (tests/corpus), repeated under new
ids to --docs. wildpress builds them as A4 fact sheets in a fresh process with --jobs 2; Typst
compiles benchmarks/factsheet.typ (title, scientific name, status, photo, facts, threats, the
range map and the QR code that wildpress draws, as SVG) once per record, in one fresh process,
with the fonts of fonts/ only. Runs are interleaved; CPU time is the process tree's (children
waited for, from getrusage); the ratio is taken within each run. Then a no-op rebuild of the
wildpress output, as a share of the full build.

Usage: python benchmarks/typst_factsheets.py [--docs 112] [--repeat 3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, SAMPLES, BenchmarkError, build, expect_built, fresh, sample_files, spread  # noqa: E402

CORPUS = REPO / "tests" / "corpus"
TEMPLATE = Path(__file__).resolve().parent / "factsheet.typ"
STATUS_COLOURS = {"EX": "#000000", "EW": "#542344", "CR": "#d81e05", "EN": "#fc7f3f", "VU": "#b58a00",
                  "NT": "#5f8a3b", "LC": "#2f7a3f", "DD": "#6f6f6f", "NE": "#8f8f8f"}


def record_files() -> list[Path]:
    """The samples and the held-out corpus records, sorted."""
    return sample_files() + sorted(CORPUS.glob("*.yaml"))


def make_project(folder: Path, count: int) -> Path:
    """A project of ``count`` species (samples and corpus repeated under new ids, photos beside them)."""
    import yaml

    from wildpress.data.yamlsafe import load_file

    species = folder / "data" / "species"
    (species / "photos").mkdir(parents=True)
    for source in (SAMPLES / "photos", CORPUS / "photos"):
        for photo in source.glob("*.jpg"):
            shutil.copy2(photo, species / "photos" / photo.name)
    files = record_files()
    for n in range(count):
        data = load_file(files[n % len(files)]).data
        data["id"] = f"{files[n % len(files)].stem}-{n:04d}"
        (species / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                    encoding="utf-8")
    return folder


def _text(value) -> str:
    return value if isinstance(value, str) else (value or {}).get("en", "") if isinstance(value, dict) else ""


def _figure(value: dict) -> str:
    """'45-90 cm', 'up to 50 km/h': a measurement as the sheet prints it."""
    span = f"{value['min']:g}-{value['max']:g}" if "min" in value and "max" in value else f"{value.get('value', '')}"
    return f"{span} {value.get('unit', '')}".strip()


def typst_inputs(project: Path, work: Path) -> list[str]:
    """One JSON per record for factsheet.typ (paths relative to ``work``, Typst's root); their names."""
    from wildpress.data.yamlsafe import load_file
    from wildpress.i18n.words import STATUS_NAMES
    from wildpress.pictures.qr import qr_links, qr_svg
    from wildpress.pictures.rangemap import drawable, range_map_svg

    shutil.copytree(project / "data" / "species" / "photos", work / "photos")
    names = []
    for file in sorted((project / "data" / "species").glob("*.yaml")):
        data = load_file(file).data
        code = (data.get("status") or {}).get("category", "NE")
        countries = (data.get("range") or {}).get("countries") or []
        links = qr_links(data.get("links"))
        rec = {"common": _text(data["name"].get("common")) or data["name"]["scientific"],
               "scientific": data["name"]["scientific"], "status_code": code, "status": STATUS_NAMES[code],
               "status_colour": STATUS_COLOURS.get(code, "#6f6f6f"), "accent": data.get("accent", "#1f5c3a"),
               "taxonomy": " · ".join(str(v) for k, v in (data.get("taxon") or {}).items() if k != "group"),
               "photo": f"photos/{Path(data['photo']['file']).name}" if data.get("photo") else None,
               "credit": (data.get("photo") or {}).get("credit", ""),
               "quick_facts": [_text(f) for f in data.get("quick_facts") or []][:6],
               "description": _text(data.get("description")), "habitat": _text(data.get("habitat")),
               "threats": [_text(t.get("name")) if isinstance(t, dict) else _text(t) for t in data.get("threats") or []],
               "figures": [[_text(v.get("label")) or k.title(), _figure(v)]
                           for k, v in (data.get("measurements") or {}).items() if isinstance(v, dict)][:5],
               "region": _text((data.get("range") or {}).get("region")),
               "conservation": _text((data.get("conservation") or {}).get("text")),
               "organisation": "Wildlife Trust", "website": "example.org", "map": None, "qr": None, "qr_label": ""}
        if drawable(countries)[0]:
            (work / f"{file.stem}-map.svg").write_text(range_map_svg(countries, 180 * 0.482, 44, rec["accent"]))
            rec["map"] = f"{file.stem}-map.svg"
        if links:
            (work / f"{file.stem}-qr.svg").write_text(qr_svg(links[0][1], 17))
            rec["qr"], rec["qr_label"] = f"{file.stem}-qr.svg", links[0][1]
        (work / f"{file.stem}.json").write_text(json.dumps(rec), encoding="utf-8")
        names.append(f"{file.stem}.json")
    return names


COMPILE = r"""
import json, sys, typst
args = json.loads(sys.argv[1])
compiler = typst.Compiler(args["template"], root=args["root"], font_paths=[args["fonts"]], ignore_system_fonts=True)
for name in args["records"]:
    pdf = compiler.compile(sys_inputs={"record": name})
    open(args["root"] + "/" + name + ".pdf", "wb").write(pdf)
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def typst_run(work: Path, records: list[str]) -> tuple[float, float]:
    """Typst compiling every record in one fresh process: (wall s, CPU s)."""
    shutil.copy2(TEMPLATE, work / TEMPLATE.name)
    args = {"template": str(work / TEMPLATE.name), "root": str(work), "fonts": str(REPO / "fonts"), "records": records}
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COMPILE, json.dumps(args)], capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode:
        raise BenchmarkError(f"Typst exited {done.returncode}:\n{done.stderr[-3000:]}")
    written = [name for name in records if (work / f"{name}.pdf").read_bytes().startswith(b"%PDF")]
    if len(written) != len(records):
        raise BenchmarkError(f"Typst wrote {len(written)} of {len(records)} PDFs")
    return wall, cpu


def wildpress_run(project: Path, out: Path, count: int, jobs: int) -> tuple[float, float]:
    """A full wildpress build into a fresh folder: (wall s, CPU s)."""
    cpu = _children_cpu()
    result = expect_built(build(project, out, sizes=["A4"], jobs=jobs), count, f"a full build of {count} sheets")
    return result["wall_s"], _children_cpu() - cpu


def noop_run(project: Path, out: Path, count: int, jobs: int) -> float:
    """A rebuild of ``out`` with nothing changed: its wall time (every output must be up to date)."""
    result = build(project, out, sizes=["A4"], jobs=jobs)
    if result["built"] or len(result["up_to_date"]) != count:
        raise BenchmarkError(f"the no-op rebuild built {len(result['built'])} outputs")
    return result["wall_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=112)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if importlib.util.find_spec("typst") is None:
        raise BenchmarkError("Typst is not installed: pip install .[bench]")
    ours, theirs, noop, full_walls = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="wp-bench-typst-") as tmp:
        tmp = Path(tmp)
        project = make_project(fresh(tmp, "project"), args.docs)
        typst_dir = fresh(tmp, "typst")
        records = typst_inputs(project, typst_dir)
        for _ in range(args.repeat):  # interleaved
            out = fresh(tmp, "out")
            ours.append(wildpress_run(project, out, args.docs, args.jobs))
            theirs.append(typst_run(typst_dir, records))
            noop.append(noop_run(project, out, args.docs, args.jobs))
            full_walls.append(ours[-1][0])
    print(f"{args.docs} A4 fact sheets; medians (min-max) of {args.repeat} interleaved runs")
    print(f"  wildpress build, --jobs {args.jobs}: wall {spread(w for w, _ in ours)}, CPU {spread(c for _, c in ours)}")
    print(f"  Typst, one process:        wall {spread(w for w, _ in theirs)}, CPU {spread(c for _, c in theirs)}")
    print(f"  wildpress / Typst:         wall {spread((o[0] / t[0] for o, t in zip(ours, theirs)), 'x')}, "
          f"CPU {spread((o[1] / t[1] for o, t in zip(ours, theirs)), 'x')}")
    print(f"  no-op rebuild:             {spread(noop)} = "
          f"{spread((n / f * 100 for n, f in zip(noop, full_walls)), '%', 1)} of the full build")


if __name__ == "__main__":
    main()
