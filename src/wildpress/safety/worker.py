"""Running calls in a child process that can be stopped: the sandbox, nothing else.

A :class:`Worker` is one long-lived child process running ``func(context, *args)``
calls, where ``context`` is a warm object the child builds once from a factory
it is given (for rendering: a :class:`~wildpress.layout.render.Renderer` with
fonts registered and CSS parsed, see :mod:`wildpress.layout.tasks`), so the
per-document cost is one message each way. This module knows nothing about
rendering: the caller names the factory (``Worker(context=...)`` or the
process default, :func:`set_default_context`) and the functions.

Each call runs under a time limit and a memory limit (see :mod:`wildpress.oscompat`
for how each is enforced on this system). The child arms a timer that
interrupts Python code at the limit, which lets it report the template line
a runaway loop was on; if it does not answer a few seconds later (stuck in C
code) the parent kills it. A worker that was killed, ran out of memory or
crashed is replaced by a fresh one on the next call. A WildpressError raised
in the child reaches the caller as the same class with the same state (a
DataError keeps its problems).

The child is a fresh interpreter (``python -c``, not :mod:`multiprocessing`),
so it never re-runs the caller's ``__main__`` script, never inherits its
threads, and never imports from the project folder: its ``sys.path`` starts
with wildpress's own installation, not the current folder. It builds its
context while the parent validates, so the first document rarely waits.
The batch issue's pool is a list of these workers.
"""

from __future__ import annotations

import atexit
import os
import pickle
import socket
import subprocess
import sys
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from .. import oscompat
from ..errors import RenderError, WildpressError, WorkerFailure
from ..syslibs import SIMULATE_ENV, is_missing_library, missing_libraries_message

GRACE_S = 5.0  # after the soft limit, how long the child has to answer before it is killed
WATCH_S = 0.1  # how often the parent samples a child's memory where the kernel does not limit it
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)
_CHILD = ("import sys; sys.path[0:1] = [sys.argv[1]]; "  # never the current (project) folder
          "from wildpress.safety.worker import _child_main; _child_main(int(sys.argv[2]), int(sys.argv[3]))")

Context = Callable[[], Any]  # a module-level function (pickled by reference) building a call's context
_default_context: list[Context | None] = [None]


def set_default_context(factory: Context | None) -> None:
    """The context factory of workers created without one (``wildpress.layout.tasks`` sets the renderer)."""
    _default_context[0] = factory


class _SoftTimeout(BaseException):  # BaseException: WeasyPrint's `except Exception` must not swallow it
    pass


def _error_state(exc: WildpressError) -> tuple:
    """What rebuilds ``exc`` in the parent: its class's module and name, args and attributes."""
    state = {k: v for k, v in vars(exc).items() if not k.startswith("__")}
    try:
        pickle.dumps((exc.args, state))
    except Exception:  # an attribute that cannot travel: the message alone
        return ("error", type(exc).__module__, type(exc).__qualname__, (str(exc),), None)
    return ("error", type(exc).__module__, type(exc).__qualname__, exc.args, state)


def _error_class(module: str, name: str) -> type[WildpressError] | None:
    """The WildpressError subclass ``module.name`` if this process has loaded it (those of
    :mod:`wildpress.errors` always are); None otherwise."""
    def walk(cls):
        yield cls
        for sub in cls.__subclasses__():
            yield from walk(sub)

    return next((c for c in walk(WildpressError) if c.__module__ == module and c.__qualname__ == name), None)


def _rebuild_error(module: str, name: str, args: tuple, state: dict | None) -> WildpressError:
    """The child's exception as the same class with the same state (RenderError if it cannot be)."""
    cls = _error_class(module, name)
    if cls is None or (state is None and "__init__" in cls.__dict__):  # cannot be rebuilt from a message
        cls, state = RenderError, None
    exc = cls.__new__(cls)
    exc.args = tuple(args)
    if state:
        exc.__dict__.update(state)
    return exc


def _child_main(fd: int, parent: int = 0) -> None:
    """Entry point of the child interpreter: serve calls on the socket ``fd`` for process ``parent``.

    The child stops within half a second of the parent dying (even by SIGKILL), so no render goes
    on for nobody: a watcher thread, not PR_SET_PDEATHSIG, which follows the *thread* that
    started the child (pool threads come and go) and exists on Linux only.
    """
    if parent:
        oscompat.watch_parent(parent, lambda: os._exit(1))
    conn = Connection(fd)
    try:
        _serve(conn)
    finally:
        conn.close()


def _context(factory: Context | None, contexts: dict) -> Any:
    """The context ``factory`` builds, once per child (outside any call's time limit)."""
    if factory is not None and factory not in contexts:
        contexts[factory] = factory()
    return contexts.get(factory)


def _run(message: tuple, context: Any, timer: oscompat.SoftTimer) -> tuple:
    """One call in the child: the reply to send ('ok', result) or a failure."""
    from .sandbox import location

    _, func, args, time_s, memory_mb, cwd, _ = message
    oscompat.limit_address_space(memory_mb)
    try:
        os.chdir(cwd)
        timer.start(time_s)
        try:
            return ("ok", func(context, *args))
        finally:
            timer.cancel()
    except _SoftTimeout as exc:
        return ("timeout", location(exc))
    except MemoryError:
        return ("memory", "")
    except WildpressError as exc:
        return _error_state(exc)
    except RecursionError as exc:
        return ("error", "wildpress.errors", "RenderError", (f"{location(exc)}nesting or recursion too deep",), {})
    except Exception as exc:  # a bug, or a library choking on hostile input: no traceback for users
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" (in {os.path.basename(last[0].filename)}:{last[0].lineno})" if last else ""
        return ("crash", f"{type(exc).__name__}: {exc}{where}")


