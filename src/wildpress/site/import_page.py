"""The import page's HTML and script, and its routes on the server (see :mod:`wildpress.site.import_desk`).

Routes (every one needs this run's token as ``?token=``; POSTs a same-origin ``Origin``):
``GET /__import`` the page; ``POST /__import/upload`` the table (body: its bytes,
``X-Filename``: its name); ``POST /__import/guess``, ``/preview``, ``/write`` with
``{"mapping": {column: field}}``; ``GET /__import/image/N.png`` a preview page.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from ..data.tables import MAX_TABLE_BYTES
from ..errors import WildpressError
from .import_desk import DeskError, parse_mapping

MAX_JSON_BODY = 1024 * 1024

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Import a table · wildpress</title>
<style nonce="{nonce}">
body{{font:15px/1.45 system-ui,sans-serif;background:#f3f0e8;color:#1d2521;margin:0;padding:28px 36px}}
h1{{font-size:24px;margin:0 0 4px}} p.lead{{margin:0 0 18px;color:#4a534e}}
#drop{{border:2px dashed #7a857f;border-radius:10px;padding:26px;text-align:center;background:#fbfaf6}}
#drop.over{{background:#e5efe8;border-color:#1f5a3c}}
table{{border-collapse:collapse;width:100%;margin:18px 0;background:#fff}}
th,td{{text-align:left;padding:6px 10px;border-bottom:1px solid #ddd8cc;vertical-align:top}}
th{{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:#4a534e}}
td.why{{color:#4a534e;font-size:13px}} td.cells{{font-size:13px;color:#333}} tr.dropped td{{background:#fbeee9}}
button{{font:inherit;padding:8px 18px;border-radius:999px;border:0;background:#1f5a3c;color:#fff;margin-right:8px;cursor:pointer}}
button:disabled{{opacity:.45;cursor:default}} #status{{margin:10px 0;font-weight:600}}
ul#problems{{color:#8a2b1d;font-size:13px}} #images img{{height:260px;margin:0 10px 10px 0;box-shadow:0 2px 8px rgba(0,0,0,.2)}}
#written li{{font-family:ui-monospace,monospace;font-size:13px}} a{{color:#1f5a3c}}
</style></head><body>
<h1>Import a table</h1>
<p class="lead">A CSV, Excel or JSON table of species: wildpress reads its columns, you check them, then it writes the
species files into <code id="target"></code>. <a href="/">Back to the contact sheet</a></p>
<div id="drop">Drop a table here, or <input type="file" id="file" accept=".csv,.tsv,.xlsx,.json"></div>
<div id="status" role="status"></div>
<table id="columns" hidden><thead><tr><th>Column</th><th>Field</th><th>Why</th><th>First cells</th></tr></thead>
<tbody></tbody></table>
<ul id="problems"></ul>
<p><button id="preview" disabled>Preview cards</button><button id="write" disabled>Write species files</button></p>
<div id="images"></div><ul id="written"></ul>
<script nonce="{nonce}">(function () {{
  var token = "{token}", fields = [], maxBytes = {max_bytes}, changed = {{}};
  var $ = function (id) {{ return document.getElementById(id); }};
  $("target").textContent = {target};
  function say(text) {{ $("status").textContent = text; }}
  function mapping() {{ return changed; }}  // only what the user chose: the rest is decided again, with its reason
  function post(path, body, headers) {{
    return fetch("/__import/" + path + "?token=" + token, {{method: "POST", body: body, headers: headers || {{}},
      cache: "no-store"}}).then(function (r) {{
        return r.json().then(function (d) {{ if (!r.ok) throw new Error(d.error || r.statusText); return d; }});
      }});
  }}
  function show(d) {{
    fields = d.fields;
    var body = $("columns").querySelector("tbody");
    body.textContent = "";
    d.columns.forEach(function (c) {{
      var tr = document.createElement("tr"), td, select = document.createElement("select");
      if (c.dropped) tr.className = "dropped";
      td = document.createElement("td"); td.textContent = c.column; tr.appendChild(td);
      select.dataset.column = c.column;
      var options = fields.indexOf(c.field) < 0 ? [c.field].concat(fields) : fields;
      options.forEach(function (f) {{ var o = document.createElement("option"); o.value = f; o.textContent = f;
        if (f === c.field) o.selected = true; select.appendChild(o); }});
      select.addEventListener("change", function () {{ changed[c.column] = select.value; run("guess"); }});
      td = document.createElement("td"); td.appendChild(select); tr.appendChild(td);
      td = document.createElement("td"); td.className = "why"; td.textContent = c.why; tr.appendChild(td);
      td = document.createElement("td"); td.className = "cells"; td.textContent = c.examples.join(" · "); tr.appendChild(td);
      body.appendChild(tr);
    }});
    $("columns").hidden = false;
    var list = $("problems"); list.textContent = "";
    d.problems.forEach(function (p) {{ var li = document.createElement("li"); li.textContent = p; list.appendChild(li); }});
    say(d.table + ": " + d.summary);
    $("preview").disabled = $("write").disabled = false;
  }}
  function run(what) {{
    say(what === "preview" ? "Rendering the first cards\\u2026" : "Reading the table\\u2026");
    return post(what, JSON.stringify({{mapping: mapping()}}), {{"Content-Type": "application/json"}}).then(function (d) {{
      show(d);
      if (what === "preview") {{
        var box = $("images"); box.textContent = "";
        for (var i = 0; i < d.images; i++) {{ var img = document.createElement("img");
          img.src = "/__import/image/" + i + ".png?token=" + token + "&v=" + Date.now(); img.alt = "Preview page " + (i + 1);
          box.appendChild(img); }}
      }}
    }}).catch(function (e) {{ say("Error: " + e.message); }});
  }}
  function upload(file) {{
    if (file.size > maxBytes) {{ say("Error: the table is larger than " + maxBytes + " bytes"); return; }}
    say("Reading " + file.name + "\\u2026"); changed = {{}};
    post("upload", file, {{"X-Filename": encodeURIComponent(file.name)}}).then(show)
      .catch(function (e) {{ say("Error: " + e.message); }});
  }}
  $("file").addEventListener("change", function () {{ if (this.files[0]) upload(this.files[0]); }});
  var drop = $("drop");
  drop.addEventListener("dragover", function (e) {{ e.preventDefault(); drop.className = "over"; }});
  drop.addEventListener("dragleave", function () {{ drop.className = ""; }});
  drop.addEventListener("drop", function (e) {{ e.preventDefault(); drop.className = "";
    if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]); }});
  $("preview").addEventListener("click", function () {{ run("preview"); }});
  $("write").addEventListener("click", function () {{
    say("Writing\\u2026");
    post("write", JSON.stringify({{mapping: mapping()}}), {{"Content-Type": "application/json"}}).then(function (d) {{
      var list = $("written"); list.textContent = "";
      d.written.concat(["mapping: " + d.mapping]).forEach(function (p) {{
        var li = document.createElement("li"); li.textContent = p; list.appendChild(li); }});
      say("Written: " + d.summary);
    }}).catch(function (e) {{ say("Error: " + e.message); }});
  }});
}})();</script></body></html>"""


