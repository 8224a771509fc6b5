"""`wildpress serve` for designers in a real headless browser (issue 19): a CSS mistake keeps the
last good pages on screen under the error naming the stylesheet and line; a thumbnail opens a
page view at screen resolution with zoom.

Debian's chromium, driven by Playwright, as in tests/test_serve_browser.py.
"""

from __future__ import annotations

import time

import pytest

from servecheck import CHROMIUM, GOOD_CSS, browser_page, restyled_project, served_version, serving

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")



@pytest.fixture
def designer(tmp_path):
    """A project with a layout of its own (the fact sheet and one stylesheet on top), two species,
    served by `wildpress serve` in a subprocess; stopped with Ctrl-C afterwards."""
    css = restyled_project(tmp_path)
    with serving(tmp_path) as (port, proc):
        yield port, proc, css


def _settle(page, port: int, timeout: float = 90) -> None:
    """Wait until serve's round is over (a round reloads the page after each of its steps) and the
    page has reloaded with its last sheet: what is asserted next is not a page mid-reload."""
    import json
    import re
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
        token = re.search(r"/__version\?token=([A-Za-z0-9_-]+)", answer.read().decode("utf-8")).group(1)
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__version?token={token}", timeout=5) as answer:
            if not json.load(answer)["building"]:
                break
        assert time.monotonic() < deadline, "serve's round did not end"
        time.sleep(0.1)
    time.sleep(1)  # the page's poll is answered at once on the last sheet, and the page reloads
    page.wait_for_load_state("load")


def _images_loaded(page, timeout: float = 30) -> list[int]:
    """The natural width of every preview image on the page once all have finished loading (0: one
    did not load). Polled from here: the page's Content-Security-Policy forbids evaluated scripts."""
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate("Array.from(document.querySelectorAll('article img'))"
                              ".map(i => i.complete ? i.naturalWidth : -1)")
        if -1 not in state or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


def test_a_css_mistake_keeps_the_last_good_pages_under_the_error(designer, tmp_path):
    from playwright.sync_api import expect

    port, proc, css = designer
    fox = 'article[data-output="red-fox-mine-a4.pdf"]'
    with browser_page(1280, 900) as page:
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.locator(fox + " img").first).to_be_visible()
        before = page.locator(fox + " img").first.get_attribute("src")
        assert page.locator("article img").count() == 4
        assert min(_images_loaded(page)) > 100

        css.write_text(".species-name { font-sise: 3pt; }\n", "utf-8")  # the designer's typo
        failure = page.locator("#failures")
        expect(failure).to_contain_text("mine/mine.css:1:", timeout=90_000)
        _settle(page, port)
        expect(failure).to_contain_text("font-sise")
        expect(page.locator(".empty")).to_have_count(0)  # never "No outputs yet"
        expect(page.locator(fox + " .badge")).to_contain_text("last good")
        assert page.locator(fox + " img").first.get_attribute("src") == before  # the same pages as before
        widths = _images_loaded(page)
        assert len(widths) == 4 and min(widths) > 100, widths  # on screen, and loaded
        assert page.evaluate("document.querySelector('#failures').compareDocumentPosition("
                             f"document.querySelector('{fox}')) & Node.DOCUMENT_POSITION_FOLLOWING")
        page.screenshot(path=str(tmp_path / "last-good.png"), full_page=True)
        assert proc.poll() is None

        css.write_text(GOOD_CSS.replace("0.01em", "0.02em"), "utf-8")  # fixed
        expect(page.locator("#failures")).to_have_count(0, timeout=90_000)
        _settle(page, port)
        expect(page.locator(fox + " .badge")).to_have_text("built now")
        assert page.locator("article img").count() == 4


def _children(pid: int) -> set[int]:
    """The process ids of the descendants of ``pid`` (serve's render workers)."""
    import psutil

    return {child.pid for child in psutil.Process(pid).children(recursive=True)}


def _natural_width(page, selector: str, timeout: float = 60) -> int:
    """The natural width of the image ``selector`` once it has loaded (0 if it failed)."""
    deadline = time.monotonic() + timeout
    while True:
        width = page.evaluate(f"(i => i && i.complete ? i.naturalWidth : -1)(document.querySelector('{selector}'))")
        if width != -1 or time.monotonic() > deadline:
            return width
        time.sleep(0.1)


