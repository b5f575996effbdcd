"""Releases: reproducible bytes, verification, and refusal while translations are missing."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow


def make(*args):
    return subprocess.run(["make", *args], cwd=ROOT, capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """The sample release built twice, from scratch, into two folders."""
    base = tmp_path_factory.mktemp("release")
    sources = base / "sources"
    shutil.copytree(ROOT / "sources", sources)
    results = []
    for n in (1, 2):
        out, dist = base / f"build{n}", base / f"dist{n}"
        done = make("dist", f"SOURCES={sources}", f"OUT={out}", f"DIST={dist}",
                    "LANGS=uk", "CHECKS=0")
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        results.append(dist / "0.9.0")
    return results, sources


def test_two_builds_give_identical_checksums_for_every_artefact(two_releases):
    (first, second), _ = two_releases
    sums = (first / "SHA256SUMS").read_text()
    assert sums == (second / "SHA256SUMS").read_text()
    names = {line.split("  ")[1] for line in sums.splitlines()}
    assert {"index.html", "manifest.json"} <= names
    for suffix in (".pdf", ".epub", "-html.zip", "-slides.pdf", "-slides-html.zip", "-sheets.zip"):
        assert any(n.endswith(suffix) for n in names)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_manifest_lists_every_artefact_with_its_facts(two_releases):
    (first, _), _ = two_releases
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["artefacts"]
    assert len(entries) == 2 * 1 * 6  # editions × languages × files (pdf, epub, html,
    #                                   slides pdf and html, sheets)
    for e in entries:
        assert (first / e["file"]).stat().st_size == e["size"]
        assert e["file"].startswith(f"partners-in-advocacy-0.9.0-{e['edition']}-{e['language']}")
        assert e["translation_completeness"] == 100.0
        assert e["build_date"] == "2025-01-31"
    landing = (first / "index.html").read_text(encoding="utf-8")
    assert '<html lang="uk">' in landing and "Завантаження" in landing
    assert all(e["file"] in landing for e in entries)


def test_verify_catches_a_flipped_byte_a_missing_and_an_extra_file(two_releases, tmp_path):
    (first, _), _ = two_releases
    copy = tmp_path / "received"
    shutil.copytree(first, copy)
    assert run_cli("verify", copy).returncode == 0

    pdf = next(copy.glob("*-full-uk.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    next(copy.glob("*-brief-uk.epub")).unlink()
    (copy / "notes.txt").write_text("hello")

    done = run_cli("verify", copy)
    assert done.returncode == 1
    assert f"{pdf.name}: error: checksum does not match SHA256SUMS" in done.stderr
    assert "brief-uk.epub: error: listed in SHA256SUMS but missing" in done.stderr
    assert "notes.txt: error: not listed in SHA256SUMS" in done.stderr


def test_release_is_refused_while_a_translation_is_stale(two_releases, tmp_path):
    _, sources = two_releases
    record = sources / "practices" / "SK-001.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("summary: ", "summary: Revised. ", 1), encoding="utf-8")
    done = make("dist", f"SOURCES={sources}", f"OUT={tmp_path / 'b'}",
                f"DIST={tmp_path / 'd'}", "LANGS=uk", "CHECKS=0")
    assert done.returncode != 0
    assert "release of edition `full` refused for `uk`" in done.stderr
    assert "SK-001.summary: stale in `uk`" in done.stderr
    assert not (tmp_path / "d").exists()


def test_landing_pages_pass_the_html_checks(two_releases):
    from pipeline.dist import check_landing_pages
    (first, _), _ = two_releases
    from conftest import tool_available
    if not tool_available():
        pytest.skip("Java, Chromium or the npm checkers are missing: run `sudo make system-deps`")
    assert [d.format() for d in check_landing_pages(first)] == []
