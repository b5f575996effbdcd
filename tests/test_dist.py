"""Releases: reproducible bytes, verification, refusal while translations are missing,
gates recorded per file, and an HTML site per edition that works where it is unpacked."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import ROOT, make, run_cli



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


@pytest.mark.slow
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


@pytest.mark.slow
def test_manifest_lists_every_artefact_with_its_facts(two_releases):
    (first, _), _ = two_releases
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["artefacts"]
    assert len(entries) == 2 * 1 * 6  # editions × languages × files (pdf, epub, html,
    #                                   slides pdf and html, sheets)
    for e in entries:
        assert (first / e["file"]).stat().st_size == e["size"]
        language = "" if e["format"] == "html" else f"-{e['language']}"  # a site per edition
        assert e["file"].startswith(f"partners-in-advocacy-0.9.0-{e['edition']}{language}")
        assert set(e["checks"].values()) == {"not run"}
        assert e["translation_completeness"] == 100.0
        assert e["build_date"] == "2025-01-31"
    landing = (first / "index.html").read_text(encoding="utf-8")
    assert '<html lang="uk">' in landing and "Завантаження" in landing
    assert all(e["file"] in landing for e in entries)


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_landing_pages_pass_the_html_checks(two_releases):
    from pipeline.dist import check_landing_pages
    (first, _), _ = two_releases
    from conftest import tool_available
    if not tool_available():
        pytest.skip("Java, Chromium or the npm checkers are missing: run `sudo make system-deps`")
    assert [d.format() for d in check_landing_pages(first)] == []


# ------------------------------------------------------------------ a small release

MINI_RELEASE = """
  brief:
    fallback: block
    chapters: [intro]
release:
  editions: [full, brief]
  languages: [en, uk]
"""


@pytest.fixture(scope="module")
def mini_release(tmp_path_factory):
    """The mini book with a brief edition and a complete Ukrainian translation, built by
    `make dist CHECKS=0`: every edition in English and Ukrainian."""
    from conftest import MINI_BOOK, write_mini_book
    base = tmp_path_factory.mktemp("mini-release")
    sources = write_mini_book(base / "sources", MINI_BOOK + MINI_RELEASE)
    run_cli("translate", "scaffold", "--lang", "uk", "--sources", sources, check=True)
    for path in [*(sources / "translations" / "uk").glob("*.yaml"),
                 *(sources / "chapters" / "uk").glob("*.md")]:  # "translated" as it is
        path.write_text(re.sub(r"(?m)^\s*untranslated: true\n", "",
                               path.read_text(encoding="utf-8")), encoding="utf-8")
    out, dist = base / "build", base / "dist"
    done = make("dist", f"SOURCES={sources}", f"OUT={out}", f"DIST={dist}", "CHECKS=0")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return sources, out, dist / "1.0.0", done


def site_of(release, edition: str, tmp_path):
    """An edition's HTML site, unpacked as a distributor would."""
    import zipfile
    with zipfile.ZipFile(release / f"mini-book-1.0.0-{edition}-html.zip") as z:
        z.extractall(tmp_path)
    [root] = tmp_path.iterdir()
    return root


@pytest.mark.parametrize("edition", ["full", "brief"])
def test_an_editions_site_works_where_it_is_unpacked(mini_release, tmp_path, edition):
    from pipeline.checkers import links
    root = site_of(mini_release[2], edition, tmp_path)
    assert root.name == f"mini-book-1.0.0-{edition}-html"
    assert sorted(p.name for p in root.iterdir()) == ["en", "index.html", "uk"]
    home = (root / "index.html").read_text(encoding="utf-8")
    assert 'href="en/html/index.html"' in home and 'href="uk/html/index.html"' in home
    pages = sorted(root.rglob("*.html"))
    for page in pages:
        if page.parent.name == "html":  # the switcher offers exactly the released languages
            offered = set(re.findall(r'class="language-switcher".*?</nav>',
                                     page.read_text(encoding="utf-8"), re.S)[0]
                          .split('hreflang="')[1:])
            assert {o.split('"')[0] for o in offered} == {"en", "uk"}, page
    found = links.check(pages, root)
    assert [d.format() for d in found.diagnostics] == []


def test_a_release_made_without_its_gates_says_so_everywhere(mini_release):
    _, _, release, done = mini_release
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["checked"] is False
    assert all(set(e["checks"].values()) == {"not run"} for e in manifest["artefacts"])
    for page in ("index.html", "index-uk.html"):
        assert 'class="unchecked"' in (release / page).read_text(encoding="utf-8")
    verified = run_cli("verify", release)
    assert verified.returncode == 0
    assert "this release was NOT checked" in verified.stderr


def test_make_dist_prints_no_make_chatter(mini_release, tmp_path):
    sources, out, _, first = mini_release
    again = make("dist", f"SOURCES={sources}", f"OUT={out}", f"DIST={tmp_path}", "CHECKS=0")
    assert again.returncode == 0, again.stderr
    for output in (first, again):
        assert "is up to date" not in output.stdout + output.stderr
        assert "make[" not in output.stdout + output.stderr
    assert not re.search(r"^\s+(pdf|epub|html)\s", again.stderr, re.M), "nothing was rebuilt"


@pytest.mark.slow
def test_a_gated_release_records_each_gate_and_reports_every_edition(mini_release, tmp_path):
    from conftest import tool_available
    if not tool_available():
        pytest.skip("Java, Chromium or the npm checkers are missing: run `sudo make system-deps`")
    sources, out, _, _ = mini_release
    done = make("dist", f"SOURCES={sources}", f"OUT={out}", f"DIST={tmp_path / 'ok'}")
    assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((tmp_path / "ok" / "1.0.0" / "manifest.json").read_text("utf-8"))
    assert manifest["checked"] is True
    gates = {e["format"]: e["checks"] for e in manifest["artefacts"]}
    assert gates["epub"] == {"epubcheck": "passed"}
    assert gates["html"] == {"nu": "passed", "axe": "passed", "links": "passed"}
    assert gates["pdf"] == gates["sheets"] == gates["slides"] == {"pdf": "passed"}
    assert 'class="unchecked"' not in (tmp_path / "ok" / "1.0.0" / "index.html").read_text("utf-8")

    # Both editions' EPUBs broken: one run reports both, and nothing is released.
    for edition in ("full", "brief"):
        epub = out / edition / "en" / f"mini-book-{edition}-en.epub"
        epub.write_bytes(epub.read_bytes()[:2000])
    broken = make("dist", f"SOURCES={sources}", f"OUT={out}", f"DIST={tmp_path / 'no'}")
    assert broken.returncode != 0
    for edition in ("full", "brief"):
        assert f"mini-book-{edition}-en.epub" in broken.stderr
    assert "release-refused" in broken.stderr
    assert not (tmp_path / "no").exists()
