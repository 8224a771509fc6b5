"""The worker on every system: each platform call has a fallback, and what cannot be enforced is said.

Render workers are fresh interpreters, so a missing capability is simulated for them with
``oscompat.SIMULATE_ENV`` (set before the worker starts); in this process the module attributes
of :mod:`wildpress.oscompat` can be set to None as well.
"""

from __future__ import annotations

import ast
import errno
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLES
from wildpress import oscompat
from wildpress.errors import DataError, Refused, WorkerFailure
from wildpress.safety import worker as worker_module
from wildpress.safety.worker import Worker, apply, ping

NOTHING = "resource,setitimer,O_NOFOLLOW,psutil,proc"  # none of the platform helpers


def _no_default_context(monkeypatch):
    monkeypatch.setattr(worker_module, "_default_context", [None])


@pytest.fixture
def fresh_pool():
    """The build's pool restarted before and after: its workers see this test's environment only."""
    from wildpress.runner import pool

    pool.stop_all()
    yield pool
    pool.stop_all()


def test_a_worker_without_resource_setitimer_or_nofollow_still_renders(tmp_path, monkeypatch, fresh_pool):
    from wildpress import build

    monkeypatch.setenv(oscompat.SIMULATE_ENV, NOTHING)
    monkeypatch.chdir(tmp_path)
    oscompat._said.clear()
    result = build([SAMPLES / "axolotl.yaml"], sizes=["A4"], out_dir="out")
    assert result.notices == ["memory limit not enforced on this system (no resource module and no psutil): a "
                              "document may use more than 3072 MB (`pip install psutil` enables it)"]
    assert [Path(o.path).name for o in result.outputs] == ["axolotl-factsheet-a4.pdf"]
    assert (tmp_path / "out" / "axolotl-factsheet-a4.pdf").read_bytes().startswith(b"%PDF")
    child = fresh_pool._workers[0]  # the worker that rendered it ran on the fallbacks
    assert child.call(apply, oscompat.nofollow_method, time_s=30, memory_mb=3072) == "lstat"
    assert child.call(apply, oscompat.memory_enforcement, time_s=30, memory_mb=3072) == "none"
    assert child.call(apply, oscompat.limit_address_space, 2048, time_s=30, memory_mb=3072) is False
    notes = oscompat.unenforced_limits(2048)
    assert notes == ["memory limit not enforced on this system (no resource module and no psutil): a document "
                     "may use more than 2048 MB (`pip install psutil` enables it)"]


def test_each_unenforced_limit_is_said_once_per_process(monkeypatch):
    monkeypatch.setattr(oscompat, "_said", set())
    monkeypatch.setenv(oscompat.SIMULATE_ENV, NOTHING)
    first = oscompat.limit_notes_once(3072)
    assert len(first) == 1 and "\n" not in first[0] and "3072 MB" in first[0]
    assert oscompat.limit_notes_once(3072) == [] and oscompat.limit_notes_once(1024) == []
    assert len(oscompat.unenforced_limits(3072)) == 1  # the list itself is always complete


def test_nothing_to_say_where_the_limits_hold(monkeypatch):
    monkeypatch.delenv(oscompat.SIMULATE_ENV, raising=False)
    if sys.platform.startswith("linux") and oscompat.resource is not None:
        assert oscompat.memory_enforcement() == "rlimit" and oscompat.unenforced_limits(3072) == []
    monkeypatch.setenv(oscompat.SIMULATE_ENV, "resource")
    if os.path.exists("/proc/self/statm"):  # no RLIMIT_AS: the parent's watchdog is the limit
        assert oscompat.memory_enforcement() == "watchdog" and oscompat.unenforced_limits(3072) == []


def test_macos_ignores_rlimit_as_and_says_so(monkeypatch):
    if oscompat.resource is None:
        pytest.skip("no resource module here")
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv(oscompat.SIMULATE_ENV, "psutil,proc")
    assert not oscompat.rlimit_works() and oscompat.memory_enforcement() == "none"
    assert oscompat.limit_address_space(1024) is False  # never set where the kernel ignores it
    assert "(RLIMIT_AS is not enforced on macOS and no psutil)" in oscompat.unenforced_limits(1024)[0]


