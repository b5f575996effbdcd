"""Stage 5: render an assembled language into its artefacts.

Every document (the book, the deck, the sheets) is read by pandoc in its sandbox into an
AST, which `sanitize.clean_document` strips of anything active; each format is written from
that AST. pandoc writes HTML and EPUB 3; WeasyPrint lays out the tagged PDFs (the A4
book, in parts, see `paginate`; the 16:9 deck; the A4 sheets). Every artefact is written
atomically.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlparse

from . import fonts, pandoc
from .diagnostics import PipelineError, error
from .files import atomic_dir, atomic_path, write_if_changed
from .layout import font_subsets, read_meta
from .parallel import jobs, map_ordered
from .sanitize import clean_document, clean_fragment, clean_html

PDF_VARIANT = "pdf/ua-1"  # tagged, with a structure tree; reproducible
WEB_FONTS = "woff"  # the flavor of the cut fonts beside an HTML page


def read_ast(work: Path, templates: Path, document: str = "book.md") -> str:
    """The document as a sanitized pandoc AST (JSON), read in pandoc's sandbox; a large
    one by several pandoc processes at once. Read once per process while the document
    and its metadata are unchanged: the PDF, the EPUB and the HTML share it."""
    path = work / document
    stamp = tuple(p.stat().st_mtime_ns for p in (path, work / "meta.yaml"))
    return _read_ast(path, work, templates, stamp)


@functools.lru_cache(maxsize=8)
def _read_ast(path: Path, work: Path, templates: Path, stamp: tuple) -> str:
    return clean_document(pandoc.read_parts(
        path.read_text(encoding="utf-8"),
        ["--from", pandoc.MARKDOWN, "--metadata-file", str(work / "meta.yaml"),
         "--lua-filter", str(templates / "pandoc" / "practice-links.lua"), "--to", "json"],
        jobs(), what=str(path)))


def _write_html(ast: str, template: Path, work: Path, toc: bool = True, **variables) -> str:
    """pandoc's HTML5 from the AST through one of our templates, not yet sanitised."""
    return pandoc.run(["--from", "json", "--to", "html5", "--standalone", "--section-divs",
                       "--wrap=none", *(["--toc", "--toc-depth=2"] if toc else []),
                       *[f"--variable={k.replace('_', '-')}={v}" for k, v in variables.items()],
                       "--template", str(template)], stdin=ast, what=str(work))


def to_html(ast: str, template: Path, work: Path, toc: bool = True, **variables) -> str:
    """A standalone HTML page from the AST; the parts from the sources pass nh3."""
    return clean_html(_write_html(ast, template, work, toc, **variables))


def _shipped_fonts(templates: Path, css: str, work: Path, document: str = "book.md",
                   flavor: str | None = WEB_FONTS) -> list[Path]:
    """The fonts a stylesheet names, cut down to the scripts of an assembled document and of
    its metadata (which names every language of the book in its own script) as `flavor`:
    the pages, and so the cut fonts, are the same for each format of each language."""
    stylesheet = (templates / "css" / css).read_text(encoding="utf-8")
    text = "".join((work / name).read_text(encoding="utf-8") for name in (document, "meta.yaml"))
    return fonts.subset(fonts.named_in(stylesheet, templates), unescape(text) + stylesheet,
                        font_subsets(work), flavor)


def _assets(target: Path, templates: Path, css: str, work: Path, shipped: list[Path],
            folders=("charts",)) -> None:
    """Stylesheet, naming the `shipped` fonts (cut down, as WEB_FONTS), those fonts with
    their licence, and pictures beside an HTML page."""
    assets = target / "assets"
    (assets / "fonts").mkdir(parents=True)
    for font in shipped:
        shutil.copyfile(font, assets / "fonts" / font.name)
    stylesheet = (templates / "css" / css).read_text(encoding="utf-8")
    (assets / css).write_text(fonts.as_flavor(stylesheet, WEB_FONTS), encoding="utf-8")
    shutil.copyfile(templates / "fonts" / "OFL.txt", assets / "fonts" / "OFL.txt")
    for folder in folders:
        if (work / folder).is_dir():
            shutil.copytree(work / folder, target / folder)


