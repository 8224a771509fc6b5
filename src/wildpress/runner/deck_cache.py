"""Fitted card sides kept between builds, so an edit re-renders only the cards it changed.

A deck is cut into chunks of cards (:func:`chunk_ranges`); each chunk renders on a worker to
a PDF of its fitted sides (front, back, front, back, ...) that the parent imposes on sheets.
Every card has a key: its species' inputs (the file and its pictures, by name in the
species folder and content) and everything the deck shares (layout folders and fonts by
content, size, options, settings, the geometry that lines the backs up), none of it by
where the project sits. A chunk's key is the hash of its cards' keys, and its fitted PDF
and notes are kept in the asset cache under that key (``cards/<key>.pdf`` and ``.json``).

Chunk boundaries are chosen by content (a boundary falls after a card whose key ends in a
chosen remainder, within a minimum and maximum length), so editing one species changes one
chunk's key and inserting or removing a card changes only the chunks around it: the rest of
the deck comes back from the cache and only the changed chunks render.

The cache sits in the output folder, which a project may ship, so it is untrusted: a chunk is
used only when its record is sealed with this user's key (the manifest's HMAC key) over the
chunk key, the PDF's SHA-256 and the notes, and the PDF is read through the size-capped
regular-file reader. Anything else is a miss and renders again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import stat
import time
from pathlib import Path

from ..errors import Problem, WildpressError
from .manifest import digest, key_parts, species_inputs

CARDS_PER_CHUNK = 24  # cards per chunk on average: small enough to bound memory, large enough to amortise a pass
MIN_CHUNK = 8  # a deck is split across the workers only into chunks of at least this many cards
MAX_CHUNK_BYTES = 256 << 20  # a cached chunk PDF larger than this is not read
KEEP_DAYS = 30  # cached chunks unused this long are removed after a build
FOLDER = "cards"


def card_keys(job, manifest, layout_folders: list[Path], fonts: list[Path], geometry: dict) -> list[str]:
    """One key per card of ``job``'s deck (see the module)."""
    shared = key_parts(job, job.settings, manifest, layout_folders, fonts)
    for name in ("layout_folders", "fonts"):  # by content, not by where they sit: a moved project keeps its cache
        shared[name] = [content for _path, content in shared[name]]
    shared["geometry"] = {k: v for k, v in geometry.items() if k != "count"}  # count is not printed on a card
    base = digest(shared)
    return [digest([base, species_inputs(sp, manifest, relative=True)]) for sp in job.species_list]


