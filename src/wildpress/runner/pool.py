"""A pool of render workers: every core busy, each task under its limits, failures kept apart.

The pool is a list of long-lived :class:`~wildpress.safety.worker.Worker`
processes (WeasyPrint imported, fonts registered, stylesheets parsed), one
feeding thread each. Tasks are handed out in order to whichever worker is
free; a task that crashes, hangs or runs out of memory fails alone (its worker
is replaced) and the others go on. Results come back to the calling thread in
completion order, so the caller writes files and reports progress from one
place. Ctrl-C (or any exception in the caller) kills every worker at once: no
child keeps rendering after the build has stopped.
"""

from __future__ import annotations

import atexit
import os
import queue
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..errors import WildpressError
from ..layout.tasks import new_renderer  # also the default context: the shared worker renders too
from ..safety.worker import Worker


@dataclass
class Task:
    """One call in a worker: ``func(renderer, *args)`` under a time and memory limit
    (the renderer: :func:`wildpress.layout.tasks.new_renderer`'s, built once per worker)."""

    func: Callable[..., Any]
    args: tuple
    time_s: float
    memory_mb: int
    key: Any = None  # the caller's handle (a job, or a job and a chunk number)
    cost: float = 1.0  # relative work, for ordering: the longest tasks start first
    seconds: float = field(default=0.0, compare=False)  # filled in: wall time in the worker


def default_jobs() -> int:
    """The cores this process may use (``sched_getaffinity`` honours taskset and containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


_workers: list[Worker] = []


def _shared(n: int) -> list[Worker]:
    """The first ``n`` process-wide workers (builds in one process reuse them, caches warm)."""
    from ..layout.tasks import shared_worker

    if not _workers:
        _workers.append(shared_worker())
    while len(_workers) < n:
        worker = Worker(context=new_renderer)
        atexit.register(worker.stop)
        _workers.append(worker)
    return _workers[:n]


def start(n: int) -> list[Worker]:
    """Start ``n`` workers now, so they import WeasyPrint while the caller validates."""
    workers = _shared(n)
    for worker in workers:
        worker.start()
    return workers


def stop_all() -> None:
    """Kill every worker now (after Ctrl-C): nothing keeps rendering or writing."""
    for worker in _workers:
        worker.stop(kill=True)


def rest() -> None:
    """Stop the idle workers to give their memory back (the next :func:`start` starts them again):
    the caller has work of its own left that needs it, such as imposing a large deck."""
    for worker in _workers:
        worker.stop()


def run(tasks: list[Task], jobs: int) -> Iterator[tuple[Task, Any, Exception | None]]:
    """Run ``tasks`` on ``jobs`` workers; yield ``(task, result, None)`` or ``(task, None, error)``
    as each finishes. ``error`` is a WildpressError (a WorkerFailure for crashes and limits).

    Leaving the loop early (an exception, Ctrl-C, ``break``) kills the workers still busy.
    """
    import time

    if not tasks:
        return
    workers = start(max(1, min(jobs, len(tasks))))
    pending: queue.Queue = queue.Queue()
    for task in sorted(tasks, key=lambda t: -t.cost):
        pending.put(task)
    done: queue.Queue = queue.Queue()
    stopping = threading.Event()

    def feed(worker: Worker) -> None:
        while not stopping.is_set():
            try:
                task = pending.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                result, error = worker.call(task.func, *task.args, time_s=task.time_s,
                                            memory_mb=task.memory_mb), None
            except WildpressError as exc:
                result, error = None, exc
            except BaseException as exc:  # noqa: BLE001 - a pool thread must always answer
                if stopping.is_set():
                    return
                result, error = None, exc
            task.seconds = time.perf_counter() - started
            done.put((task, result, error))

    threads = [threading.Thread(target=feed, args=(w,), daemon=True, name=f"wildpress-feed-{i}")
               for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    finished = False
    try:
        for _ in range(len(tasks)):
            while True:
                try:
                    item = done.get(timeout=0.2)  # short waits: Ctrl-C reaches the main thread
                    break
                except queue.Empty:
                    if not any(t.is_alive() for t in threads) and done.empty():
                        raise RuntimeError("the render pool stopped without answering")  # pragma: no cover
            if not isinstance(item[2], (WildpressError, type(None))):
                raise item[2]
            yield item
        finished = True
    finally:
        stopping.set()
        if not finished:
            stop_all()
        for thread in threads:
            thread.join(timeout=1 if finished else 0.1)