def test_psutil_is_used_for_the_watchdog_when_it_is_installed(monkeypatch):
    class Info:
        rss = 123 * 1024 * 1024

    class FakePsutil:
        @staticmethod
        def Process(pid):
            assert pid == 42
            return type("P", (), {"memory_info": staticmethod(lambda: Info())})()

    monkeypatch.setattr(oscompat, "_psutil", [FakePsutil])
    monkeypatch.setenv(oscompat.SIMULATE_ENV, "resource,proc")
    assert oscompat.memory_enforcement() == "watchdog" and oscompat.process_rss(42) == 123 * 1024 * 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc to sample memory without psutil")
def test_the_memory_watchdog_stops_a_child_without_rlimit(monkeypatch):
    monkeypatch.setenv(oscompat.SIMULATE_ENV, "resource,psutil")
    _no_default_context(monkeypatch)
    worker = Worker(grace_s=1.0)
    try:
        assert worker.call(apply, oscompat.limit_address_space, 512, time_s=30, memory_mb=3072) is False
        started = time.monotonic()
        with pytest.raises(WorkerFailure, match=r"needed more than 400 MB of memory and was stopped") as err:
            worker.call(apply, bytearray, 6 * 1024 ** 3, time_s=30, memory_mb=400)
        assert err.value.reason == "memory" and time.monotonic() - started < 10
        assert isinstance(worker.call(ping, time_s=30, memory_mb=3072), int)  # and replaced
    finally:
        worker.stop()


def test_the_time_limit_without_setitimer_interrupts_python_code(monkeypatch):
    monkeypatch.setenv(oscompat.SIMULATE_ENV, "setitimer")
    _no_default_context(monkeypatch)
    worker = Worker(grace_s=10.0)  # the child's own timer answers long before the parent's kill
    try:
        pid = worker.call(ping, time_s=30, memory_mb=3072)
        if hasattr(signal, "SIGINT") and os.name == "posix":
            os.kill(pid, signal.SIGINT)  # Ctrl-C is still the parent's business
            time.sleep(0.2)
            assert worker.call(ping, time_s=30, memory_mb=3072) == pid
        started = time.monotonic()
        with pytest.raises(WorkerFailure, match=r"took longer than 1 s and was stopped \(--time-limit\)") as err:
            worker.call(apply, exec, "while True: pass", time_s=1, memory_mb=3072)
        assert err.value.reason == "timeout" and time.monotonic() - started < 5
        assert worker.call(apply, sum, [1, 2], time_s=1, memory_mb=3072) == 3  # a fresh child, no late alarm
        time.sleep(1.2)
        assert isinstance(worker.call(ping, time_s=30, memory_mb=3072), int)
    finally:
        worker.stop()


def test_a_data_error_in_a_worker_reaches_the_parent_with_its_problems(tmp_path, monkeypatch):
    from wildpress.data.species import load_species
    from wildpress.safety.confine import read_regular

    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text((SAMPLES / "axolotl.yaml").read_text().replace("category: CR", "category: XX", 1)
                   .replace("year: 2019", "year: soon", 1))
    with pytest.raises(DataError) as here:
        load_species([bad])
    _no_default_context(monkeypatch)
    worker = Worker()
    try:
        with pytest.raises(DataError) as there:
            worker.call(apply, load_species, [bad], time_s=30, memory_mb=3072)
        assert there.value.problems == here.value.problems and len(there.value.problems) >= 1
        assert str(there.value) == str(here.value) and f"{bad}:" in str(there.value)  # file:line, as here
        assert all(p.line is not None for p in there.value.problems)
        with pytest.raises(Refused) as refused:
            worker.call(apply, read_regular, os.devnull, time_s=30, memory_mb=3072)
        assert refused.value.path == Path(os.devnull) and "not a regular file" in refused.value.reason
    finally:
        worker.stop()


def test_an_error_class_that_cannot_be_found_is_a_render_error():
    from wildpress.errors import RenderError

    exc = worker_module._rebuild_error("elsewhere", "Mystery", ("it broke",), {"x": 1})
    assert type(exc) is RenderError and str(exc) == "it broke"
    exc = worker_module._rebuild_error("wildpress.errors", "DataError", ("a: b",), None)  # state lost
    assert type(exc) is RenderError and str(exc) == "a: b"


@pytest.fixture(params=["O_NOFOLLOW", "lstat"])
def nofollow(request, monkeypatch):
    if request.param == "O_NOFOLLOW" and oscompat.O_NOFOLLOW is None:
        pytest.skip("no O_NOFOLLOW on this system")
    if request.param == "lstat":
        monkeypatch.setattr(oscompat, "O_NOFOLLOW", None)
    assert oscompat.nofollow_method() == request.param
    return request.param


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 100)
    finally:
        os.close(fd)


