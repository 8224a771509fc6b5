"""The import page of ``wildpress serve``: a table in, its columns decided and fixed, cards seen, files written.

Drop or pick a CSV/XLSX/JSON table; the page shows one row per column (the decision
``wildpress import`` made, why, the first cells, and a field chooser). Changing a
field shows the result again; "Preview" renders the first cards and a fact sheet;
"Write" imports into the project's species folder and saves the mapping file
for the next time (``data/import-mapping.yaml``). Everything goes through the same
:func:`~wildpress.data.importer.import_table` as the command.

Local only: the server's Host check holds, every request here needs this run's
token, POSTs also a same-origin ``Origin`` (when the browser sends one), an upload
is capped at the table size cap, and the uploaded table lives in a private temporary
folder (removed when the server stops). Cell text reaches the page only as JSON
set with ``textContent``, never as markup.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import threading
from pathlib import Path

import yaml

from ..data.cleaning import FIELDS
from ..data.tables import MAX_TABLE_BYTES, quote_cell
from ..errors import WildpressError
from ..safety.outputs import OutputFolder

SUFFIXES = (".csv", ".tsv", ".xlsx", ".json")
MAPPING_FILE = "import-mapping.yaml"
MAPPING_HEADER = "# wildpress import mapping: made on the import page of `wildpress serve`; edit freely.\n"
PREVIEW_CARDS = 4  # species shown as cards in a preview
PREVIEW_DPI = 60
MAX_PREVIEW_IMAGES = 12


class DeskError(WildpressError):
    """A request the import page cannot take (no table yet, a bad upload); shown on the page."""


class ImportDesk:
    """One table at a time, for one run of the server."""

    def __init__(self, project: Path, species: Path | None = None):
        self.project = Path(project)
        self.species = Path(species) if species else self.project / "data" / "species"
        self.work = Path(tempfile.mkdtemp(prefix="wildpress-import-"))
        self.table: Path | None = None
        self.images: list[bytes] = []
        self.lock = threading.Lock()

    def close(self) -> None:
        """The private folder this run made (mkdtemp, mode 0700) goes, through the checked writer."""
        try:
            OutputFolder(self.work.parent).remove_tree(self.work.name)
        except (OSError, WildpressError):
            pass

    # -- requests ---------------------------------------------------------------------------
    def upload(self, filename: str, data: bytes) -> dict:
        suffix = Path(filename or "").suffix.lower()
        if suffix not in SUFFIXES:
            raise DeskError(f"{quote_cell(filename or '(no name)', 60)}: choose a .csv, .tsv, .xlsx or .json table")
        if len(data) > MAX_TABLE_BYTES:
            raise DeskError(f"the table is {len(data)} bytes; at most {MAX_TABLE_BYTES}")
        with self.lock:
            folder = OutputFolder(self.work).check()
            if self.table is not None:
                folder.remove(self.table.name)
            stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(filename).stem).strip("-._")[:80] or "table"
            self.table = folder.write(f"{stem}{suffix}", data, force=True)  # its name is cited as the source
            self.shown = Path(filename).name
            return self._run({})

    def guess(self, mapping: dict) -> dict:
        with self.lock:
            return self._run(mapping)

    def preview(self, mapping: dict) -> dict:
        with self.lock:
            answer = self._run(mapping)
            self.images = self._render(answer["written"])
            answer["images"] = len(self.images)
            return answer

    def write(self, mapping: dict) -> dict:
        from ..data.import_report import counts_line, screen_lines
        from ..data.importer import import_table

        with self.lock:
            table, mapping_path = self._prepared(mapping)
            result = import_table(table, self.species, mapping=mapping_path, cwd=self.project,
                                  report=self.species / "import-report.txt", force=True)
            saved = self._save_mapping({d.column: _spec(d.target) for d in result.decisions})  # all, for next time
            return {"summary": counts_line(result, self.shown_path(self.species)), "problems": screen_lines(result),
                    "written": [self.shown_path(p) for p in result.written], "mapping": self.shown_path(saved)}

    def image(self, number: int) -> bytes | None:
        with self.lock:
            return self.images[number] if 0 <= number < len(self.images) else None

    # -- the work ---------------------------------------------------------------------------
    def _prepared(self, mapping: dict) -> tuple[Path, Path]:
        if self.table is None:
            raise DeskError("no table yet: choose one first")
        columns = {}
        for column, spec in (mapping or {}).items():
            if not isinstance(column, str) or not isinstance(spec, (str, type(None))):
                raise DeskError("a mapping is {column: field}")
            columns[column] = spec or "ignore"
        path = OutputFolder(self.work).write("mapping.yaml", yaml.safe_dump({"columns": columns}).encode(),
                                             force=True)
        return self.table, path

    def _run(self, mapping: dict) -> dict:
        """A trial import into the private folder: the decisions, the problems and what would be written."""
        from ..data.import_report import counts_line, screen_lines
        from ..data.importer import import_table

        table, mapping_path = self._prepared(mapping)
        trial = self.work / "species"
        OutputFolder(self.work).remove_tree("species")  # the checked writer: never through a link
        result = import_table(table, trial, mapping=mapping_path, cwd=self.project, report=self.work / "report.txt")
        examples = _examples(table, self.project)
        columns = [{"column": d.column, "field": _spec(d.target), "why": d.why, "dropped": d.dropped,
                    "examples": examples.get(d.column, [])} for d in result.decisions]
        return {"table": self.shown, "columns": columns, "fields": sorted(FIELDS) + ["ignore"],
                "summary": counts_line(result), "problems": screen_lines(result)[len(columns):],
                "written": [str(p) for p in result.written]}

    def _render(self, written: list[str]) -> list[bytes]:
        """The first cards (A7, both sides) and the first fact sheet of the trial import, as PNG pages."""
        import pypdfium2 as pdfium

        from ..build import build
        from ..printing.raster import PDFIUM_LOCK
        from ..request import assemble

        files = [Path(p) for p in written][:PREVIEW_CARDS]
        if not files:
            return []
        out = self.work / "out"
        OutputFolder(self.work).remove_tree("out")
        pdfs = []
        for layouts, sizes, chosen in ((["flashcards"], ["a7"], files), (["factsheet"], ["a4"], files[:1])):
            request = assemble(species=chosen, layouts=layouts, sizes=sizes, out_dir=out, root=self.project,
                               jobs=1, keep_going=True)  # the project's brand and settings, as builds have them
            result = build(request, raise_errors=False)
            pdfs += [o.path for o in result.outputs]
        images = []
        for pdf in pdfs:
            with PDFIUM_LOCK:  # this runs in a server thread: the main thread may be making thumbnails
                document = pdfium.PdfDocument(str(pdf))
                try:
                    for index in range(min(len(document), MAX_PREVIEW_IMAGES - len(images))):
                        picture = document[index].render(scale=PREVIEW_DPI / 72).to_pil()
                        buffer = io.BytesIO()
                        picture.save(buffer, "PNG")
                        images.append(buffer.getvalue())
                finally:
                    document.close()
        return images

    def _save_mapping(self, mapping: dict) -> Path:
        folder = OutputFolder(self.species.parent).check()
        target = self.species.parent / MAPPING_FILE
        if target.exists() or target.is_symlink():
            from ..safety.confine import Refused, read_regular

            try:  # the confined reader: a regular file, never a link, never a huge one
                ours = read_regular(target, 64 * 1024)[:200].decode("utf-8", "replace").startswith(MAPPING_HEADER[:40])
            except (OSError, Refused):
                ours = False
            if not ours:
                raise DeskError(f"{self.shown_path(target)} exists and was not made here; not overwriting it")
        text = MAPPING_HEADER + yaml.safe_dump({"columns": {c: (s or "ignore") for c, s in mapping.items()}},
                                               allow_unicode=True, sort_keys=False)
        return folder.write(MAPPING_FILE, text.encode(), force=True)

    def shown_path(self, path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.project.resolve()))
        except ValueError:
            return str(path)


def _spec(target) -> str:
    if target is None:
        return "ignore"
    return target.field + (f":{target.unit}" if target.unit else "")


def _examples(table: Path, project: Path) -> dict[str, list[str]]:
    """The first three filled cells of every column, quoted short."""
    from ..data.tables import read_table
    from ..safety.confine import Confinement

    read = read_table(table, Confinement.for_project(project, [table]))
    found: dict[str, list[str]] = {c: [] for c in read.columns}
    for _, row in read.rows[:200]:
        for column, value in row.items():
            if column in found and value and value.strip() and len(found[column]) < 3:
                found[column].append(quote_cell(value.strip(), 40)[1:-1])
    return found


def parse_mapping(body: bytes) -> dict:
    """The page's JSON body ``{"mapping": {column: field}}``."""
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DeskError("the request is not JSON") from None
    mapping = data.get("mapping") if isinstance(data, dict) else None
    if mapping is not None and not isinstance(mapping, dict):
        raise DeskError("a mapping is {column: field}")
    return {str(k): v for k, v in (mapping or {}).items() if re.match(r"^.{1,200}$", str(k), re.S)}
