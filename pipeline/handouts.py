"""What the symposium deck and the practice sheets need beyond the book's own data:
the recommendations in outline, QR codes, and the web address of each profile."""

from __future__ import annotations

import io
import re

import segno

_H2 = re.compile(r"^## (.+?)(?:\s*\{[^}]*\})?\s*$")
_LEAD = re.compile(r"^\s*\d+[.)]\s+\*\*(.+?)\*\*")


def recommendation_outline(markdown: str) -> list[tuple[str, list[str]]]:
    """[(audience heading, [bold lead-in of each numbered recommendation])] of a chapter."""
    outline: list[tuple[str, list[str]]] = []
    for line in markdown.splitlines():
        heading = _H2.match(line)
        if heading:
            outline.append((heading.group(1).strip(), []))
            continue
        lead = _LEAD.match(line)
        if lead and outline:
            outline[-1][1].append(lead.group(1).strip().rstrip(".,;:"))
    return [(h, leads) for h, leads in outline if leads]


def profile_url(website: str, edition: str, lang: str, practice_id: str) -> str:
    """Where a practice's profile lives in the published HTML edition."""
    return f"{website.rstrip('/')}/{edition}/{lang}/html/practice-{practice_id.lower()}.html"


def qr_svg(url: str) -> bytes:
    """A QR code of `url` as a small, deterministic SVG (vector, black on white)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", xmldecl=True, svgns=True, scale=4, border=2, dark="#000",
        light="#fff", title=None, desc=None, svgclass=None, lineclass=None)
    return buffer.getvalue()
