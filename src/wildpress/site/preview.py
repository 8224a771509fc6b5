"""See it before printing: PNG thumbnails of every page and a contact sheet (``index.html``).

:func:`write_preview` runs after a build (``wildpress preview``, ``wildpress serve``): every
output of the build — written now or kept as up to date — gets one PNG per page, rendered
with pdfium in this process (no external program), and one card on the contact sheet with
its thumbnails, paper size, page count, file size and the warnings met making it. The
warnings of an output that was up to date come from the manifest, which records them when
the output is written. Failures of the build (with file and line) head the sheet; an output
that failed this time keeps its card with the pages of its last good build (its PDF and
thumbnails are still the ones the manifest records), marked so.

Thumbnails live in ``<out>/.wildpress-preview/<sha256 of the PDF>/``: a PDF that did not
change is never rendered again, and folders of PDFs that are gone are removed. At most
MAX_PAGES pages of one PDF are drawn (the page count comes from pdfium's page tree, so a
20,000-page PDF costs its first pages only) and at most MAX_RUN_PIXELS pixels in one run; a card
whose thumbnails were capped says so in a line of its own. Every value
on the sheet is escaped (species names and file names are untrusted); the sheet is plain
HTML and CSS.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from .. import __version__
from ..errors import DataError, OutputError, Problem, WildpressError
from ..jobs import BuildResult
from ..runner.manifest_check import HEX64
from ..safety.outputs import OutputFolder, json_bytes
from ..safety.confine import Refused, read_regular
from ..runner.manifest import Manifest
from ..printing.raster import PDFIUM_LOCK

PREVIEW_FOLDER = ".wildpress-preview"
SHEET = "index.html"
GENERATOR_MARK = b'<meta name="generator" content="wildpress'  # how a sheet we wrote is recognised
THUMB_SHORT_SIDE_PX = 320  # the short side of a page thumbnail (the sheet shows them at about half)
THUMB_MAX_SIDE_PX = 960
MAX_PAGES = 500  # pages of one PDF previewed at most (the rest are counted, not drawn)
# Pixels of thumbnails rendered in one preview run at most (about 1,000 A4 thumbnails): past it,
# PDFs get no more thumbnails this run (their cards say so) and the next run goes on.
MAX_RUN_PIXELS = 150_000_000
MAX_PDF_BYTES = 512 * 1024 * 1024
LAST_GOOD = "last good"  # a card whose output failed this time: the previous PDF, kept and shown
QUEUED = "queued"  # serve, mid-rebuild: an output not looked at yet (its last PDF shown until then)
SHOWN_PAGES = 12  # thumbnails shown on a card; the others are a link away ("+ 40 more pages")


@dataclass
class Card:
    """One output on the contact sheet."""

    name: str  # file name in the output folder
    group: str  # species id, or the deck name
    layout: str
    size: str  # the size's label, e.g. 'A4', 'US Letter', 'A1 (tiled)'
    state: str  # "built", "up to date", "earlier build" (this build stopped before making anything) or LAST_GOOD
    bytes: int = 0
    pages: int = 0
    title: str = ""
    page_mm: tuple[int, int] = (0, 0)
    thumbs: list[str] = field(default_factory=list)  # URLs relative to the sheet
    warnings: list[str] = field(default_factory=list)
    species_count: int = 1
    error: str = ""  # why there is no preview
    capped: str = ""  # what of its preview was left out (too many pages, the run's pixel limit)

    @property
    def href(self) -> str:
        return quote(self.name)

    @property
    def more_pages(self) -> int:
        return max(0, self.pages - len(self.thumbs))


@dataclass
class PixelBudget:
    """What is left of the pixels one preview run may render (:data:`MAX_RUN_PIXELS`)."""

    left: int = field(default_factory=lambda: MAX_RUN_PIXELS)


@dataclass
class Group:
    """The outputs of one species (or one deck), by layout."""

    key: str
    title: str
    subtitle: str
    scientific: str = ""
    layouts: dict[str, list[Card]] = field(default_factory=dict)


# -- thumbnails -------------------------------------------------------------------------------
def thumbnails(pdf: Path, digest: str, writer: OutputFolder, budget: PixelBudget | None = None) -> dict:
    """Render the pages of ``pdf`` to PNG in ``.wildpress-preview/<digest>/`` unless that was done
    before; returns its facts: ``pages`` (all of them), ``title``, ``sizes`` (points per page
    rendered), ``files`` and ``capped`` (what was left out, or ""). The PDF is read by the
    confined reader (never through a link); at most MAX_PAGES pages are drawn and no more pixels
    than ``budget`` has left (the page count comes from the page tree, no page is read for it)."""
    if not HEX64.match(digest or ""):
        raise OutputError(f"{pdf.name}: its recorded digest is not a sha256; not previewing it")
    target = writer.target(f"{PREVIEW_FOLDER}/{digest}")
    try:
        meta = json.loads(read_regular(target / "meta.json", 1024 * 1024).decode("utf-8"))
        if isinstance(meta, dict) and meta.get("complete") is True and isinstance(meta.get("files"), list):
            return meta
    except (OSError, ValueError, Refused):
        pass
    import pypdfium2 as pdfium

    budget = budget if budget is not None else PixelBudget()
    data = read_regular(writer.target(pdf.name), MAX_PDF_BYTES)
    work = Path(tempfile.mkdtemp(prefix=f".{digest}.", suffix=".part", dir=writer.target(PREVIEW_FOLDER)))
    try:
        with PDFIUM_LOCK:
            document = pdfium.PdfDocument(data)
            try:
                meta = _render_pages(document, work, budget)
            finally:
                document.close()
        (work / "meta.json").write_bytes(json_bytes(json.dumps(meta, ensure_ascii=False)))
        writer.remove_tree(f"{PREVIEW_FOLDER}/{digest}")  # a half-made folder of an earlier, killed run
        os.replace(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return meta


def _render_pages(document, work: Path, budget: PixelBudget) -> dict:
    """Thumbnails of the first pages of ``document`` into ``work``, within MAX_PAGES and ``budget``."""
    count = len(document)
    files, sizes, capped = [], [], ""
    for index in range(min(count, MAX_PAGES)):
        page = document[index]
        try:
            width, height = page.get_size()
            scale = min(THUMB_SHORT_SIDE_PX / max(1.0, min(width, height)),
                        THUMB_MAX_SIDE_PX / max(1.0, width, height))
            pixels = max(1, round(width * scale)) * max(1, round(height * scale))
            if pixels > budget.left:
                capped = (f"thumbnails of pages {index + 1}–{count} left out: this preview run reached its "
                          f"limit of {MAX_RUN_PIXELS / 1_000_000:.3g} megapixels (the next run goes on)")
                break
            budget.left -= pixels
            image = page.render(scale=scale).to_pil()
        finally:
            page.close()
        name = f"page-{index + 1:03d}.png"
        image.save(work / name, "PNG", compress_level=1)  # fast (optimize=True costs 10x the time, saves 2%)
        files.append(name)
        sizes.append([round(width, 2), round(height, 2)])
    if not capped and count > MAX_PAGES:
        capped = f"{count} pages: thumbnails of the first {MAX_PAGES} only (the preview's limit)"
    title = str(document.get_metadata_dict().get("Title") or "")
    return {"pages": count, "title": title, "sizes": sizes, "files": files, "capped": capped,
            "complete": len(files) == min(count, MAX_PAGES)}


def _preview_folder(writer: OutputFolder) -> Path:
    """The thumbnails' folder inside the output folder, made if missing (never a link or a file)."""
    folder = writer.target(PREVIEW_FOLDER)
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return writer.mkdir(PREVIEW_FOLDER)
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{folder} is in the way of the preview thumbnails: it is not a folder "
                          "(a link or a file); remove it")
    return folder


