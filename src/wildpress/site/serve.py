"""``wildpress serve``: the contact sheet on localhost, rebuilt and reloaded on every edit.

The server (:mod:`http.server` in a thread, bound to 127.0.0.1 only; see
:mod:`wildpress.site.serve_http`) serves what wildpress wrote in the output folder and nothing
else: the contact sheet, the PDFs of its manifest, the thumbnails; it answers only requests
addressed to it by name (Host header) and sends strict security headers. ``/`` is the contact
sheet with a small script added that polls ``/__version`` (with this run's token) and reloads
the page when a rebuild has finished. The main thread watches the species data, the layouts, the fonts, the brand logo and
the project file (:mod:`watchfiles`) and runs the build again on every change; the build is
incremental, so only what changed renders, and what the page shows renders first (the page
tells the server which cards are on screen; :mod:`wildpress.site.rounds` orders the steps, each
a narrowed copy of the one build request): the page reloads with it, the rest follows step by
step and the page updates as each lands. The render workers are the process's pool
(:mod:`wildpress.runner.pool`), started once and warm for every edit after. A bad edit never
stops the server: the error shows on the page, with file and line, above the last good pages,
and watching goes on. Ctrl-C stops cleanly.
"""

from __future__ import annotations

import functools
import glob
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .. import oscompat
from ..errors import WildpressError
from .preview import Preview, build_and_preview
from .serve_http import HOST, Live, start_server

DEBOUNCE_MS = 250  # edits closer together than this make one rebuild


# -- what to watch ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Watched:
    """Folders (everything inside) and files whose changes start a rebuild; ``out`` is never one."""

    folders: frozenset[str]
    files: frozenset[str]
    out: str

    def roots(self) -> list[str]:
        """The folders to hand to the watcher: each target or its nearest existing parent (a file
        is watched through its folder, so an editor that saves by renaming is still seen)."""
        wanted = set()
        for target in self.folders | {os.path.dirname(f) for f in self.files}:
            while not os.path.isdir(target) and os.path.dirname(target) != target:
                target = os.path.dirname(target)
            wanted.add(target)
        return sorted(r for r in wanted if not any(r != o and r.startswith(o + os.sep) for o in wanted))

    def __call__(self, change, path: str) -> bool:
        path = os.path.abspath(path)
        name = os.path.basename(path)
        if path == self.out or path.startswith(self.out + os.sep) or name.endswith(".part"):
            return False
        if not _default_filter()(change, path) or (name.startswith(".") and path not in self.files):
            return False
        return path in self.files or any(path == f or path.startswith(f + os.sep) for f in self.folders)


@functools.lru_cache(maxsize=1)
def _default_filter():
    """watchfiles' own filter: editor swap files, .git, __pycache__ and the like."""
    from watchfiles import DefaultFilter

    return DefaultFilter()


def watch_targets(done: Preview, root: Path) -> Watched:
    """What a rebuild depends on: the project file, species files and folders (and the folders
    that globs search), layout folders, fonts, ``data/`` and the brand logo."""
    project, request = done.project, done.request
    folders, files = set(), {root / "wildpress.yaml"}
    if project is not None:
        files.add(project.file)
        for entry in project.species:
            if glob.has_magic(entry):
                base = []
                for part in Path(entry).parts:
                    if glob.has_magic(part):
                        break
                    base.append(part)
                folders.add(project.root.joinpath(*base))
        if project.brand.logo:
            files.add(Path(project.brand.logo))
    base = project.root if project is not None else root
    for path in request.species if request is not None else [base / "data" / "species"]:
        (folders if Path(path).is_dir() else files).add(Path(path))
    dirs = request.layout_dirs if request is not None else None
    folders.update(dirs or [base / "layouts"])
    folders.update([base / "fonts", base / "data"])  # data/: photos kept beside the species folder too
    return Watched(frozenset(map(os.path.abspath, folders)), frozenset(map(os.path.abspath, files)),
                   os.path.abspath(done.out))


# -- the loop ---------------------------------------------------------------------------------
class Watcher(threading.Thread):
    """Watches in a thread of its own, from before the first build on, so no edit is missed
    while a build runs; change sets queue up in :attr:`changes`."""

    def __init__(self, watched: Watched) -> None:
        super().__init__(name="wildpress-watch", daemon=True)
        self.watched = watched
        self.changes: queue.Queue = queue.Queue()
        self.restart = threading.Event()
        self.stopping = False

    def run(self) -> None:
        import watchfiles

        while not self.stopping:
            self.restart.clear()  # before reading the targets: a retarget in between is not lost
            watched = self.watched
            try:
                for changes in watchfiles.watch(*watched.roots(), watch_filter=watched, debounce=DEBOUNCE_MS,
                                                step=50, stop_event=self.restart, raise_interrupt=False):
                    self.changes.put(changes)
            except Exception:  # noqa: BLE001 - e.g. a watched folder was removed: watch its parent
                time.sleep(0.5)

    def retarget(self, watched: Watched) -> None:
        if watched != self.watched:
            self.watched = watched
            self.restart.set()

    def stop(self) -> None:
        self.stopping = True
        self.restart.set()


