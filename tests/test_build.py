"""End to end: `make build` on the sample paper, with real pandoc and WeasyPrint."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import OUR_FONT, ROOT, make, pdf_fonts

pytestmark = pytest.mark.slow
LANGS = ("en", "uk", "pl", "cs", "sk", "hu")
SLUG = "partners-in-advocacy"




@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the sample paper built once by make, into a temporary folder."""
    base = tmp_path_factory.mktemp("book")
    sources, out = base / "sources", base / "build"
    shutil.copytree(ROOT / "sources", sources)
    done = make("build", f"OUT={out}", f"SOURCES={sources}")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out, done, sources


def artefact_times(out: Path) -> dict:
    return {p.relative_to(out / "full"): p.stat().st_mtime_ns for p in (out / "full").rglob("*")
            if p.is_file()}


def title(lang: str) -> str:
    if lang == "en":
        return yaml.safe_load((ROOT / "sources" / "book.yaml").read_text("utf-8"))["title"]
    data = yaml.safe_load((ROOT / "sources" / "translations" / lang / "book.yaml").read_text("utf-8"))
    return data["title"]["text"]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_a_pdf_with_embedded_fonts_and_its_own_text(built, lang):
    out = built[0]
    pdf = out / "full" / lang / f"{SLUG}-full-{lang}.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) > 30
    assert reader.metadata.title == title(lang)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert "/StructTreeRoot" in root, "the PDF is tagged"
    fonts = pdf_fonts(pdf)
    assert fonts and all(fonts.values()), "every font is embedded"
    assert all(OUR_FONT.fullmatch(name) for name in fonts), fonts
    text = pdf_text(pdf)
    assert title(lang) in text
    assert "\ufffd" not in text
    letters = {"uk": "їєґі", "pl": "ąęłż", "cs": "řěů", "sk": "ľôä", "hu": "őű", "en": "the"}[lang]
    assert all(ch in text for ch in letters), f"{lang}: {letters}"
    # A cited practice is followed by its page, worded as the language does ("p. 27",
    # "27. o.").
    wording = yaml.safe_load((ROOT / "templates" / "i18n" / f"{lang}.yaml").read_text("utf-8"))
    page = re.escape(wording["book"]["page"]).replace(r"\{page\}", r"\d+").replace(r"\ ", r"\s")
    assert re.search(rf"[A-Z]{{2}}-\d{{3}},\s{page}\)", text), (lang, page)


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_a_well_formed_epub(built, lang):
    out = built[0]
    epub = out / "full" / lang / f"{SLUG}-full-{lang}.epub"
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        assert names[0] == "mimetype" and z.read("mimetype") == b"application/epub+zip"
        assert z.testzip() is None
        opf = z.read("EPUB/content.opf").decode("utf-8")
        assert f"<dc:language>{lang}</dc:language>" in opf
        assert any(n.endswith(".ttf") for n in names), "fonts are embedded"
        chapters = "".join(z.read(n).decode("utf-8") for n in names if n.endswith(".xhtml"))
    assert title(lang) in chapters


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_an_html_site_with_a_language_switcher(built, lang):
    out = built[0]
    site = out / "full" / lang / "html"
    html = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<html lang="{lang}"', html)
    assert title(lang) in html
    assert (site / "assets" / "book.css").exists()
    assert (site / "assets" / "fonts" / "NotoSerif-Regular.woff").exists()
    assert (site / "pagefind" / "pagefind-ui.js").exists()
    for other in LANGS:
        assert f'href="../../{other}/html/index.html"' in html
        assert (site / ".." / ".." / other / "html" / "index.html").resolve().exists()


@pytest.mark.parametrize("lang", LANGS)
def test_the_fonts_of_the_site_and_the_epub_show_all_their_text_and_are_small(built, lang):
    from fontTools.ttLib import TTFont

    def points(font) -> set[int]:
        return set(TTFont(font)["cmap"].getBestCmap())

    originals = {p.stem: p for p in (ROOT / "templates" / "fonts").glob("*.ttf")}
    full = {stem: points(p) for stem, p in originals.items()}
    site = built[0] / "full" / lang / "html"
    text = {ord(ch) for page in site.glob("*.html") for ch in page.read_text("utf-8")}
    shipped = sorted((site / "assets" / "fonts").glob("*.woff"))
    assert len(shipped) == len(originals)
    for font in shipped:
        assert text & full[font.stem] <= points(font), font.name
        assert font.stat().st_size < originals[font.stem].stat().st_size / 5, font.name
    with zipfile.ZipFile(built[0] / "full" / lang / f"{SLUG}-full-{lang}.epub") as z:
        names = z.namelist()
        text = {ord(ch) for n in names if n.endswith(".xhtml") for ch in z.read(n).decode()}
        embedded = [n for n in names if n.endswith(".ttf")]
        assert len(embedded) == len(originals)
        for name in embedded:
            data = z.read(name)
            stem = Path(name).stem
            assert text & full[stem] <= points(io.BytesIO(data)), name
            assert len(data) < originals[stem].stat().st_size / 3, name


def test_a_second_build_with_nothing_changed_renders_nothing(built):
    out, _, sources = built
    before = artefact_times(out)
    again = make("build", f"OUT={out}", f"SOURCES={sources}")
    assert again.returncode == 0, again.stderr
    assert artefact_times(out) == before
    assert "pdf " not in again.stderr


