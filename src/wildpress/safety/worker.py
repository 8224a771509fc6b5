"""Rendering in a child process that can be stopped.

A :class:`Worker` is one long-lived child process holding one warm
:class:`~wildpress.layout.render.Renderer` (fonts registered, CSS parsed), so the
per-document cost is one message each way. Each call runs under a time limit
and a memory limit (``RLIMIT_AS``, set in the child). The child arms a timer
that interrupts Python code at the limit, which lets it report the template
line a runaway loop was on; if it does not answer a few seconds later (stuck
in C code) the parent kills it. A worker that was killed, ran out of memory
or crashed is replaced by a fresh one on the next call.

The child is a fresh interpreter (``python -c``, not :mod:`multiprocessing`),
so it never re-runs the caller's ``__main__`` script, never inherits its
threads, and never imports from the project folder: its ``sys.path`` starts
with wildpress's own installation, not the current folder. It starts
importing while the parent validates, so the first document rarely waits.
The batch issue's pool is a list of these workers.
"""

from __future__ import annotations

import atexit
import os
import resource
import signal
import socket
import subprocess
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from ..errors import RenderError, WildpressError, WorkerFailure
from ..syslibs import SIMULATE_ENV, is_missing_library, missing_libraries_message

GRACE_S = 5.0  # after the soft limit, how long the child has to answer before it is killed
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)
_CHILD = ("import sys; sys.path[0:1] = [sys.argv[1]]; "  # never the current (project) folder
          "from wildpress.safety.worker import _child_main; _child_main(int(sys.argv[2]), int(sys.argv[3]))")


class _SoftTimeout(BaseException):  # BaseException: WeasyPrint's `except Exception` must not swallow it
    pass


def _on_alarm(signum, frame):
    raise _SoftTimeout()


def _error_class(name: str) -> type[WildpressError]:
    def walk(cls):
        yield cls
        for sub in cls.__subclasses__():
            yield from walk(sub)

    found = next((c for c in walk(WildpressError) if c.__name__ == name), RenderError)
    return RenderError if "__init__" in found.__dict__ else found  # rebuilt from a message alone


def _die_with_parent(parent: int) -> None:
    """Stop this child within half a second of the build process dying (even by SIGKILL), so no
    render goes on for nobody. A watcher thread, not PR_SET_PDEATHSIG: that signal follows the
    *thread* that started the child, and pool threads come and go."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="wildpress-parent-watch").start()


def _child_main(fd: int, parent: int = 0) -> None:
    """Entry point of the child interpreter: serve calls on the socket ``fd`` for process ``parent``."""
    if parent:
        _die_with_parent(parent)
    conn = Connection(fd)
    try:
        _serve(conn)
    finally:
        conn.close()


def _refuse_all(conn, message: str) -> None:
    """Answer every call with ('libraries', message) until the parent hangs up."""
    while True:
        try:
            if conn.recv() is None:
                return
            conn.send(("libraries", message))
        except (EOFError, OSError):
            return


def _serve(conn) -> None:
    """Child loop: receive (func, args, time, memory, cwd), answer ('ok', result) or a failure."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        if os.environ.get(SIMULATE_ENV):
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        import weasyprint  # noqa: F401 - warm up while the parent validates
    except OSError as exc:  # Pango & co. missing: every call gets one clear sentence, never a traceback
        if not is_missing_library(exc):
            raise
        _refuse_all(conn, missing_libraries_message(exc))
        return
    from ..layout import kinds  # noqa: F401 - the layout kinds' registry
    from ..layout.render import Renderer
    from .sandbox import location

    renderer = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        func, args, time_s, memory_mb, cwd = message
        try:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        except (ValueError, OSError):
            pass
        try:
            os.chdir(cwd)
            if renderer is None:  # fonts and stylesheets once per worker, outside any document's time
                renderer = Renderer()
            signal.setitimer(signal.ITIMER_REAL, time_s)
            try:
                reply = ("ok", func(renderer, *args))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _SoftTimeout as exc:
            reply = ("timeout", location(exc))
        except MemoryError:
            reply = ("memory", "")
        except WildpressError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except RecursionError as exc:
            reply = ("error", "RenderError", f"{location(exc)}nesting or recursion too deep")
        except Exception as exc:  # a bug, or a library choking on hostile input: no traceback for users
            last = traceback.extract_tb(exc.__traceback__)[-1:]
            where = f" (in {os.path.basename(last[0].filename)}:{last[0].lineno})" if last else ""
            reply = ("crash", f"{type(exc).__name__}: {exc}{where}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", ""))
        except (OSError, EOFError):
            return
        except Exception as exc:  # an answer that cannot be pickled is a bug in the caller
            conn.send(("crash", f"cannot return the result: {type(exc).__name__}: {exc}"))


