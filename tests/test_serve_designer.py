"""`wildpress serve` for designers (issue 19): --open, the last good previews kept on a failed
build, the page view at screen resolution, the reload poll that tells what is viewed."""

from __future__ import annotations

import webbrowser

from click.testing import CliRunner

from servecheck import restyled_project
from wildpress import oscompat
from wildpress.errors import UsageError


def test_open_in_browser_asks_the_default_browser_for_a_new_tab(monkeypatch):
    asked = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: asked.append((url, new)) or True)
    assert oscompat.open_in_browser("http://127.0.0.1:8000/") is True
    assert asked == [("http://127.0.0.1:8000/", 2)]

    def broken(url, new=0):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "open", broken)
    assert oscompat.open_in_browser("http://127.0.0.1:8000/") is False


def test_serve_open_opens_the_served_sheet_once_the_first_build_is_done(monkeypatch, tmp_path):
    from wildpress.site import serve as serve_module

    monkeypatch.chdir(tmp_path)
    opened, said = [], []

    def opener(url):
        opened.append(url)
        assert (tmp_path / "out" / "index.html").exists()  # the first sheet is written before
        raise KeyboardInterrupt  # as Ctrl-C: serve stops cleanly

    def prepare():
        raise UsageError("no species here")

    monkeypatch.setattr(oscompat, "open_in_browser", opener)
    serve_module.serve(prepare, tmp_path / "out", port=0, echo=said.append, open_browser=True)
    assert len(opened) == 1 and opened[0].startswith("http://127.0.0.1:") and opened[0].endswith("/")
    assert any(line.startswith("serving the contact sheet on " + opened[0]) for line in said) and said[-1] == "stopped"


def test_serve_says_so_when_no_browser_could_be_opened(monkeypatch, tmp_path):
    from wildpress.site import serve as serve_module

    monkeypatch.chdir(tmp_path)
    said = []

    def echo(line):
        said.append(line)
        if line.startswith("could not open a browser"):
            raise KeyboardInterrupt

    monkeypatch.setattr(oscompat, "open_in_browser", lambda url: False)
    serve_module.serve(lambda: (_ for _ in ()).throw(UsageError("none")), tmp_path / "out", port=0, echo=echo,
                       open_browser=True)
    assert any("open http://127.0.0.1:" in line and "yourself" in line for line in said)


def test_the_open_flag_reaches_serve(monkeypatch, tmp_path):
    from wildpress.cli import main
    from wildpress.site import serve as serve_module

    seen = {}
    monkeypatch.setattr(serve_module, "serve", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["serve", "--open"]).exit_code == 0 and seen["open_browser"] is True
    assert CliRunner().invoke(main, ["serve"]).exit_code == 0 and seen["open_browser"] is False


def test_a_failed_output_keeps_its_last_good_card_under_the_escaped_error(tmp_path, monkeypatch):
    from wildpress.cli import main
    from wildpress.runner.manifest import Manifest

    css = restyled_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["preview", "--jobs", "2"], catch_exceptions=False).exit_code == 0
    sheet = tmp_path / "out" / "index.html"
    good = [line for line in sheet.read_text("utf-8").splitlines() if "<img src=" in line]
    assert len(good) == 4  # two pages of two sheets
    css.write_text('.species-name {\n  font-sise: "<b>big</b>";\n}\n', "utf-8")
    run = CliRunner().invoke(main, ["preview", "--jobs", "2"], catch_exceptions=False)
    assert run.exit_code == 1 and "mine/mine.css:2:" in run.output
    text = sheet.read_text("utf-8")
    assert "No outputs yet" not in text and "<b>big</b>" not in text and "&lt;b&gt;big&lt;/b&gt;" in text
    assert text.index('id="failures"') < text.index("<article")  # the error above the pages
    assert "mine/mine.css:2:" in text
    assert [line for line in text.splitlines() if "<img src=" in line] == good  # the same thumbnails
    for name, entry in Manifest(tmp_path / "out").outputs.items():  # ...of the PDFs the manifest records
        assert (tmp_path / "out" / ".wildpress-preview" / entry["sha256"] / "page-001.png").is_file(), name
    assert text.count("last good: this build failed") == 2


