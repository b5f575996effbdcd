"""The print book laid out in parts, and the parts joined into one document.

WeasyPrint lays out a book as a whole. Here the book's HTML is cut where the print
stylesheet forces a new page anyway (before the contents, a chapter, a country, a
practice profile), each part is laid out as a document of its own, and the parts'
pages are written as one PDF: WeasyPrint makes the structure tree, the outline and the
links of any list of pages, so the joined PDF is tagged like a whole one.

What crosses a cut is given to each part as plain data:

- the number of its first page (`@page :first { counter-reset: page N }`);
- the page of every anchor it links to, as `data-page` on the link, which the
  stylesheet prints after contents entries and practice references;
- the running heads' strings (the book title, the current chapter), as `data-booktitle`
  and `data-chapter` on its outermost section;
- the sections it starts inside, opened again without their ids, each after a hidden
  empty section where the original had an earlier sibling section, so that selectors
  such as `:first-of-type` match as they do in the whole book.

The pages of the anchors come from laying the parts out, so parts are laid out again until
the pages they print are the pages they have (a fixpoint; the first guess is the last
build's page map, and the PDF is the same whatever the guess, as the same pages are then
laid out from the same input). A part whose input did not change is not laid out again in the same
process: after an edit, the live preview lays out only the parts the edit changed. A cut
is only kept where the part laid out after it starts with a forced break; elsewhere the
two parts are laid out as one.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from dataclasses import dataclass

# Sections that the print stylesheet starts on a new page, besides the chapters (body-level
# sections) and the contents (body-level <nav>): a country, and a practice profile, unless
# it is the first in its parent (which follows the parent's heading on the same page).
PAGE_START_CLASSES = ("country", "practice")
FORCED = ("page", "left", "right", "recto", "verso")
MAX_ROUNDS = 4

_TAG = re.compile(r"<(/?)(section|nav)\b[^>]*>")
_CLASSES = re.compile(r'\bclass="([^"]*)"')
_ID = re.compile(r'\s+id="([^"]*)"')
_LINK = re.compile(r'<a\b[^>]*?\bhref="#([^"]+)"')
_HEADING = re.compile(r"<h([1-6])\b")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TITLE = re.compile(r'<h1 class="cover-title"[^>]*>(.*?)</h1>', re.S)
_HIDDEN = "<section hidden></section>"
_BODY = re.compile(r"<body\b[^>]*>")


@dataclass(frozen=True)
class Part:
    start: int              # offset of its first tag in the body
    ancestors: tuple        # ((open tag, had an earlier section sibling), …) it starts inside
    earlier: bool           # its first section had an earlier section sibling
    body: str
    name: str               # the id it starts with, for `joined`


@dataclass(frozen=True)
class Book:
    head: str               # up to and including <body>
    tail: str               # from </body>
    parts: tuple
    booktitle: str
    chapters: tuple         # ((offset in the body, chapter title), …)


def _text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def split(document: str, joined: frozenset = frozenset()) -> Book:
    """The book's HTML (a standalone page from pandoc) cut before its page-starting
    sections; `joined` names cuts not to make."""
    opening = _BODY.search(document)
    if opening is None:
        return Book("", "", (Part(0, (), False, document, ""),), "", ())
    head, rest = document[:opening.end()], document[opening.end():]
    body, _, tail = rest.rpartition("</body>")
    title = _TITLE.search(body)

    cuts = [(0, (), False, "")]
    stack: list[tuple[str, bool]] = []   # open tags around the current position
    seen = [False]                       # per depth: an earlier section at this level
    for m in _TAG.finditer(body):
        if m.group(1):
            if stack:
                stack.pop()
                seen.pop()
            continue
        name, tag = m.group(2), m.group(0)
        classes = (_CLASSES.search(tag) or [None, ""])[1].split()
        earlier = seen[-1]
        if not stack:
            starts_page = name == "nav" or "level1" in classes
        else:
            starts_page = name == "section" and earlier and any(
                c in classes for c in PAGE_START_CLASSES)
        ident = (_ID.search(tag) or [None, ""])[1]
        if starts_page and m.start() > 0 and ident and ident not in joined:
            cuts.append((m.start(), tuple(stack), earlier, ident))
        if name == "section":
            seen[-1] = True
        stack.append((tag, earlier))
        seen.append(False)

    parts = tuple(Part(start, ancestors, earlier, body[start:end], ident)
                  for (start, ancestors, earlier, ident), end
                  in zip(cuts, [c[0] for c in cuts[1:]] + [len(body)]))
    chapters = tuple((m.start(), _text(m.group(1))) for m in _H1.finditer(body)
                     if "cover-title" not in m.group(0))
    return Book(head, "</body>" + tail, parts,
                _text(title.group(1)) if title else "", chapters)


def _chapter(book: Book, part: Part) -> str:
    """The chapter title the running heads show on the part's first page."""
    first = _HEADING.search(part.body)
    limit = part.start + (first.start() + 1 if first and first.group(1) == "1" else 0)
    return next((t for s, t in reversed(book.chapters) if s < limit), "")


