"""The book's fonts: the only fonts any artefact is laid out with.

WeasyPrint finds fonts through fontconfig, which on its own reads every font the machine
has: a generic `serif`, or a glyph missing from our fonts, would come from whatever
happens to be installed, and the same sources would give other PDFs on another machine.
`isolate()` points fontconfig at a private configuration that lists the book's font
folder (``templates/fonts/``) and nothing else, before WeasyPrint is imported.
`coverage()` and `uncovered()` let validation and rendering refuse a character that
none of the fonts can show, instead of printing a box. `subset()` cuts the fonts down to the
scripts of a text, for the HTML site and the EPUB, which carry their fonts.

The fonts a book needs are the files its stylesheets name in ``@font-face`` rules
(``url(fonts/NotoSerif-Regular.ttf)``); every font file in the folder may serve as a
fallback for a character the named ones lack.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from .diagnostics import Diagnostic, PipelineError, error
from .files import atomic_path, write_if_changed

FONT_SUFFIXES = (".ttf", ".otf")
_URL = re.compile(r"url\(\s*['\"]?(?:\.\./)?fonts/([^'\")\s]+)['\"]?\s*\)")
# Characters that are never drawn: controls, format characters (soft hyphen, joiners,
# direction marks), line and paragraph separators.
_NOT_DRAWN = frozenset(("Cc", "Cf", "Zl", "Zp"))


def folder(templates: Path) -> Path:
    return Path(templates) / "fonts"


def named_files(templates: Path) -> list[Path]:
    """The font files the stylesheets name, in a stable order; an error for each one
    that is missing."""
    names = sorted({m.group(1) for css in sorted((Path(templates) / "css").glob("*.css"))
                    for m in _URL.finditer(css.read_text(encoding="utf-8"))})
    paths = [folder(templates) / name for name in names]
    missing = [p for p in paths if not p.is_file()]
    if missing or not paths:
        raise PipelineError([error(p, "missing-font", "font file is missing",
                                   hint="restore templates/fonts/ from version control")
                             for p in missing] or
                            [error(folder(templates), "missing-font",
                                   "the stylesheets name no font in templates/fonts/",
                                   hint="declare the book's fonts with @font-face")])
    return paths


_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*?font-family:\s*['\"]?([^;'\"}]+)", re.S)
_STYLES = ("", "regular", "bold", "italic", "bolditalic", "oblique", "boldoblique")


def declared_families(templates: Path) -> list[str]:
    """The families the stylesheets declare with @font-face (`Book Serif`, …)."""
    return sorted({m.group(1).strip() for css in sorted((Path(templates) / "css").glob("*.css"))
                   for m in _FONT_FACE.finditer(css.read_text(encoding="utf-8"))})


def pdf_font_names(templates: Path) -> frozenset[str]:
    """Every name a font of ours may have in a PDF, normalised (lower case, letters and
    digits only): the @font-face families, and the families of the font files (which
    fontconfig may use for a character the named face lacks), each with its styles."""
    def normal(name: str) -> str:
        return re.sub(r"[^0-9a-z]", "", name.lower())

    bases = declared_families(templates) + families(templates)
    return frozenset(normal(base) + style for base in bases for style in _STYLES)


@functools.cache
def _faces(fonts_dir: Path) -> tuple[tuple[str, frozenset[int]], ...]:
    """(family name, code points) of every font file in the folder."""
    from fontTools.ttLib import TTFont, TTLibError

    faces = []
    for path in sorted(p for p in fonts_dir.glob("*") if p.suffix.lower() in FONT_SUFFIXES):
        try:
            font = TTFont(path, lazy=True)
            faces.append((str(font["name"].getDebugName(1) or path.stem),
                          frozenset(font.getBestCmap() or ())))
        except (TTLibError, OSError, KeyError, AssertionError) as exc:
            raise PipelineError(error(path, "unreadable-font", f"cannot read the font: {exc}",
                                      hint="restore it from version control")) from None
    return tuple(faces)


def families(templates: Path) -> list[str]:
    return sorted({name for name, _ in _faces(folder(templates).resolve())})


def coverage(templates: Path) -> frozenset[int]:
    """Every code point at least one of the book's fonts can show."""
    return frozenset().union(*(points for _, points in _faces(folder(templates).resolve())))


def scripts(templates: Path) -> frozenset[str]:
    """ISO 15924 codes of the scripts the fonts can write (a script counts when the fonts
    have at least 40 of its letters)."""
    from collections import Counter

    from fontTools import unicodedata as ucd
    letters = Counter(ucd.script(chr(cp)) for cp in coverage(templates)
                      if chr(cp).isalpha())
    return frozenset(script for script, count in letters.items() if count >= 40)


def uncovered(text: str, covered: frozenset[int]) -> list[tuple[int, str]]:
    """(offset of its first occurrence, character) of each drawn character of `text`
    that no font covers, in order of appearance."""
    missing = {ch for ch in set(text) if ord(ch) not in covered
               and unicodedata.category(ch) not in _NOT_DRAWN}
    return sorted((text.index(ch), ch) for ch in missing)