def render_html(work: Path, out_dir: Path, templates: Path,
                languages: list[str] | None = None) -> Path:
    """The HTML edition of one language as a self-contained site: a home page, a page per
    chapter and per practice profile, the whole paper on one page (all.html), assets and
    a client-side search index (pagefind). The language switcher offers `languages`
    (default: every language of the book), each site beside the others."""
    import jinja2
    from markupsafe import Markup

    from . import site

    fonts.named_files(templates)
    meta = read_meta(work)
    if languages is not None:
        meta["other-languages"] = [other for other in meta["other-languages"]
                                   if other["lang"] in languages]
    with ThreadPoolExecutor(1, thread_name_prefix="fonts") as pool:
        # the fonts are cut while pandoc writes the HTML (Python is idle meanwhile)
        shipped = pool.submit(_shipped_fonts, templates, "web.css", work)
        parts = _write_html(read_ast(work, templates),
                            templates / "pandoc" / "site-parts.html", work / "book.md")
        shipped = shipped.result()
    toc, _, body = parts.partition("<!--BODY-->")
    toc, body = clean_fragment(toc), clean_fragment(body)
    pages = site.split(body, meta["title"], {"home": meta["strings"]["home"],
                                             "all": meta["strings"]["single_page"]})
    where = site.link_targets(pages)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    template = env.get_template("site/page.html.j2")
    with atomic_dir(out_dir) as tmp:
        for page in pages:
            linked = page.kind != "all"
            page_toc = site.relink(toc, page.name, where) if linked else toc
            page_body = site.relink(page.body, page.name, where) if linked else page.body
            (tmp / page.name).write_text(template.render(
                meta=meta, page=page, toc=Markup(page_toc), body=Markup(page_body)),
                encoding="utf-8")
        _assets(tmp, templates, "web.css", work, shipped)
        (tmp / "assets" / "web.css").rename(tmp / "assets" / "book.css")
        search_index(tmp)
    return out_dir / "index.html"


def render_edition_site(works: list[tuple[str, Path]], target: Path, templates: Path) -> Path:
    """An edition's HTML in several languages as one site to put on a web server: each
    language's site in `<lang>/html/`, offering exactly these languages, and a root
    `index.html` that sends a reader to their language."""
    import jinja2

    langs = [lang for lang, _ in works]
    with atomic_dir(target) as tmp:
        for lang, work in works:
            render_html(work, tmp / lang / "html", templates, languages=langs)
        languages = []
        for lang, work in works:
            meta = read_meta(work)
            name = next(o["name"] for o in meta["other-languages"] if o["lang"] == lang)
            languages.append({"lang": lang, "title": meta["title"], "name": name})
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                                 undefined=jinja2.StrictUndefined)
        (tmp / "index.html").write_text(
            env.get_template("site/languages.html.j2").render(languages=languages),
            encoding="utf-8")
    return target / "index.html"


def search_index(folder: Path) -> None:
    """A client-side search index of the site's pages (pagefind, from PyPI)."""
    import subprocess
    import sys
    try:
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(folder),
                               "--quiet"], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PipelineError(error(folder, "no-pagefind", f"pagefind did not run: {exc}",
                                  hint="run `make build` to install it")) from None
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["failed"]
        raise PipelineError(error(folder, "pagefind-failed", f"search index: {message[0]}"))


def render_epub(work: Path, out: Path, templates: Path, sources: Path) -> Path:
    """EPUB 3. Only the writer, which must read our stylesheet and fonts, runs outside
    pandoc's sandbox, and only after every image the AST names was checked to be a file
    inside the book."""
    fonts.named_files(templates)
    embedded = _shipped_fonts(templates, "epub.css", work, flavor=None)
    meta = read_meta(work)
    ast = read_ast(work, templates)
    roots = [sources.resolve(), work.resolve()]
    for target in pandoc.local_resources(ast):
        candidates = [(root / unquote(target)).resolve() for root in roots]
        if urlparse(target).scheme or not any(
                p.is_relative_to(r) and p.is_file() for p in candidates for r in roots):
            raise PipelineError(error(work / "book.md", "refused-resource",
                                      f"image `{target[:80]}` is not a file inside the book"))
    with atomic_path(out) as tmp:
        pandoc.run(["--from", "json", "--to", "epub3", "--toc", "--toc-depth=2",
                    "--split-level=1", "--epub-title-page=true",
                    "--css", str(templates / "css" / "epub.css"),
                    *[f"--epub-embed-font={f}" for f in embedded],
                    "--metadata", f"identifier={meta['identifier']}",
                    "--epub-cover-image", str(work / "cover.svg"),
                    f"--resource-path={sources}:{work}",
                    "-o", str(tmp)], stdin=ast, what=str(work / "book.md"), sandbox=False)
    return out


