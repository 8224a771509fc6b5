"""The pages' live part in ``wildpress serve``: the reload poll, what is on screen, the links to
the page view and the import page; and the page shown while the first build runs.

The poll is a long poll (answered when the sheet changes, see
:meth:`wildpress.site.serve_http.Live.wait`) that tells the server which outputs are on screen
(``v=``, first first), so it rebuilds those first; scrolling says so again. A page view watches
its one output (``o=``): it is rebuilt first, and the view reloads only when that output's PDF
changed (the answer carries its sha256), not at every step of a rebuild of the others. Every
script and style carries the page's nonce (the Content-Security-Policy allows nothing else).
"""

import json


def live_snippet(nonce: str, version: int, token: str, watched: str = "", digest: str = "") -> str:
    """The live part of a page: the contact sheet (``watched`` empty) or the page view of the
    output ``watched``, whose PDF shown has the sha256 ``digest``."""
    def script_string(text: str) -> str:  # a JS string literal that cannot end the script element
        return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    return LIVE_SNIPPET.format(nonce=nonce, version=version, token=token, watched=script_string(watched),
                               digest=script_string(digest))


LIVE_SNIPPET = """
<div id="wp-live" role="status" hidden></div>
<style nonce="{nonce}">#wp-live{{position:fixed;right:18px;bottom:18px;z-index:9;background:#1d2521;color:#f3f0e8;
padding:8px 16px;border-radius:999px;font:13px/1.4 system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25)}}
#wp-live.off{{background:#a3261c}}</style>
<script nonce="{nonce}">(function () {{
  var seen = {version}, building = null, box = document.getElementById("wp-live");
  var watched = {watched}, digest = {digest};  // a page view's output and its PDF's sha256
  function show(text, off) {{ box.hidden = !text; box.textContent = text || ""; box.className = off ? "off" : ""; }}
  function viewing() {{  // the outputs on screen, first first (none on screen: the next ones below):
    if (watched) return "&v=" + encodeURIComponent(watched);
    var shown = [], below = [];  // serve rebuilds them before the others
    document.querySelectorAll("[data-output]").forEach(function (e) {{
      var box = e.getBoundingClientRect(), name = "&v=" + encodeURIComponent(e.getAttribute("data-output"));
      if (box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth) shown.push(name);
      else if (box.top >= innerHeight) below.push(name);
    }});
    return (shown.length ? shown : below).slice(0, 8).join("");
  }}
  function poll() {{  // answered at once when the state differs from what is shown, else when it changes
    fetch("/__version?token={token}&seen=" + seen + "&building=" + (building ? 1 : building === null ? "" : 0) + viewing() +
          (watched ? "&o=" + encodeURIComponent(watched) : ""),
          {{cache: "no-store"}}).then(function (r) {{ return r.json(); }}).then(function (d) {{
      if (d.version !== seen && !(watched && d.digest === digest)) {{ location.reload(); return; }}
      seen = d.version;
      building = d.building;
      show(d.building ? "Rebuilding\\u2026" : "", false);
      setTimeout(poll, 20);
    }}).catch(function () {{ show("wildpress serve is not running", true); setTimeout(poll, 2000); }});
  }}
  var moved = 0;
  function report() {{ fetch("/__version?token={token}" + viewing(), {{cache: "no-store"}}).catch(function () {{}}); }}
  ["scroll", "resize"].forEach(function (kind) {{
    addEventListener(kind, function () {{ clearTimeout(moved); moved = setTimeout(report, 150); }}, {{passive: true}});
  }});
  poll();
  document.querySelectorAll("article[data-output] .sheets a[href*='#page=']").forEach(function (a) {{
    var name = a.closest("article").getAttribute("data-output"), page = a.getAttribute("href").split("#page=")[1];
    a.href = "/__view?output=" + encodeURIComponent(name) + "&page=" + page + "&zoom=100";  // the page view
  }});
}})();</script>
<a id="wp-import" href="/__import?token={token}">Import a table</a>
<style nonce="{nonce}">#wp-import{{position:fixed;left:18px;bottom:18px;z-index:9;background:#f3f0e8;color:#1f5a3c;
padding:6px 14px;border-radius:999px;font:13px/1.4 system-ui,sans-serif;border:1px solid #1f5a3c}}</style>
"""

WAITING = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Building…</title>
<style nonce="{nonce}">body{{font:16px system-ui,sans-serif;background:#f3f0e8;color:#1d2521;padding:40px}}</style></head>
<body><p>Building… this page reloads when the contact sheet is ready.</p></body></html>"""