def test_the_page_view_draws_at_the_zoom_resolution_within_its_pixel_cap():
    from wildpress.site.page_view import MAX_VIEW_PIXELS, VIEW_PPIS, _pixels, view_ppi

    a4, a0 = (595.28, 841.89), (2383.94, 3370.39)
    assert [view_ppi(a4, z) for z in (50, 100, 200)] == [96, 192, 384]  # 96 ppi a CSS inch, 2 px a CSS px
    assert view_ppi(a4, 400) < 768 and _pixels(a4, view_ppi(a4, 400)) <= MAX_VIEW_PIXELS  # capped, not refused
    assert all(_pixels(a0, view_ppi(a0, z)) <= MAX_VIEW_PIXELS or view_ppi(a0, z) == VIEW_PPIS[0] for z in (50, 400))


def test_the_reload_poll_records_what_is_viewed_and_waits_for_a_change(tmp_path):
    import json
    import threading
    import time
    from urllib.parse import quote

    from test_serve_hostile import PDF_NAME, get, output_folder
    from wildpress.site.serve_http import Live, start_server

    out = output_folder(tmp_path / "out", {PDF_NAME: 2, "other.pdf": 1})
    live = Live(out)
    live.finished(out)
    server = start_server(live, 0)
    port = server.server_address[1]
    try:
        ask = f"/__version?token={live.token}"
        assert get(port, f"/__version?token=wrong&v={PDF_NAME}")[0] == 403
        assert live.viewing == ()
        status, _, body = get(port, ask + f"&v=notes.txt&v={quote(PDF_NAME)}&v=other.pdf")
        assert status == 200 and json.loads(body) == {"version": 1, "building": False}
        assert live.viewing == (PDF_NAME, "other.pdf")  # only outputs the manifest records, in order
        started = time.monotonic()
        assert json.loads(get(port, ask + "&seen=0&building=0")[2])["version"] == 1  # differs: at once
        assert time.monotonic() - started < 1
        threading.Timer(0.5, lambda: live.finished(out, building=True)).start()
        started = time.monotonic()
        answer = json.loads(get(port, ask + "&seen=1&building=0")[2])  # waits for the next sheet
        assert answer == {"version": 2, "building": True} and 0.4 < time.monotonic() - started < 4
        digest = json.loads((out / ".wildpress-manifest.json").read_text("utf-8"))["outputs"]["other.pdf"]["sha256"]
        watched = json.loads(get(port, ask + "&o=other.pdf")[2])  # a page view: its PDF's sha256
        assert watched == {"version": 2, "building": True, "digest": digest}
        for name in ("gone.pdf", "../other.pdf", "preview/other.pdf"):  # nothing the manifest does not record
            assert json.loads(get(port, ask + f"&o={quote(name)}")[2])["digest"] == ""
    finally:
        server.shutdown()
        server.server_close()


def test_thumbnails_are_kept_by_the_browser_and_the_sheet_and_pdfs_never(tmp_path):
    from test_serve_hostile import PDF_NAME, get, output_folder, thumbnail_path
    from wildpress.site.serve_http import Live, start_server

    out = output_folder(tmp_path / "out", {PDF_NAME: 1})
    live = Live(out)
    live.finished(out)
    server = start_server(live, 0)
    port = server.server_address[1]
    try:
        status, headers, _ = get(port, thumbnail_path(out))  # named by its PDF's sha256: never changes
        assert status == 200 and "immutable" in headers["cache-control"]
        for path in ("/", "/" + PDF_NAME, "/nothing.png"):  # change in place, or not there
            assert get(port, path)[1]["cache-control"] == "no-store", path
    finally:
        server.shutdown()
        server.server_close()