def preload_weasyprint(templates: Path, work: Path) -> None:
    """Start importing WeasyPrint (half a second of Python) on a thread, so that it is
    loaded while pandoc reads the document; fonts are isolated first, as for every
    layout. Only a head start: a failed import is reported by the layout that needs it."""
    fonts.isolate(templates, work)

    def load() -> None:
        try:
            import weasyprint  # noqa: F401
            from weasyprint.text.fonts import FontConfiguration  # noqa: F401
        except Exception:  # the layout's own import raises it again, and says why
            pass

    threading.Thread(target=load, name="preload-weasyprint", daemon=True).start()


def memoize_page_references() -> None:
    """pydyf (WeasyPrint's PDF writer) builds the references of all pages anew each time
    `PDF.page_references` is read, and WeasyPrint reads it once per tagged element and
    per link: a cost that grows with pages × elements (1.5 of the 7.5 s of writing a
    308-page PDF). The value only changes when a page is added, so it is kept until
    then; the PDF's bytes are the same."""
    import pydyf

    build = pydyf.PDF.page_references.fget
    if getattr(build, "memoized", False):
        return

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        kept = pdf.__dict__.get("_page_references")
        if kept is None or kept[0] != count:
            kept = pdf.__dict__["_page_references"] = (count, build(pdf))
        return kept[1]

    page_references.memoized, page_references.original = True, build
    pydyf.PDF.page_references = property(page_references)


# Tables of the fonts WeasyPrint rewrites with fontTools when it embeds them (variable and
# colour fonts): such a font is read anew for every PDF.
_REWRITTEN_TABLES = ("fvar", "CBDT", "sbix", "SVG ", "COLR")


@contextlib.contextmanager
def fonts_read_once():
    """Within this block, WeasyPrint reads each font file with fontTools once: only for PDFs
    written with `full_fonts`, whose readings are only looked at. Such a PDF (a practice's
    sheet, with the fonts the PDF of all sheets subset) reads every font file again for
    its widths and Unicode map: 48 readings of the same four files for twelve sheets, a
    third of writing them. The PDFs' bytes are the same; fonts that WeasyPrint rewrites
    even then (variable and colour fonts) are read anew each time."""
    import io

    from weasyprint.pdf import fonts as pdf_fonts

    read = getattr(pdf_fonts, "TTFont", None)
    if read is None:  # another WeasyPrint: no shortcut, the same PDFs
        yield
        return
    kept: dict = {}

    def read_once(file, *args, **kwargs):
        if not isinstance(file, io.BytesIO):
            return read(file, *args, **kwargs)
        key = (file.getvalue(), args, tuple(sorted(kwargs.items())))
        font = kept.get(key)
        if font is None:
            font = read(file, *args, **kwargs)
            if not any(tag in font for tag in _REWRITTEN_TABLES):
                kept[key] = font
        return font

    pdf_fonts.TTFont = read_once
    try:
        yield
    finally:
        pdf_fonts.TTFont = read


class _Typesetter:
    """WeasyPrint with the book's fonts and no other, resources only from inside the book,
    and one stylesheet (its `url()`s relative to the templates folder), parsed once for
    every document laid out with it."""

    def __init__(self, css: Path, work: Path, templates: Path, sources: Path):
        fonts.isolate(templates, work)  # before WeasyPrint creates its font configuration
        import weasyprint  # imported here: it is slow to import and only PDFs need it
        from weasyprint.text.fonts import FontConfiguration

        memoize_page_references()
        self.work = work
        self.font_config = FontConfiguration()  # without it, @font-face rules are ignored
        self.fetcher = safe_fetcher([templates, sources, work])
        self.stylesheet = weasyprint.CSS(filename=str(css),
                                         base_url=str(templates.resolve()) + "/",
                                         url_fetcher=self.fetcher, font_config=self.font_config)

    def lay_out(self, html: str, *more_css: str):
        """A laid-out document of `html`, with the stylesheet and any rules in `more_css`."""
        import weasyprint

        document = weasyprint.HTML(string=html, base_url=str(self.work.resolve()) + "/",
                                   url_fetcher=self.fetcher).render(
            stylesheets=[self.stylesheet, *(weasyprint.CSS(string=c) for c in more_css)],
            font_config=self.font_config, pdf_variant=PDF_VARIANT)
        if self.fetcher.refused:
            refused, self.fetcher.refused = self.fetcher.refused, []
            raise PipelineError([error(self.work, "refused-resource",
                                       f"refused to load `{url}`: {why}",
                                       hint="reference only files inside the book")
                                 for url, why in refused])
        return document


def _weasyprint(html: str, css: Path, work: Path, templates: Path, sources: Path,
                document_name: str = "book.md"):
    """A laid-out WeasyPrint document (see `_Typesetter`), refused before layout if a
    character of it is in none of the book's fonts."""
    _refuse_uncovered(html, work, document_name, templates)
    return _Typesetter(css, work, templates, sources).lay_out(html)


