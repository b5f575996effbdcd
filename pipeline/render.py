"""Stage 5: render an assembled language into HTML, EPUB 3 and PDF.

pandoc (bundled, sandboxed) turns the Markdown into HTML and EPUB; WeasyPrint lays the
print HTML out as a tagged A4 PDF. Every artefact is written atomically.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

from . import pandoc
from .diagnostics import PipelineError, error
from .files import atomic_dir, atomic_path

FONTS = ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf",
         "NotoSerif-BoldItalic.ttf", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
FORMATS = ("pdf", "epub", "html")


def check_fonts(templates: Path) -> list[Path]:
    paths = [templates / "fonts" / name for name in FONTS]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise PipelineError([error(p, "missing-font", "font file is missing",
                                   hint="restore templates/fonts/ from version control")
                             for p in missing])
    return paths


def _pandoc_inputs(work: Path, templates: Path) -> list[str]:
    return [str(work / "book.md"), "--from", pandoc.MARKDOWN,
            "--metadata-file", str(work / "meta.yaml"),
            "--lua-filter", str(templates / "pandoc" / "practice-links.lua"),
            "--toc", "--toc-depth=2", "--wrap=none"]


def render_html(work: Path, out_dir: Path, templates: Path) -> Path:
    """A self-contained HTML site for one language: index.html plus assets/."""
    fonts = check_fonts(templates)
    with atomic_dir(out_dir) as tmp:
        html = pandoc.run([*_pandoc_inputs(work, templates), "--to", "html5",
                           "--standalone", "--section-divs",
                           "--template", str(templates / "pandoc" / "web.html")],
                          what=str(work / "book.md"))
        (tmp / "index.html").write_text(html, encoding="utf-8")
        assets = tmp / "assets"
        (assets / "fonts").mkdir(parents=True)
        shutil.copyfile(templates / "css" / "web.css", assets / "book.css")
        for font in fonts:
            shutil.copyfile(font, assets / "fonts" / font.name)
        shutil.copyfile(templates / "fonts" / "OFL.txt", assets / "fonts" / "OFL.txt")
        if (work / "charts").is_dir():
            shutil.copytree(work / "charts", tmp / "charts")
    return out_dir / "index.html"


def render_epub(work: Path, out: Path, templates: Path, sources: Path) -> Path:
    """EPUB 3. The sources are read in pandoc's sandbox into an AST; only the writer,
    which must read our stylesheet and fonts, runs outside it, and only after every
    image the AST names was checked to be a file inside the book."""
    fonts = check_fonts(templates)
    meta = yaml.safe_load((work / "meta.yaml").read_text(encoding="utf-8"))
    ast = pandoc.run([*_pandoc_inputs(work, templates), "--to", "json"],
                     what=str(work / "book.md"))
    roots = [sources.resolve(), work.resolve()]
    for target in pandoc.local_resources(ast):
        candidates = [(root / unquote(target)).resolve() for root in roots]
        if urlparse(target).scheme or not any(
                p.is_relative_to(r) and p.is_file() for p in candidates for r in roots):
            raise PipelineError(error(work / "book.md", "refused-resource",
                                      f"image `{target[:80]}` is not a file inside the book"))
    with atomic_path(out) as tmp:
        pandoc.run(["--from", "json", "--to", "epub3",
                    "--split-level=1", "--epub-title-page=true",
                    "--css", str(templates / "css" / "epub.css"),
                    *[f"--epub-embed-font={f}" for f in fonts],
                    "--metadata", f"identifier={meta['identifier']}",
                    f"--resource-path={sources}:{work}",
                    "-o", str(tmp)], stdin=ast, what=str(work / "book.md"), sandbox=False)
    return out


def render_pdf(work: Path, out: Path, templates: Path, sources: Path) -> Path:
    check_fonts(templates)
    html = pandoc.run([*_pandoc_inputs(work, templates), "--to", "html5", "--standalone",
                       "--section-divs", "--template", str(templates / "pandoc" / "print.html")],
                      what=str(work / "book.md"))
    import weasyprint  # imported here: it is slow to import and only PDF needs it

    fetcher = safe_fetcher([templates, sources, work])
    document = weasyprint.HTML(string=html, base_url=str(work.resolve()) + "/",
                               url_fetcher=fetcher)
    stylesheet = weasyprint.CSS(filename=str(templates / "css" / "print.css"),
                                url_fetcher=fetcher)
    with atomic_path(out) as tmp:
        document.write_pdf(tmp, stylesheets=[stylesheet], pdf_variant="pdf/ua-1",
                           uncompressed_pdf=False, custom_metadata=True)
    if fetcher.refused:
        raise PipelineError([error(work / "book.md", "refused-resource",
                                   f"refused to load `{url}`: {why}",
                                   hint="reference only files inside the book")
                             for url, why in fetcher.refused])
    return out


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