def _regular(path: Path) -> bool:
    """True if ``path`` is a regular file itself (not a link to one)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


# -- what goes on the sheet -------------------------------------------------------------------
def _names(out: Path, manifest: Manifest, result: BuildResult | None, queued: bool = False) -> list[tuple[str, str]]:
    """(file name, state) of every output to show, tiled copies beside their document; with
    ``queued`` (a rebuild part-way), every other PDF the manifest records too, as QUEUED."""
    if result is None:
        return [(n, "earlier build") for n in sorted(manifest.outputs) if n.endswith(".pdf") and _regular(out / n)]
    shown = [(o.path.name, "built") for o in result.outputs] + [(p.name, "up to date") for p in result.up_to_date]
    labels = {manifest.outputs.get(n, {}).get("job") for n, _ in shown}
    for name, entry in manifest.outputs.items():  # the tiled copy of an up-to-date poster
        if entry.get("job", "").removesuffix(" (tiled)") in labels and _regular(out / name):
            shown.append((name, "up to date"))
    failed = {f.label for f in result.failures}  # the last good copy of what this build could not make
    for name, entry in manifest.outputs.items():
        if entry.get("job", "").removesuffix(" (tiled)") in failed and _regular(out / name):
            shown.append((name, LAST_GOOD))
    if queued:
        shown += [(name, QUEUED) for name in sorted(manifest.outputs) if _regular(out / name)]
    seen, unique = set(), []
    for name, state in shown:
        if name not in seen and name.endswith(".pdf"):  # a PNG of --format png is a page of a PDF shown
            seen.add(name)
            unique.append((name, state))
    return unique


def _card(out: Path, writer: OutputFolder, name: str, state: str, entry: dict, manifest: Manifest,
          budget: PixelBudget) -> Card:
    label = str(entry.get("job") or name)
    parts = label.split(" / ", 2)
    group, layout, size = (parts + ["", ""])[:3] if len(parts) == 3 else (Path(name).stem, "", "")
    card = Card(name, group, layout, size, state, warnings=[str(w) for w in entry.get("warnings") or []],
                species_count=max(1, len(entry.get("sources") or [])))
    path = out / name
    try:
        card.bytes = os.lstat(path).st_size
        digest = str(entry.get("sha256") or "") or manifest.file_hash(path, output=True)
        meta = thumbnails(path, digest, writer, budget)
    except Exception as exc:  # noqa: BLE001 - a damaged or vanished PDF costs its preview only
        card.error = f"no preview: {exc}"
        return card
    card.pages, card.title = int(meta["pages"]), str(meta.get("title") or "")
    card.capped = str(meta.get("capped") or "")
    if meta.get("sizes"):
        width, height = meta["sizes"][0]
        card.page_mm = (round(width / 72 * 25.4), round(height / 72 * 25.4))
    card.thumbs = [f"{PREVIEW_FOLDER}/{digest}/{quote(f)}" for f in meta["files"][:SHOWN_PAGES]]
    return card


def _groups(cards: list[Card]) -> list[Group]:
    groups: dict[str, Group] = {}
    for card in sorted(cards, key=lambda c: (c.group, c.layout, c.name)):
        group = groups.get(card.group)
        if group is None:
            group = groups[card.group] = Group(card.group, card.group, "")
        if card.species_count > 1 or (card.title and " – " not in card.title):  # a deck or a booklet
            count = card.species_count
            group.subtitle = f"{count} species in one document" if count > 1 else "one document of every species"
        elif card.title and group.title == card.group:
            head = card.title.rsplit(" – ", 1)[0]  # 'Red fox (Vulpes vulpes) – fact sheet'
            if head.endswith(")") and " (" in head:
                head, group.scientific = head[:-1].rsplit(" (", 1)
            group.title = head
        group.layouts.setdefault(card.layout, []).append(card)
    return sorted(groups.values(), key=lambda g: (g.subtitle != "", g.title.casefold()))


def _problem(item, root: str) -> dict:
    """A failure or warning as the sheet shows it: where (file:line) and what."""
    if isinstance(item, Problem):
        where = _short(str(item.file), root)
        if item.line is not None:
            where += f":{item.line}" + (f":{item.column}" if item.column is not None else "")
        field_ = f"{item.path}: " if item.path else ""
        return {"where": where, "text": field_ + item.message}
    return {"where": "", "text": _short(str(item), root)}


def _short(text: str, root: str) -> str:
    return text.replace(root + os.sep, "") if root else text


def _failures(result: BuildResult | None, error: BaseException | None, root: str) -> list[dict]:
    failures = []
    if error is not None:
        problems = error.problems if isinstance(error, DataError) else [error]
        failures.append({"label": "The build stopped before making anything; below: the outputs of earlier builds",
                         "problems": [_problem(p, root) for p in problems]})
    for failure in result.failures if result else []:
        problems = failure.error.problems if isinstance(failure.error, DataError) else [failure.message]
        failures.append({"label": _short(failure.label, root), "problems": [_problem(p, root) for p in problems]})
    return failures


def _size(count: int) -> str:
    for unit in ("bytes", "kB", "MB"):
        if count < 1000 or unit == "MB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return ""  # pragma: no cover


# -- the sheet --------------------------------------------------------------------------------
def write_preview(out: str | Path, result: BuildResult | None = None, error: BaseException | None = None,
                  title: str = "", root: str | Path | None = None, project: Path | None = None,
                  queued: bool = False) -> Path:
    """Thumbnails for every output of ``result`` and the contact sheet ``out/index.html``.

    ``error`` is what stopped a build before it made anything (a project file or data error):
    the sheet then shows it above the outputs of earlier builds. ``root`` (default: the current
    folder) is left out of the file names shown. Everything is written through the checked
    writer of ``out`` (inside ``project`` when it is the project's own folder). ``queued``:
    ``result`` is part of a rebuild still going on (serve); what it has not reached shows as queued."""
    out = Path(out)
    writer = OutputFolder(out, project).check()
    if not os.path.lexists(out):
        out.mkdir(parents=True)
    folder = _preview_folder(writer)
    manifest = Manifest(out)
    budget = PixelBudget()
    cards = [_card(out, writer, name, state, manifest.outputs.get(name, {}), manifest, budget)
             for name, state in _names(out, manifest, result, queued)]
    keep = {str(e.get("sha256")) for e in manifest.outputs.values()} | {c.thumbs[0].split("/")[1]
                                                                        for c in cards if c.thumbs}
    for entry in os.scandir(folder):  # thumbnails of PDFs that are gone
        if entry.name not in keep and HEX64.match(entry.name) and entry.is_dir(follow_symlinks=False):
            writer.remove_tree(f"{PREVIEW_FOLDER}/{entry.name}")
    root = os.path.realpath(root or os.getcwd())
    noted = {w for c in cards for w in c.warnings}
    loose = [_problem(w, root) for w in (result.warnings if result else []) if str(w) not in noted]
    source = read_regular(Path(__file__).parent / "contact_sheet.html.j2", 1024 * 1024).decode("utf-8")
    html = _sheet_template(source).render(
        version=__version__, title=title or out.resolve().parent.name, groups=_groups(cards), cards=cards,
        failures=_failures(result, error, root), stopped=error is not None, warnings=loose, short=lambda t: _short(t, root),
        size=_size, total_pages=sum(c.pages for c in cards), total_bytes=sum(c.bytes for c in cards),
        built=sum(c.state == "built" for c in cards), current=sum(c.state == "up to date" for c in cards),
        last_good=sum(c.state == LAST_GOOD for c in cards),
        warning_count=len(loose) + sum(len(c.warnings) for c in cards),
        stamp=_dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"), seconds=result.seconds if result else 0.0)
    sheet = out / SHEET
    _check_ours(sheet)
    writer.write(SHEET, html.encode("utf-8"), True)
    return sheet


@functools.lru_cache(maxsize=2)
def _sheet_template(source: str):
    """The contact sheet's template, compiled once per text (serve writes the sheet after every
    step of a rebuild; compiling it costs more than rendering it)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(source)