def test_a_thumbnail_opens_the_page_at_screen_resolution_with_zoom(designer, tmp_path):
    import urllib.error
    import urllib.request

    from playwright.sync_api import expect

    port, proc, css = designer
    with browser_page(1280, 900) as page:
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator('article[data-output="red-fox-mine-a4.pdf"] img').first.click()
        expect(page.locator("#where")).to_have_text("page 1 of 2")
        expect(page.locator("#zoom")).to_have_text("100%")
        # A4 on a 96-ppi screen is 794 CSS px wide, drawn at 2 image px per CSS px.
        assert page.evaluate("document.querySelector('#page').getAttribute('width')") == "794"
        assert abs(_natural_width(page, "#page") - 1587) <= 1
        shown = page.evaluate("document.querySelector('#page').getBoundingClientRect().width")
        assert abs(shown - 794) <= 1
        page.click("#zoom-in")
        expect(page.locator("#zoom")).to_have_text("150%")
        assert abs(_natural_width(page, "#page") - 2381) <= 1
        page.click("#next")
        expect(page.locator("#where")).to_have_text("page 2 of 2")
        expect(page.locator("#zoom")).to_have_text("150%")
        assert _natural_width(page, "#page") > 2000
        page.screenshot(path=str(tmp_path / "page-view.png"))
        source = page.evaluate("document.querySelector('#page').getAttribute('src')")
        digest = source.split("/")[2]
        page.click("#back")
        expect(page.locator("article img").first).to_be_visible()
    for path in ("/__view?output=../wildpress.yaml", "/__view?output=nothing.pdf",
                 "/__view?output=red-fox-mine-a4.pdf&page=x",
                 f"/.wildpress-preview/{digest}/view-001-100.png",  # not a resolution of the page view
                 f"/.wildpress-preview/{digest}/view-009-192.png",  # no such page
                 f"/.wildpress-preview/{'0' * 64}/view-001-192.png"):  # no PDF recorded with this sha256
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
        refused.value.close()  # its socket, now (not whenever the collector gets to it)
        assert refused.value.code == 404, path
    views = sorted(p.name for p in (css.parents[2] / "out" / ".wildpress-preview" / digest).glob("view-*.png"))
    assert views == ["view-001-192.png", "view-001-288.png", "view-002-288.png"]


def test_the_output_on_screen_is_rebuilt_first_and_the_rest_follows(designer, tmp_path):
    from playwright.sync_api import expect

    port, proc, css = designer
    log = tmp_path / "serve.log"
    fox, leopard = 'article[data-output="red-fox-mine-a4.pdf"]', 'article[data-output="amur-leopard-mine-a4.pdf"]'
    with browser_page(900, 300) as page:  # one card on screen at a time
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator(fox).scroll_into_view_if_needed()  # the red fox's, second on the sheet
        page.evaluate(f"document.querySelector('{fox}').scrollIntoView()")
        time.sleep(1)  # the page says what it shows once scrolling has stopped
        before = {c: page.locator(c + " img").first.get_attribute("src") for c in (fox, leopard)}
        workers = _children(proc.pid)
        assert len(workers) >= 1  # the render workers of the first build
        css.write_text(GOOD_CSS.replace("0.01em", "0.03em"), "utf-8")
        for card in (fox, leopard):
            expect(page.locator(card + " img").first).not_to_have_attribute("src", before[card], timeout=90_000)
            expect(page.locator(card + " .badge")).to_have_text("built now")
        expect(page.locator("#wp-live")).to_be_hidden(timeout=90_000)  # the round is over
        expect(page.locator(".badge", has_text="queued")).to_have_count(0)
        assert _children(proc.pid) == workers  # the same processes, warm: none started for the edit
    said = log.read_text("utf-8")
    assert "shown first: red-fox-mine-a4.pdf" in said, said
    assert "2 built, 0 up to date" in said, said  # each once over the round's steps


def test_with_no_card_on_screen_the_next_one_below_is_rebuilt_first(designer, tmp_path):
    from playwright.sync_api import expect

    port, proc, css = designer
    leopard = 'article[data-output="amur-leopard-mine-a4.pdf"]'
    with browser_page(900, 120) as page:  # the sheet's header only
        page.goto(f"http://127.0.0.1:{port}/")
        assert page.evaluate(f"document.querySelector('{leopard}').getBoundingClientRect().top") > 120
        before = page.locator(leopard + " img").first.get_attribute("src")
        time.sleep(0.5)
        css.write_text(GOOD_CSS.replace("0.01em", "0.04em"), "utf-8")
        expect(page.locator(leopard + " img").first).not_to_have_attribute("src", before, timeout=90_000)
        expect(page.locator("#wp-live")).to_be_hidden(timeout=90_000)
    assert "shown first: amur-leopard-mine-a4.pdf" in (tmp_path / "serve.log").read_text("utf-8")


def test_a_page_view_reloads_only_when_its_own_output_changed(designer, tmp_path):
    from playwright.sync_api import expect

    port, proc, css = designer
    fox = tmp_path / "data" / "species" / "red-fox.yaml"
    with browser_page(1280, 900) as page:
        page.goto(f"http://127.0.0.1:{port}/__view?output=amur-leopard-mine-a4.pdf&page=1&zoom=100")
        before = page.locator("#page").get_attribute("src")
        page.evaluate("window.wpKept = 1")  # gone if the page reloads
        version = served_version(port)
        fox.write_text(fox.read_text("utf-8").replace("to eat later", "to eat later on", 1), "utf-8")
        deadline = time.monotonic() + 90
        while served_version(port) == version:  # the red fox rebuilt: a new sheet
            assert time.monotonic() < deadline, "serve did not rebuild the red fox"
            time.sleep(0.1)
        _settle(page, port)  # the leopard's view stays as it was
        assert page.evaluate("window.wpKept") == 1
        css.write_text(GOOD_CSS.replace("0.01em", "0.05em"), "utf-8")  # the leopard's PDF changes
        expect(page.locator("#page")).not_to_have_attribute("src", before, timeout=90_000)
        assert page.evaluate("window.wpKept") is None
        assert _natural_width(page, "#page") > 1000
    assert "shown first: amur-leopard-mine-a4.pdf" in (tmp_path / "serve.log").read_text("utf-8")
