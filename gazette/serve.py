"""Live preview: build, serve public/ on 127.0.0.1, rebuild on changes, reload open pages.

Open pages hold a server-sent-events connection (a small script the server adds to HTML it
sends; the built files are never changed). A failed build shows its errors in the terminal
and over the page; the server keeps running and the next good build brings the page back.
"""

from __future__ import annotations

import http.server
import json
import os
import stat
import sys
import threading
from functools import partial
from pathlib import Path

from .build import build
from .errors import GazetteError, Report
from .project import Project
from .script import HANS

PREFIX = "/__gazette/"
WATCHED = ("seeds", "content", "layouts", "site.yaml")
LIVE_JS = """(function () {
  "use strict";
  var box = null;
  function show(errors) {
    if (!box) { box = document.createElement("div"); box.setAttribute("role", "alert"); box.id = "gazette-errors";
      box.className = "gazette-errors"; document.body.appendChild(box); }
    box.textContent = "构建失败 / build failed:\\n" + errors.join("\\n");
  }
  var events = new EventSource("/__gazette/events");
  var version = null;
  events.onmessage = function (e) {
    var state = JSON.parse(e.data);
    if (state.errors.length) { show(state.errors); return; }
    if (version !== null && state.version !== version) { location.reload(); return; }
    if (box) { location.reload(); return; }
    version = state.version;
  };
})();
"""
ERROR_CSS = (".gazette-errors{position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;white-space:pre-wrap;"
             "background:#7a0010;color:#fff;font:14px/1.5 monospace;padding:1em;z-index:99}")
PLACEHOLDER = (f"<!doctype html><html lang=\"{HANS}\"><head><meta charset=\"utf-8\"><title>构建失败</title>"
               "<link rel=\"stylesheet\" href=\"/__gazette/live.css\"></head><body><h1>构建失败</h1>"
               "<p>修正错误后页面会自动刷新。</p><script src=\"/__gazette/live.js\"></script></body></html>")


class LiveState:
    """The last build's outcome; waiting connections are woken when it changes."""

    def __init__(self) -> None:
        self.version = 0
        self.errors: list[str] = []
        self.changed = threading.Condition()
        self.building = threading.Lock()  # one rebuild at a time: the watcher's, or a request's

    def update(self, errors: list[str]) -> None:
        with self.changed:
            self.version += 0 if errors else 1
            self.errors = errors
            self.changed.notify_all()

    def snapshot(self) -> str:
        return json.dumps({"version": self.version, "errors": self.errors}, ensure_ascii=False)


class Handler(http.server.SimpleHTTPRequestHandler):
    state: LiveState
    project: Project

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "events":
            return self._events()
        if path == PREFIX + "live.js":
            return self._send(LIVE_JS.encode(), "text/javascript")
        if path == PREFIX + "live.css":
            return self._send(ERROR_CSS.encode(), "text/css")
        if not self._site_is_there():
            return self._send(PLACEHOLDER.encode(), "text/html; charset=utf-8", status=503)
        local = self._local(path)
        if local is None:
            return self.send_error(404, "File not found")
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            html = local.read_text(encoding="utf-8", errors="replace")
            tags = f'<link rel="stylesheet" href="{PREFIX}live.css"><script src="{PREFIX}live.js"></script>'
            return self._send(html.replace("</body>", tags + "</body>", 1).encode(), "text/html; charset=utf-8")
        if not local.exists() and self.state.errors and path in ("/", "/index.html"):
            return self._send(PLACEHOLDER.encode(), "text/html; charset=utf-8")
        return super().do_GET()

    def send_head(self):
        """The file a URL names, only inside public/: no link out of it, no NUL byte, no FIFO."""
        if self._local(self.path) is None:
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def _local(self, url: str) -> Path | None:
        try:
            local = Path(self.translate_path(url))
            real = local.resolve()
            mode = os.stat(real).st_mode
        except FileNotFoundError:  # answered 404 as any missing file
            return local
        except (ValueError, OSError, RuntimeError):  # a NUL byte, a name too long, a loop of links
            return None
        inside = real.is_relative_to(Path(self.directory).resolve())
        return local if inside and (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) else None

    def _site_is_there(self) -> bool:
        """public/ deleted while serving: built again at once, unless the last build failed (then the
        watcher builds when an input changes, and the page says the build failed)."""
        if os.path.isdir(self.directory):
            return True
        if not self.state.errors:
            rebuild(self.project, self.state)
        return os.path.isdir(self.directory)

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = None
        try:
            while True:
                with self.state.changed:
                    if seen == self.state.snapshot():
                        self.state.changed.wait(timeout=15)
                    current = self.state.snapshot()
                if current != seen:
                    self.wfile.write(f"data: {current}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
                seen = current
        except (BrokenPipeError, ConnectionResetError):
            return


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """One line, not a traceback; a browser that went away is no error at all."""
        problem = sys.exc_info()[1]
        if not isinstance(problem, (ConnectionError, TimeoutError)):
            print(f"error: answering a request failed: {problem!r}", file=sys.stderr)


def rebuild(project: Project, state: LiveState) -> None:
    report = Report()
    with state.building:
        try:
            result = build(project, report)
        except Exception as exc:  # a bug must not stop the preview: show it and keep serving
            report.errors.append(exc)  # type: ignore[arg-type]
            result = None
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    errors = [str(e) for e in report.errors]
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if result and not errors:
        print(f"built {result.articles} articles, {result.pages} pages in {result.seconds:.1f} s"
              if not result.skipped else "nothing changed")
    state.update(errors)


def watch(project: Project, state: LiveState, stop: threading.Event) -> None:
    from watchfiles import watch as watch_files
    paths = [project.root / name for name in WATCHED if (project.root / name).exists()]
    for _changes in watch_files(*paths, stop_event=stop, debounce=200, step=50):
        rebuild(project, state)


def serve(project: Project, port: int) -> int:
    state = LiveState()
    handler = type("BoundHandler", (Handler,), {"state": state, "project": project})
    try:  # before building: a busy port is known at once
        server = Server(("127.0.0.1", port), partial(handler, directory=str(project.public)))
    except (OSError, OverflowError) as exc:
        raise GazetteError(f"cannot serve on 127.0.0.1:{port}: {getattr(exc, 'strerror', None) or exc}",
                           hint="another program may use the port: choose another with --port, or --port 0 "
                                "for any free one") from None
    rebuild(project, state)
    stop = threading.Event()
    threading.Thread(target=watch, args=(project, state, stop), daemon=True).start()
    print(f"serving {project.public} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0