class Worker:
    """One child process running ``func(renderer, *args)`` calls under limits."""

    def __init__(self, grace_s: float = GRACE_S) -> None:
        self.grace_s = grace_s
        self._process = None
        self._conn = None
        self.jobs = 0  # calls served by the current child

    def start(self) -> "Worker":
        """Start the child now (it imports WeasyPrint while the caller does other work)."""
        if not self.alive():
            self.stop()
            ours, theirs = socket.socketpair()
            with ours, theirs:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", _CHILD, _PACKAGE_PARENT, str(theirs.fileno()), str(os.getpid())],
                    pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, cwd=_PACKAGE_PARENT)
                self._conn = Connection(ours.detach())
            self.jobs = 0
        return self

    def alive(self) -> bool:
        """True while the child process runs."""
        return self._process is not None and self._process.poll() is None

    def call(self, func: Callable[..., Any], *args: Any, time_s: float, memory_mb: int) -> Any:
        """``func(renderer, *args)`` in the child; raises the child's WildpressError or WorkerFailure."""
        self.start()
        try:
            self._conn.send((func, args, time_s, memory_mb, os.getcwd()))
            ready = self._conn.poll(time_s + self.grace_s)
            reply = self._conn.recv() if ready else None
        except (EOFError, OSError):
            reply = ("died",)
        self.jobs += 1
        if reply is None:
            self.stop(kill=True)
            raise self._failure("timeout", f"took longer than {time_s:g} s and was stopped (--time-limit)")
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "error":
            exc = _error_class(reply[1]).__new__(_error_class(reply[1]))
            exc.args = (reply[2],)
            raise exc
        if kind not in ("died", "libraries"):
            self.stop(kill=True)  # its state may be damaged: the next call gets a fresh child
        if kind == "timeout":
            raise self._failure("timeout", f"{reply[1]}took longer than {time_s:g} s and was stopped (--time-limit)")
        if kind == "memory":
            raise self._failure("memory", f"needed more than {memory_mb} MB of memory and was stopped (--memory-limit)")
        if kind == "crash":
            raise self._failure("crash", f"rendering failed: {reply[1]}")
        if kind == "libraries":
            exc = self._failure("libraries", reply[1])
            exc.sentence = reply[1]  # the same for every document: the command line prints it once
            raise exc
        process, code = self._process, None
        if process is not None:
            try:
                code = process.wait(2)
            except subprocess.TimeoutExpired:
                pass
        self.stop(kill=True)
        if code is not None and code < 0:
            raise self._failure("crash", f"the render process stopped unexpectedly (signal {-code}); it may have "
                                         f"run out of memory (--memory-limit {memory_mb})")
        raise self._failure("crash", f"the render process stopped unexpectedly (exit code {code})")

    @staticmethod
    def _failure(reason: str, message: str) -> WorkerFailure:
        exc = WorkerFailure(message)
        exc.reason = reason
        return exc

    def stop(self, kill: bool = False) -> None:
        """End the child: politely when it is idle, by SIGKILL when ``kill`` or it does not stop."""
        process, conn, self._process, self._conn = self._process, self._conn, None, None
        if process is not None and kill and process.poll() is None:
            process.kill()
        if conn is not None and not kill:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        if process is not None:
            try:
                process.wait(0.5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if conn is not None:
            conn.close()


def apply(renderer, func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)`` in the worker, for any importable function (the renderer is not passed)."""
    return func(*args)


def ping(renderer) -> int:
    """The worker's process id (for tests and health checks)."""
    return os.getpid()


def render_job(renderer, job, settings, confinement, limits) -> tuple[bytes, int, list]:
    """In the worker: render one build job with its layout kind's renderer, confined and page-limited.

    Returns the PDF bytes, the page count and the notes (warnings) the job collected.
    """
    from ..layout.kinds import get_kind

    with renderer.confined(confinement, limits.pages_for(len(job.species_list))):
        data, pages = get_kind(job.layout.kind).render_function()(renderer, job, settings)
    return data, pages, list(getattr(job, "notes", []))


def render_chunk(renderer, job, settings, confinement, limits, geometry) -> tuple[bytes, int, list]:
    """In the worker: fit the card sides of one chunk of a deck (see :mod:`wildpress.layout.cards`).

    Returns a PDF of the chunk's fitted sides (front, back, ...), its page count and the notes.
    """
    from ..layout.cards import render_sides

    with renderer.confined(confinement, limits.pages_for(len(job.species_list))):
        data, notes = render_sides(renderer, job, settings, geometry)
    return data, 2 * len(job.species_list), list(notes)


_shared: list[Worker] = []


def shared_worker() -> Worker:
    """The process-wide worker: builds in one process reuse it, so its caches stay warm."""
    if not _shared:
        _shared.append(Worker())
        atexit.register(_shared[0].stop)
    return _shared[0]