def chunk_ranges(keys: list[str], jobs: int) -> list[range]:
    """Cut a deck with card ``keys`` into chunks by content (see the module), each of
    ``MIN_CHUNK``..1.5x the target size; a small deck is spread so every worker gets work.

    A card whose key ends in a chosen remainder is a cut candidate; a candidate ends a chunk
    when no other candidate lies within the shortest chunk length before it. Whether a card
    ends a chunk therefore depends only on the keys of the few cards before it, never on
    where the previous chunk began, so an edit changes the chunks around it and no others.
    A run between two cuts longer than the longest chunk is cut into pieces from its start."""
    cards = len(keys)
    if cards <= MIN_CHUNK:
        return [range(cards)]
    target = min(CARDS_PER_CHUNK, max(MIN_CHUNK, math.ceil(cards / max(1, jobs))))
    shortest, longest = max(1, target // 2), target + target // 2
    candidate = [int(key[-8:], 16) % (target - shortest + 1) == 0 for key in keys]
    ends = [n for n in range(shortest - 1, cards)
            if candidate[n] and not any(candidate[max(0, n - shortest + 1):n])]
    runs, start = [], 0
    for end in ends:
        runs.append(range(start, end + 1))
        start = end + 1
    if start < cards:
        runs.append(range(start, cards))
    if len(runs) > 1 and len(runs[-1]) < shortest and len(runs[-2]) + len(runs[-1]) <= longest:  # a short tail joins
        runs[-2:] = [range(runs[-2].start, cards)]
    return [piece for run in runs for piece in _pieces(run, target, shortest)]


def _pieces(run: range, target: int, shortest: int) -> list[range]:
    """``run`` cut from its start into pieces of ``target`` cards, a short rest joining the
    last piece: an edit late in a long run leaves its earlier pieces as they were."""
    starts = list(range(run.start, run.stop, target))
    if len(starts) > 1 and run.stop - starts[-1] < shortest:
        starts.pop()
    return [range(a, b) for a, b in zip(starts, starts[1:] + [run.stop])]


def chunk_key(keys: list[str], span: range) -> str:
    return hashlib.sha256("".join(keys[span.start:span.stop]).encode()).hexdigest()


class ChunkCache:
    """The fitted chunks of decks in the asset cache folder ``cache`` (see the module).

    Every path goes through the checked writer of that folder (:class:`~wildpress.safety.outputs.OutputFolder`):
    no '..', and neither the cache folder nor ``cards/`` nor an entry may be a link; only entries
    sealed by this user are ever read back or pruned, so a file wildpress did not make is never removed.
    """

    def __init__(self, cache: str | os.PathLike) -> None:
        from ..safety.outputs import OutputFolder

        self.out = OutputFolder(Path(cache))
        self.folder = Path(cache) / FOLDER

    def _path(self, name: str) -> Path | None:
        """``cards/name`` in the cache, or None where a link (or a bad name) is in the way."""
        try:
            path = self.out.target(f"{FOLDER}/{name}")
        except WildpressError:
            return None
        return None if os.path.islink(path) else path

    def _record(self, key: str) -> dict | None:
        """The sealed record of chunk ``key`` whose PDF is a regular file of the recorded size, or None."""
        from ..safety.confine import read_regular
        from .manifest_check import HEX64

        json_path, pdf_path = self._path(f"{key}.json"), self._path(f"{key}.pdf")
        if not (HEX64.match(key) and json_path and pdf_path):
            return None
        try:
            record = json.loads(read_regular(json_path, 4 << 20))
            info = os.lstat(pdf_path)
        except (OSError, ValueError, WildpressError):  # absent, not a regular file, too large, not JSON
            return None
        if not (isinstance(record, dict) and self._sealed(key, record) and stat.S_ISREG(info.st_mode)
                and info.st_size == record.get("size")):
            return None
        return record

    def get(self, key: str) -> list[Problem] | None:
        """The notes of chunk ``key`` when the cache holds it sealed by us (its PDF is read when
        imposed, :class:`Stored`), else None. Marks the entry used, for :meth:`prune`."""
        record = self._record(key)
        if record is None:
            return None
        now = time.time()
        for suffix in (".json", ".pdf"):
            try:
                os.utime(self._path(f"{key}{suffix}"), (now, now), follow_symlinks=False)
            except (OSError, NotImplementedError, TypeError):
                pass
        return [_problem(note) for note in record["notes"]]

    def read(self, key: str) -> bytes | None:
        """Chunk ``key``'s PDF, checked against its sealed digest, or None."""
        from ..safety.confine import read_regular

        record = self._record(key)
        if record is None:
            return None
        try:
            data = read_regular(self._path(f"{key}.pdf"), MAX_CHUNK_BYTES)
        except (OSError, WildpressError):
            return None
        return data if hashlib.sha256(data).hexdigest() == record["sha256"] else None

    def stored(self, key: str) -> "Stored":
        """A handle that reads chunk ``key``'s PDF back when it is imposed."""
        return Stored(self, key)

    def put(self, key: str, data: bytes, notes: list) -> bool:
        """Keep chunk ``key``; False where it could not be kept (a cache that cannot be written
        only costs time)."""
        record = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                  "notes": [[str(n.file), n.line, n.column, n.path, n.message, n.severity]
                            if isinstance(n, Problem) else [None, None, None, "", str(n), "warning"]
                            for n in notes]}
        mac = _mac(key, record)
        if mac is None:
            return False
        try:
            self.out.write(f"{FOLDER}/{key}.pdf", data, True)
            self.out.write(f"{FOLDER}/{key}.json", json.dumps({**record, "mac": mac}).encode(), True)
        except (OSError, WildpressError):
            return False
        return True

    def prune(self, keep_days: float = KEEP_DAYS) -> int:
        """Remove the chunks not used for ``keep_days`` (sealed entries only); how many files went."""
        cutoff, removed = time.time() - keep_days * 86400, 0
        if self._path("probe") is None:
            return 0
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.endswith(".json")]
        except OSError:
            return 0
        for entry in entries:
            key = entry.name[:-5]
            try:
                old = entry.stat(follow_symlinks=False).st_mtime < cutoff
            except OSError:
                continue
            if not old or self._record(key) is None:
                continue
            for suffix in (".pdf", ".json"):
                try:
                    removed += self.out.remove(f"{FOLDER}/{key}{suffix}")
                except (OSError, WildpressError):
                    pass
        return removed

    @staticmethod
    def _sealed(key: str, record: dict) -> bool:
        from .manifest_check import HEX64

        if not (isinstance(record.get("mac"), str) and isinstance(record.get("sha256"), str)
                and HEX64.match(record["sha256"]) and isinstance(record.get("size"), int)
                and isinstance(record.get("notes"), list)
                and all(_note_ok(n) for n in record["notes"])):
            return False
        expected = _mac(key, {k: v for k, v in record.items() if k != "mac"})
        return bool(expected) and hmac.compare_digest(expected, record["mac"])


class Stored:
    """A chunk kept in the card cache, read (and checked) again only when the deck is imposed."""

    def __init__(self, cache: ChunkCache, key: str) -> None:
        self.cache, self.key = cache, key

    def read(self) -> bytes:
        data = self.cache.read(self.key)
        if data is None:
            from ..errors import OutputError

            raise OutputError(f"the card cache changed while the deck was built: {self.cache.folder} "
                              f"(chunk {self.key[:12]}); build again")
        return data


def _note_ok(note) -> bool:
    return (isinstance(note, list) and len(note) == 6 and all(isinstance(v, (str, int, type(None))) for v in note)
            and sum(len(v) for v in note if isinstance(v, str)) < 20000)


def _problem(note: list) -> Problem:
    file, line, column, path, message, severity = note
    return Problem(file or "", line, column, path or "", message, severity or "warning")


def _mac(key: str, record: dict) -> str | None:
    from .manifest_check import mac_of

    return mac_of(json.dumps(["deck-chunk", key, record], sort_keys=True, ensure_ascii=False))
