"""Every platform-specific call wildpress makes, each with a fallback (Linux, macOS, Windows).

* **Memory limit.** :func:`limit_address_space` sets ``RLIMIT_AS`` in the render
  child where the kernel enforces it (Linux, FreeBSD: :func:`rlimit_works`).
  Elsewhere (macOS accepts RLIMIT_AS and ignores it; Windows has no
  :mod:`resource`) the parent samples the child's resident memory
  (:func:`process_rss`: psutil if it is installed, else ``/proc``) and kills it
  over the limit. :func:`memory_enforcement` says which of the two applies.
* **Time limit.** :class:`SoftTimer` interrupts the child's Python code at the
  limit: ``signal.setitimer`` where it exists, else a timer thread that
  interrupts the main thread. Either way the parent kills a child that has not
  answered a few seconds later, so the time limit holds everywhere.
* **No-follow open.** :func:`open_nofollow` opens a file without following a
  symlink in its last component: ``O_NOFOLLOW`` where it exists, else an
  ``lstat`` before and an ``fstat`` after the open, which must name the same
  file (``st_dev``/``st_ino``) and not a link. :func:`opened_path` names the
  file an open descriptor refers to, where the system can say.
* **Child processes.** :func:`socket_popen_kwargs` hands a socket to a child
  process; :func:`watch_parent` calls back when the parent process is gone.
* **Ghostscript.** :func:`ghostscript_command` finds ``gs`` (``gswin64c`` /
  ``gswin32c`` on Windows), or None where it is not installed.
* **Browser.** :func:`open_in_browser` opens a page in the default browser
  (:mod:`webbrowser`: ``xdg-open`` or ``$BROWSER``, ``open`` on macOS, the shell on Windows).

A limit this system cannot enforce is never skipped silently:
:func:`unenforced_limits` returns one sentence for each (the build prints them
as notes, once per process: :func:`limit_notes_once`).

For tests, the environment variable :data:`SIMULATE_ENV` (comma-separated
names from ``resource``, ``setitimer``, ``O_NOFOLLOW``, ``psutil``, ``proc``)
makes this process and render workers started after it behave as if those
were missing; the module attributes :data:`resource`, :data:`setitimer` and
:data:`O_NOFOLLOW` may also be set to ``None`` in this process.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import sys
import threading
from pathlib import Path
from typing import Any, Callable

try:
    import resource  # POSIX only
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

#: Test hook: names of capabilities to treat as missing (see the module docstring).
SIMULATE_ENV = "WILDPRESS_SIMULATE_MISSING"

setitimer = getattr(signal, "setitimer", None)
O_NOFOLLOW: int | None = getattr(os, "O_NOFOLLOW", None)
_psutil: list = []  # [module or None] once looked up


def _simulated(name: str) -> bool:
    return name in os.environ.get(SIMULATE_ENV, "").replace(" ", "").split(",")


def _resource():
    return None if _simulated("resource") else resource


def _psutil_module():
    if _simulated("psutil"):
        return None
    if not _psutil:
        try:
            import psutil  # optional: only needed where RLIMIT_AS does not work
        except ImportError:
            psutil = None
        _psutil.append(psutil)
    return _psutil[0]


# --- memory ------------------------------------------------------------------------------------

def rlimit_works() -> bool:
    """True where an ``RLIMIT_AS`` set in the child is enforced by the kernel (Linux, FreeBSD)."""
    module = _resource()
    return (module is not None and hasattr(module, "RLIMIT_AS")
            and sys.platform.startswith(("linux", "freebsd")))


def limit_address_space(memory_mb: int) -> bool:
    """In the child: cap its address space at ``memory_mb`` (never above the hard limit).
    Returns False where that cannot be done; the parent's watchdog is then the limit."""
    if not rlimit_works():
        return False
    module = _resource()
    try:
        _, hard = module.getrlimit(module.RLIMIT_AS)
        limit = memory_mb * 1024 * 1024
        module.setrlimit(module.RLIMIT_AS, (limit if hard == module.RLIM_INFINITY else min(limit, hard), hard))
        return True
    except (ValueError, OSError):
        return False


