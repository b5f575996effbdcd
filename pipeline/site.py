"""The HTML edition as a site: one page per chapter and per practice profile.

Plain data in (the book's body and table of contents as HTML, from pandoc), plain data
out (pages). Every page keeps the ids of its sections, so a link `#practice-pl-001`
becomes `practice-pl-001.html#practice-pl-001` wherever it points to another page, and
every language has the same file names, so the language switcher lands on the same page.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field

_SECTION = re.compile(r'<section id="([^"]+)" class="([^"]*)"')
_TAG = re.compile(r"<(/?)section\b")
_HEADING = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'href="#([^"]+)"')


@dataclass(frozen=True)
class Page:
    name: str                  # file name: "index.html", "introduction.html", …
    title: str                 # plain text
    body: str                  # HTML
    kind: str                  # home | chapter | practice | all
    crumbs: tuple = ()         # ((title, href), …) from the home page down to the parent
    previous: tuple | None = None   # (title, href)
    next: tuple | None = None
    ids: frozenset = field(default_factory=frozenset)


def _end_of_section(text: str, start: int) -> int:
    """Index just past the `</section>` that closes the section starting at `start`."""
    depth = 0
    for m in _TAG.finditer(text, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return text.index(">", m.end()) + 1
    return len(text)


def _heading_text(fragment: str, start: int = 0) -> str:
    """The plain text of the first heading from `start` on."""
    m = _HEADING.search(fragment, start)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip() if m else ""


def _top_sections(body: str, level: str) -> list[tuple[str, str, int, int]]:
    """(id, classes, start, end) of the sections of a level that are not nested in each other."""
    out, position = [], 0
    for m in _SECTION.finditer(body):
        if m.start() < position or level not in m.group(2).split():
            continue
        end = _end_of_section(body, m.start())
        out.append((m.group(1), m.group(2), m.start(), end))
        position = end
    return out


def split(body: str, home_title: str, labels: dict[str, str]) -> list[Page]:
    """Pages of the site: home, one per chapter, one per practice profile, and the whole
    paper on one page. `labels` gives the localized `home` and `all` titles."""
    chapters = []  # (page, [practice pages])
    for section_id, _, start, end in _top_sections(body, "level1"):
        text = body[start:end]
        title = _heading_text(text)
        # In the chapter page, each profile becomes a link to its own page; one pass, so
        # the time stays linear in the number of practices.
        countries = [(m.start(), (m.group(1), _heading_text(text, m.start())))
                     for m in _SECTION.finditer(text) if "country" in m.group(2).split()]
        practices, pieces, done = [], [], 0
        for pid, _, p_start, p_end in _top_sections(text, "practice"):
            profile = text[p_start:p_end]
            p_title = _heading_text(profile)
            country = countries[bisect.bisect(countries, (p_start,)) - 1][1] \
                if countries and countries[0][0] < p_start else None
            practices.append((pid, p_title, profile, country))
            pieces += [text[done:p_start], f'<p class="practice-link"><a href="{pid}.html">'
                       f'{html.escape(p_title)}</a></p>']
            done = p_end
        chapters.append((section_id, title, "".join(pieces) + text[done:], practices))

    home = Page("index.html", home_title, "", "home")
    pages = [home]
    for section_id, title, text, practices in chapters:
        pages.append(Page(f"{section_id}.html", title, text, "chapter",
                          ((labels["home"], "index.html"),)))
        for pid, p_title, profile, country in practices:
            crumbs = [(labels["home"], "index.html"), (title, f"{section_id}.html")]
            if country:
                crumbs.append((country[1], f"{section_id}.html#{country[0]}"))
            pages.append(Page(f"{pid}.html", p_title, _promote(profile, 2), "practice",
                              tuple(crumbs)))
    # On the one-page version the paper's title is the only <h1>; chapters become <h2>.
    pages.append(Page("all.html", labels["all"], _promote(body, -1), "all",
                      ((labels["home"], "index.html"),)))

    # Previous and next follow the reading order; ids tell which page holds a link target.
    ordered = pages[:-1]
    linked = []
    for i, page in enumerate(pages):
        in_order = page.kind != "all"
        previous = (ordered[i - 1].title, ordered[i - 1].name) if in_order and i > 0 else None
        nxt = (ordered[i + 1].title, ordered[i + 1].name) \
            if in_order and i + 1 < len(ordered) else None
        linked.append(Page(page.name, page.title, page.body, page.kind, page.crumbs, previous,
                           nxt, frozenset(_ID.findall(page.body))))
    return linked


def _promote(fragment: str, levels: int) -> str:
    """Headings `levels` higher, so a page's own title is its `<h1>`."""
    return re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(6, max(1, int(m.group(2)) - levels))}",
                  fragment)


def link_targets(pages: list[Page]) -> dict[str, str]:
    """id -> the page (other than the all-in-one page) that holds it."""
    where = {}
    for page in pages:
        if page.kind in ("chapter", "practice"):
            for anchor in page.ids:
                where.setdefault(anchor, page.name)
    return where


def relink(fragment: str, here: str, where: dict[str, str]) -> str:
    """`href="#id"` pointing to another page becomes `href="page.html#id"`."""
    def target(m: re.Match) -> str:
        page = where.get(m.group(1))
        if page is None or page == here:
            return m.group(0)
        if page == f"{m.group(1)}.html":
            return f'href="{page}"'
        return f'href="{page}#{m.group(1)}"'
    return _HREF.sub(target, fragment)
