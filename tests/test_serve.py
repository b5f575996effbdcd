"""Live preview: which languages a change rebuilds, and errors shown in the page."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.request

from pipeline.serve import PreviewState, affected_languages, make_handler

LANGS = ["en", "uk", "pl", "cs"]


def test_a_translation_change_rebuilds_only_its_language(tmp_path):
    src = tmp_path / "sources"
    assert affected_languages([src / "translations" / "pl" / "PL-002.yaml"], src, LANGS, "en") == ["pl"]
    assert affected_languages([src / "chapters" / "uk" / "foreword.md",
                               src / "translations" / "cs" / "book.yaml"], src, LANGS, "en") == ["uk", "cs"]
    assert affected_languages([src / "strings" / "pl.yaml"], src, LANGS, "en") == ["pl"]


def test_a_shared_change_rebuilds_every_language(tmp_path):
    src = tmp_path / "sources"
    assert affected_languages([src / "practices" / "PL-001.yaml"], src, LANGS, "en") == LANGS
    assert affected_languages([src / "chapters" / "en" / "intro.md"], src, LANGS, "en") == LANGS
    assert affected_languages([tmp_path / "templates" / "css" / "web.css"], src, LANGS, "en") == LANGS
    assert affected_languages([src / "glossary" / "uk.yaml"], src, LANGS, "en") == []


def test_pages_get_live_reload_and_show_the_last_build_error(tmp_path):
    page = tmp_path / "uk" / "html" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html><body><p>Текст</p></body></html>", encoding="utf-8")
    state = PreviewState()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(tmp_path, state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/uk/html/index.html"
    try:
        body = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
        assert "EventSource('/__events')" in body and "Текст" in body
        assert 'role="alert"' not in body

        state.error = "sources/practices/PL-001.yaml:3:1: error: title: <b>bad</b>"
        body = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
        assert 'role="alert"' in body
        assert "PL-001.yaml:3:1: error: title: &lt;b&gt;bad&lt;/b&gt;" in body
    finally:
        server.shutdown()


def test_the_preview_answers_at_once_and_builds_a_language_when_first_asked(mini_book, tmp_path):
    import socket
    import subprocess
    import sys
    import time

    from conftest import ROOT
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "out"
    server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port),
                               "--sources", mini_book, "--out", out], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "preview at" in server.stderr.readline()
        assert not (out / "full").exists(), "nothing is built before it is asked for"
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(f"http://127.0.0.1:{port}/", timeout=5)
            raise AssertionError("the root should redirect")
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302 and redirect.headers["Location"] == "/en/html/index.html"
        started = time.monotonic()
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/uk/html/intro.html",
                                      timeout=120).read().decode("utf-8")
        assert "EventSource" in page and 'lang="uk"' in page
        assert (out / "full" / "uk" / "html" / "intro.html").exists()
        assert not (out / "full" / "en").exists(), "only the language asked for is built"
        assert time.monotonic() - started < 120
        # the book PDF is built when it is first asked for, by the same process
        pdf = urllib.request.urlopen(f"http://127.0.0.1:{port}/uk/mini-book-full-uk.pdf",
                                     timeout=120).read()
        assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
        assert not (out / "full" / "en").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