def test_editing_one_translation_rebuilds_only_that_language(built):
    out, _, sources = built
    translation = sources / "translations" / "pl" / "book.yaml"
    text = translation.read_text(encoding="utf-8")
    assert "text: Partnerzy" in text
    translation.write_text(text.replace("text: Partnerzy", "text: Próbne Partnerzy"),
                           encoding="utf-8")
    before = artefact_times(out)
    again = make("build", f"OUT={out}", f"SOURCES={sources}")
    assert again.returncode == 0, again.stderr
    after = artefact_times(out)
    changed = {path.parts[0] for path in after if after[path] != before.get(path)}
    assert changed == {"pl"}
    assert "Próbne Partnerzy" in pdf_text(out / "full" / "pl" / f"{SLUG}-full-pl.pdf")


def test_build_prints_progress_and_a_summary(built):
    _, done, _ = built
    assert re.search(r"pdf\s+uk\s+.*\.pdf\s+\(\d", done.stderr + done.stdout)
    assert re.search(r"Built edition 'full' in \S+/full/: 30 artefacts, 30 rendered now, "
                     r"\d+ s on \d+ cores", done.stdout), done.stdout[-500:]


# ---------------------------------------------------------------- deck and sheets

def published(lang="en"):
    from pipeline.assemble import published_records
    from pipeline.book import of_sources
    from pipeline.load import load_sources
    sources, _ = load_sources(ROOT / "sources", ROOT / "templates")
    return sources, published_records(sources, of_sources(sources).edition())


@pytest.mark.parametrize("lang", LANGS)
def test_every_best_practice_has_a_slide_and_the_figures_match_the_paper(built, lang):
    from pipeline.analysis import analyse
    out = built[0]
    deck = out / "full" / lang / "slides" / f"{SLUG}-full-{lang}-slides.pdf"
    reader = PdfReader(deck)
    box = reader.pages[0].mediabox
    assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    pages = [page.extract_text() for page in reader.pages]
    sources, records = published()
    rubric = sources.contract.rubric
    best = [r["id"] for r in records if rubric.assess(r["assessment"]["scores"]).label == "best"]
    for pid in best:
        assert sum(f"· {pid}" in text for text in pages) == 1, pid
    a = analyse(records, sources.contract)
    figures = " ".join(pages[2].split())
    for number in (a.total, len(a.countries), a.label_totals["best"], 3):
        assert re.search(rf"(?<!\d){number}(?!\d)", figures), (number, figures)
    assert (deck.parent / "index.html").exists()
    assert (deck.parent / "assets" / "slides.css").exists()


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_every_published_practice_has_a_one_page_sheet_with_a_working_qr_code(built, lang):
    import pypdfium2
    import zxingcpp
    from pipeline.handouts import profile_url
    out = built[0]
    sources, records = published()
    folder = out / "full" / lang / "sheets"
    everything = pypdfium2.PdfDocument(folder / f"{SLUG}-full-{lang}-sheets.pdf")
    for number, record in enumerate(records):
        sheet = folder / f"{SLUG}-full-{lang}-{record['id']}.pdf"
        reader = PdfReader(sheet)
        assert len(reader.pages) == 1, sheet.name
        assert "/StructTreeRoot" in reader.trailer["/Root"], "each sheet is tagged"
        fonts = pdf_fonts(sheet)
        assert fonts and all(fonts.values()) and all(map(OUR_FONT.fullmatch, fonts)), fonts
        assert sheet.stat().st_size < 200_000, "fonts are subsets, not whole font files"
        # A sheet of its own looks exactly like its page among all the sheets.
        alone = pypdfium2.PdfDocument(sheet)[0].render(scale=1).to_pil()
        assert alone.tobytes() == everything[number].render(scale=1).to_pil().tobytes()
    record = records[0]
    page = pypdfium2.PdfDocument(folder / f"{SLUG}-full-{lang}-{record['id']}.pdf")[0]
    image = page.render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    expected = profile_url(sources.book_data["website"], "full", lang, record["id"])
    assert [c.text for c in codes] == [expected]
    assert expected.endswith(f"/full/{lang}/html/practice-{record['id'].lower()}.html")
    html = (out / "full" / lang / "html" / f"practice-{record['id'].lower()}.html")
    assert f'id="practice-{record["id"].lower()}"' in html.read_text(encoding="utf-8")


def test_the_html_site_has_a_page_per_chapter_and_profile_with_working_links(built):
    out = built[0]
    site = out / "full" / "pl" / "html"
    _, records = published()
    for record in records:
        page = site / f"practice-{record['id'].lower()}.html"
        text = page.read_text(encoding="utf-8")
        assert text.count("<h1") == 1 and 'class="breadcrumbs"' in text
        for other in LANGS:  # the switcher lands on the same page in every language
            assert f'href="../../{other}/html/{page.name}"' in text
            assert (out / "full" / other / "html" / page.name).exists()
    names = {p.name for p in site.glob("*.html")}
    assert {"index.html", "all.html", "introduction.html", "recommendations.html"} <= names
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'href="([a-z0-9-]+\.html)(?:#([^"]+))?"', text):
            assert target[0] in names, (page.name, target)
            if target[1]:
                assert f'id="{target[1]}"' in (site / target[0]).read_text(encoding="utf-8")
    recommendations = (site / "recommendations.html").read_text(encoding="utf-8")
    assert 'href="practice-pl-001.html"' in recommendations  # a citation, on another page
    intro = (site / "introduction.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="executive-summary.html"' in intro
    assert 'rel="next" href="methodology.html"' in intro
