"""The render worker: limits, failures reported as messages, and a fresh child after each kill."""

from __future__ import annotations

import os
import signal
import time

import pytest

from wildpress import oscompat
from wildpress.errors import UsageError
from wildpress.safety.worker import Worker, WorkerFailure, apply, ping


@pytest.fixture(scope="module")
def worker():
    w = Worker(grace_s=1.0)
    yield w
    w.stop()


def test_calls_run_in_a_long_lived_child(worker):
    first = worker.call(ping, time_s=30, memory_mb=3072)
    assert first != os.getpid()
    assert worker.call(ping, time_s=30, memory_mb=3072) == first  # warm: the same child serves again


def test_wildpress_errors_come_back_as_themselves_and_keep_the_child(worker):
    from wildpress.printing.sizes import get_size

    pid = worker.call(ping, time_s=30, memory_mb=3072)
    with pytest.raises(UsageError, match="unknown paper size"):
        worker.call(apply, get_size, "no-such-paper", time_s=30, memory_mb=3072)
    assert worker.call(ping, time_s=30, memory_mb=3072) == pid


def test_other_exceptions_are_one_line_messages_and_replace_the_child(worker):
    pid = worker.call(ping, time_s=30, memory_mb=3072)
    with pytest.raises(WorkerFailure, match=r"rendering failed: ValueError: invalid literal"):
        worker.call(apply, int, "twelve", time_s=30, memory_mb=3072)
    assert worker.call(ping, time_s=30, memory_mb=3072) != pid


def test_time_limit_interrupts_python_code(worker):
    started = time.monotonic()
    with pytest.raises(WorkerFailure, match=r"took longer than 1 s and was stopped \(--time-limit\)") as err:
        worker.call(apply, time.sleep, 30, time_s=1, memory_mb=3072)
    assert err.value.reason == "timeout" and time.monotonic() - started < 5


@pytest.mark.skipif(not (hasattr(signal, "pthread_sigmask") and hasattr(signal, "SIGALRM")),
                    reason="blocks SIGALRM: POSIX only (tests/test_portable.py covers the timer thread)")
def test_a_child_that_ignores_the_timer_is_killed(worker):
    worker.call(apply, signal.pthread_sigmask, signal.SIG_BLOCK, [signal.SIGALRM], time_s=30, memory_mb=3072)
    started = time.monotonic()
    with pytest.raises(WorkerFailure, match="took longer than 1 s"):
        worker.call(apply, time.sleep, 30, time_s=1, memory_mb=3072)
    assert time.monotonic() - started < 5  # 1 s limit + 1 s grace, then SIGKILL
    assert isinstance(worker.call(ping, time_s=30, memory_mb=3072), int)  # and replaced


@pytest.mark.skipif(oscompat.memory_enforcement() == "none", reason="no memory limit on this system (see "
                    "oscompat.unenforced_limits)")
def test_memory_limit(worker):
    with pytest.raises(WorkerFailure, match=r"needed more than 512 MB of memory and was stopped") as err:
        worker.call(apply, bytearray, 3 * 1024 ** 3, time_s=30, memory_mb=512)
    assert err.value.reason == "memory"
    assert isinstance(worker.call(ping, time_s=30, memory_mb=3072), int)


def test_a_child_that_dies_is_reported_and_replaced(worker):
    with pytest.raises(WorkerFailure, match=r"the render process stopped unexpectedly \(exit code 3\)"):
        worker.call(apply, os._exit, 3, time_s=30, memory_mb=3072)
    assert isinstance(worker.call(ping, time_s=30, memory_mb=3072), int)


def test_python_api_works_from_an_unguarded_script(tmp_path):
    """The worker never re-runs the caller's __main__ (no `if __name__ == "__main__"` needed),
    and never imports modules from the current (project) folder."""
    import subprocess
    import sys

    from conftest import SAMPLES

    (tmp_path / "jinja2.py").write_text("raise SystemExit('imported from the project folder')\n")
    script = tmp_path / "make.py"
    script.write_text("from wildpress import build\n"
                      f"result = build([{str(SAMPLES / 'axolotl.yaml')!r}], sizes=['A4'], out_dir='out')\n"
                      "print('built', len(result.outputs))\n")
    run = subprocess.run([sys.executable, "-P", str(script)] if sys.version_info >= (3, 11) else
                         [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "built 1"
    assert (tmp_path / "out" / "axolotl-factsheet-a4.pdf").is_file()
