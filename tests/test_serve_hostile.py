"""`wildpress serve` against a hostile page and a hostile output folder (issue 18): the Host
header is checked (DNS rebinding), only what wildpress wrote is served and never through a link,
strict security headers; and `wildpress preview` caps pages and pixels (a 20,000-page PDF)."""

from __future__ import annotations

import http.client
import json
import os
import re
import time
from pathlib import Path

import pytest

from wildpress.runner.manifest import MANIFEST, Manifest
from wildpress.site import preview
from wildpress.site.serve_http import Live, start_server

PDF_NAME = "red-fox-factsheet-a4.pdf"


def many_page_pdf(pages: int) -> bytes:
    """A valid PDF of ``pages`` blank A4 pages, written directly (20,000 pages take milliseconds;
    pikepdf reads it back to prove it well formed)."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def output_folder(out: Path, pdfs: dict[str, int]) -> Path:
    """An output folder as a build leaves it: PDFs recorded in the manifest, thumbnails, the sheet."""
    out.mkdir(parents=True)
    manifest = Manifest(out)
    for name, pages in pdfs.items():
        data = many_page_pdf(pages)
        (out / name).write_bytes(data)
        manifest.record(name, "0" * 64, data, out / name, f"{name} / factsheet / A4", ["data/species/x.yaml"])
    manifest.save()
    preview.write_preview(out, root=out.parent)
    return out


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    out = output_folder(root / "out", {PDF_NAME: 2})
    (root / "outside.txt").write_text("secret outside the output folder", "utf-8")
    (out / "notes.txt").write_text("not written by wildpress", "utf-8")
    live = Live(out)
    live.finished(out)
    server = start_server(live, 0)
    yield server.server_address[1], out, live
    server.shutdown()
    server.server_close()


def get(port: int, path: str, host: str | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host=True)
        if host != "":
            conn.putheader("Host", host or f"127.0.0.1:{port}")
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def thumbnail_path(out: Path) -> str:
    digest = json.loads((out / MANIFEST).read_text("utf-8"))["outputs"][PDF_NAME]["sha256"]
    return f"/.wildpress-preview/{digest}/page-001.png"


# -- 1. the Host header -------------------------------------------------------------------------
def test_only_requests_addressed_to_the_server_by_name_are_answered(served):
    port, _, _ = served
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert get(port, "/", host)[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}",
                 f"localhost.evil.example:{port}", ""):
        status, headers, body = get(port, "/", host)
        assert status == 421, host
        assert b"wrong Host" in body and headers["content-type"].startswith("text/plain")
        assert headers["x-content-type-options"] == "nosniff"
        assert get(port, "/" + PDF_NAME, host)[0] == 421  # the PDFs too


def test_the_hosts_answered_follow_the_address_bound():
    from wildpress.site.serve_http import allowed_hosts

    assert allowed_hosts("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000"}
    assert allowed_hosts("::1", 8000) == {"[::1]:8000", "localhost:8000"}
    assert allowed_hosts("192.168.1.5", 80) == {"192.168.1.5:80"}


def test_bound_to_ipv6_loopback_it_answers_its_bracketed_name(served):
    import socket

    _, out, _ = served
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    live = Live(out)
    live.finished(out)
    server = start_server(live, 0, "::1")
    port = server.server_address[1]
    try:
        def ask(host):
            conn = http.client.HTTPConnection("::1", port, timeout=5)
            conn.putrequest("GET", "/", skip_host=True)
            conn.putheader("Host", host)
            conn.endheaders()
            status = conn.getresponse().status
            conn.close()
            return status

        assert ask(f"[::1]:{port}") == 200 and ask(f"localhost:{port}") == 200
        assert ask(f"evil.example:{port}") == 421
    finally:
        server.shutdown()
        server.server_close()


# -- 2. only what wildpress wrote, never through a link --------------------------------------
def test_the_sheet_its_thumbnails_and_the_recorded_pdfs_are_served(served):
    port, out, _ = served
    status, headers, body = get(port, "/" + PDF_NAME)
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert body == (out / PDF_NAME).read_bytes()
    status, headers, body = get(port, thumbnail_path(out))
    assert status == 200 and headers["content-type"] == "image/png" and body.startswith(b"\x89PNG")
    status, headers, body = get(port, "/index.html")
    assert status == 200 and b'name="generator" content="wildpress' in body
    assert get(port, "/" + PDF_NAME, method="HEAD")[:2][0] == 200


@pytest.mark.parametrize("path", ["/notes.txt", "/" + MANIFEST, "/.wildpress-preview/", "/.wildpress-preview",
                                  "/../outside.txt", "/%2e%2e/outside.txt", "/..%2foutside.txt",
                                  "/.wildpress-preview/../notes.txt", "/nothing.pdf", "//etc/passwd",
                                  "/" + PDF_NAME + "%00.png", "/%ff%fe.pdf"])
def test_nothing_else_is_served(served, path):
    port, out, _ = served
    status, headers, body = get(port, path)
    assert status == 404, path
    assert b"secret" not in body and b"not written by wildpress" not in body
    assert headers["x-content-type-options"] == "nosniff"
    digest_folder = get(port, thumbnail_path(out).rsplit("/", 1)[0] + "/")
    assert digest_folder[0] == 404  # no listings
    assert get(port, thumbnail_path(out).replace("page-001.png", "meta.json"))[0] == 404


def test_links_in_the_output_folder_are_never_followed(tmp_path):
    out = output_folder(tmp_path / "out", {PDF_NAME: 1, "other.pdf": 1})
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 secret outside")
    foreign = tmp_path / "foreign.html"
    foreign.write_text('<meta name="generator" content="wildpress 9"><p>secret sheet</p>', "utf-8")
    (out / PDF_NAME).unlink()
    (out / PDF_NAME).symlink_to(secret)  # a recorded PDF swapped for a link to a file outside
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(foreign)  # the sheet swapped for a link, with wildpress's mark
    thumbs = out / ".wildpress-preview"
    digest = json.loads((out / MANIFEST).read_text("utf-8"))["outputs"]["other.pdf"]["sha256"]
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "page-001.png").write_bytes(b"\x89PNG secret")
    os.rename(thumbs / digest, tmp_path / "moved")
    (thumbs / digest).symlink_to(tmp_path / "elsewhere", target_is_directory=True)  # a thumbnail folder link
    live = Live(out)
    live.finished(out)
    server = start_server(live, 0)
    port = server.server_address[1]
    try:
        for path in ("/" + PDF_NAME, f"/.wildpress-preview/{digest}/page-001.png", "/", "/index.html"):
            status, _, body = get(port, path)
            assert status in (403, 404), path
            assert b"secret" not in body, path
        assert b"not the contact sheet wildpress wrote" in get(port, "/")[2]
        os.unlink(out / "index.html")
        (out / "index.html").write_text("<html><body>a foreign page</body></html>", "utf-8")
        assert get(port, "/")[0] == 403  # a regular file, but not the sheet wildpress wrote
        os.unlink(out / "index.html")
        status, _, body = get(port, "/")
        assert status == 200 and b"Building" in body  # no sheet yet: the waiting page
    finally:
        server.shutdown()
        server.server_close()


# -- 3. headers and the token ------------------------------------------------------------------
def test_html_pages_send_a_strict_policy_with_a_fresh_nonce(served):
    port, _, _ = served
    nonces = set()
    for _ in range(2):
        status, headers, body = get(port, "/")
        assert status == 200
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        nonce = re.search(r"'nonce-([A-Za-z0-9_-]+)'", policy).group(1)
        nonces.add(nonce)
        page = body.decode("utf-8")
        tags = re.findall(r"<(script|style)\b([^>]*)>", page)
        assert {t for t, _ in tags} == {"script", "style"}
        assert all(f'nonce="{nonce}"' in attrs for _, attrs in tags), tags  # every inline block allowed
        assert " style=" not in page and " onload=" not in page  # no inline attributes (they would be blocked)
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
    assert len(nonces) == 2  # made afresh for every page


def test_other_methods_and_malformed_requests_get_a_short_text(served):
    port, _, _ = served
    for method in ("POST", "PUT", "DELETE"):
        status, headers, body = get(port, "/", method=method)
        assert status == 501 and headers["content-type"].startswith("text/plain"), method
        assert headers["x-content-type-options"] == "nosniff" and b"<" not in body


def test_every_answer_sends_nosniff_and_no_referrer(served):
    port, out, live = served
    for path in ("/" + PDF_NAME, thumbnail_path(out), "/missing", f"/__version?token={live.token}"):
        _, headers, _ = get(port, path)
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert "content-security-policy" not in headers or path == "/"


def test_the_reload_poll_needs_this_runs_token(served):
    port, _, live = served
    assert get(port, "/__version")[0] == 403
    assert get(port, "/__version?token=guess")[0] == 403
    status, headers, body = get(port, f"/__version?token={live.token}")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body) == {"version": 1, "building": False}
    assert f"token={live.token}".encode() in get(port, "/")[2]  # the page has it, other origins cannot read it
    assert Live(live.out).token != live.token


# -- 4. preview caps ---------------------------------------------------------------------------
def test_a_20000_page_pdf_is_previewed_to_the_page_cap_quickly(tmp_path):
    import pikepdf

    started = time.monotonic()
    out = output_folder(tmp_path / "out", {"huge.pdf": 20000})
    seconds = time.monotonic() - started
    assert len(pikepdf.open(out / "huge.pdf").pages) == 20000
    folder = next((out / ".wildpress-preview").iterdir())
    assert len(list(folder.glob("page-*.png"))) == preview.MAX_PAGES
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta["pages"] == 20000 and meta["complete"] is True
    sheet = (out / "index.html").read_text("utf-8")
    assert f"20000 pages: thumbnails of the first {preview.MAX_PAGES} only" in sheet
    assert "20000 pages ·" in sheet  # the card counts every page
    assert f"+ {20000 - preview.SHOWN_PAGES} more pages" in sheet
    assert seconds < 60, seconds


def test_the_pixels_of_one_preview_run_are_capped_and_the_next_run_goes_on(tmp_path, monkeypatch):
    one_page = 320 * 453  # an A4 thumbnail: 320 px on the short side
    monkeypatch.setattr(preview, "MAX_RUN_PIXELS", one_page * 3)
    out = output_folder(tmp_path / "out", {"a.pdf": 2, "b.pdf": 3})
    sheet = (out / "index.html").read_text("utf-8")
    assert sheet.count("this preview run reached its limit of 0.435 megapixels") == 1  # on b.pdf's card only
    assert "thumbnails of pages 2–3 left out" in sheet
    pngs = sorted(p.relative_to(out) for p in (out / ".wildpress-preview").rglob("page-*.png"))
    assert len(pngs) == 3
    preview.write_preview(out, root=out.parent)  # the next run renders the rest
    pngs = sorted(p.relative_to(out) for p in (out / ".wildpress-preview").rglob("page-*.png"))
    assert len(pngs) == 5
    assert "reached its limit" not in (out / "index.html").read_text("utf-8")


def test_host_option_binds_and_answers_only_that_name(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from wildpress.cli import main
    from wildpress.site import serve as serve_module
    from wildpress.site.serve_http import allowed_hosts, check_host

    seen = {}
    monkeypatch.setattr(serve_module, "serve", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.chdir(tmp_path)
    quiet = CliRunner().invoke(main, ["serve", "--host", "localhost"])
    assert quiet.exit_code == 0 and seen["host"] == "localhost" and "warning" not in quiet.output
    shown = CliRunner().invoke(main, ["serve", "--host", "192.168.1.20"])
    assert shown.exit_code == 0 and seen["host"] == "192.168.1.20"
    assert "anyone on your network who can reach this machine can see the previews" in shown.output
    bad = CliRunner().invoke(main, ["serve", "--host", "evil\x1b]0;x\x07 host"])
    assert bad.exit_code == 2 and "not an IP address or a host name" in bad.output and "\x1b" not in bad.output
    assert check_host("::1") and check_host("127.0.0.1") and not check_host("studio.local")
    assert allowed_hosts("192.168.1.20", 8000) == {"192.168.1.20:8000"}
    assert allowed_hosts("fe80::1", 8000) == {"[fe80::1]:8000"}
    assert allowed_hosts("::1", 8000) == {"[::1]:8000", "localhost:8000"}
