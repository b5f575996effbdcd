"""The print book laid out in parts: the joined PDF reads as one book (page numbers,
contents, references, links, bookmarks), a cut is only made where a page starts anyway,
and a PDF made after an edit by a process that keeps its layout is the PDF a fresh
process makes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, MINI_BOOK, ROOT, run_cli, write_mini_book
from pypdf import PdfReader

# Two countries of two practices each: cuts before a chapter, a country and a practice.
RECORDS = {"CZ-900": "CZ", "CZ-901": "CZ", "PL-900": "PL", "PL-901": "PL"}
BOOK = MINI_BOOK.replace(
    "  - {id: CZ-2024-09, country: CZ, city: Brno, start: 2024-09-26}\n",
    "  - {id: CZ-2024-09, country: CZ, city: Brno, start: 2024-09-26}\n"
    "  - {id: PL-2024-10, country: PL, city: Kraków, start: 2024-10-10}\n")


def write_book(root: Path) -> Path:
    write_mini_book(root, BOOK, intro="Compare [@PL-901] with [@CZ-901] and [@CZ-900].")
    record = (FIXTURES / "records" / "valid.yaml").read_text(encoding="utf-8")
    long_text = " ".join(["Context text that fills a page of the profile."] * 60)
    for pid, country in RECORDS.items():
        text = (record.replace("id: CZ-900", f"id: {pid}")
                .replace("title: Test practice", f"title: Practice {pid}")
                .replace("\ncountry: CZ", f"\ncountry: {country}", 1)
                .replace("workshop: CZ-2024-09", f"workshop: {country}-2024-{'09' if country == 'CZ' else '10'}")
                .replace("  Context text.\n", f"  {long_text}\n"))
        (root / "practices" / f"{pid}.yaml").write_text(text, encoding="utf-8")
    return root


def build_pdf(sources: Path, out: Path, templates: Path = ROOT / "templates") -> Path:
    run_cli("build", "--langs", "en", "--formats", "pdf", "--sources", sources,
            "--templates", templates, "--out", out, check=True)
    return out / "full" / "en" / "mini-book-full-en.pdf"


def page_of_destinations(reader: PdfReader) -> dict[str, int]:
    return {name: reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("parts")
    sources = write_book(root / "sources")
    return sources, build_pdf(sources, root / "out")


def test_the_joined_book_numbers_refers_and_links_as_one_book(book):
    sources, pdf = book
    work = pdf.parents[2] / ".work" / "full" / "en"
    pages = json.loads((work / "pages.json").read_text(encoding="utf-8"))
    assert pages["joined"] == []
    reader = PdfReader(pdf)
    texts = [page.extract_text() for page in reader.pages]
    where = page_of_destinations(reader)
    profiles = {pid: where[f"practice-{pid.lower()}"] for pid in RECORDS}
    # each country and each practice of a country starts a page of its own; the first
    # practice of a country follows the country's heading
    assert len(set(profiles.values())) == 4
    assert where["practices-pl"] == profiles["PL-900"] and where["practices-cz"] == profiles["CZ-900"]
    # page numbers run on across the parts: every numbered page prints its own number
    for number, text in enumerate(texts, start=1):
        if number > 4:  # cover, title page, imprint, contents: no running heads
            assert re.search(rf"(^|\n){number}\s*$", text.strip()) or text.strip().endswith(
                str(number)), f"page {number} prints another number:\n{text[-200:]}"
    # the contents print the page each entry's target is on
    contents = texts[3]
    for entry, target in (("Introduction", "intro"), ("Practices in Czechia", "practices-cz"),
                          ("Practices in Poland", "practices-pl")):
        assert re.search(rf"{re.escape(entry)}[ .]*{where[target]}\b", contents), \
            f"{entry} should say page {where[target]}:\n{contents}"
    # the references in the text, before and after their targets' parts
    intro = texts[where["intro"] - 1]
    for pid in ("PL-901", "CZ-901", "CZ-900"):
        assert f"{pid}, p. {profiles[pid]}" in " ".join(intro.split()), intro
    # links and bookmarks reach into other parts
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []]
    assert sum(1 for a in links if a.get("/Subtype") == "/Link") >= 10
    marks = {item.title: reader.get_destination_page_number(item) + 1
             for item in _flatten(reader.outline)}
    assert marks["Introduction"] == where["intro"]
    for pid, page in profiles.items():
        assert marks[f"{pid} · Practice {pid}"] == page
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def test_an_edit_laid_out_by_a_warm_process_gives_the_pdf_a_fresh_one_gives(tmp_path, monkeypatch):
    import weasyprint

    from pipeline.build import Project
    from pipeline.serve import PreviewState, rebuild

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    sources = write_book(tmp_path / "sources")
    project = Project(sources, ROOT / "templates", tmp_path / "warm")
    laid_out = []
    render = weasyprint.HTML.render

    def counted(self, *args, **kwargs):
        laid_out.append(1)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    messages = []
    rebuild(project, "full", [("en", "pdf")], PreviewState(), messages.append)
    first = len(laid_out)
    record = sources / "practices" / "PL-900.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "Results text.", "Results text, corrected."), encoding="utf-8")
    rebuild(project, "full", [("en", "pdf")], PreviewState(), messages.append)
    assert all(m.startswith("built en (pdf)") for m in messages), messages
    again = len(laid_out) - first
    assert 1 <= again < first / 2, f"{again} parts laid out again of {first} the first time"
    warm = tmp_path / "warm" / "full" / "en" / "mini-book-full-en.pdf"
    assert "Results text, corrected." in "".join(p.extract_text() for p in PdfReader(warm).pages)
    fresh = build_pdf(sources, tmp_path / "fresh")
    assert fresh.read_bytes() == warm.read_bytes()


def test_a_cut_where_the_stylesheet_starts_no_page_is_not_made(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    css = templates / "css" / "print.css"
    css.write_text(css.read_text(encoding="utf-8").replace(
        "h3.practice { break-before: page;", "h3.practice {"), encoding="utf-8")
    pdf = build_pdf(write_book(tmp_path / "sources"), tmp_path / "out", templates)
    pages = json.loads((tmp_path / "out" / ".work" / "full" / "en" / "pages.json")
                       .read_text(encoding="utf-8"))
    assert pages["joined"] == ["practice-cz-901", "practice-pl-901"]
    reader = PdfReader(pdf)
    where = page_of_destinations(reader)
    second = reader.pages[where["practice-cz-901"] - 1].extract_text()
    assert second.startswith("Collected: at the workshop in Brno"), \
        "the second practice follows the end of the first on its page"


@pytest.mark.parametrize("body", [
    "<p>No sections at all.</p>",
    '<section class="cover"><h1 class="cover-title">T</h1></section><nav class="toc" id="TOC">'
    '<a href="#b">b</a></nav><section id="a" class="level1"><h1>A</h1><section id="c1" '
    'class="level2 country"><h2 class="country">C1</h2><section id="p1" class="level3 practice">'
    '<h3>P1</h3></section><section id="p2" class="level3 practice"><h3>P2</h3></section>'
    '</section><section id="c2" class="level2 country"><h2>C2</h2></section></section>'
    '<section id="b" class="level1"><h1>B <em>b</em></h1><p><a href="#p2">p2</a></p></section>'])
def test_parts_hold_the_whole_body_once_and_each_is_balanced(body):
    from pipeline import paginate

    document = f'<html><head></head><body class="x">{body}</body></html>'
    book = paginate.split(document)
    assert "".join(part.body for part in book.parts) == body
    for index in range(len(book.parts)):
        html = paginate.part_html(book, index, {"b": 7, "p2": 9})
        inner = html[html.index("<body"):]
        assert inner.count("<section") == inner.count("</section>")
        assert inner.count("<nav") == inner.count("</nav>")
    names = [part.name for part in book.parts]
    if "level1" in body:
        assert names == ["", "TOC", "a", "p2", "c2", "b"]
        assert 'href="#b" data-page="7"' in paginate.part_html(book, 1, {"b": 7})
        p2 = paginate.part_html(book, 3, {})
        # opened again without ids, after hidden stand-ins for their earlier siblings
        assert '<section hidden></section><section data-booktitle="T" data-chapter="A" ' \
               'class="level1"><section class="level2 country"><section hidden></section>' \
               '<section id="p2"' in p2
        assert 'data-chapter="B b"' in paginate.part_html(book, 5, {})