def _refuse_uncovered(html: str, work: Path, document_name: str, templates: Path) -> None:
    """Refuse a character no font of the book can show, at its place in the assembled
    document (validation names the source file; this also covers generated text)."""
    found = {ch for _, ch in fonts.uncovered(html, fonts.coverage(templates))}
    if not found:
        return
    lang = read_meta(work).get("lang", work.name)
    document = work / document_name
    text = document.read_text(encoding="utf-8") if document.is_file() else ""
    located = fonts.check_text(text, document, lang, templates)
    problems = [d for d in located if any(f"U+{ord(ch):04X} " in d.message for ch in found)]
    problems += [fonts.problem(document, lang, ch, templates) for ch in sorted(found)
                 if ch not in text]
    raise PipelineError(problems)


def _write_pdf(rendered, path: Path) -> None:
    with atomic_path(path) as tmp:
        rendered.write_pdf(tmp, pdf_variant=PDF_VARIANT, custom_metadata=True)


def render_pdf(work: Path, out: Path, templates: Path, sources: Path) -> Path:
    """The book as a tagged A4 PDF, laid out in parts (see `paginate`) and written whole."""
    fonts.named_files(templates)
    html = to_html(read_ast(work, templates), templates / "pandoc" / "print.html", work)
    _refuse_uncovered(html, work, "book.md", templates)
    documents = _lay_out_parts(html, templates / "css" / "print.css", work, templates, sources)
    _write_pdf(documents[0].copy([page for d in documents for page in d.pages]), out)
    return out


class _Parts:
    """What one process keeps of a book's layout: the parts it laid out last, and the
    typesetter they were laid out with (one font configuration and stylesheet for all)."""

    def __init__(self, key: str, typesetter: _Typesetter):
        self.key = key
        self.typesetter = typesetter
        self.layouts: dict[str, object] = {}


_PARTS: dict[Path, _Parts] = {}  # per work folder; the live preview keeps a few books
_KEEP_BOOKS = 3
PAGE_MAP = "pages.json"  # the last layout's anchor pages: the first guess of the next one


def _lay_out_parts(html: str, css: Path, work: Path, templates: Path, sources: Path) -> list:
    """The book's parts laid out by WeasyPrint, reusing those this process laid out before
    from the same input."""
    from . import paginate

    key = paginate.digest(css.read_text(encoding="utf-8"), *(
        f"{f.name} {f.stat().st_size} {f.stat().st_mtime_ns}"
        for f in sorted(fonts.folder(templates).iterdir())))
    state = _PARTS.pop(work, None)
    if state is None or state.key != key:
        state = _Parts(key, _Typesetter(css, work, templates, sources))
    _PARTS[work] = state
    while len(_PARTS) > _KEEP_BOOKS:
        del _PARTS[next(iter(_PARTS))]
    laid: dict[str, object] = {}

    def lay_out(part: str, first_page: int):
        name = paginate.digest(part, str(first_page))
        document = state.layouts.get(name) or laid.get(name)
        if document is None:
            numbering = [f"@page :first {{ counter-reset: page {first_page} }}"] \
                if first_page > 1 else []
            document = state.typesetter.lay_out(part, *numbering)
        laid[name] = document
        return document

    known = _read_page_map(work)
    # cuts found not to start a page are only remembered for the same stylesheet and fonts
    joined = frozenset(known.get("joined", ()) if known.get("key") == key else ())
    documents, pages, joined = paginate.paginate(html, lay_out, known.get("pages"), joined)
    state.layouts = {name: d for name, d in laid.items() if any(d is k for k in documents)}
    write_if_changed(work / PAGE_MAP, json.dumps(
        {"key": key, "pages": pages, "joined": sorted(joined)}, sort_keys=True, indent=0))
    return documents


def _read_page_map(work: Path) -> dict:
    """The last layout's page map, if it is one; anything else is no guess at all."""
    try:
        data = json.loads((work / PAGE_MAP).read_text(encoding="utf-8"))
        return {"key": str(data["key"]),
                "pages": {str(k): int(v) for k, v in data["pages"].items()},
                "joined": [str(n) for n in data["joined"]]}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def render_slides(work: Path, out: Path, templates: Path, sources: Path) -> Path:
    """The symposium deck: a 16:9 PDF and, beside it, an HTML version that works offline."""
    fonts.named_files(templates)
    html = to_html(read_ast(work, templates, "slides.md"), templates / "pandoc" / "handout.html",
                   work, toc=False, body_class="deck")
    rendered = _weasyprint(html, templates / "css" / "slides.css", work, templates, sources,
                           "slides.md")
    with atomic_dir(out.parent) as tmp:
        page = html.replace("</head>", '<link rel="stylesheet" href="assets/slides.css">\n</head>')
        (tmp / "index.html").write_text(page, encoding="utf-8")
        _assets(tmp, templates, "slides.css", work,
                _shipped_fonts(templates, "slides.css", work, "slides.md"))
        rendered.write_pdf(tmp / out.name, pdf_variant=PDF_VARIANT, custom_metadata=True)
    return out


