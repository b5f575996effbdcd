"""Links that lead nowhere: every `href` and `src` of an HTML page that points inside the
published folder must name a file there, and a `#fragment` an element of that page.

A site is published as a folder (an edition's languages side by side, or one deck); a
link may go anywhere inside that folder, never above it. Links to other sites (`https:`,
`mailto:`) are not followed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..diagnostics import error
from . import Findings

_LINKING = {"a": "href", "link": "href", "area": "href", "img": "src", "script": "src",
            "source": "src", "iframe": "src", "audio": "src", "video": "src"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []  # (line, target)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        wanted = _LINKING.get(tag)
        if wanted and attrs.get(wanted):
            self.links.append((self.getpos()[0], attrs[wanted]))

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def check(pages: list[Path], root: Path | None = None) -> Findings:
    """Every page's links; `root` is the folder they must stay in (default: the common
    folder of the pages)."""
    findings = Findings()
    if not pages:
        return findings
    pages = [Path(p).resolve() for p in pages]
    root = Path(root).resolve() if root else Path(*_common(pages))
    parsed: dict[Path, _Page] = {}

    def page(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    for source in pages:
        for line, target in page(source).links:
            url = urlsplit(target.strip())
            if url.scheme or url.netloc or target.startswith("//"):
                continue
            path = (source.parent / unquote(url.path)).resolve() if url.path else source
            problem = None
            if not path.is_relative_to(root):
                problem = "leads out of the published folder"
            elif path.is_dir():
                path = path / "index.html"
            if problem is None and not path.is_file():
                problem = "leads nowhere: no such file"
            elif problem is None and url.fragment and path.suffix == ".html" \
                    and unquote(url.fragment) not in page(path).ids:
                problem = f"leads nowhere: no element `#{url.fragment}` in {path.name}"
            if problem:
                findings.diagnostics.append(error(source, "dead-link",
                                                  f"link `{_short(target)}` {problem}",
                                                  line=line, column=1))
                findings.errors += 1
    return findings


def _common(paths: list[Path]) -> tuple[str, ...]:
    parts = [p.parent.parts for p in paths]
    common = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return tuple(common) or ("/",)


def _short(text: str, width: int = 70) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= width else text[:width - 1] + "…"