def page(nonce: str, token: str, target: str) -> bytes:
    return PAGE.format(nonce=nonce, token=token, target=json.dumps(target), max_bytes=MAX_TABLE_BYTES).encode()


def post(handler, desk, route: str) -> None:
    """One POST to the import page, answered as JSON (an error as ``{"error": ...}`` with 400)."""
    try:
        length = int(handler.headers.get("Content-Length") or "-1")
    except ValueError:
        length = -1
    limit = MAX_TABLE_BYTES if route == "upload" else MAX_JSON_BODY
    if length < 0 or length > limit:
        return _json(handler, HTTPStatus.REQUEST_ENTITY_TOO_LARGE if length > limit else HTTPStatus.LENGTH_REQUIRED,
                     {"error": f"a body of at most {limit} bytes, with its Content-Length"})
    body = handler.rfile.read(length)
    try:
        if route == "upload":
            from urllib.parse import unquote

            answer = desk.upload(unquote(handler.headers.get("X-Filename") or "")[:200], body)
        elif route in ("guess", "preview", "write"):
            answer = getattr(desk, route)(parse_mapping(body))
        else:
            return _json(handler, HTTPStatus.NOT_FOUND, {"error": "not found"})
    except (DeskError, WildpressError) as exc:
        return _json(handler, HTTPStatus.BAD_REQUEST, {"error": str(exc)[:2000]})
    _json(handler, HTTPStatus.OK, answer)


def _json(handler, status: HTTPStatus, data: dict) -> None:
    encoded = json.dumps(data, ensure_ascii=True).encode()  # no raw character of a cell reaches the page
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(encoded)))
    handler.end_headers()
    handler.wfile.write(encoded)