def describe(ch: str) -> str:
    """`U+10D0 GEORGIAN LETTER AN “ა”`."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')} “{ch}”"


def problem(file, lang: str, ch: str, templates: Path, **where) -> Diagnostic:
    return error(file, "uncovered-character",
                 f"{describe(ch)} in `{lang}` text cannot be shown by the book's fonts "
                 f"({', '.join(families(templates))})",
                 hint="replace it, or add a font that has it to templates/fonts/", **where)


def check_text(text: str, path: Path, lang: str, templates: Path) -> list[Diagnostic]:
    """A diagnostic at file:line:column for each character of a file's text that the
    fonts cannot show."""
    out = []
    for offset, ch in uncovered(text, coverage(templates)):
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        out.append(problem(path, lang, ch, templates, line=line, column=column))
    return out


def isolate(templates: Path, work: Path) -> Path:
    """Make fontconfig, for this process and the processes it starts, see the book's fonts
    and nothing else: a private fonts.conf (under `work`) lists templates/fonts, maps the
    generic families onto our own and keeps its cache beside it. Call before WeasyPrint
    or Pango are loaded; returns the configuration's path."""
    fonts_dir = folder(templates).resolve()
    names = families(templates)
    serif = [n for n in names if "serif" in n.lower() and "sans" not in n.lower()] or names
    sans = [n for n in names if n not in serif] or names

    def alias(generic: str, prefer: list[str]) -> str:
        wanted = "".join(f"<family>{escape(n)}</family>" for n in prefer)
        return (f'  <alias binding="same"><family>{generic}</family>'
                f"<prefer>{wanted}</prefer></alias>\n")

    config_dir = (Path(work) / "fontconfig").resolve()
    conf = config_dir / "fonts.conf"
    write_if_changed(conf, (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<!-- Written by the pipeline: only the book's own fonts. -->\n<fontconfig>\n"
        f"  <dir>{escape(str(fonts_dir))}</dir>\n"
        f"  <cachedir>{escape(str(config_dir / 'cache'))}</cachedir>\n"
        + alias("serif", serif) + alias("sans-serif", sans) + alias("monospace", sans)
        + alias("system-ui", sans) + "</fontconfig>\n"))
    os.environ["FONTCONFIG_FILE"] = str(conf)
    os.environ.pop("FONTCONFIG_PATH", None)
    os.environ.pop("FONTCONFIG_SYSROOT", None)
    return conf


# Fonts shipped beside HTML or inside an EPUB are cut down to what their text can need.
# Unicode is taken in pages of 256 code points (ASCII and Latin-1; Latin Extended-A and B;
# Cyrillic; …): the pages the text touches, and those any page may need (ASCII and
# Latin-1; general punctuation for pandoc's quotes and dashes, and currency; letterlike
# symbols and arrows). Whole pages, so that the languages of one book share a subset (each
# site names every language in its own script) and an edit seldom needs a new one.
_PAGE_BITS = 8
_ALWAYS = frozenset(cp >> _PAGE_BITS for cp in (0x0000, 0x2000, 0x2100))


def named_in(stylesheet: str, templates: Path) -> list[Path]:
    """The font files a stylesheet names in `url(fonts/…)`, in order, each once."""
    return [folder(templates) / name
            for name in dict.fromkeys(m.group(1) for m in _URL.finditer(stylesheet))]


def as_flavor(stylesheet: str, flavor: str) -> str:
    """The stylesheet naming each font file by the suffix of `flavor` (`.woff`)."""
    return _URL.sub(lambda m: m.group(0).replace(m.group(1), Path(m.group(1)).stem
                                                 + f".{flavor}"), stylesheet)


def subset(named: list[Path], text: str, cache: Path, flavor: str | None = None) -> list[Path]:
    """The font files `named`, cut down to the Unicode pages `text` uses, as `flavor`
    ("woff" for the web: the cut compressed; None: TrueType, for an EPUB), each named after
    its font. Hinting is left out (screens and e-readers draw these fonts without it).
    Kept in `cache`, which every language and process shares: a font is cut once for the
    same pages, whatever the flavor (processes that need it at once wait for the first)."""
    import hashlib
    import json

    from fontTools import version

    pages = sorted(_ALWAYS | {ord(ch) >> _PAGE_BITS for ch in set(text)})
    paths = []
    for font in named:
        key = hashlib.sha256(json.dumps([version, pages, hashlib.sha256(
            font.read_bytes()).hexdigest()]).encode()).hexdigest()[:20]
        cut = Path(cache) / key / font.name
        path = cut.with_suffix(f".{flavor}") if flavor else cut
        if not path.is_file():
            _cut(font, cut, pages, flavor)
        paths.append(path)
    return paths


def _cut(font: Path, cut: Path, pages: list[int], flavor: str | None) -> None:
    """Write `cut` (the font cut down to `pages`) and, for a flavor, the cut in it."""
    import fcntl

    from fontTools import subset as cutter
    from fontTools.ttLib import TTFont

    cut.parent.mkdir(parents=True, exist_ok=True)
    with open(cut.parent.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be cutting it: wait
        if not cut.is_file():
            options = cutter.Options(hinting=False, notdef_outline=True)
            try:
                font_cut = cutter.load_font(str(font), options, lazy=True)
                subsetter = cutter.Subsetter(options)
                subsetter.populate(unicodes=[cp for page in pages for cp in range(
                    page << _PAGE_BITS, (page + 1) << _PAGE_BITS)])
                subsetter.subset(font_cut)
            except Exception as exc:  # fontTools raises many kinds on a damaged font
                raise PipelineError(error(font, "unreadable-font",
                                          f"cannot cut the font down for HTML and EPUB: {exc}",
                                          hint="restore it from version control")) from None
            with atomic_path(cut) as tmp:
                cutter.save_font(font_cut, str(tmp), options)
        flavored = cut.with_suffix(f".{flavor}")
        if flavor and not flavored.is_file():
            compressed = TTFont(cut)
            compressed.flavor = flavor
            with atomic_path(flavored) as tmp:
                compressed.save(str(tmp))
