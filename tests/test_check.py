"""`pipeline check`: the conformance gates pass on a freshly built book, and each one fails,
with a message that says what is wrong and where, on an artefact broken on purpose.

Real tools, no mocks: EPUBCheck and the Nu checker on the system Java, axe-core in the
system Chromium. A test is skipped only when its tool is absent, and says which."""

from __future__ import annotations

import re

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, TEMPLATES, run_cli, write_mini_book
from pipeline.checkers import axe, epubcheck, node_modules, nu, pdf

SLUG, EDITION, LANGS = "mini-book", "full", ("en", "uk")
SENTENCE = "As the Brno practice shows"  # from the mini book's introduction


def absent(*tools: str) -> str | None:
    """Why the given tools cannot run here, or None when they all can."""
    why = []
    for tool in tools:
        if tool == "java" and not (os.environ.get("PIPELINE_JAVA") or shutil.which("java")):
            why.append("Java (sudo make system-deps)")
        elif tool == "chromium":
            try:
                axe.chromium()
            except Exception:
                why.append("Chromium (sudo make system-deps)")
        elif tool in ("epubcheck", "playwright"):
            try:
                __import__(tool)
            except ImportError:
                why.append(f"the Python package {tool} (make venv)")
        elif tool in ("vnu-jar", "axe-core"):
            if not (node_modules.folder() / tool / "package.json").is_file():
                why.append(f"the npm package {tool} (make node_modules/.installed)")
    return "not installed: " + ", ".join(why) if why else None


def needs(*tools: str):
    reason = absent(*tools)
    if reason:
        pytest.skip(reason)