def _proc_readable() -> bool:
    return not _simulated("proc") and os.path.exists("/proc/self/statm")


def process_rss(pid: int) -> int | None:
    """Resident memory of process ``pid`` in bytes, or None if this system cannot say."""
    psutil = _psutil_module()
    if psutil is not None:
        try:
            return int(psutil.Process(pid).memory_info().rss)
        except Exception:  # gone, or not ours to inspect
            return None
    if _proc_readable():
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None
    return None


def memory_enforcement() -> str:
    """How a render child's memory limit is enforced here: ``"rlimit"`` (by the kernel, in the
    child), ``"watchdog"`` (the parent samples its resident memory) or ``"none"``."""
    if rlimit_works():
        return "rlimit"
    if _psutil_module() is not None or _proc_readable():
        return "watchdog"
    return "none"


# --- time --------------------------------------------------------------------------------------

_trim: list = []  # [libc.malloc_trim or None] once looked up


def release_memory() -> bool:
    """Hand memory freed by the last task back to the system (glibc's ``malloc_trim``), so an idle
    render worker does not keep its high-water mark. Elsewhere (macOS, Windows, musl) a no-op:
    their allocators return large blocks on their own. True where it ran. (No ``gc.collect()``:
    it costs 30-90 ms in a warm worker, a third of a fact sheet; trimming costs under 1 ms.)"""
    if not _trim:
        try:
            import ctypes

            _trim.append(ctypes.CDLL("libc.so.6").malloc_trim)
        except (OSError, AttributeError, ImportError):
            _trim.append(None)
    if _trim[0] is None:
        return False
    _trim[0](0)
    return True


class SoftTimer:
    """Raises ``exc_type`` in the main thread ``seconds`` after :meth:`start`, while it runs Python code.

    Create it in the main thread (it installs a signal handler). Ctrl-C (SIGINT) is ignored in
    both methods: it is the parent's business. :attr:`method` is ``"setitimer"`` or ``"thread"``.
    """

    def __init__(self, exc_type: type[BaseException]) -> None:
        self.exc_type = exc_type
        self._lock = threading.RLock()  # re-entrant: the handler may run inside cancel()
        self._timer: threading.Timer | None = None
        self._fired = False
        if setitimer is not None and hasattr(signal, "SIGALRM") and not _simulated("setitimer"):
            self.method = "setitimer"
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGALRM, self._raise)
        else:  # the timer thread "interrupts" the main thread with a simulated SIGINT
            self.method = "thread"
            signal.signal(signal.SIGINT, self._on_interrupt)

    def _raise(self, signum, frame) -> None:
        raise self.exc_type()

    def _on_interrupt(self, signum, frame) -> None:
        with self._lock:
            fired, self._fired = self._fired, False
        if fired:
            raise self.exc_type()
        # a real Ctrl-C: ignored, as with SIG_IGN

    def _fire(self, timer: threading.Timer) -> None:
        import _thread

        with self._lock:
            if self._timer is not timer:  # cancelled meanwhile
                return
            self._fired = True
        _thread.interrupt_main(signal.SIGINT)

    def start(self, seconds: float) -> None:
        if self.method == "setitimer":
            setitimer(signal.ITIMER_REAL, seconds)
            return
        timer = threading.Timer(seconds, lambda: self._fire(timer))
        timer.daemon = True
        with self._lock:
            self._timer, self._fired = timer, False
        timer.start()

    def cancel(self) -> None:
        if self.method == "setitimer":
            setitimer(signal.ITIMER_REAL, 0)
            return
        with self._lock:
            timer, self._timer, self._fired = self._timer, None, False
        if timer is not None:
            timer.cancel()


