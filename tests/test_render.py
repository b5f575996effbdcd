"""Rendering details that are ours rather than a tool's: what we change in how WeasyPrint
writes a PDF must not change the PDF."""

from __future__ import annotations

import pydyf
import weasyprint
from pypdf import PdfReader

from conftest import OUR_FONT, TEMPLATES, pdf_fonts
from pipeline.render import PDF_VARIANT, memoize_page_references


def test_remembered_page_references_leave_a_tagged_pdf_byte_identical(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    # Links and headings on many pages: each is a tagged element whose page WeasyPrint
    # looks up, the work the memo saves.
    html = '<html lang="en"><title>Memo</title>' + "".join(f'<h1 id="s{i}">Section {i}</h1><p><a href="#s{(i + 7) % 40}">see</a> '
                   + "text " * 300 + "</p>" for i in range(40))
    document = weasyprint.HTML(string=html).render(pdf_variant=PDF_VARIANT)
    memoize_page_references()
    memo = pydyf.PDF.page_references
    try:
        pydyf.PDF.page_references = property(memo.fget.original)
        plain = document.write_pdf(pdf_variant=PDF_VARIANT)
    finally:
        pydyf.PDF.page_references = memo
    assert len(document.pages) > 10
    assert document.write_pdf(pdf_variant=PDF_VARIANT) == plain


def test_remembered_page_references_follow_added_pages():
    memoize_page_references()
    pdf = pydyf.PDF()
    seen = []
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        seen.append(pdf.page_references)
    assert [len(refs) for refs in seen] == [1, 2, 3]
    assert pdf.page_references == pydyf.PDF.page_references.fget.original(pdf)


def test_fonts_read_once_leaves_each_sheet_byte_identical_and_reads_each_font_once(
        monkeypatch):
    from weasyprint.pdf import fonts as pdf_fonts

    from pipeline.render import fonts_read_once

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    html = '<html lang="en"><title>Sheets</title>' + "".join(
        f'<section style="break-before: page"><h1>Sheet {i}</h1><p><b>Bold</b> and <i>italic'
        f"</i> text {i}.</p></section>" for i in range(3))
    document = weasyprint.HTML(string=html).render(pdf_variant=PDF_VARIANT)
    document.write_pdf(pdf_variant=PDF_VARIANT)  # subsets the fonts in place, as the sheets' does

    def sheets() -> list[bytes]:
        written = []
        for page in document.pages:
            sheet = document.copy([page])
            sheet.fonts = document.fonts
            written.append(sheet.write_pdf(pdf_variant=PDF_VARIANT, full_fonts=True))
        return written

    reads = []
    read = pdf_fonts.TTFont
    monkeypatch.setattr(pdf_fonts, "TTFont", lambda *a, **k: reads.append(1) or read(*a, **k))
    counting = pdf_fonts.TTFont
    plain = sheets()
    assert len(reads) == 3 * len(document.fonts) > 0  # every font again for every sheet
    reads.clear()
    with fonts_read_once():
        once = sheets()
    assert once == plain
    assert len(reads) == len(document.fonts)
    assert pdf_fonts.TTFont is counting  # put back after the block


def test_sheets_with_a_variable_font_are_written_each_with_its_own_fonts(mini_book, tmp_path):
    # Fonts added to print another script often come as variable fonts. WeasyPrint makes
    # such a font static when it writes the PDF of all sheets; the practices' PDFs cannot
    # take it from there.
    import shutil

    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._f_v_a_r import Axis, table__f_v_a_r

    from pipeline.build import Project

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    for name in ("NotoSans-Regular.ttf", "NotoSerif-Regular.ttf"):
        font = TTFont(templates / "fonts" / name)
        axis = Axis()
        axis.axisTag, axis.axisNameID = "wght", font["name"].addName("Weight")
        axis.minValue, axis.defaultValue, axis.maxValue = 100, 400, 900
        font["fvar"] = table__f_v_a_r()
        font["fvar"].axes, font["fvar"].instances = [axis], []
        font.save(templates / "fonts" / name)
    project = Project(mini_book, templates, tmp_path / "out")
    project.assemble(project.checked_sources(), "en", None)
    everything = project.render("en", "full", "sheets")
    (sheet,) = [p for p in everything.parent.glob("*.pdf") if p != everything]
    used = pdf_fonts(sheet)
    assert used and all(used.values()) and all(map(OUR_FONT.fullmatch, used)), used
    assert "CZ-900 · Test practice" in PdfReader(sheet).pages[0].extract_text()
