"""Faults: a killed build leaves the previous artefact or none, never a truncated one;
the environment's failures are one clear message; hostile text never reaches output."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import ROOT, TEMPLATES, run_cli
from pipeline.build import Project
from pipeline.diagnostics import PipelineError
from pipeline.files import write_atomic


def pdf_is_whole(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") \
        and len(PdfReader(path).pages) > 0


def test_killing_a_pdf_render_never_leaves_a_truncated_pdf(mini_book, tmp_path):
    out = tmp_path / "out"
    run_cli("build", "--sources", mini_book, "--out", out, "--langs", "en", "--formats", "pdf",
            check=True)
    pdf = next((out / "full" / "en").glob("*.pdf"))
    assert pdf_is_whole(pdf)
    rng = random.Random(7)
    cmd = [sys.executable, "-m", "pipeline", "render", "--lang", "en", "--edition", "full",
           "--format", "pdf", "--sources", str(mini_book), "--out", str(out)]
    for n, sig in enumerate([signal.SIGKILL, signal.SIGTERM, signal.SIGINT] * 2):
        if n == 3:
            pdf.unlink()  # from here on there is no previous artefact
        process = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stderr
        if process.returncode not in (0, -signal.SIGKILL):
            assert process.returncode == 130, (sig, process.returncode, stderr)
            assert stderr.strip().splitlines()[-1].startswith("interrupted"), stderr
        assert not pdf.exists() or pdf_is_whole(pdf), f"truncated after {sig!r}"
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert pdf_is_whole(pdf)
    assert not list(pdf.parent.glob(".*.part")), "leftovers of killed runs are cleaned"


def test_a_failing_format_neither_stops_nor_hides_the_others(mini_book, tmp_path):
    # One render process makes all formats, pandoc's beside WeasyPrint's: when the HTML
    # fails, the PDF is still made whole, and the failure is reported once, clearly.
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "pandoc" / "site-parts.html").write_text("$if(broken$\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("build", "--sources", mini_book, "--templates", templates, "--out", out,
                   "--langs", "en", "--formats", "pdf,html")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("error:") == 1 and "site-parts.html" in done.stderr, done.stderr
    assert pdf_is_whole(next((out / "full" / "en").glob("*.pdf")))
    assert not (out / "full" / "en" / "html").exists()


def test_missing_or_old_pandoc_is_one_clear_message(mini_book, tmp_path):
    env = {**os.environ, "PIPELINE_PANDOC": str(tmp_path / "no-such-pandoc")}
    cmd = [sys.executable, "-m", "pipeline", "build", "--sources", str(mini_book), "--out",
           str(tmp_path / "out"), "--formats", "html"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1
    assert "error: pandoc does not run" in done.stderr and "Traceback" not in done.stderr

    old = tmp_path / "pandoc"
    old.write_text("#!/bin/sh\necho 'pandoc 2.5'\n")
    old.chmod(0o755)
    env["PIPELINE_PANDOC"] = str(old)
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1
    assert "pandoc 2.5 is too old; 3.1 or newer is needed" in done.stderr


def test_unwritable_output_is_one_clear_message(mini_book, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    done = run_cli("build", "--sources", mini_book, "--out", blocker / "out",
                   "--formats", "html")
    assert done.returncode == 1
    assert "error: cannot write" in done.stderr and "Traceback" not in done.stderr


def test_a_full_disk_is_reported_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "book.pdf"

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(PipelineError) as caught:
        write_atomic(target, b"%PDF-1.7 ...")
    [problem] = caught.value.diagnostics
    assert problem.code == "cannot-write" and problem.hint == "free some disk space"
    assert list(tmp_path.iterdir()) == []


HOSTILE = (
    "Context <script>alert('x')</script> and <img src=x onerror=alert(1)>.\n\n"
    "[click](javascript:alert(1)) [entity](&#106;avascript:alert(2)) "
    "[styled](https://example.org){onclick=\"alert(3)\" style=\"display:none\"}\n\n"
    "<iframe src=\"https://example.org\"></iframe>\n")


def test_hostile_text_never_reaches_html_or_epub_even_unvalidated(mini_book, tmp_path):
    record = mini_book / "practices" / "CZ-900.yaml"
    text = record.read_text(encoding="utf-8")
    hostile = "".join(f"  {line}\n" if line else "\n" for line in HOSTILE.splitlines())
    record.write_text(text.replace("context: |\n  Context text.\n", "context: |\n" + hostile),
                      encoding="utf-8")
    project = Project(mini_book, TEMPLATES, tmp_path / "out")
    sources, problems = project.load_and_validate()
    assert {p.code for p in problems} >= {"raw-html", "unsafe-link", "event-handler"}
    project.assemble(sources, "en", None)  # validation bypassed on purpose
    outputs = [project.render("en", "full", "html"), project.render("en", "full", "epub")]
    import zipfile
    texts = [p.read_text(encoding="utf-8") for p in outputs[0].parent.glob("*.html")]
    with zipfile.ZipFile(outputs[1]) as z:
        texts += [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")]
    active = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("iframe", "object", "embed"):
                active.append(tag)
            for name, value in attrs:
                if name.startswith("on") or (value or "").strip().lower().startswith(
                        ("javascript:", "vbscript:")):
                    active.append(f"{tag} {name}={value}")

        def handle_data(self, data):
            pass

    scripts = []
    for text in texts:
        Tags().feed(text)
        scripts += [m for m in re.findall(r"<script[^>]*>(.*?)</script>", text, re.S)
                    if "alert" in m]
    assert active == [] and scripts == []
    assert "&lt;script&gt;" in "\n".join(texts)  # shown as text, never run


markdownish = st.text(alphabet=st.sampled_from(list("ab #*_[]()!<>{}:@\\`~|-=.\n0123456789ąїő\"'&;")),
                      max_size=300)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=markdownish)
def test_no_chapter_text_crashes_assembly_or_rendering(mini_book, tmp_path, body):
    (mini_book / "chapters" / "en" / "intro.md").write_text(
        "# Introduction {#intro}\n\n" + body + "\n", encoding="utf-8")
    project = Project(mini_book, TEMPLATES, tmp_path / "out")
    try:
        sources = project.checked_sources()
        project.assemble(sources, "en", None)
        project.render("en", "full", "html")
    except PipelineError as exc:
        assert exc.diagnostics and all(d.message for d in exc.diagnostics)