def part_html(book: Book, index: int, pages: dict[str, int]) -> str:
    """A part as a document of its own: the sections it starts inside opened again (without
    their ids), its links labelled with the pages of their targets (as far as `pages`
    knows them) and, after the first part, the strings of the running heads."""
    part = book.parts[index]
    text = part.body
    if index:
        own = part.body[:part.body.index(">") + 1]   # the part's own first tag (a cut is a tag)
        tags = [_ID.sub("", tag, count=1) for tag, _ in part.ancestors] + [own]
        carry = (f' data-booktitle="{html_lib.escape(book.booktitle)}"'
                 f' data-chapter="{html_lib.escape(_chapter(book, part))}"')
        tags[0] = re.sub(r"^<(section|nav)\b", lambda m: m.group(0) + carry, tags[0])
        hidden = [had for _, had in part.ancestors] + [part.earlier]
        text = "".join((_HIDDEN if had else "") + tag for tag, had in zip(tags, hidden))
        text += part.body[len(own):]
    still_open = [re.match(r"<(\w+)", tag).group(1) for tag, _ in part.ancestors]
    for m in _TAG.finditer(part.body):
        if m.group(1):
            still_open.pop()
        else:
            still_open.append(m.group(2))
    text += "".join(f"</{name}>" for name in reversed(still_open))
    return book.head + _LINK.sub(lambda m: _label(m, pages), text) + book.tail


def _label(link: re.Match, pages: dict[str, int]) -> str:
    page = pages.get(link.group(1))
    return link.group(0) if page is None else f'{link.group(0)} data-page="{page}"'


def _chain(box, last: bool):
    """The boxes from `box` down through its first (or last) child with an element."""
    while box is not None:
        yield box
        children = [c for c in getattr(box, "children", ()) if c.element is not None]
        box = (children[-1] if last else children[0]) if children else None


def starts_with_break(document) -> bool:
    """Whether a laid-out part's first box asks for a page break before it."""
    return any(b.style["break_before"] in FORCED for b in _chain(document.pages[0]._page_box, False))


def ends_with_break(document) -> bool:
    return any(b.style["break_after"] in FORCED for b in _chain(document.pages[-1]._page_box, True))


def digest(*texts: str) -> str:
    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class NotAForcedBreak(Exception):
    """A cut where the whole book would not start a new page."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def paginate(document: str, lay_out, known: dict[str, int] | None = None,
             joined: frozenset = frozenset()):
    """The parts of the book laid out, in order, with the pages of their anchors agreeing
    with the pages their links print. `lay_out(html, first_page)` lays out one part (and
    may keep what it laid out before). Returns (documents, page map, cuts joined)."""
    joined = set(joined)
    while True:
        try:
            book = split(document, frozenset(joined))
            documents, pages = _fixpoint(book, lay_out, known)
            return documents, pages, frozenset(joined)
        except NotAForcedBreak as exc:
            joined.add(exc.name)


def _fixpoint(book: Book, lay_out, known):
    wanted = {m.group(1) for part in book.parts for m in _LINK.finditer(part.body)}
    for guess in ([dict(known)] if known else []) + [{}]:
        pages = {k: v for k, v in guess.items() if k in wanted}
        for _ in range(MAX_ROUNDS):
            documents, found, first = [], {}, 1
            for index in range(len(book.parts)):
                laid = lay_out(part_html(book, index, pages), first)
                if index and not (starts_with_break(laid) or ends_with_break(documents[-1])):
                    raise NotAForcedBreak(book.parts[index].name)
                for number, page in enumerate(laid.pages, start=first):
                    for anchor in page.anchors:
                        found.setdefault(anchor, number)
                documents.append(laid)
                first += len(laid.pages)
            now = {k: found[k] for k in wanted if k in found}
            if now == pages:
                return documents, now
            pages = now
    return documents, now  # never settled: the last layout from no guess, as it is
