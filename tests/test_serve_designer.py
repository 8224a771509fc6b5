"""`wildpress serve` for designers (issue 19): --open, the last good previews kept on a failed
build, the page view at screen resolution, the reload poll that tells what is viewed."""

from __future__ import annotations

import webbrowser

from click.testing import CliRunner

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
