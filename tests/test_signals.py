"""SIGTERM and SIGHUP stop a build like Ctrl-C (issue 18): workers stopped, no ``.part`` left,
one line said, exit 128 + the signal's number."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wildpress.oscompat import StopSignal, stop_on_signals

POSIX_ONLY = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGTERM to a process is a kill on Windows")


def _build_until_first_pdf(tmp_path):
    """A real `python -m wildpress build` of the bundled samples (many PDFs, one worker), once it
    has written its first PDF: mid-build."""
    process = subprocess.Popen([sys.executable, "-m", "wildpress", "build", "-j", "1"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("wrote "):
            return process, seen
    process.kill()
    process.communicate()
    pytest.fail("the build wrote no PDF: " + "".join(seen))


def _children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (Linux: /proc; elsewhere none are looked for)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _state(pid: int) -> str:
    """The process's state letter from /proc (R, S, Z ...), or "gone"."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return "gone"


def _gone(pids: list[int], seconds: float = 10) -> bool:
    """True once none of ``pids`` runs any more (gone, or a zombie waiting to be reaped)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not [pid for pid in pids if _state(pid) not in ("gone", "Z")]:
            return True
        time.sleep(0.2)
    return False


@POSIX_ONLY
@pytest.mark.parametrize("name, code", [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_signal_mid_build_stops_it_cleanly(tmp_path, name, code):
    process, seen = _build_until_first_pdf(tmp_path)
    workers = _children(process.pid)
    process.send_signal(getattr(signal, name))
    out, err = process.communicate(timeout=60)
    output = "".join(seen) + out + err
    assert process.returncode == code, output
    assert f"stopped by {name}; the PDFs already written are whole" in err, output
    assert "Traceback" not in output and "Aborted" not in output, output
    written = list((tmp_path / "out").rglob("*"))
    assert not [p for p in written if p.name.endswith(".part")], written
    assert any(p.suffix == ".pdf" for p in written), written  # the first PDF stays, whole
    for pdf in (p for p in written if p.suffix == ".pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF"), pdf
    if sys.platform.startswith("linux"):  # no render worker outlives the build
        assert workers, "the build had no render worker"
        assert _gone(workers), workers
    again = subprocess.run([sys.executable, "-m", "wildpress", "build", "-j", "1"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr  # the next build finishes the rest, over what is there
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 14, again.stdout + again.stderr


@POSIX_ONLY
def test_stop_on_signals_raises_a_stop_signal_and_puts_the_old_handler_back():
    before = signal.getsignal(signal.SIGTERM)
    restore = stop_on_signals()
    try:
        with pytest.raises(StopSignal) as caught:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs at the next bytecode
        assert (caught.value.name, caught.value.exit_code) == ("SIGTERM", 143)
        assert isinstance(caught.value, KeyboardInterrupt)  # every Ctrl-C cleanup runs for it too
    finally:
        restore()
    assert signal.getsignal(signal.SIGTERM) == before


@POSIX_ONLY
def test_an_ignored_signal_stays_ignored():
    old = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        restore = stop_on_signals()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        restore()
    finally:
        signal.signal(signal.SIGHUP, old)


def test_a_signal_this_system_lacks_is_left_out():
    restore = stop_on_signals(("SIGNOSUCHTHING",))
    restore()  # nothing installed, nothing to put back
