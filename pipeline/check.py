"""Conformance gates for built artefacts (`pipeline check`, `make check`).

Each gate wraps one checker (see `pipeline.checkers`): EPUBCheck on the EPUBs, the Nu HTML
checker and axe-core on the HTML pages, and our own PDF checks. The gates only read what a
build left in `out`; they never build.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .checkers import Findings, axe, epubcheck, links, nu, pdf
from .diagnostics import Diagnostic, error
from .layout import FORMATS, Layout

GATES = ("epubcheck", "nu", "axe", "pdf", "links")
FORMAT_OF_GATE = {"epubcheck": ("epub",), "nu": ("html", "slides"), "axe": ("html",),
                  "pdf": ("pdf", "slides", "sheets"), "links": ("html", "slides")}


@dataclass(frozen=True)
class GateResult:
    """One gate's run: how many files it checked, its findings, how long it took."""

    name: str
    files: int
    errors: int  # as the checker counts them
    warnings: int
    seconds: float
    ran: bool
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    def summary(self) -> str:
        if not self.ran:
            return f"{self.name}: not run ({self.files} {_plural(self.files, 'file')} waiting)"
        return (f"{self.name}: {self.files} {_plural(self.files, 'file')}, "
                f"{self.errors} {_plural(self.errors, 'error')}, "
                f"{self.warnings} {_plural(self.warnings, 'warning')} ({self.seconds:.1f} s)")


@dataclass(frozen=True)
class CheckReport:
    """Artefacts that should have been built but were not, and every gate's result."""

    missing: tuple[Diagnostic, ...]
    gates: tuple[GateResult, ...]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [*self.missing, *(d for gate in self.gates for d in gate.diagnostics)]


@dataclass(frozen=True)
class Artefacts:
    """The built files of one edition that exist, and a diagnostic for each that does not."""

    epubs: list[Path]
    pdfs: list[tuple[str, Path, str | None]]  # (language, PDF, sentence it must hold)
    html_pages: list[Path]  # pages checked by the Nu checker: every .html file
    axe_pages: list[Path]   # pages checked by axe-core
    missing: list[Diagnostic]
    # Pages whose links must lead somewhere, each group inside the folder it is
    # published as (an edition's languages side by side, or one deck).
    linked: list[tuple[list[Path], Path]] = field(default_factory=list)


def find_artefacts(layout: Layout, edition: str, langs: list[str],
                   formats: tuple[str, ...] = FORMATS, site: Path | None = None) -> Artefacts:
    """The built files of an edition. `site`: the edition's HTML as released (languages
    side by side under a root page) instead of the build's sites."""
    epubs, pdfs, html_pages, axe_pages, missing = [], [], [], [], []
    linked: list[tuple[list[Path], Path]] = []
    site_pages: list[Path] = []
    hint = f"run `make build EDITION={edition} LANGS={','.join(langs)}` first"
    for lang in langs:
        folder = layout.out / edition / lang
        meta = layout.meta(edition, lang) or {}
        if not folder.is_dir():
            missing.append(error(folder, "not-built", f"nothing is built for `{lang}` in "
                                 f"edition `{edition}`", hint=hint))
            continue
        wanted = {fmt: layout.artefact(edition, lang, fmt) for fmt in FORMATS}
        if site:
            wanted["html"] = site / lang / "html" / "index.html"
        for fmt in (f for f in formats if f in wanted):  # other formats have no gate yet
            if not wanted[fmt].is_file():
                missing.append(error(wanted[fmt], "not-built", f"the {fmt.upper()} of `{lang}` "
                                     "is missing", hint=hint))
        if "epub" in formats and wanted["epub"].is_file():
            epubs.append(wanted["epub"])
        for fmt in ("pdf", "slides", "sheets"):
            if fmt in formats and wanted[fmt].is_file():
                # A PDF must hold a sentence of its language: the subtitle (else the
                # title); sheets carry the book's title only.
                sentence = meta.get("title") if fmt == "sheets" else \
                    (meta.get("subtitle") or meta.get("title"))
                pdfs.append((lang, wanted[fmt], str(sentence) if sentence else None))
        if "slides" in formats and wanted["slides"].is_file():
            deck = wanted["slides"].parent
            html_pages.append(deck / "index.html")
            linked.append(([deck / "index.html"], deck))
        if "html" in formats and wanted["html"].is_file():
            pages = sorted(wanted["html"].parent.glob("*.html"))
            html_pages.extend(pages)
            site_pages.extend(pages)
            # The home page, a chapter and a practice profile.
            chapters = [p for p in pages if p.name not in ("index.html", "all.html")
                        and not p.name.startswith("practice-")]
            axe_pages += [wanted["html"], *chapters[:1],
                          *[p for p in pages if p.name.startswith("practice-")][:1]]
    if site_pages:
        if site is not None and (site / "index.html").is_file():
            site_pages.append(site / "index.html")
            html_pages.append(site / "index.html")
            axe_pages.append(site / "index.html")
        linked.append((site_pages, site or layout.out / edition))
    return Artefacts(epubs, pdfs, html_pages, axe_pages, missing, linked)


def run_gates(layout: Layout, edition: str, langs: list[str], *,
              templates: Path = Path("templates"), formats: tuple[str, ...] = FORMATS,
              site: Path | None = None, axe_pages: list[Path] | None = None,
              parallel: bool = True) -> CheckReport:
    """Run every gate whose format is asked for, in two lanes side by side unless
    `parallel` is false; each result carries its own wall-clock time. `axe_pages` replaces
    the pages axe-core opens (default: each language's index.html; pass a landing page, a
    chapter and a practice profile once the site has several pages)."""
    found = find_artefacts(layout, edition, langs, formats, site)
    pages = found.axe_pages if axe_pages is None else list(axe_pages)

    def link_check() -> Findings:
        findings = Findings()
        for group, root in found.linked:
            part = links.check(group, root)
            findings.diagnostics += part.diagnostics
            findings.errors += part.errors
        return findings

    jobs = {
        "epubcheck": (len(found.epubs), lambda: epubcheck.check(found.epubs)),
        "nu": (len(found.html_pages), lambda: nu.check(found.html_pages)),
        "axe": (len(pages), lambda: axe.check(pages)),
        "pdf": (len(found.pdfs),
                lambda: pdf.check(found.pdfs, templates)),
        "links": (sum(len(group) for group, _ in found.linked), link_check),
    }
    names = [name for name in GATES if set(FORMAT_OF_GATE[name]) & set(formats)]

    def timed(name: str) -> GateResult:
        files, job = jobs[name]
        started = time.monotonic()
        findings: Findings = job() if files else Findings()
        return GateResult(name, files, findings.errors, findings.warnings,
                          time.monotonic() - started, findings.ran,
                          tuple(findings.diagnostics))

    if parallel and len(names) > 1:
        # Two lanes for two cores: the PDF and link checks are Python and hold one core;
        # the other gates mostly wait for Java and Chromium, one after the other.
        # Four gates at once were slower than this (Java's JIT and Chromium competing).
        python = ("pdf", "links")
        lanes = [[n for n in names if n in python], [n for n in names if n not in python]]
        with ThreadPoolExecutor(max_workers=2) as pool:
            lane_results = list(pool.map(lambda lane: [timed(n) for n in lane], lanes))
        by_name = {r.name: r for results in lane_results for r in results}
        results = [by_name[name] for name in names]
    else:
        results = [timed(name) for name in names]
    return CheckReport(tuple(found.missing), tuple(results))


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"