def render_sheets(work: Path, out: Path, templates: Path, sources: Path) -> Path:
    """One A4 sheet per practice: all sheets in one PDF, and each in a PDF of its own
    (`…-PL-001.pdf`) beside it."""
    fonts.named_files(templates)
    qr_codes(work)
    html = to_html(read_ast(work, templates, "sheets.md"), templates / "pandoc" / "handout.html",
                   work, toc=False, body_class="sheets")
    rendered = _weasyprint(html, templates / "css" / "sheets.css", work, templates, sources,
                           "sheets.md")
    stem = out.name.removesuffix("-sheets.pdf")
    with atomic_dir(out.parent) as tmp:
        # All sheets first: writing them subsets each font once, in place, to the glyphs
        # of every sheet. Each practice's PDF then takes those fonts as they are
        # (`full_fonts`: embed without subsetting again) instead of subsetting every
        # font anew for every page, which cost more than laying the sheets out. A variable
        # font is made static by that first write and cannot be made static again: with
        # one, each practice's PDF makes its own fonts.
        rendered.write_pdf(tmp / out.name, pdf_variant=PDF_VARIANT, custom_metadata=True)
        shared = not any("fvar" in getattr(font, "tables", ("fvar",))
                         for font in rendered.fonts.values())
        # (Own fonts are subset per PDF, which may rewrite a reading: read anew each time.)
        with fonts_read_once() if shared else contextlib.nullcontext():
            for practice, pages in sheet_pages(rendered):
                sheet = rendered.copy(pages)
                if shared:
                    sheet.fonts = rendered.fonts
                sheet.write_pdf(tmp / f"{stem}-{practice}.pdf", pdf_variant=PDF_VARIANT,
                                custom_metadata=True, full_fonts=shared)
    return out


def qr_codes(work: Path) -> None:
    """`qr/<id>.svg` beside the sheets' Markdown for every URL in `qr.json`, drawn on every
    core; a code already there and unchanged is not rewritten."""
    from . import handouts

    urls = sorted(json.loads((work / "qr.json").read_text(encoding="utf-8")).items())
    codes = map_ordered(lambda item: handouts.qr_svg(item[1]), urls)
    for (pid, _), svg in zip(urls, codes):
        write_if_changed(work / "qr" / f"{pid.lower()}.svg", svg)


def sheet_pages(rendered) -> list[tuple[str, list]]:
    """[(practice id, its pages)]: a sheet starts on the page holding its anchor."""
    sheets: list[tuple[str, list]] = []
    for page in rendered.pages:
        starts = [a for a in page.anchors if a.startswith("sheet-")]
        if starts:
            sheets.append((starts[0].removeprefix("sheet-").upper(), [page]))
        elif sheets:
            sheets[-1][1].append(page)
    return sheets


def safe_fetcher(roots: list[Path]):
    """WeasyPrint's only door to resources: local files inside the given folders and
    small data: URIs. Everything else is refused and remembered in `.refused`."""
    from weasyprint.urls import URLFetcher

    allowed = [Path(r).resolve() for r in roots]

    class SafeFetcher(URLFetcher):
        refused: list[tuple[str, str]] = []

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                if len(url) <= MAX_DATA_URI:
                    return super().fetch(url, headers)
                self.refused.append((url[:60], "data: URI larger than 256 KiB"))
            elif parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in allowed) and path.is_file():
                    return super().fetch(url, headers)
                self.refused.append((url, "outside the book's folders or missing"))
            else:
                self.refused.append((url[:80], f"`{parsed.scheme}:` resources are not fetched"))
            raise ValueError(f"refused: {url[:80]}")

    fetcher = SafeFetcher(timeout=5, allowed_protocols=("file", "data"), allow_redirects=False)
    fetcher.refused = []
    return fetcher


MAX_DATA_URI = 256 * 1024


def source_date_epoch(date: str) -> str:
    """SOURCE_DATE_EPOCH from the environment, or the book's date, never the clock."""
    import datetime as dt
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    day = dt.datetime.fromisoformat(str(date)).replace(tzinfo=dt.timezone.utc)
    return str(int(day.timestamp()))