ALL_TOOLS = ("java", "chromium", "epubcheck", "playwright", "vnu-jar", "axe-core")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The mini book (see conftest) built once in both languages and all formats."""
    base = tmp_path_factory.mktemp("checked")
    sources, out = base / "sources", base / "out"
    write_mini_book(sources, intro=f"{SENTENCE} [@CZ-900], it works.")
    run_cli("build", "--sources", sources, "--out", out, check=True)
    return sources, out


def artefact(out: Path, lang: str, fmt: str) -> Path:
    if fmt == "html":
        return out / EDITION / lang / "html" / "index.html"
    return out / EDITION / lang / f"{SLUG}-{EDITION}-{lang}.{fmt}"


def copy_out(built, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(built[1] / EDITION, out / EDITION)
    return out


# ------------------------------------------------------------------ the whole check

def test_every_gate_passes_on_a_freshly_built_book(built):
    needs(*ALL_TOOLS)
    sources, out = built
    done = run_cli("check", "--sources", sources, "--out", out)
    assert done.returncode == 0, done.stderr
    # 2 languages: an EPUB each; every page of the sites and the decks (Nu); home, a
    # chapter and a profile (axe); the book, the deck and the sheets (PDF).
    for gate, files in (("epubcheck", 2), ("axe", 6), ("pdf", 6)):
        assert f"{gate}: {files} files, 0 errors" in done.stderr, done.stderr
    assert re.search(r"nu: \d+ files, 0 errors", done.stderr)
    assert "epubcheck: 2 files, 0 errors, 0 warnings" in done.stderr
    assert "Traceback" not in done.stderr


def test_json_report_lists_each_gate_and_every_problem(built, tmp_path):
    needs(*ALL_TOOLS)
    sources, _ = built
    out = copy_out(built, tmp_path)
    broken = artefact(out, "en", "html")
    broken.write_text(broken.read_text("utf-8").replace('<main id="main">',
                                                        '<main id="main">\n</span>', 1),
                      encoding="utf-8")
    done = run_cli("check", "--sources", sources, "--out", out, "--formats", "html,epub",
                   "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    gates = {g["name"]: g for g in report["gates"]}
    assert set(gates) == {"epubcheck", "nu", "axe", "links"}
    assert gates["epubcheck"]["files"] == 2 and gates["epubcheck"]["errors"] == 0
    assert gates["links"]["ran"] and gates["links"]["errors"] == 0
    assert gates["nu"]["errors"] >= 1
    problem = next(p for p in report["problems"] if p["code"] == "nu-error")
    assert problem["file"].endswith("en/html/index.html") and problem["line"] > 0


# ------------------------------------------------------------------ EPUBCheck

def test_an_epub_with_a_file_removed_fails_epubcheck_naming_the_file(built, tmp_path):
    needs("java", "epubcheck")
    sources, _ = built
    out = copy_out(built, tmp_path)
    epub = artefact(out, "en", "epub")
    with zipfile.ZipFile(epub) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    removed = next(info.filename for info, _ in entries if info.filename.endswith(".xhtml")
                   and "nav" not in info.filename)
    with zipfile.ZipFile(epub, "w") as z:
        for info, data in entries:
            if info.filename != removed:
                z.writestr(info, data)
    done = run_cli("check", "--sources", sources, "--out", out, "--formats", "epub")
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if "error:" in line]
    assert any("mini-book-full-en.epub/" in line and removed.split("/")[-1] in line
               and "[RSC-001]" in line for line in lines), done.stderr
    assert not any("mini-book-full-uk.epub" in line for line in lines), "uk is untouched"
    assert "epubcheck: 2 files, " in done.stderr
    assert "Traceback" not in done.stderr


def test_epubcheck_warnings_count_as_failures(built, tmp_path):
    needs("java", "epubcheck")
    out = copy_out(built, tmp_path)
    epub = artefact(out, "uk", "epub")
    with zipfile.ZipFile(epub) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(epub, "w") as z:
        for info, data in entries:
            if info.filename.endswith((".opf", ".ncx")):
                # An identifier marked as a UUID that is none: EPUBCheck warns (OPF-085).
                data = data.replace(b"urn:uuid:", b"urn:uuid:not-a-uuid-")
            z.writestr(info, data)
    findings = epubcheck.check([epub])
    assert findings.errors == 0 and findings.warnings == 1
    [problem] = findings.diagnostics
    assert problem.severity == "error" and problem.code == "OPF-085"
    assert problem.file.endswith("mini-book-full-uk.epub/EPUB/content.opf") and problem.line
    assert "EPUBCheck warning" in problem.hint


# ------------------------------------------------------------------ HTML: Nu and axe

def page_with_an_image_without_alt(built, tmp_path) -> Path:
    out = copy_out(built, tmp_path)
    page = artefact(out, "en", "html")
    html = page.read_text("utf-8")
    assert "<main id=\"main\">" in html
    page.write_text(html.replace('<main id="main">',
                                 '<main id="main">\n<img src="assets/chart.png">', 1),
                    encoding="utf-8")
    return page


def test_an_image_without_alt_is_an_axe_violation(built, tmp_path):
    needs("chromium", "playwright", "axe-core")
    page = page_with_an_image_without_alt(built, tmp_path)
    findings = axe.check([page])
    assert findings.ran and findings.errors >= 1
    problem = next(d for d in findings.diagnostics if d.code == "image-alt")
    assert problem.severity == "error" and problem.file.endswith("en/html/index.html")
    assert problem.field == "img" and 'src="assets/chart.png"' in problem.message
    assert "alternative text" in problem.message and "alt" in problem.hint


def test_an_image_without_alt_is_a_nu_error_with_its_line(built, tmp_path):
    needs("java", "vnu-jar")
    page = page_with_an_image_without_alt(built, tmp_path)
    line = page.read_text("utf-8").splitlines().index('<img src="assets/chart.png">') + 1
    findings = nu.check([page, artefact(built[1], "uk", "html")])
    [problem] = [d for d in findings.diagnostics if d.severity == "error"]
    assert findings.errors == 1 and problem.code == "nu-error"
    assert problem.file.endswith("en/html/index.html") and problem.line == line
    assert "“alt” attribute" in problem.message


# ------------------------------------------------------------------ PDF

def test_pdf_passes_with_a_sentence_of_its_text(built):
    findings = pdf.check({"en": artefact(built[1], "en", "pdf")}, TEMPLATES,
                         {"en": SENTENCE})
    assert findings.diagnostics == [] and findings.errors == 0


def test_pdf_without_the_language_sentence_fails(built):
    sentence = "Цього речення немає в книжці."
    findings = pdf.check({"uk": artefact(built[1], "uk", "pdf")}, TEMPLATES,
                         {"uk": sentence})
    [problem] = findings.diagnostics
    assert problem.code == "pdf-sentence-missing" and problem.severity == "error"
    assert problem.file.endswith("mini-book-full-uk.pdf")
    assert sentence in problem.message


def test_pdf_of_another_language_fails_on_its_document_language(built):
    findings = pdf.check({"uk": artefact(built[1], "en", "pdf")}, TEMPLATES)
    assert [(d.code, d.message) for d in findings.diagnostics] == [
        ("pdf-lang", "document language is `en`, expected `uk`")]


def test_pdf_with_fonts_that_are_not_ours_fails(built, tmp_path):
    # Templates whose stylesheet declares only the sans face and whose folder holds only
    # its file: the PDF's serif faces are then foreign.
    templates = tmp_path / "templates"
    (templates / "css").mkdir(parents=True)
    (templates / "fonts").mkdir()
    shutil.copy(TEMPLATES / "fonts" / "NotoSans-Regular.ttf", templates / "fonts")
    (templates / "css" / "print.css").write_text(
        '@font-face { font-family: "Book Sans"; src: url(fonts/NotoSans-Regular.ttf); }\n')
    findings = pdf.check({"en": artefact(built[1], "en", "pdf")}, templates)
    foreign = {d.message.split("`")[1].split("+")[-1] for d in findings.diagnostics
               if d.code == "pdf-foreign-font"}
    assert "Book-Serif" in foreign and "Book-Serif-Bold" in foreign
    assert "Book-Sans" not in foreign and "Book-Sans-Bold" not in foreign


def test_sample_sentence_is_found_across_line_breaks_and_hyphenation():
    text = "Partnerships be-\ntween NGOs and local\nauthor\u00adities work well-\nknown ways."
    assert pdf._contains(text, "Partnerships between NGOs and local authorities")
    assert pdf._contains(text, "work well-known ways.")
    assert not pdf._contains(text, "between NGOs and regional authorities")


# ------------------------------------------------------------------ missing things

def fake_build(tmp_path) -> Path:
    """Artefacts in the right places (their content does not matter here)."""
    out = tmp_path / "out"
    for lang in LANGS:
        for fmt in ("pdf", "epub", "html"):
            path = artefact(out, lang, fmt)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("not really", encoding="utf-8")
    return out


def test_missing_tools_are_one_clear_error_each_with_the_install_command(mini_book, tmp_path):
    out = fake_build(tmp_path)
    env = {"PIPELINE_JAVA": str(tmp_path / "no-java"),
           "PIPELINE_CHROMIUM": str(tmp_path / "no-chromium")}
    done = run_cli_env(env, "check", "--sources", mini_book, "--out", out,
                       "--formats", "epub,html")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert len([e for e in errors if "[no-java]" in e]) == 1, done.stderr
    assert len([e for e in errors if "[no-chromium]" in e]) == 1, done.stderr
    assert all("sudo make system-deps" in e for e in errors), errors
    assert "epubcheck: not run" in done.stderr and "axe: not run" in done.stderr


def test_missing_npm_packages_name_the_make_rule_that_installs_them(mini_book, tmp_path):
    needs("java")
    out = fake_build(tmp_path)
    done = run_cli_env({"PIPELINE_NODE_MODULES": str(tmp_path / "node_modules")},
                       "check", "--sources", mini_book, "--out", out, "--formats", "html")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the npm package `vnu-jar` is not installed" in done.stderr
    assert "make node_modules/.installed" in done.stderr


def test_nothing_built_is_one_error_per_language_pointing_at_make_build(mini_book, tmp_path):
    done = run_cli("check", "--sources", mini_book, "--out", tmp_path / "empty")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "[not-built]" in line]
    assert len(errors) == 2 and all("make build EDITION=full LANGS=en,uk" in e
                                    for e in errors), done.stderr


def run_cli_env(env: dict, *args):
    import subprocess
    import sys
    cmd = [sys.executable, "-m", "pipeline", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=900,
                          env={**os.environ, **env})


# ------------------------------------------------------------------ links

def test_a_link_that_leads_nowhere_is_an_error_with_its_line(built, tmp_path):
    from pipeline.checkers import links
    out = copy_out(built, tmp_path)
    page = artefact(out, "uk", "html")
    text = page.read_text("utf-8")
    page.write_text(text.replace("</main>", '<p><a href="gone.html">x</a> '
                                 '<a href="index.html#nowhere">y</a> '
                                 '<a href="../../../../outside.html">z</a> '
                                 '<a href="https://example.org/">w</a></p></main>', 1),
                    encoding="utf-8")
    line = page.read_text("utf-8")[:page.read_text("utf-8").index("gone.html")].count("\n") + 1
    findings = links.check(sorted(page.parent.glob("*.html")), out / EDITION)
    messages = [(d.line, d.message) for d in findings.diagnostics]
    assert messages == [(line, "link `gone.html` leads nowhere: no such file"),
                        (line, "link `index.html#nowhere` leads nowhere: no element `#nowhere` "
                               "in index.html"),
                        (line, "link `../../../../outside.html` leads out of the published "
                               "folder")], messages