def test_open_nofollow_refuses_a_symlink(tmp_path, nofollow):
    target = tmp_path / "real.txt"
    target.write_text("real")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert _read(oscompat.open_nofollow(target)) == b"real"
    with pytest.raises(OSError) as err:
        oscompat.open_nofollow(link)
    assert err.value.errno == errno.ELOOP


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_open_nofollow_never_waits_on_a_fifo(tmp_path, nofollow):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as err:
        oscompat.open_nofollow(fifo)
    assert err.value.errno == errno.EINVAL and "not a regular file" in str(err.value)


def test_the_lstat_fallback_refuses_a_file_swapped_for_a_link_while_opening(tmp_path, monkeypatch):
    monkeypatch.setattr(oscompat, "O_NOFOLLOW", None)
    victim, secret = tmp_path / "photo.jpg", tmp_path / "secret"
    victim.write_text("photo")
    secret.write_text("secret")
    real_open = os.open

    def swapping_open(path, *args):  # the race: after the lstat, before the open
        if Path(path) == victim:
            victim.unlink()
            victim.symlink_to(secret)
        return real_open(path, *args)

    monkeypatch.setattr(os, "open", swapping_open)
    with pytest.raises(OSError, match="changed into a link while being opened") as err:
        oscompat.open_nofollow(victim)
    assert err.value.errno == errno.ELOOP


def test_confined_reading_works_on_the_fallback(tmp_path, monkeypatch):
    from wildpress.safety.confine import Confinement

    monkeypatch.setattr(oscompat, "O_NOFOLLOW", None)
    monkeypatch.setenv(oscompat.SIMULATE_ENV, "proc")  # and no /proc/self/fd: the identity check instead
    (tmp_path / "ok.txt").write_text("fine")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret")
    (tmp_path / "sneaky.txt").symlink_to(outside)
    confinement = Confinement((tmp_path.resolve(),))
    try:
        assert confinement.read_text(tmp_path / "ok.txt") == "fine"
        with pytest.raises(Refused, match="outside the project folder"):
            confinement.read_text(tmp_path / "sneaky.txt")
    finally:
        outside.unlink()


@pytest.mark.parametrize("platform, expected, absent", [
    ("linux", "`sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0` on Debian/Ubuntu", "pacman"),
    ("darwin", "install it with `brew install pango`.", "apt-get"),
    ("win32", "run `pacman -S mingw-w64-x86_64-pango` in its shell, and set WEASYPRINT_DLL_DIRECTORIES", "apt-get"),
])
def test_missing_pango_advice_names_the_platforms_own_fix(monkeypatch, platform, expected, absent):
    from wildpress.syslibs import missing_libraries_message

    monkeypatch.setattr(sys, "platform", platform)
    message = missing_libraries_message(OSError("cannot load library 'libpango-1.0-0': error 0x7e"))
    assert expected in message and absent not in message
    assert message.startswith("WeasyPrint cannot load the Pango text library it needs to make PDFs (cannot load")
    assert message.endswith(".") and ". " not in message and "\n" not in message  # one sentence
    if platform == "win32":
        assert "MSYS2" in message and "https://doc.courtbouillon.org/weasyprint/" in message


def test_the_sandbox_imports_nothing_from_layout():
    source = Path(worker_module.__file__).read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            assert "layout" not in (node.module or ""), ast.unparse(node)
        elif isinstance(node, ast.Import):
            assert not any("layout" in alias.name for alias in node.names), ast.unparse(node)


def test_a_worker_without_a_context_builds_no_renderer(monkeypatch):
    _no_default_context(monkeypatch)
    worker = Worker()
    try:
        loaded = worker.call(apply, eval, "'weasyprint' in __import__('sys').modules", time_s=30, memory_mb=3072)
    finally:
        worker.stop()
    assert loaded is False


def test_render_tasks_live_in_layout():
    from wildpress.layout import tasks

    assert not hasattr(worker_module, "render_job") and not hasattr(worker_module, "render_chunk")
    assert worker_module._default_context[0] is tasks.new_renderer  # importing tasks registers the renderer
    assert tasks.shared_worker() is worker_module.shared_worker()
