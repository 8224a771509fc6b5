"""The HTTP side of ``wildpress serve``: what it answers, to whom, with which headers.

Hardened against a hostile page in the same browser and a hostile output folder:

* only requests whose ``Host`` is the address served (``127.0.0.1:PORT``, ``localhost:PORT``,
  ``[::1]:PORT`` when bound there) are answered; any other gets 421 (DNS rebinding);
* only what wildpress wrote is served: the contact sheet (``index.html`` carrying wildpress's
  generator mark), the PDFs the output folder's manifest records, and thumbnails
  ``.wildpress-preview/<sha256>/page-NNN.png``, and page views (:mod:`wildpress.site.page_view`,
  rendered on request from a recorded PDF whose bytes match its sha256); no listings, no other files, never through a
  link (every component is checked with ``lstat`` and the file opened with ``O_NOFOLLOW``);
* every answer sends ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``;
  HTML pages a strict Content-Security-Policy whose only inline style and script carry a nonce
  made afresh for every page, and ``X-Frame-Options: DENY``;
* ``/__version`` (the reload poll, read-only) needs the per-run token the page is given, and so does
  every route of the import page (:mod:`wildpress.site.import_page`); its POSTs also a same-origin
  ``Origin`` when the browser sends one.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import UsageError, WildpressError
from ..safety.confine import Refused
from ..oscompat import open_nofollow, opened_path
from .live_snippet import WAITING, live_snippet
from .page_view import VIEW_IMAGE, ViewBudget, page_html, render_view
from .preview import GENERATOR_MARK, PREVIEW_FOLDER, SHEET

HOST = "127.0.0.1"
MAX_SHEET_BYTES = 64 * 1024 * 1024
LONG_POLL_S = 20  # the reload poll is answered at once on a change, else after this
THUMBNAIL = re.compile(r"[0-9a-f]{64}/page-[0-9]{3,6}\.png")
TYPES = {".pdf": "application/pdf", ".png": "image/png"}

CSP = ("default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass
class Live:
    """What the server thread shares with the watcher: the folder served and the build's state."""

    out: Path
    version: int = 0
    building: bool = True
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))  # this run's, for /__version
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(init=False)  # notified when version or building change
    viewing: tuple[str, ...] = ()  # the outputs the page last said were on screen, first first
    views: ViewBudget = field(default_factory=ViewBudget)  # page views rendered since the last build
    _pdfs: tuple = (None, {})  # (manifest's lstat key, {output name: sha256}) last read

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def finished(self, out: Path, building: bool = False) -> None:
        """A new contact sheet is there (``building``: and the rebuild goes on): pages reload."""
        with self.lock:
            self.out, self.version, self.building = out, self.version + 1, building
            self.changed.notify_all()
        self.views.renew()

    def started(self) -> None:
        with self.lock:
            self.building = True
            self.changed.notify_all()

    def wait(self, version: int, building: str, seconds: float) -> tuple[int, bool]:
        """(version, building) once either differs from what the page shows, or after ``seconds``."""
        with self.lock:
            self.changed.wait_for(lambda: self.version != version or building not in ("0", "1")
                                  or self.building != (building == "1"), timeout=seconds)
            return self.version, self.building

    def pdfs(self, out: Path) -> dict[str, str]:
        """The PDFs the manifest of ``out`` records, with their sha256 (read again when it changes)."""
        from ..runner.manifest import MANIFEST, Manifest

        try:
            info = os.lstat(out / MANIFEST)
            key = (str(out), info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            return {}
        with self.lock:
            if self._pdfs[0] == key:
                return self._pdfs[1]
        names = {n: str(e.get("sha256") or "") for n, e in Manifest(out).outputs.items() if n.lower().endswith(".pdf")}
        with self.lock:
            self._pdfs = (key, names)
        return names


_HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")


def check_host(host: str) -> bool:
    """True if ``host`` (``--host``) keeps the server to this machine (a loopback address or
    localhost); False for another address or name of this machine. A value that is neither
    an IP address nor a host name is a UsageError naming it."""
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if not _HOST_NAME.match(host.lower()):
        raise UsageError(f"--host {host[:80]!r}: not an IP address or a host name "
                         "(such as 127.0.0.1, ::1, localhost or studio.local)")
    return host.lower() == "localhost"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` header values answered when serving on ``host``:``port``."""
    host = host.lower()
    name = f"[{host}]" if ":" in host else host  # an IPv6 address is written in brackets
    names = {name, "localhost"} if host in ("127.0.0.1", "localhost", "::1") else {name}
    return frozenset(f"{n}:{port}" for n in names)


class Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the contact sheet (made live), its thumbnails and the PDFs."""

    server_version = "wildpress"
    sys_version = ""

    def __init__(self, *args, live: Live, hosts: frozenset[str], desk=None, **kwargs) -> None:
        self.live, self.hosts, self.nonce, self.desk = live, hosts, "", desk
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the terminal shows builds, not requests

    immutable = False  # set for an answer named by the hash of what it shows (a thumbnail, a page view)

    def end_headers(self) -> None:
        # PDFs and the sheet change in place; a thumbnail's name holds its PDF's sha256, so the
        # browser keeps it across the reloads of a rebuild instead of fetching every one again
        self.send_header("Cache-Control", "private, max-age=86400, immutable" if self.immutable else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if self.nonce:
            self.send_header("Content-Security-Policy", CSP.format(nonce=self.nonce))
            self.send_header("X-Frame-Options", "DENY")
        super().end_headers()

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_POST(self) -> None:
        """Only the import page's requests change anything: this run's token, a same-origin Origin."""
        self.nonce = ""
        if (self.headers.get("Host") or "").strip().lower() not in self.hosts:
            return self._text(HTTPStatus.MISDIRECTED_REQUEST, "wrong Host", True)
        parts = urlsplit(self.path)
        if self.desk is None or not parts.path.startswith("/__import/"):
            return self.send_error(HTTPStatus.NOT_IMPLEMENTED, "only the import page takes a POST")
        origin = (self.headers.get("Origin") or "").lower()
        if origin and urlsplit(origin).netloc not in self.hosts:
            return self._text(HTTPStatus.FORBIDDEN, "forbidden: a request from another site", True)
        if parse_qs(parts.query).get("token") != [self.live.token]:
            return self._text(HTTPStatus.FORBIDDEN, "forbidden: this needs the token of this run", True)
        from .import_page import post

        post(self, self.desk, parts.path[len("/__import/"):])

    def _import(self, path: str, query: str, body: bool) -> None:
        """The import page and its preview images (GET, with this run's token)."""
        if self.desk is None or parse_qs(query).get("token") != [self.live.token]:
            return self._text(HTTPStatus.FORBIDDEN, "forbidden: open the import page from the contact sheet", body)
        if path == "/__import":
            from .import_page import page

            self.nonce = secrets.token_urlsafe(18)
            return self._send(page(self.nonce, self.live.token, self.desk.shown_path(self.desk.species)),
                              "text/html; charset=utf-8", body)
        found = re.fullmatch(r"/__import/image/(\d{1,3})\.png", path)
        image = self.desk.image(int(found[1])) if found else None
        if image is None:
            return self._text(HTTPStatus.NOT_FOUND, "not found", body)
        return self._send(image, "image/png", body)

    def _answer(self, body: bool) -> None:
        self.nonce, self.immutable = "", False  # set by an HTML page, a thumbnail only
        if (self.headers.get("Host") or "").strip().lower() not in self.hosts:
            return self._text(HTTPStatus.MISDIRECTED_REQUEST, "wrong Host: wildpress serve answers only "
                              + ", ".join(sorted(self.hosts)), body)
        parts = urlsplit(self.path)
        try:
            path = unquote(parts.path, errors="strict") if "%00" not in parts.path else ""
        except UnicodeDecodeError:  # percent-escapes that are not UTF-8: no name wildpress writes
            path = ""
        with self.live.lock:
            version, out, building = self.live.version, self.live.out, self.live.building
        if path == "/__version":
            asked = parse_qs(parts.query)
            if asked.get("token") != [self.live.token]:
                return self._text(HTTPStatus.FORBIDDEN, "forbidden: this needs the token of this run", body)
            recorded = self.live.pdfs(out)
            shown = tuple(n for n in asked.get("v", [])[:8] if n in recorded)
            if shown:
                self.live.viewing = shown
            seen = (asked.get("seen") or [""])[0]
            if seen.isdigit() and len(seen) < 12:  # the page's long poll: wait for a change
                version, building = self.live.wait(int(seen), (asked.get("building") or [""])[0], LONG_POLL_S)
            answer = {"version": version, "building": bool(building)}
            watched = (asked.get("o") or [""])[0]
            if watched:  # a page view's output: its PDF's sha256 now ("" when it has none)
                answer["digest"] = self.live.pdfs(out).get(watched, "") if "/" not in watched else ""
            data = json.dumps(answer).encode()
            return self._send(data, "application/json", body)
        if path in ("/", "/" + SHEET):
            return self._sheet(out, version, body)
        if path == "/__import" or path.startswith("/__import/"):
            return self._import(path, parts.query, body)
        if path == "/__view":
            return self._view(out, version, parts.query, body)
        name = path[1:]
        if name in self.live.pdfs(out) and "/" not in name:
            return self._file(out, [name], body)
        prefix = PREVIEW_FOLDER + "/"
        if name.startswith(prefix) and THUMBNAIL.fullmatch(name[len(prefix):]):
            return self._file(out, name.split("/"), body, immutable=True)
        view = VIEW_IMAGE.fullmatch(name[len(prefix):]) if name.startswith(prefix) else None
        if view:
            return self._view_image(out, view, body)
        return self._text(HTTPStatus.NOT_FOUND, "not found", body)

    def _view(self, out: Path, version: int, query: str, body: bool) -> None:
        """The page view of one page of a PDF the manifest records (see :mod:`.page_view`)."""
        asked = parse_qs(query)
        name = (asked.get("output") or [""])[0]
        digest = self.live.pdfs(out).get(name) if "/" not in name else None
        numbers = [(asked.get(k) or ["1" if k == "page" else "100"])[0] for k in ("page", "zoom")]
        if not digest or not all(n.isdigit() and len(n) < 7 for n in numbers):
            return self._text(HTTPStatus.NOT_FOUND, "not found: no such output", body)
        self.nonce = secrets.token_urlsafe(18)
        html = page_html(out, name, digest, int(numbers[0]), int(numbers[1]), self.nonce)
        if html is None:
            self.nonce = ""
            return self._text(HTTPStatus.NOT_FOUND, "not found: this output has no preview yet", body)
        snippet = live_snippet(self.nonce, version, self.live.token, name, digest)
        self._send(html.replace("</body>", snippet + "</body>").encode("utf-8"), "text/html; charset=utf-8", body)

    def _view_image(self, out: Path, view: re.Match, body: bool) -> None:
        """A page view image, rendered on first request from the PDF the manifest records with that sha256."""
        digest = view["digest"]
        name = next((n for n, d in self.live.pdfs(out).items() if d == digest and "/" not in n), None)
        if name is None:
            return self._text(HTTPStatus.NOT_FOUND, "not found", body)
        try:
            why = render_view(out, name, digest, int(view["page"]), int(view["ppi"]), self.live.views)
        except (OSError, WildpressError, Refused) as exc:
            why = f"could not render the page view: {exc}"
        if why is not None:
            return self._text(HTTPStatus.NOT_FOUND, f"not found: {why}", body)
        return self._file(out, [PREVIEW_FOLDER, digest, view.group(0).split("/")[1]], body, immutable=True)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The base class's errors (a malformed request, a method other than GET and HEAD) as a
        short text, with the same headers as every other answer."""
        self.close_connection = True
        self._text(HTTPStatus(code), message or HTTPStatus(code).phrase, getattr(self, "command", "") != "HEAD")

    def _sheet(self, out: Path, version: int, body: bool) -> None:
        """The contact sheet wildpress wrote, with the live-reload snippet; a waiting page while
        there is none yet; 403 for an ``index.html`` that is a link or not wildpress's."""
        html = _read_sheet(out)
        if html is None and os.path.lexists(out / SHEET):
            return self._text(HTTPStatus.FORBIDDEN, f"forbidden: {SHEET} in the output folder is not the "
                              "contact sheet wildpress wrote (a link, or another file)", body)
        self.nonce = secrets.token_urlsafe(18)
        if html is None:
            html = WAITING.format(nonce=self.nonce)
        else:
            html = html.replace("<style>", f'<style nonce="{self.nonce}">', 1)  # the sheet's own style
        snippet = live_snippet(self.nonce, version, self.live.token)
        html = html.replace("</body>", snippet + "</body>") if "</body>" in html else html + snippet
        self._send(html.encode("utf-8"), "text/html; charset=utf-8", body)

    def _file(self, out: Path, parts: list[str], body: bool, immutable: bool = False) -> None:
        fd = _open_inside(out, parts)
        if fd is None:
            return self._text(HTTPStatus.NOT_FOUND, "not found", body)
        with os.fdopen(fd, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            self.immutable = immutable
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", TYPES[os.path.splitext(parts[-1])[1].lower()])
            self.send_header("Content-Length", str(size))
            self.end_headers()
            while body and size > 0:
                chunk = handle.read(min(1 << 20, size))
                if not chunk:
                    break
                self.wfile.write(chunk)
                size -= len(chunk)

    def _text(self, status: HTTPStatus, text: str, body: bool) -> None:
        self.send_response(status)
        data = (text + "\n").encode("utf-8")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _send(self, data: bytes, kind: str, body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def _read_sheet(out: Path) -> str | None:
    """The text of ``out/index.html`` if it is a regular file bearing wildpress's generator mark."""
    fd = _open_inside(out, [SHEET])
    if fd is None:
        return None
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES or GENERATOR_MARK not in data[:4096]:
        return None
    return data.decode("utf-8", errors="replace")


def _open_inside(out: Path, parts: list[str]) -> int | None:
    """A descriptor of the regular file ``out/<parts>``: no component a link, every folder a real
    folder, the file opened without following a link (and, where the system names open files,
    checked to be where it was asked for); None otherwise."""
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    try:
        path = Path(out)
        for folder in parts[:-1]:
            path = path / folder
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return None
        path = path / parts[-1]
        fd = open_nofollow(path)
    except (OSError, ValueError):
        return None
    where = opened_path(fd)
    expected = Path(os.path.realpath(out)).joinpath(*parts)
    if where is not None and where != expected:
        os.close(fd)
        return None
    return fd


class QuietServer(ThreadingHTTPServer):
    """A browser that goes away in the middle of a PDF is no error worth a traceback."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def start_server(live: Live, port: int, host: str = HOST, desk=None) -> ThreadingHTTPServer:
    """Bind ``host``:``port`` (0: any free port) and serve in a daemon thread."""
    from functools import partial

    family = QuietServer
    if ":" in host:
        import socket

        family = type("IPv6Server", (QuietServer,), {"address_family": socket.AF_INET6})
    try:
        server = family((host, port), partial(Handler, live=live, hosts=frozenset()))
    except OSError as exc:
        raise UsageError(f"cannot serve on {host}:{port}: {(exc.strerror or str(exc)).lower()} "
                         "(choose another port with --port)") from None
    server.RequestHandlerClass = partial(Handler, live=live, hosts=allowed_hosts(host, server.server_address[1]),
                                         desk=desk)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="wildpress-serve", daemon=True).start()
    return server