def serve(prepare: Callable[[], Any], out: Path, port: int = 8000, echo: Callable[[str], None] = print,
          progress: Callable[[], Any] | None = None, host: str = HOST, open_browser: bool = False,
          **options) -> None:
    """Build, serve the contact sheet on 127.0.0.1:``port`` and rebuild on every change until Ctrl-C.

    ``prepare`` gives the BuildRequest (called for every build, so the project file is read
    again); ``options`` go to build() too; ``progress()`` makes a progress report
    for each build; ``open_browser`` opens the contact sheet in the default browser once it is served."""
    from .import_desk import ImportDesk

    root = Path.cwd()
    live = Live(Path(out))
    desk = ImportDesk(root, root / "data" / "species")
    server = start_server(live, port, host, desk)
    restore = _stop_on_signals()
    url = f"http://{f'[{host}]' if ':' in host else host}:{server.server_address[1]}/"
    first = Preview(live.out)
    try:
        first.request = prepare()
        first.out = Path(first.request.out_dir)
    except Exception:  # noqa: BLE001 - the build reports it
        pass
    watcher = Watcher(watch_targets(first, root))
    watcher.start()
    try:
        done = _round(prepare, first.out, echo, progress, options)
        live.finished(done.out)
        echo(f"serving the contact sheet on {url}  (watching for changes; Ctrl-C stops)")
        if open_browser and not oscompat.open_in_browser(url):
            echo(f"could not open a browser here: open {url} yourself")
        watcher.retarget(watch_targets(done, root))
        while True:
            try:
                changes = watcher.changes.get(timeout=0.25)  # short waits: Ctrl-C reaches this thread
            except queue.Empty:
                continue
            while not watcher.changes.empty():
                changes |= watcher.changes.get_nowait()
            names = sorted({os.path.relpath(p, root) for _, p in changes})
            echo("changed: " + ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else ""))
            live.started()
            done = _edit_round(prepare, live, watcher, {os.path.abspath(p) for _, p in changes}, root, echo,
                               progress, options)
            if done is None:
                continue  # another edit came in mid-way: a new round starts with it
            live.finished(done.out)
            watcher.retarget(watch_targets(done, root))  # the project file may name other folders now
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        server.shutdown()
        server.server_close()
        watcher.join(timeout=2)
        desk.close()
        restore()
    echo("stopped")


def _stop_on_signals() -> Callable[[], None]:
    """Ctrl-C (even where the shell started us with it ignored) and SIGTERM stop the server
    cleanly; returns what puts the old handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, frame):
        raise KeyboardInterrupt

    old = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    return lambda: [signal.signal(sig, handler) for sig, handler in old.items()] and None


def _edit_round(prepare, live: Live, watcher: Watcher, changed: set[str], root: Path, echo, progress,
                options) -> Preview | None:
    """The rebuild after an edit, in the order of :mod:`.rounds`: what the page shows first (the
    page reloads with it), then species by species (the sheet updated after each), then the
    whole request. Every step is a narrowed copy of the one build request, built by the same
    :func:`build_and_preview`; the workers stay the process's warm pool throughout. None: an
    edit came in before the round was over (the caller starts the next round with it)."""
    from ..runner import pool
    from ..runner.manifest import Manifest
    from . import rounds

    try:
        request = prepare()
        recorded = Manifest(Path(request.out_dir)).outputs
    except Exception:  # noqa: BLE001 - the whole build says what is wrong, on the sheet
        return _round(prepare, live.out, echo, progress, options)
    jobs = request.jobs or pool.default_jobs()
    first = rounds.first_step(request, recorded, live.viewing)
    steps = ([first] if first is not None else []) + rounds.species_steps(request, recorded, changed, root, jobs)
    total = None
    for number, step in enumerate(steps):
        done = build_and_preview(lambda step=step: step, live.out, catch_all=True, earlier=total, queued=True,
                                 **options)
        if done.error is not None or done.result is None:
            break  # e.g. invalid data: the whole build below says so
        total = rounds.merged(total, done.result)
        if done.result.outputs or done.result.failures:
            live.finished(done.out, building=True)  # the page reloads with what is new; the rest follows
            if number == 0 and first is not None:
                echo("shown first: " + ", ".join(o.path.name for o in done.result.outputs)
                     + f" ({done.result.seconds:.1f} s)")
        if not watcher.changes.empty():
            return None
    return _round(prepare, live.out, echo, progress, options, earlier=total)


def _round(prepare, out: Path, echo, progress, options, earlier=None) -> Preview:
    """One build and its sheet (``earlier``: what the steps of this round before it made);
    never raises for a bad edit (only Ctrl-C goes through)."""
    from ..runner.progress import summary
    from .rounds import merged

    report = progress() if progress else None
    try:
        done = build_and_preview(prepare, out, catch_all=True, earlier=earlier, progress=report,
                                 on_output=report.output if report else None, **options)
    except WildpressError as exc:  # the sheet itself could not be written (e.g. a foreign index.html)
        echo(f"error: {exc}")
        return Preview(out, error=exc)
    finally:
        if report:
            report.close()
    if done.error is not None:
        echo(f"error: {done.error}")
    if done.result is not None:
        for failure in done.result.failures:
            echo(f"error: {failure.message}")
        echo(summary(merged(earlier, done.result)) + f"; contact sheet {done.sheet}")
    return done
