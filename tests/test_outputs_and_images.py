"""Output files (names, collisions, atomic writes, what is 'ours') and image checks (issue 8)."""

from __future__ import annotations

import errno
import os
import threading

import pytest

from wildpress.errors import OutputError
from wildpress.safety import outputs
from wildpress.safety.images import MAX_PIXELS, image_problem


def test_safe_names_are_sanitised_and_capped():
    assert outputs.safe_name("Lynx Cat$-factsheet-a4") == "lynx-cat--factsheet-a4.pdf"
    assert outputs.safe_name("../../x") == "x.pdf"
    long = outputs.safe_name("a" * 400)
    assert len(long) <= outputs.MAX_NAME and long.endswith(".pdf")
    assert long != outputs.safe_name("a" * 399)  # capped names stay distinct


def test_collisions_after_case_folding_name_both_sources():
    with pytest.raises(OutputError) as err:
        outputs.check_collisions([("Lynx-a4.pdf", "job one"), ("x.pdf", "job two"), ("lynx-a4.pdf", "job three")])
    assert "lynx-a4.pdf would be written by both job one and job three (as Lynx-a4.pdf: the same file on " \
           "case-insensitive disks)" in str(err.value)


def test_is_ours_never_blocks_on_a_fifo_or_reads_a_device(tmp_path):
    fifo = tmp_path / "x.pdf"
    os.mkfifo(fifo)
    result = []
    thread = threading.Thread(target=lambda: result.append(outputs.is_ours(fifo)), daemon=True)
    thread.start()
    thread.join(5)
    assert result == [False]
    link = tmp_path / "y.pdf"
    link.symlink_to("/dev/zero")
    assert outputs.is_ours(link) is False


def test_disk_full_is_a_message_and_leaves_no_part_file(tmp_path, monkeypatch):
    def full(fd, data):
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs, "_write", full)
    with pytest.raises(OutputError, match=r"cannot write .*x\.pdf: no space left on the disk"):
        outputs.write_atomically(tmp_path / "x.pdf", b"%PDF-1.7")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_at_the_output_path_is_reported(tmp_path):
    (tmp_path / "x.pdf").mkdir()
    with pytest.raises(OutputError, match="a folder of that name is in the way"):
        outputs.write_atomically(tmp_path / "x.pdf", b"%PDF-1.7", force=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_output_folder_fails_before_rendering(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            outputs.OutputFolder(out).prepare()
    finally:
        out.chmod(0o755)


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.slow
def test_a_96_megapixel_photo_passes_without_pillow_warnings():
    assert 96_000_000 < MAX_PIXELS
    assert image_problem(_png(10_000, 9_600), "big.png") is None  # filterwarnings=error: no DecompressionBombWarning


def test_pixel_cap_and_format_by_content():
    assert image_problem(_png(20_000, 10_000), "huge.png") == (
        "huge.png is 20000 x 10000 pixels (200 megapixels); the limit is 150 megapixels: scale it down")
    assert image_problem(b"\x89PNG\r\n\x1a\n" + b"junk" * 10, "fake.png").startswith("fake.png is damaged")
    assert image_problem(_png(10, 10), "named-like-a.jpg") is None  # the content decides, not the name


@pytest.mark.parametrize("svg, message", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', "x.svg: not valid SVG: mismatched tag at line 1, column 45"),
    ('<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg>&e;</svg>',
     "x.svg: SVG with a DTD or entities is not allowed (they can read other files)"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><use href="http://example.invalid/a.svg#x"/></svg>',
     "x.svg: SVG refers to http://example.invalid/a.svg#x; only parts of the same file and files beside it may be used"),
    ('<?xml version="1.0"?><html><svg/></html>', "x.svg: not an SVG image (its root element is <html>)"),
])
def test_svg_problems_have_real_reasons(svg, message):
    assert image_problem(svg.encode(), "x.svg") == message


def test_safe_svg_passes():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           '<defs><circle id="c" r="4"/></defs><use xlink:href="#c"/><image href="beside.png"/></svg>')
    assert image_problem(svg.encode(), "ok.svg") is None


def test_prepare_removes_what_a_killed_build_left_of_the_manifest_too(tmp_path):
    """SIGKILL in the middle of writing the manifest leaves '..wildpress-manifest.json.XXXX.part'."""
    from wildpress.safety.outputs import OutputFolder

    out = tmp_path / "out"
    out.mkdir()
    left = [out / "..wildpress-manifest.json.m24ooyuc.part", out / ".fox-factsheet-a4.pdf.k2j3h4.part"]
    kept = [out / ".notes.txt.abcdef.part", out / "mine.part"]
    for path in left + kept:
        path.write_text("x")
    OutputFolder(out).prepare()
    assert not any(p.exists() for p in left) and all(p.exists() for p in kept)
