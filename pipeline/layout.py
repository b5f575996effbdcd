"""Where everything a build makes lives, and which formats it makes: the one place that
knows the paths of the intermediate files, the artefacts and the release staging area.
`make`, rendering, the checks, the release and the preview all ask a `Layout`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

# The formats of every language of an edition, and the order make starts them in: the
# longest renders first, so that no long PDF starts last while other cores idle.
FORMATS = ("pdf", "epub", "html", "slides", "sheets")
LONGEST_FIRST = ("pdf", "slides", "sheets", "epub", "html")
# Formats whose work is done by other programs (pandoc, pagefind) while this process waits:
# a language's render runs them beside the ones WeasyPrint lays out in Python.
BESIDE_LAYOUT = ("epub", "html")
# What `assemble` writes for one language of an edition; each written only when its
# content changes, so that renders follow real edits.
INTERMEDIATES = ("book.md", "slides.md", "sheets.md", "meta.yaml", "figures.stamp")
DOCUMENT_OF = {"slides": "slides.md", "sheets": "sheets.md"}  # every other format: book.md


def font_subsets(work: Path) -> Path:
    """Where the fonts cut down for HTML and EPUB are kept: beside the work folders of the
    editions (`work` is `<out>/.work/<edition>/<lang>`), shared by all of them."""
    return Path(work).parents[1] / "fonts"


@dataclass(frozen=True)
class Layout:
    out: Path       # --out, `build/` by default
    slug: str       # the book's

    def work(self, edition: str, lang: str) -> Path:
        """The intermediate files of one language of an edition."""
        return self.out / ".work" / edition / lang

    def document(self, edition: str, lang: str, fmt: str) -> Path:
        """The assembled Markdown a format is rendered from."""
        return self.work(edition, lang) / DOCUMENT_OF.get(fmt, "book.md")

    def artefact(self, edition: str, lang: str, fmt: str) -> Path:
        """The file make tracks for one artefact (a site's index, the whole deck or all
        sheets; the rest of them lies beside it)."""
        base = self.out / edition / lang
        if fmt == "html":
            return base / "html" / "index.html"
        if fmt in ("slides", "sheets"):
            return base / fmt / f"{self.slug}-{edition}-{lang}-{fmt}.pdf"
        return base / f"{self.slug}-{edition}-{lang}.{fmt}"

    @property
    def validated(self) -> Path:
        """Touched by a successful validation; make validates once per build."""
        return self.out / ".work" / "validated"

    def release_site(self, edition: str, version: str) -> Path:
        """An edition's HTML as released: its languages side by side under a root page."""
        return self.out / ".release" / f"{self.slug}-{version}-{edition}-html"

    def meta(self, edition: str, lang: str) -> dict | None:
        """The metadata `assemble` wrote for one language of an edition, if any."""
        try:
            return read_meta(self.work(edition, lang))
        except (OSError, yaml.YAMLError):
            return None


def read_meta(work: Path) -> dict:
    """The metadata `assemble` wrote beside the Markdown (read with libyaml: it is large)."""
    return yaml.load((work / "meta.yaml").read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
