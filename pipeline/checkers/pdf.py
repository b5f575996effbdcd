"""PDF checks with pypdf: fonts embedded and all ours, tagged, document language, text
extractable (and a known sentence in it), no replacement characters."""

from __future__ import annotations

import re
from pathlib import Path

from .. import fonts
from ..diagnostics import error
from . import Findings

INSTALL = "run `make venv` (pypdf is a dependency of the toolchain)"
EMBEDDED = ("/FontFile", "/FontFile2", "/FontFile3")


def check(pdfs, templates: Path, sample_sentences: dict[str, str] | None = None) -> Findings:
    """`pdfs` maps each language to its PDF, or lists (language, PDF, sentence) triples
    where each PDF names the sentence it must contain (None: the language's). Fonts are
    ours when the stylesheets in `templates` declare them or templates/fonts holds them."""
    findings = Findings()
    if not pdfs:
        return findings
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        return findings.tool_missing(error("pypdf", "no-pypdf",
                                           "the Python package `pypdf` is not installed",
                                           hint=INSTALL))
    allowed = fonts.pdf_font_names(templates)
    entries = [(lang, path, None) for lang, path in pdfs.items()] if isinstance(pdfs, dict) \
        else list(pdfs)
    for lang, path, own in entries:
        sentence = own or (sample_sentences or {}).get(lang)
        try:
            problems = _check_one(PdfReader(path), lang, allowed, sentence)
        except (PyPdfError, OSError, ValueError, KeyError, TypeError) as exc:
            problems = [("pdf-unreadable", f"pypdf cannot read this PDF: {exc}", "")]
        for code, message, hint in problems:
            findings.diagnostics.append(error(path, code, message, hint=hint))
            findings.errors += 1
    return findings


def _check_one(reader, lang: str, allowed: set[str],
               sentence: str | None) -> list[tuple[str, str, str]]:
    problems = []
    root = reader.trailer["/Root"]
    fonts = _fonts(reader)
    for name, embedded in sorted(fonts.items()):
        if not embedded:
            problems.append(("pdf-font-not-embedded", f"font `{name}` is not embedded",
                             "every font must be embedded; use only templates/fonts/"))
        if _normal(name.split("+", 1)[-1]) not in allowed:
            problems.append(("pdf-foreign-font", f"font `{name}` is not one of ours",
                             "a font from outside templates/fonts: is the book's font configuration in use?"))
    if not fonts:
        problems.append(("pdf-no-fonts", "the PDF uses no fonts", "is its text missing?"))
    mark_info = root.get("/MarkInfo")
    if "/StructTreeRoot" not in root or not (mark_info and mark_info.get("/Marked")):
        problems.append(("pdf-untagged", "the PDF is not tagged (no structure tree or "
                         "MarkInfo /Marked)", "render with pdf_variant='pdf/ua-1'"))
    document_lang = str(root.get("/Lang", ""))
    if document_lang.lower() != lang.lower():
        problems.append(("pdf-lang", f"document language is `{document_lang or 'none'}`, "
                         f"expected `{lang}`", "set lang on the print template's <html>"))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if not text.strip():
        problems.append(("pdf-no-text", "no text can be extracted",
                         "text drawn as outlines or images is not accessible"))
    elif sentence and not _contains(text, sentence):
        problems.append(("pdf-sentence-missing",
                         f"the sample sentence is not in the text: “{_short(sentence)}”",
                         "the language's text did not make it into the PDF, or its glyphs "
                         "do not map back to Unicode"))
    if "\ufffd" in text:
        count = text.count("\ufffd")
        at = text.index("\ufffd")
        problems.append(("pdf-replacement-char",
                         f"{count} replacement character(s) U+FFFD in the text, first in "
                         f"“{_short(text[max(at - 30, 0):at + 30])}”",
                         "a character could not be encoded or mapped"))
    return problems


def _fonts(reader) -> dict[str, bool]:
    """Every font used on any page or in any form XObject: name → embedded."""
    found: dict[str, bool] = {}
    seen: set[int] = set()

    def resources(res):
        res = res.get_object() if res is not None else None
        if not res or id(res) in seen:
            return
        seen.add(id(res))
        for font in (res.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", font.get("/Name", "?"))).lstrip("/")
            found[name] = found.get(name, True) and _embedded(font)
        for xobject in (res.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                resources(xobject.get("/Resources"))

    for page in reader.pages:
        resources(page.get("/Resources"))
    return found


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by the PDF itself
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in EMBEDDED)


def _normal(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def _contains(text: str, sentence: str) -> bool:
    """Whether `sentence` is in `text`, whatever the line breaks: whitespace is normalised,
    soft hyphens removed, and a word may be hyphenated at a line end."""
    text, sentence = _squash(text), _squash(sentence)
    if sentence in text:
        return True
    pattern = []
    for i, char in enumerate(sentence):
        if char == " ":
            pattern.append(r"\s")
            continue
        pattern.append(re.escape(char))
        after = sentence[i + 1:i + 2]
        if char in "-\u2010":
            pattern.append(r"\s?")  # a hyphenated compound broken after its hyphen
        elif char.isalpha() and after.isalpha():
            pattern.append(r"(?:[-\u2010]\s)?")  # hyphenation inserted at a line end
    return re.search("".join(pattern), text) is not None


def _short(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