# --- files -------------------------------------------------------------------------------------

_ELOOP = getattr(errno, "ELOOP", errno.EINVAL)


def _extra_flags(nonblocking: bool) -> int:
    extra = getattr(os, "O_CLOEXEC", 0) or getattr(os, "O_NOINHERIT", 0)
    extra |= getattr(os, "O_BINARY", 0)
    if nonblocking:
        extra |= getattr(os, "O_NONBLOCK", 0)  # never waits on a FIFO (POSIX)
    return extra


def nofollow_method() -> str:
    """``"O_NOFOLLOW"`` where the open itself refuses a link, else ``"lstat"`` (compare before/after)."""
    return "O_NOFOLLOW" if O_NOFOLLOW is not None and not _simulated("O_NOFOLLOW") else "lstat"


def open_nofollow(path: os.PathLike | str, flags: int = os.O_RDONLY, mode: int = 0o666, *,
                  nonblocking: bool = True, regular: bool = True) -> int:
    """A file descriptor for ``path`` (``os.open`` with ``flags``), never through a symlink.

    Adds close-on-exec (or no-inherit), binary mode and, with ``nonblocking``, ``O_NONBLOCK``
    where the system has them. A link raises ``OSError(ELOOP)``; with ``regular`` (the default)
    anything but a regular file raises ``OSError(EINVAL, "not a regular file")``. Without
    ``O_NOFOLLOW``, the file is ``lstat``-ed first and ``fstat``-ed after the open: both must be
    the same file (device and inode), so one swapped for a link in between is refused too.
    """
    flags |= _extra_flags(nonblocking)
    if nofollow_method() == "O_NOFOLLOW":
        fd = os.open(path, flags | O_NOFOLLOW, mode)
        before = None
    else:
        before = os.lstat(path)
        if stat.S_ISLNK(before.st_mode):
            raise OSError(_ELOOP, os.strerror(_ELOOP), str(path))
        if regular and not stat.S_ISREG(before.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        fd = os.open(path, flags, mode)
    try:
        after = os.fstat(fd)
        if before is not None and (before.st_dev, before.st_ino) != (after.st_dev, after.st_ino):
            raise OSError(_ELOOP, "changed into a link while being opened", str(path))
        if regular and not stat.S_ISREG(after.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def opened_path(fd: int) -> Path | None:
    """The real path of the file open as ``fd`` (Linux: ``/proc/self/fd``, macOS: ``F_GETPATH``),
    or None where the system cannot say."""
    link = f"/proc/self/fd/{fd}"
    if not _simulated("proc") and os.path.exists(link):
        try:
            return Path(os.readlink(link))
        except OSError:
            return None
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    if hasattr(fcntl, "F_GETPATH"):  # pragma: no cover - macOS
        try:
            raw = fcntl.fcntl(fd, fcntl.F_GETPATH, bytes(1024))
            return Path(os.fsdecode(raw.split(b"\0", 1)[0]))
        except OSError:
            return None
    return None


# --- child processes ---------------------------------------------------------------------------

def socket_popen_kwargs(sock) -> dict[str, Any]:
    """``subprocess.Popen`` keyword arguments that let the child use ``sock.fileno()`` as is
    (POSIX: ``pass_fds``; Windows: an inheritable handle in the child's handle list)."""
    if os.name == "nt":  # pragma: no cover - Windows
        import subprocess

        sock.set_inheritable(True)
        info = subprocess.STARTUPINFO(lpAttributeList={"handle_list": [sock.fileno()]})
        return {"startupinfo": info, "close_fds": True}
    return {"pass_fds": (sock.fileno(),)}


def watch_parent(parent: int, on_exit: Callable[[], None]) -> None:
    """Call ``on_exit`` (in a daemon thread) within half a second of process ``parent`` ending,
    even by SIGKILL. POSIX: the parent process id changes; Windows: wait on the process handle."""
    import time

    def watch_ppid() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        on_exit()

    target = watch_ppid
    if os.name == "nt":  # pragma: no cover - Windows: a dead parent's id is not replaced
        import _winapi

        try:
            handle = _winapi.OpenProcess(_winapi.SYNCHRONIZE, False, parent)
        except OSError:
            return

        def wait_handle() -> None:
            _winapi.WaitForSingleObject(handle, _winapi.INFINITE)
            on_exit()

        target = wait_handle

    threading.Thread(target=target, daemon=True, name="wildpress-parent-watch").start()


# --- programs -----------------------------------------------------------------------------------

def ghostscript_command() -> str | None:
    """The Ghostscript program on this system's PATH (its console name on Windows), or None."""
    import shutil

    names = ("gswin64c", "gswin32c", "gs") if sys.platform == "win32" else ("gs",)
    return next((found for found in map(shutil.which, names) if found), None)


# --- what cannot be enforced -------------------------------------------------------------------

def _system_name() -> str:
    return {"darwin": "macOS", "win32": "Windows"}.get(sys.platform, sys.platform)


def _unenforced(memory_mb: int) -> list[tuple[str, str]]:
    notes = []
    if memory_enforcement() == "none":
        why = ("no resource module" if _resource() is None else
               f"RLIMIT_AS is not enforced on {_system_name()}")
        notes.append(("memory", f"memory limit not enforced on this system ({why} and no psutil): a document "
                                f"may use more than {memory_mb} MB (`pip install psutil` enables it)"))
    return notes


def unenforced_limits(memory_mb: int) -> list[str]:
    """One sentence for each limit this system cannot enforce (empty where all are enforced).

    ``memory_mb`` is the memory limit to name: the caller's (``Limits.memory_mb`` of the build's
    settings), as this module sits below :mod:`wildpress.safety` and knows no limits of its own.
    The time and page limits hold everywhere (the parent kills a child that overruns).
    """
    return [sentence for _, sentence in _unenforced(memory_mb)]


_said: set[str] = set()


def limit_notes_once(memory_mb: int) -> list[str]:
    """:func:`unenforced_limits`, each limit at most once per process (later calls leave it out)."""
    notes = [(kind, sentence) for kind, sentence in _unenforced(memory_mb) if kind not in _said]
    _said.update(kind for kind, _ in notes)
    return [sentence for _, sentence in notes]


class StopSignal(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: raised in the main thread like Ctrl-C (a KeyboardInterrupt, so
    every cleanup that Ctrl-C runs -- workers stopped, ``.part`` files removed -- runs for it too).
    ``name`` is the signal's name, ``exit_code`` 128 + its number (143 for SIGTERM, 129 for SIGHUP)."""

    def __init__(self, name: str, number: int) -> None:
        super().__init__(name)
        self.name, self.exit_code = name, 128 + number


def stop_on_signals(names: tuple[str, ...] = ("SIGTERM", "SIGHUP")) -> Callable[[], None]:
    """Turn the signals of ``names`` this system has (Windows has no SIGHUP) into
    :class:`StopSignal`; returns what puts the old handlers back. Only the main thread can
    install handlers: elsewhere this does nothing. A signal the caller ignores (``nohup``) stays
    ignored."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(number, frame):
        raise StopSignal(signal.Signals(number).name, number)

    old = {}
    for name in names:
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            if signal.getsignal(number) is signal.SIG_IGN:
                continue
            old[number] = signal.signal(number, stop)
        except (OSError, ValueError):  # pragma: no cover - a signal this platform will not hand over
            continue

    def restore() -> None:
        for number, handler in old.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)  # None: not set from Python

    return restore


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the user's default browser (``wildpress serve --open``); False where none
    could be started (no display, no browser installed): the caller says so and goes on."""
    import webbrowser

    try:
        return bool(webbrowser.open(url, new=2))
    except webbrowser.Error:
        return False
