"""Live preview for editors and translators: `make serve`.

Serves the HTML edition on localhost, watches the sources and templates, rebuilds only
the HTML of the language a change concerns (every language when a shared file changes),
and reloads the browser. A build error does not stop the server: the page shows it.
"""

from __future__ import annotations

import html
import http.server
import queue
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from .diagnostics import PipelineError

RELOAD_SCRIPT = b"""<script>
(function () {
  var source = new EventSource('/__events');
  source.onmessage = function () { location.reload(); };
})();
</script>"""


class PreviewState:
    """What the server shows: the last build's error (or none), and who is listening."""

    def __init__(self):
        self.error = ""
        self.listeners: list[queue.Queue] = []
        self.lock = threading.Lock()

    def notify(self):
        with self.lock:
            for listener in self.listeners:
                listener.put("reload")


def affected_languages(changed: list[Path], sources: Path, languages: list[str],
                       source_language: str) -> list[str]:
    """The languages whose HTML a set of changed files can alter."""
    out = set()
    for path in changed:
        try:
            parts = path.resolve().relative_to(sources.resolve()).parts
        except ValueError:
            return list(languages)  # a template or a string: everything may change
        if len(parts) >= 2 and parts[0] in ("translations", "chapters", "glossary") \
                and parts[1] in languages and parts[1] != source_language:
            out.add(parts[1])
        elif len(parts) >= 1 and parts[0] == "glossary":
            continue
        else:
            return list(languages)
    return [lang for lang in languages if lang in out]


def rebuild(project, edition: str | None, langs: list[str], state: PreviewState, log) -> None:
    started = time.monotonic()
    try:
        sources = project.checked_sources()
        name = edition or sources.book_data["default_edition"]
        for lang in langs:
            project.assemble(sources, lang, name)
            project.render(lang, name, "html")
        state.error = ""
        log(f"rebuilt {', '.join(langs)} in {time.monotonic() - started:.1f} s")
    except PipelineError as exc:
        state.error = "\n".join(d.format() for d in exc.diagnostics)
        log(f"build failed:\n{state.error}")
    state.notify()


def make_handler(root: Path, state: PreviewState):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):  # keep the terminal for build messages
            pass

        def do_GET(self):
            if self.path == "/__events":
                return self._events()
            path = Path(self.translate_path(urlparse(self.path).path))
            if path.is_dir():
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                return self._html(path)
            return super().do_GET()

        def _html(self, path: Path):
            page = path.read_bytes()
            banner = b""
            if state.error:
                banner = (b'<pre role="alert" style="position:fixed;inset:auto 0 0 0;z-index:99;'
                          b'max-height:45vh;overflow:auto;margin:0;padding:1rem;background:#fff3f3;'
                          b'color:#7a0000;border-top:4px solid #b00020;font:14px/1.4 monospace;'
                          b'white-space:pre-wrap">' + html.escape(state.error).encode() + b"</pre>")
            page = page.replace(b"</body>", banner + RELOAD_SCRIPT + b"</body>", 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(page)

        def _events(self):
            listener: queue.Queue = queue.Queue()
            with state.lock:
                state.listeners.append(listener)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                while True:
                    try:
                        listener.get(timeout=15)
                        self.wfile.write(b"data: reload\n\n")
                    except queue.Empty:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with state.lock:
                    state.listeners.remove(listener)

    return Handler


def serve(project, edition: str | None, host: str, port: int, log) -> None:
    import watchfiles

    from .load import load_sources

    state = PreviewState()
    loaded, _ = load_sources(project.sources, project.templates)
    book = loaded.book_data
    languages = list(book.get("languages") or [])
    name = edition or book.get("default_edition", "full")
    rebuild(project, name, languages, state, log)
    root = project.out / name
    server = http.server.ThreadingHTTPServer((host, port), make_handler(root, state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    first = languages[0] if languages else "en"
    log(f"preview at http://{host}:{port}/{first}/html/index.html — Ctrl-C stops it")
    try:
        for changes in watchfiles.watch(project.sources, project.templates,
                                        watch_filter=lambda _, p: not any(
                                            part.startswith(".") for part in Path(p).parts)):
            changed = [Path(p) for _, p in changes]
            langs = affected_languages(changed, project.sources, languages,
                                       book.get("source_language", "en"))
            if langs:
                rebuild(project, name, langs, state, log)
    finally:
        server.shutdown()
