"""Defence in depth: nothing active reaches an artefact even if validation is bypassed.

Validation already rejects raw HTML, event handlers and unsafe links in the sources. Here,
two more layers: `clean_document` strips raw HTML, `on…` attributes and unsafe link targets
from the pandoc AST that every format is written from, and `clean_html` passes the parts
of an HTML page that come from the sources through nh3 (the ammonia sanitiser).
"""

from __future__ import annotations

import json
import re

import nh3

SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")
_REGION = re.compile(r"<!--\s*sanitize\s*-->(.*?)<!--\s*/sanitize\s*-->", re.S)

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "li", "mark", "nav", "ol", "p", "pre", "q", "s",
        "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul", "header", "footer", "aside"}
ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title", "role", "aria-label", "aria-labelledby",
          "aria-describedby", "aria-hidden"},
    "a": {"href", "hreflang", "data-page-before", "data-page-after"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type", "reversed"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span", "style"},
}


def clean_fragment(fragment: str) -> str:
    """A fragment of HTML that comes from the sources, through nh3."""
    return nh3.clean(fragment, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SAFE_SCHEMES,
                     link_rel=None, filter_style_properties={"text-align", "width"})


def clean_html(page: str) -> str:
    """Sanitise every `<!--sanitize-->…<!--/sanitize-->` region of a page (the parts that
    come from the sources); the template's own markup around them is kept as written."""
    return _REGION.sub(lambda m: clean_fragment(m.group(1)), page)


def safe_url(url: str, image: bool = False) -> bool:
    m = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]", "", url))
    if not m:
        return True  # relative, or a #fragment
    scheme = m.group(1).lower()
    return scheme == "data" if image else scheme in SAFE_SCHEMES


def clean_document(document: dict) -> str:
    """A parsed pandoc AST as JSON, without raw HTML/TeX, event handlers or unsafe link
    targets (cleaned in place)."""
    return json.dumps(_clean(document), ensure_ascii=False)


def _is_attr(node) -> bool:
    return (isinstance(node, list) and len(node) == 3 and isinstance(node[0], str)
            and isinstance(node[1], list) and isinstance(node[2], list)
            and all(isinstance(kv, list) and len(kv) == 2 for kv in node[2]))


_LEAVES = frozenset(("Str", "Space", "SoftBreak", "LineBreak"))  # most nodes; nothing inside


def _clean(node):
    """Cleans the parsed JSON in place (it is ours) and returns it. Leaves, most of a
    document, are passed over without a call."""
    kind = type(node)
    if kind is dict:
        tag = node.get("t")
        if tag in ("Link", "Image"):
            target = node["c"][2]
            if not safe_url(target[0], image=tag == "Image"):
                target[0] = "#" if tag == "Link" else ""
        for key, value in node.items():
            if type(value) in (dict, list):
                node[key] = _clean(value)
        return node
    if kind is list:
        if _is_attr(node):
            return [node[0], node[1], [[k, v] for k, v in node[2]
                                       if not k.lower().startswith("on")
                                       and k.lower() not in ("href", "src", "srcdoc", "style",
                                                             "formaction", "xlink:href")]]
        out = []
        for item in node:
            kind = type(item)
            if kind is dict:
                tag = item.get("t")
                if tag in _LEAVES:
                    out.append(item)
                elif tag not in ("RawBlock", "RawInline"):
                    out.append(_clean(item))
            elif kind is list:
                out.append(_clean(item))
            else:
                out.append(item)
        return out
    return node