def _serve(conn) -> None:
    """Child loop: ('warm', factory) builds a context ahead; ('call', func, args, time, memory, cwd,
    factory) is answered ('ok', result) or with a failure; None ends it. A context that cannot load
    its system libraries (Pango & co.) makes this and every later call answer ('libraries', sentence)."""
    timer = oscompat.SoftTimer(_SoftTimeout)  # also: Ctrl-C is the parent's business
    contexts: dict = {}
    refusal = None
    if os.environ.get(SIMULATE_ENV):
        refusal = missing_libraries_message("cannot load library 'libpango-1.0-0': libpango-1.0-0: "
                                            "cannot open shared object file")
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        context, failure = None, None
        if refusal is None:
            try:
                context = _context(message[-1], contexts)
            except Exception as exc:  # noqa: BLE001 - reported to the parent, never a traceback
                failure = exc
                if is_missing_library(exc):
                    refusal = missing_libraries_message(exc)
        if message[0] == "warm":
            continue
        if refusal is not None:
            reply = ("libraries", refusal)
        elif failure is not None:
            reply = ("crash", f"{type(failure).__name__}: {failure}")
        else:
            reply = _run(message, context, timer)
        if not _send(conn, reply):
            return
        oscompat.release_memory()  # between tasks: an idle worker holds its warm caches, not its high-water mark


def _send(conn, reply: tuple) -> bool:
    """Send ``reply``; False once the parent is gone."""
    try:
        conn.send(reply)
    except MemoryError:
        conn.send(("memory", ""))
    except (OSError, EOFError):
        return False
    except Exception as exc:  # an answer that cannot be pickled is a bug in the caller
        conn.send(("crash", f"cannot return the result: {type(exc).__name__}: {exc}"))
    return True


class Worker:
    """One child process running ``func(context, *args)`` calls under limits.

    ``context`` is a module-level function the child calls once to build the object every call
    gets first (default: :func:`set_default_context`'s, read at each start and call).
    """

    def __init__(self, grace_s: float = GRACE_S, context: Context | None = None) -> None:
        self.grace_s = grace_s
        self.context = context
        self._process = None
        self._conn = None
        self.jobs = 0  # calls served by the current child

    def _factory(self) -> Context | None:
        return self.context or _default_context[0]

    def start(self) -> "Worker":
        """Start the child now (it builds its context while the caller does other work)."""
        if not self.alive():
            self.stop()
            ours, theirs = socket.socketpair()
            with ours, theirs:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", _CHILD, _PACKAGE_PARENT, str(theirs.fileno()), str(os.getpid())],
                    stdin=subprocess.DEVNULL, cwd=_PACKAGE_PARENT, **oscompat.socket_popen_kwargs(theirs))
                self._conn = Connection(ours.detach())
            self.jobs = 0
            if self._factory() is not None:
                try:
                    self._conn.send(("warm", self._factory()))
                except (OSError, EOFError):
                    pass  # the call reports it
        return self

    def alive(self) -> bool:
        """True while the child process runs."""
        return self._process is not None and self._process.poll() is None

    def _wait(self, time_s: float, memory_mb: int) -> str:
        """Wait for the child's answer: "ready", "timeout" (limit and grace passed) or "memory"
        (over ``memory_mb`` resident, where the parent is the one enforcing the memory limit)."""
        deadline = time.monotonic() + time_s + self.grace_s
        watch = oscompat.memory_enforcement() == "watchdog"
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            if self._conn.poll(min(left, WATCH_S) if watch else left):
                return "ready"
            if watch:
                rss = oscompat.process_rss(self._process.pid)
                if rss is not None and rss > memory_mb * 1024 * 1024:
                    return "memory"

    def call(self, func: Callable[..., Any], *args: Any, time_s: float, memory_mb: int) -> Any:
        """``func(context, *args)`` in the child; raises the child's WildpressError or WorkerFailure."""
        self.start()
        try:
            self._conn.send(("call", func, args, time_s, memory_mb, os.getcwd(), self._factory()))
            waited = self._wait(time_s, memory_mb)
            reply = self._conn.recv() if waited == "ready" else (waited, "")
        except (EOFError, OSError):
            reply = ("died",)
        self.jobs += 1
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "error":
            raise _rebuild_error(*reply[1:])
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
        raise self._died(memory_mb)

    def _died(self, memory_mb: int) -> WorkerFailure:
        process, code = self._process, None
        if process is not None:
            try:
                code = process.wait(2)
            except subprocess.TimeoutExpired:
                pass
        self.stop(kill=True)
        if code is not None and code < 0:
            return self._failure("crash", f"the render process stopped unexpectedly (signal {-code}); it may have "
                                          f"run out of memory (--memory-limit {memory_mb})")
        return self._failure("crash", f"the render process stopped unexpectedly (exit code {code})")

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


def apply(context, func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)`` in the worker, for any importable function (the context is not passed)."""
    return func(*args)


def ping(context) -> int:
    """The worker's process id (for tests and health checks)."""
    return os.getpid()


_shared: list[Worker] = []


def shared_worker() -> Worker:
    """The process-wide worker: builds in one process reuse it, so its caches stay warm."""
    if not _shared:
        _shared.append(Worker())
        atexit.register(_shared[0].stop)
    return _shared[0]
