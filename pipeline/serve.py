"""Live preview for editors and translators: `make serve`.

Serves the HTML edition on localhost at once, builds a language's HTML the first time one
of its pages is asked for (its book PDF the first time the PDF is), and, on every change
of the sources or templates, rebuilds what the change concerns and someone is looking at
(the rest when it is next asked for), then reloads the browser. The PDF is laid out in
this process, which keeps the layout of the book's parts: after an edit only the parts
it changed are laid out again. A build error does not stop the server: the page shows it.
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
    """What the server shows: the last build's error (or none), who is listening, and
    which artefacts need building before they are served. An artefact is a language's
    HTML or its book PDF, `(lang, "html")` or `(lang, "pdf")`; `build(targets)` builds
    them (None: what is on disk is served as it is)."""

    FORMATS = ("html", "pdf")

    def __init__(self, build=None, languages=()):
        self.error = ""
        self.listeners: list[queue.Queue] = []
        self.lock = threading.Lock()
        self.build = build
        self.languages = list(languages)
        # to build before they are next served
        self.stale = {(lang, fmt) for lang in languages for fmt in self.FORMATS}
        self.viewed: set[tuple[str, str]] = set()  # rebuilt as soon as a change concerns them
        self.building = threading.Lock()

    def notify(self):
        with self.lock:
            for listener in self.listeners:
                listener.put("reload")

    def ensure(self, lang: str, fmt: str = "html") -> None:
        """Build an artefact first if it is stale (a request waits for it)."""
        self.viewed.add((lang, fmt))
        with self.building:
            if self.build and (lang, fmt) in self.stale:
                self.stale.discard((lang, fmt))
                self.build([(lang, fmt)])

    def changed(self, langs: list[str]) -> None:
        """Sources changed: rebuild what is being looked at, then reload the pages."""
        with self.building:
            self.stale.update((lang, fmt) for lang in langs for fmt in self.FORMATS)
            now = [(lang, fmt) for lang in langs for fmt in self.FORMATS
                   if (lang, fmt) in self.viewed]
            if self.build and now:
                self.stale.difference_update(now)
                self.build(now)
        if langs:
            self.notify()


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
        elif len(parts) == 2 and parts[0] == "strings" and Path(parts[1]).stem in languages:
            out.add(Path(parts[1]).stem)
        elif len(parts) >= 1 and parts[0] == "glossary":
            continue
        else:
            return list(languages)
    return [lang for lang in languages if lang in out]


def rebuild(project, edition: str, targets: list[tuple[str, str]], state: PreviewState,
            log) -> None:
    """Assemble each language once and render the asked formats, in this process: its
    layout of the book's parts stays warm, so a PDF after an edit lays out only the
    parts the edit changed."""
    started = time.monotonic()
    formats: dict[str, list[str]] = {}
    for lang, fmt in targets:
        formats.setdefault(lang, []).append(fmt)
    try:
        sources = project.checked_sources()
        for lang, fmts in formats.items():
            project.assemble(sources, lang, edition)
            project.render_many(lang, edition, fmts)
        state.error = ""
        done = ", ".join(f"{lang} ({', '.join(fmts)})" for lang, fmts in formats.items())
        log(f"built {done} in {time.monotonic() - started:.1f} s")
    except PipelineError as exc:
        state.error = "\n".join(d.format() for d in exc.diagnostics)
        log(f"build failed:\n{state.error}")


def make_handler(root: Path, state: PreviewState):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):  # keep the terminal for build messages
            pass

        def do_GET(self):
            if self.path == "/__events":
                return self._events()
            url = urlparse(self.path).path
            if url == "/" and state.languages:
                self.send_response(302)
                self.send_header("Location", f"/{state.languages[0]}/html/index.html")
                self.end_headers()
                return None
            steps = url.strip("/").split("/")
            lang = steps[0]
            if lang in state.languages:
                # the book's PDF lies in the language's folder; everything else is the HTML
                book_pdf = len(steps) == 2 and steps[1].endswith(".pdf")
                state.ensure(lang, "pdf" if book_pdf else "html")
            path = Path(self.translate_path(url))
            if path.is_dir():
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                return self._html(path)
            if path.suffix == ".html" and state.error:
                return self._html(None)
            return super().do_GET()

        def _html(self, path: Path | None):
            page = path.read_bytes() if path else b"<!DOCTYPE html><html><body></body></html>"
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

    from .book import of_sources
    from .load import load_sources

    loaded, _ = load_sources(project.sources, project.templates)
    book = of_sources(loaded)
    languages = list(book.languages) if book else []
    name = edition or (book.default_edition if book else "full")
    source_language = book.source_language if book else ""
    state = PreviewState(lambda targets: rebuild(project, name, targets, state, log), languages)
    server = http.server.ThreadingHTTPServer((host, port), make_handler(project.out / name, state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    first = languages[0] if languages else "en"
    pdf = project.layout(book).artefact(name, first, "pdf").name if book else "…pdf"
    log(f"preview at http://{host}:{port}/{first}/html/index.html, the PDF at "
        f"http://{host}:{port}/{first}/{pdf} — each is built when first opened and rebuilt "
        "on every change; Ctrl-C stops it")
    try:
        for changes in watchfiles.watch(project.sources, project.templates,
                                        watch_filter=lambda _, p: not any(
                                            part.startswith(".") for part in Path(p).parts)):
            changed = [Path(p) for _, p in changes]
            state.changed(affected_languages(changed, project.sources, languages,
                                             source_language))
    finally:
        server.shutdown()
