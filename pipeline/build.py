"""The edge where stages meet files: where outputs live, and the sequence
load → validate → merge/assemble → render for one book."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import fonts
from . import render as render_mod
from . import skeleton
from . import translate as translate_mod
from .book import Book, of_sources, read_book
from .diagnostics import PipelineError, display_path, error, has_errors
from .files import write_atomic, write_if_changed
from .layout import BESIDE_LAYOUT, FORMATS, INTERMEDIATES, LONGEST_FIRST, Layout, read_meta
from .load import BookSources, load_sources
from .merge import blocking_problems, translation_status
from .validate import validate

# `assemble` is imported by the methods that use it: it loads Jinja, Babel and
# matplotlib, which `validate` and `status` do not need.
PACKAGE = Path(__file__).parent


@dataclass(frozen=True)
class Project:
    sources: Path
    templates: Path
    out: Path

    # ------------------------------------------------------------------ the book
    def book(self, sources: BookSources | None = None) -> Book:
        """The typed book: of loaded sources, or of book.yaml alone."""
        book = of_sources(sources) if sources is not None else read_book(self.sources)
        if book is None:
            raise PipelineError(error(self.sources / "book.yaml", "no-book",
                                      "book.yaml declares no languages or editions",
                                      hint="run `make validate` for details"))
        return book

    def layout(self, book: Book) -> Layout:
        return Layout(self.out, book.slug)

    # ------------------------------------------------------------------ stages
    def load_and_validate(self, stamp: Path | None = None) -> tuple[BookSources, list]:
        """The sources and every problem in them. With `stamp` (written by a successful
        `validate --stamp`) newer than every source file, the checks are not run again:
        make validates once per build, not once per language."""
        sources, problems = load_sources(self.sources, self.templates)
        if stamp is not None and self._newer_than_sources(stamp):
            return sources, problems
        return sources, problems + validate(sources)

    def _newer_than_sources(self, stamp: Path) -> bool:
        try:
            done = stamp.stat().st_mtime_ns
            files = [p for p in self.sources.rglob("*") if p.is_file()]
            files += (self.templates / "i18n").glob("*.yaml")
            return all(p.stat().st_mtime_ns <= done for p in files)
        except OSError:
            return False

    def checked_sources(self) -> BookSources:
        sources, problems = self.load_and_validate()
        if has_errors(problems):
            raise PipelineError([p for p in problems if p.severity == "error"])
        return sources

    def assemble(self, sources: BookSources, lang: str, edition: str | None) -> Path:
        """Write the intermediate Markdown and metadata of one language; unchanged files
        keep their time stamps so that make renders only what changed."""
        from . import assemble as assemble_mod
        from .i18n import language_name
        fonts.named_files(self.templates)  # the charts are drawn with them
        book = self.book(sources)
        name = book.edition(edition).name
        if book.edition(edition).fallback == "block":
            self.translation_gate(sources, name, lang, f"edition `{name}` refuses to build")
        work = self.layout(book).work(name, lang)
        result = assemble_mod.assemble(sources, lang, name, cache=self.out / ".work" / "cache")
        metadata = dict(result.metadata)
        metadata["other-languages"] = [
            {"lang": other, "name": language_name(other), "current": other == lang,
             "href": f"../../{other}/html/index.html"} for other in book.languages]
        metadata["pagetitle"] = metadata["title"]
        write_if_changed(work / "meta.yaml",
                         yaml.safe_dump(metadata, allow_unicode=True, sort_keys=True))
        figures = [write_if_changed(work / name, data) for name, data in result.figures.items()]
        if any(figures) or not (work / "figures.stamp").exists():
            write_atomic(work / "figures.stamp", "")
        write_if_changed(work / "slides.md", result.slides)
        write_if_changed(work / "sheets.md", result.sheets)
        write_if_changed(work / "book.md", result.markdown)
        return work / "book.md"

    def translation_gate(self, sources: BookSources, edition: str, lang: str, what: str) -> None:
        """Refuse, listing every field, when a text the edition shows is missing or stale."""
        from . import assemble as assemble_mod
        book = self.book(sources)
        chosen = book.edition(edition)
        ids = {r["id"] for r in assemble_mod.published_records(sources, chosen)}
        chapters = [c for c in chosen.chapters
                    if not (sources.templates / "sections" / f"{c}.md.j2").exists()]
        if "practices" in chosen.chapters:  # the profiles show each country's context
            chapters += [name for lang_, name in sources.chapters
                         if lang_ == book.source_language and name.startswith("context-")]
        blocked = blocking_problems(translation_status(sources, lang, chapters, ids))
        if blocked:
            raise PipelineError([error(sources.book.path, "translation-blocked",
                                       f"{what} `{lang}`: {len(blocked)} translation(s) "
                                       "missing or stale", hint="the list follows")] + blocked)

    def render(self, lang: str, edition: str, fmt: str) -> Path:
        layout = self.layout(self.book())
        work = layout.work(edition, lang)
        if not (work / "book.md").exists():
            raise PipelineError(error(work / "book.md", "not-assembled",
                                      "nothing assembled for this language yet",
                                      hint=f"run `pipeline assemble --lang {lang}` first"))
        meta = read_meta(work)
        os.environ["SOURCE_DATE_EPOCH"] = render_mod.source_date_epoch(meta["date"])
        out = layout.artefact(edition, lang, fmt)
        if fmt == "html":
            return render_mod.render_html(work, out.parent, self.templates)
        if fmt == "epub":
            return render_mod.render_epub(work, out, self.templates, self.sources)
        if fmt == "slides":
            return render_mod.render_slides(work, out, self.templates, self.sources)
        if fmt == "sheets":
            return render_mod.render_sheets(work, out, self.templates, self.sources)
        return render_mod.render_pdf(work, out, self.templates, self.sources)

    def render_many(self, lang: str, edition: str, formats,
                    done=lambda fmt, path, seconds: None) -> list[Path]:
        """Several formats of one language, longest first, with the document read once.
        The formats made by pandoc (EPUB, HTML) run on a thread beside those WeasyPrint
        lays out here (or beside each other): the thread mostly waits for pandoc, so both
        cores work when one language is rebuilt. `done` hears of each artefact as it is
        complete. A failure on either side is raised when both have finished, with the
        other side's (each artefact is written whole or not at all)."""
        ordered = [f for f in LONGEST_FIRST if f in formats]
        laid_out = [f for f in ordered if f not in BESIDE_LAYOUT]
        work = self.layout(self.book()).work(edition, lang)
        if laid_out:
            render_mod.preload_weasyprint(self.templates, work)
        beside = [f for f in ordered if f in BESIDE_LAYOUT]
        here = laid_out or beside[1:]
        beside = [f for f in beside if f not in here]

        def run(fmts: list[str]) -> list[Path]:
            paths = []
            for fmt in fmts:
                started = time.monotonic()
                paths.append(self.render(lang, edition, fmt))
                done(fmt, paths[-1], time.monotonic() - started)
            return paths

        if not (beside and here):
            return run(ordered)
        if (work / "book.md").exists():  # read once, not by both threads at the same time
            render_mod.read_ast(work, self.templates)
        with ThreadPoolExecutor(1, thread_name_prefix="pandoc") as pool:
            other = pool.submit(run, beside)
            try:
                paths = run(here)
            except PipelineError as exc:
                failed = exc.diagnostics
                paths = []
            else:
                failed = []
            try:
                paths += other.result()
            except PipelineError as exc:
                failed = failed + exc.diagnostics
        if failed:
            raise PipelineError(failed)
        return paths

    def build(self, langs, formats, edition, progress=lambda line: None) -> list[Path]:
        """Everything in one process: for users and tests without make."""
        sources = self.checked_sources()
        book = self.book(sources)
        name = book.edition(edition).name
        langs = langs or list(book.languages)
        formats = formats or list(FORMATS)
        for fmt in formats:
            if fmt not in FORMATS:
                raise PipelineError(error("--formats", "unknown-format",
                                          f"unknown format `{fmt}`",
                                          hint="choose from " + ", ".join(FORMATS)))
        built, total = [], len(langs) * len(formats)
        for lang in langs:
            self.assemble(sources, lang, name)

            def done(fmt, path, seconds, lang=lang):
                built.append(path)
                progress(f"[{len(built)}/{total}] {fmt:<4} {lang}  {path}  ({seconds:.1f} s)")

            self.render_many(lang, name, formats, done)
        return built

    # ------------------------------------------------------------------ release
    @staticmethod
    def release_plan(book: Book, langs=None, editions=None):
        """The release's editions and languages: as asked, else as book.yaml says."""
        return list(editions or book.release.editions), list(langs or book.release.languages)

    def dist(self, dist_root: Path, langs=None, editions=None, gate_only=False,
             gates=True, progress=lambda line: None) -> Path | None:
        """Refuse when a release language has a missing or stale text; otherwise lay out
        dist/<version>/ from the built artefacts. Each edition's HTML is released as one
        site of its released languages (rendered anew, so that its language switcher
        offers exactly those). With `gates`, every conformance gate runs on every
        edition first, all findings are reported together, and any error refuses the
        release; without, the release says that it was not checked."""
        from . import check as check_mod
        from . import dist as dist_mod
        sources = self.checked_sources()
        book = self.book(sources)
        layout = self.layout(book)
        editions, langs = self.release_plan(book, langs, editions)
        refusals = []
        for edition in editions:
            for lang in langs:
                try:
                    self.translation_gate(sources, edition, lang,
                                          f"release of edition `{edition}` refused for")
                except PipelineError as exc:
                    refusals += exc.diagnostics
        if refusals:
            raise PipelineError(refusals)
        if gate_only:
            return None
        os.environ["SOURCE_DATE_EPOCH"] = render_mod.source_date_epoch(book.date)
        missing = [error(layout.artefact(e, lang, fmt), "not-built", "artefact is missing",
                         hint=f"run `make build EDITION={e} LANGS={','.join(langs)}`")
                   for e in editions for lang in langs for fmt in FORMATS
                   if not layout.artefact(e, lang, fmt).exists()]
        if missing:
            raise PipelineError(missing)
        sites = {e: layout.release_site(e, book.version) for e in editions}
        for edition, site in sites.items():
            render_mod.render_edition_site([(lang, layout.work(edition, lang)) for lang in langs],
                                           site, self.templates)
        results: dict[str, dict[str, str]] = {}
        if gates:
            problems = []
            for edition in editions:
                report = check_mod.run_gates(layout, edition, langs,
                                             templates=self.templates, site=sites[edition])
                problems += report.diagnostics
                for gate in report.gates:
                    progress(f"{edition}: {gate.summary()}")
                    results.setdefault(edition, {})[gate.name] = \
                        "passed" if gate.ran and not gate.errors else "failed"
            if has_errors(problems):
                raise PipelineError(problems + [error(
                    dist_root / book.version, "release-refused",
                    "the release was not written: the gates above found errors",
                    hint="fix them, or try the layout with `make dist CHECKS=0` "
                         "(such a release says it is unchecked)")])
        percent = {lang: self._completeness(sources, lang) for lang in langs}
        artefacts = []
        for edition in editions:
            for fmt in FORMATS:
                if fmt == "html":
                    artefacts.append(dist_mod.Artefact(edition, tuple(langs), fmt, sites[edition],
                                                       min(percent.values())))
                    continue
                artefacts += [dist_mod.Artefact(edition, (lang,), fmt,
                                                layout.artefact(edition, lang, fmt),
                                                percent[lang]) for lang in langs]
        return dist_mod.release(sources, artefacts, dist_root,
                                results if gates else None)

    @staticmethod
    def _completeness(sources: BookSources, lang: str) -> float:
        items = translation_status(sources, lang)
        return 100.0 * sum(i.state == "current" for i in items) / len(items) if items else 100.0

    # ------------------------------------------------------------------ make
    def make_rules(self) -> str:
        """Rules for every language × format of every edition, with their inputs."""
        # Only book.yaml is read: the rules name files, whatever they hold. A book.yaml
        # that cannot be read gives rules without artefacts: the validation they still
        # run reports its problems, once, like any other source's.
        book = read_book(self.sources)
        layout = Layout(Path("$(OUT)"), book.slug if book else "book")
        src = self.sources
        source_language = book.source_language if book else ""
        shared = sorted(str(p) for p in (
            [src / "book.yaml", src / "contract.yaml"] + list((src / "practices").glob("*.yaml"))
            + list((src / "chapters" / source_language).glob("*.md"))))
        code = sorted(str(p) for p in PACKAGE.glob("*.py"))
        templates = sorted(str(p) for p in self.templates.rglob("*")
                           if p.is_file() and "i18n" not in p.parts and "fonts" not in p.parts)
        editions = list(book.editions) if book else []
        languages = list(book.languages) if book else []
        release = self.release_plan(book) if book else ([], [])
        lines = [f"BOOK_LANGS := {' '.join(languages)}",
                 f"BOOK_EDITIONS := {' '.join(editions)}",
                 f"BOOK_DEFAULT_EDITION := {book.default_edition if book else ''}",
                 f"BOOK_FORMATS := {' '.join(FORMATS)}",
                 f"BOOK_FORMATS_LONGEST_FIRST := {' '.join(LONGEST_FIRST)}", ""]
        lines.append(f"{layout.validated}: {' '.join(shared + code)} "
                     f"$(wildcard {src}/translations/*/*.yaml {src}/chapters/*/*.md "
                     f"{src}/strings/*.yaml {self.templates}/i18n/*.yaml)")
        lines.append("\t@$(PIPELINE) validate --stamp $@")
        for edition in editions:
            for lang in languages:
                work = layout.work(edition, lang)
                lang_inputs = (f"$(wildcard {src}/translations/{lang}/*.yaml "
                               f"{src}/chapters/{lang}/*.md {src}/strings/{lang}.yaml) "
                               f"{self.templates}/i18n/{lang}.yaml")
                lines.append(f"{work}/book.stamp: {' '.join(shared)} {lang_inputs} "
                             f"{' '.join(templates)} {' '.join(code)} | {layout.validated}")
                lines.append(f"\t@$(PIPELINE) assemble --lang {lang} --edition {edition} "
                             f"--validated {layout.validated}")
                lines.append("\t@touch $@")
                lines.append(" ".join(f"{work}/{name}" for name in sorted(INTERMEDIATES))
                             + f": {work}/book.stamp ;")
                # Every format of a language in one process (imports and the document
                # are shared), those of this make run (RENDER_FORMATS) longest first.
                targets = [str(layout.artefact(edition, lang, fmt)) for fmt in FORMATS]
                for fmt, target in zip(FORMATS, targets):
                    lines.append(f"ARTEFACTS_{edition}_{lang}_{fmt} := {target}")
                documents = sorted({str(layout.document(edition, lang, f)) for f in FORMATS})
                lines.append(f"{' '.join(targets)} &: {' '.join(documents)} "
                             f"{work}/meta.yaml {work}/figures.stamp {' '.join(templates)} "
                             f"{' '.join(code)} $(wildcard {self.templates}/fonts/*)")
                lines.append(f"\t@$(PIPELINE) render --lang {lang} --edition {edition} "
                             "--formats $(RENDER_FORMATS)")
        lines.append(f"RELEASE_EDITIONS := {' '.join(release[0])}")
        lines.append(f"RELEASE_LANGS := {' '.join(release[1])}")
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ translators
    def status(self, langs: list[str] | None) -> dict:
        sources = self.checked_sources()
        report = {}
        for lang in langs or self.book(sources).languages:
            items = translation_status(sources, lang)
            if not items:  # the source language, with no record written in another one
                continue
            counts = {s: sum(i.state == s for i in items) for s in ("current", "stale", "missing")}
            total = len(items)
            report[lang] = {
                "total": total, **counts,
                "percent": 100.0 * counts["current"] / total if total else 100.0,
                "items": [{"unit": i.unit, "field": i.field, "state": i.state,
                           "file": display_path(i.file), "line": i.line} for i in items],
                "glossary": [{"file": w.file, "line": w.line, "message": w.message,
                              "hint": w.hint}
                             for w in translate_mod.glossary_warnings(sources, lang)],
            }
        return report

    def scaffold(self, lang: str) -> tuple[list[str], list[str]]:
        """Files brought up to date, and what changed in the source of stale fields."""
        sources = self.checked_sources()
        updated = translate_mod.scaffold(sources, lang)
        return updated, translate_mod.changes(self.checked_sources(), lang)

    def export_po(self, lang: str, path: Path | None) -> str:
        from . import po
        text = po.export(self.checked_sources(), lang).__unicode__()
        if path:
            write_atomic(path, text)
        return text

    def import_po(self, lang: str, path: Path) -> list[str]:
        from . import po
        return po.import_po(self.checked_sources(), lang, path)

    def mark_done(self, lang: str, targets: list[str]) -> list[str]:
        return translate_mod.mark_done(self.checked_sources(), lang, targets)

    def new_practice(self, country: str) -> Path:
        sources, _ = load_sources(self.sources, self.templates)
        path, text = skeleton.new_practice(sources, country)
        write_atomic(path, text)
        return path