def _check_ours(sheet: Path) -> None:
    """Refuse to replace an ``index.html`` that wildpress did not write."""
    try:
        info = os.lstat(sheet)
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode):
        with open(sheet, "rb") as handle:
            if GENERATOR_MARK in handle.read(4096):
                return
    raise OutputError(f"{sheet} exists and was not made by wildpress; not overwriting it with the contact sheet")


@dataclass
class Preview:
    """One build and its contact sheet."""

    out: Path
    sheet: Path | None = None
    result: BuildResult | None = None
    error: BaseException | None = None  # what stopped the build before it made anything
    request: Any = None  # the BuildRequest built, once one could be assembled

    @property
    def project(self):
        return self.request.project if self.request is not None else None


def build_and_preview(prepare: Callable[[], Any], out: Path, catch_all: bool = False, earlier: BuildResult | None = None,
                      queued: bool = False, **options) -> Preview:
    """Build, then write the thumbnails and the contact sheet.

    ``prepare()`` gives the :class:`~wildpress.request.BuildRequest` and is called every time, so
    an edited project file is read again; ``out`` is where the sheet goes when it fails. An error
    that stops the build (a project file or data error) is shown on the sheet and returned, not
    raised; with ``catch_all`` so is anything unexpected (``wildpress serve`` never stops on one).
    ``options`` go to :func:`wildpress.build.build` (progress, on_output). ``earlier``: what the
    steps of the same rebuild before this one made (serve's rounds), shown with this build's
    result; ``queued``: more steps follow (see :func:`write_preview`).
    """
    from ..build import build
    from .rounds import merged

    done = Preview(Path(out))
    try:
        done.request = prepare()
        done.out = Path(done.request.out_dir)
        done.result = build(done.request, **options, raise_errors=False)
    except WildpressError as exc:
        done.error = exc
    except Exception as exc:  # noqa: BLE001 - serve keeps watching after a bug, saying what it was
        if not catch_all:
            raise
        done.error = WildpressError(f"unexpected {type(exc).__name__}: {exc} (a bug in wildpress: please report it)")
    project = done.project
    title = (project.brand.name or project.root.name) if project is not None else Path.cwd().name
    explicit = done.request.out_explicit if done.request is not None else True
    shown = merged(earlier, done.result) if done.error is None else done.result
    done.sheet = write_preview(done.out, shown, done.error, title=title, queued=queued,
                               root=project.root if project is not None else None,
                               project=done.request.root if done.request is not None and not explicit else None)
    return done
