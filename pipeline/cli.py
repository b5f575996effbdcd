"""The command line: `pipeline <command>`; the only place that prints and exits."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
from pathlib import Path

import click

from . import build as build_mod
from .layout import FORMATS
from .diagnostics import PipelineError, as_json, has_errors, ordered, summary

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130


def _common(fn):
    """--sources, --templates and --out, accepted by every command."""
    @click.option("--sources", type=click.Path(path_type=Path), default=Path("sources"),
                  show_default=True, envvar="SOURCES", help="The book's sources folder.")
    @click.option("--templates", type=click.Path(path_type=Path), default=Path("templates"),
                  show_default=True, envvar="TEMPLATES", help="Templates, styles, fonts, strings.")
    @click.option("--out", type=click.Path(path_type=Path), default=Path("build"),
                  show_default=True, envvar="OUT", help="Where outputs go.")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        project = build_mod.Project(kwargs.pop("sources"), kwargs.pop("templates"),
                                    kwargs.pop("out"))
        try:
            code = fn(project, *args, **kwargs)
            sys.stdout.flush()
        except BrokenPipeError:  # `pipeline status | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = EXIT_OK
        except PipelineError as exc:
            _print_problems(exc.diagnostics)
            code = EXIT_ERRORS
        except KeyboardInterrupt:
            click.echo("interrupted; finished artefacts are complete, nothing half-written "
                       "was kept", err=True)
            code = EXIT_INTERRUPTED
        except click.ClickException:  # a usage error: click prints it, exit status 2
            raise
        except Exception as exc:  # a bug of ours: one line, the traceback only on request
            if os.environ.get("PIPELINE_DEBUG"):
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc} — this is a bug in the "
                       "toolchain; rerun with PIPELINE_DEBUG=1 to see where", err=True)
            code = EXIT_INTERNAL
        sys.exit(code or EXIT_OK)
    return wrapper


def _print_problems(diagnostics) -> None:
    for d in ordered(diagnostics):
        click.echo(d.format(), err=True)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.replace(" ", ",").split(",") if v.strip()] if value else None


def _known(values, allowed, what: str) -> None:
    """A usage error (exit status 2) naming the first of `values` not in `allowed`."""
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise click.UsageError(f"unknown {what} `{unknown[0]}`; choose from "
                               + ", ".join(allowed))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="pipeline")
def main():
    """Build a multilingual policy paper (PDF, EPUB, HTML) from practice records and chapters.

    Most users run it through make: `make build`, `make validate`, `make status`.
    """


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the problems.")
@click.option("--stamp", type=click.Path(path_type=Path), hidden=True,
              help="Touch this file when the sources are valid (used by make).")
@_common
def validate(project, fmt, stamp):
    """Check every source file; print every problem in one run.

    Each problem is one line: path:line:column: error|warning: field: message (hint).
    Exit status 1 when there are errors, 0 otherwise.
    """
    sources, problems = project.load_and_validate()
    problems = ordered(problems)
    if fmt == "json":
        click.echo(as_json(problems, sources.files))
    else:
        _print_problems(problems)
        click.echo(summary(problems, sources.files), err=True)
    if has_errors(problems):
        return EXIT_ERRORS
    if stamp:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    return EXIT_OK


@main.command()
@click.option("--lang", required=True, help="Language code, e.g. uk.")
@click.option("--edition", default=None, help="Edition (default: the book's default).")
@click.option("--validated", "stamp", type=click.Path(path_type=Path), default=None,
              help="The stamp of `validate --stamp`: if it is newer than every source "
                   "file, the sources are not checked again (used by make).")
@_common
def assemble(project, lang, edition, stamp):
    """Merge one language of an edition into Markdown (an intermediate of `build`)."""
    sources, problems = project.load_and_validate(stamp)
    if has_errors(problems):
        _print_problems(problems)
        return EXIT_ERRORS
    path = project.assemble(sources, lang, edition)
    click.echo(f"  text {lang}  {path}", err=True)
    return EXIT_OK


@main.command()
@click.option("--lang", required=True, help="Language code, e.g. uk.")
@click.option("--edition", required=True, help="Edition name.")
@click.option("--formats", default=",".join(FORMATS), show_default=True,
              help="Comma-separated formats, rendered in this process longest first.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Only this format.")
@_common
def render(project, lang, edition, formats, fmt):
    """Render artefacts of one language from its assembled Markdown (an intermediate of
    `build`): one process for all of them, so imports and the document are shared, and
    pandoc writes the EPUB and HTML while WeasyPrint lays out the PDFs."""
    wanted = [fmt] if fmt else _split(formats) or []
    _known(wanted, FORMATS, "format")
    project.render_many(lang, edition, wanted, lambda each, path, seconds: click.echo(
        f"  {each:<4} {lang}  {path}  ({seconds:.1f} s)", err=True))
    return EXIT_OK


@main.command()
@click.option("--langs", help="Comma-separated languages (default: all of the book's).")
@click.option("--formats", help="Comma-separated formats: pdf, epub, html (default: all).")
@click.option("--edition", default=None, help="Edition (default: the book's default).")
@_common
def build(project, langs, formats, edition):
    """Validate, then build every language × format of an edition into --out."""
    built = project.build(_split(langs), _split(formats), edition,
                          progress=lambda line: click.echo(line, err=True))
    click.echo(f"built {len(built)} artefacts:", err=True)
    for path in built:
        click.echo(f"  {path}")
    return EXIT_OK


@main.command()
@click.option("--edition", default=None, help="Edition (default: the book's default).")
@click.option("--langs", help="Comma-separated languages (default: all of the book's).")
@click.option("--formats", help="Comma-separated formats to check: pdf, epub, html "
              "(default: all; other formats have no checks yet and are skipped).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the problems.")
@_common
def check(project, edition, langs, formats, fmt):
    """Check what `build` left in --out: EPUBCheck (no errors, no warnings), the Nu HTML
    checker and axe-core in headless Chromium (no errors, no violations), and the PDFs
    (fonts embedded and ours, tagged, language, text). Never builds.

    Prints every problem, then one summary line per checker. Exit status 1 on any error.
    """
    from . import check as check_mod  # the checkers are an optional extra: import on use

    book = project.book()
    edition = book.edition(edition).name
    langs = _split(langs) or list(book.languages)
    formats = tuple(_split(formats) or FORMATS)
    _known(langs, book.languages, "language")
    _known(formats, FORMATS, "format")
    report = check_mod.run_gates(project.layout(book), edition, langs,
                                 templates=project.templates, formats=formats)
    problems = ordered(report.diagnostics)
    if fmt == "json":
        click.echo(json.dumps({
            "edition": edition, "langs": langs,
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
            "gates": [{"name": g.name, "files": g.files, "errors": g.errors,
                       "warnings": g.warnings, "seconds": round(g.seconds, 1), "ran": g.ran}
                      for g in report.gates],
            "problems": [dataclasses.asdict(p) for p in problems],
        }, ensure_ascii=False, indent=2))
    else:
        _print_problems(problems)
        for gate in report.gates:
            click.echo(gate.summary(), err=True)
    return EXIT_ERRORS if has_errors(problems) else EXIT_OK


@main.command()
@click.option("--dist", "dist_root", type=click.Path(path_type=Path), default=Path("dist"),
              show_default=True, envvar="DIST", help="Where releases go (<dist>/<version>/).")
@click.option("--langs", help="Comma-separated languages (default: the book's release list).")
@click.option("--editions", help="Comma-separated editions (default: the book's release list).")
@click.option("--gate-only", is_flag=True,
              help="Only check that every release language is complete.")
@click.option("--no-checks", is_flag=True,
              help="Release without running the conformance gates (to try the layout); the "
                   "manifest, the landing page and `pipeline verify` then say it is unchecked.")
@_common
def dist(project, dist_root, langs, editions, gate_only, no_checks):
    """Lay out a release from built artefacts: versioned names, each edition's HTML as one
    site of its released languages (zip), SHA256SUMS, manifest.json and a landing page.

    Refuses, listing every field, while a release language has missing or stale
    translations. Then runs every conformance gate (`pipeline check`) on every edition,
    reports all findings at once and refuses on any error; the manifest records which
    gates each file passed."""
    target = project.dist(dist_root, _split(langs), _split(editions), gate_only,
                          gates=not no_checks, progress=lambda line: click.echo(line, err=True))
    if target is None:
        click.echo("release gate passed: every release language is complete", err=True)
    else:
        click.echo(f"release written to {target}/ (open index.html; check with "
                   f"`pipeline verify {target}`)", err=True)
    return EXIT_OK


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def verify(folder):
    """Check a received release against its SHA256SUMS and manifest.json."""
    from .dist import unchecked
    from .dist import verify as verify_release
    problems = verify_release(folder)
    _print_problems(problems)
    click.echo(f"{folder}: " + ("everything matches its checksum" if not problems
                                else f"{len(problems)} problem(s)"), err=True)
    skipped = unchecked(folder)
    if skipped:
        click.echo(f"{folder}: warning: this release was NOT checked: {len(skipped)} of its "
                   "files never passed the conformance gates (EPUBCheck, Nu, axe-core, PDF, "
                   "links); it was made with `make dist CHECKS=0`, for review only", err=True)
    sys.exit(EXIT_ERRORS if problems else EXIT_OK)


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the page here (default: print it).")
@_common
def reference(project, output):
    """The reference of the book's record format, generated from its contract: every
    field (kind, when required), the rules, the rubric, and every vocabulary with its
    labels in each language (Markdown; the repository keeps it in docs/)."""
    from . import reference as reference_mod
    from .files import write_if_changed
    from .i18n import Strings
    sources = project.checked_sources()
    book = sources.book_data
    strings = {lang: Strings(sources, lang) for lang in book["languages"]}
    page = reference_mod.markdown(sources.contract, book["title"], strings)
    if output:
        write_if_changed(output, page)
        click.echo(f"written to {output}", err=True)
    else:
        click.echo(page, nl=False)
    return EXIT_OK


@main.command()
@click.option("--notes", is_flag=True,
              help="Print only what is missing, as one note per install command.")
def tools(notes):
    """The system tools beyond the Python packages: what each is for, whether it is
    installed, and the command that installs it."""
    from . import tools as tools_mod
    if notes:
        for line in tools_mod.notes():
            click.echo(line, err=True)
        return
    for tool in tools_mod.system_tools():
        state = "installed" if tool.found else f"missing: `{tool.install}`"
        click.echo(f"{tool.name:<20} {state:<40} {tool.purpose}")


@main.command()
@_common
def makefile(project):
    """Print make rules for every artefact of the book (used by the Makefile)."""
    click.echo(project.make_rules(), nl=False)
    return EXIT_OK


@main.command()
@click.option("--lang", "langs", multiple=True, help="Only these languages.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--fail-on", type=click.Choice(["never", "missing", "stale"]), default="never",
              show_default=True,
              help="Exit 1 when anything is missing (or missing or stale).")
@_common
def status(project, langs, fmt, fail_on):
    """Translation status per language, down to the field."""
    report = project.status(list(langs) or None)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for lang, entry in report.items():
            click.echo(f"{lang}: {entry['percent']:.0f}% complete — {entry['current']} current, "
                       f"{entry['stale']} stale, {entry['missing']} missing "
                       f"(of {entry['total']})")
            for item in entry["items"]:
                if item["state"] in ("missing", "stale"):
                    where = f"{item['file']}:{item['line']}" if item["line"] else item["file"]
                    click.echo(f"  {item['state']:<7} {item['unit']}"
                               f"{'.' + item['field'] if item['field'] else ''}  {where}")
            for w in entry["glossary"]:
                click.echo(f"  glossary {w['file']}:{w['line']}: {w['message']} ({w['hint']})")
    bad = {"never": (), "missing": ("missing",), "stale": ("missing", "stale")}[fail_on]
    if any(e[state] for e in report.values() for state in bad):
        return EXIT_ERRORS
    return EXIT_OK


@main.group()
def translate():
    """Tools for translators."""


@translate.command()
@click.option("--lang", required=True, help="Language code, e.g. cs.")
@_common
def scaffold(project, lang):
    """Create missing translation files and fields, pre-filled with the source text and
    marked `untranslated: true`; record the source hash of new translations. Never
    overwrites translated text."""
    updated, stale = project.scaffold(lang)
    for line in updated:
        click.echo(line)
    click.echo(f"{len(updated)} file(s) updated for `{lang}`", err=True)
    if stale:
        click.echo("\nStale translations — the source changed since they were made "
                   "([-removed-] {+added+}). Update the text, then set `source:` to the "
                   "new hash with `pipeline translate done --lang LANG UNIT.FIELD`:", err=True)
        for line in stale:
            click.echo(line)
    return EXIT_OK


@translate.command()
@click.option("--lang", required=True, help="Language code, e.g. cs.")
@click.argument("targets", nargs=-1, required=True)
@_common
def done(project, lang, targets):
    """Record that stale translations were updated to the current source.

    TARGETS are `PL-001.summary`, `PL-001` (all its fields), `book.title` or
    `chapter:introduction`."""
    outcomes = project.mark_done(lang, list(targets))
    for _, line in outcomes:
        click.echo(line)
    marked = sum(done for done, _ in outcomes)
    click.echo(f"{marked} field(s) marked current in `{lang}`, "
               f"{len(outcomes) - marked} left as they were", err=True)
    return EXIT_OK


@translate.command("export")
@click.option("--lang", required=True, help="Language code, e.g. cs.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="PO file (default: stdout).")
@_common
def export_po(project, lang, output):
    """Export every translatable field as a PO file for CAT tools (stale ones fuzzy)."""
    text = project.export_po(lang, output)
    if not output:
        click.echo(text, nl=False)
    return EXIT_OK


@translate.command("import")
@click.option("--lang", required=True, help="Language code, e.g. cs.")
@click.argument("po_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_common
def import_po(project, lang, po_file):
    """Import a translated PO file; only fields whose text changed are written."""
    written = project.import_po(lang, po_file)
    for line in written:
        click.echo(line)
    click.echo(f"{len(written)} file(s) updated for `{lang}`", err=True)
    return EXIT_OK


@main.command()
@click.option("--edition", default=None, help="Edition (default: the book's default).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@_common
def serve(project, edition, host, port):
    """Live preview: serve the HTML edition, rebuild the language a change concerns,
    reload the browser; build errors appear in the page."""
    from .serve import serve as run_server
    run_server(project, edition, host, port, log=lambda line: click.echo(line, err=True))
    return EXIT_OK


@main.command("new-practice")
@click.option("--country", required=True, help="A country of the book's contract, e.g. PL.")
@_common
def new_practice(project, country):
    """Write a commented skeleton practice record with the next free id."""
    path = project.new_practice(country.upper())
    click.echo(path)
    return EXIT_OK


# ---------------------------------------------------------------- collecting and assessing

@main.command()
@click.option("--langs", help="Languages of the form's labels, the first the default "
              "(default: the book's).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("practice-form.xlsx"), show_default=True)
@_common
def form(project, langs, output):
    """Write an XLSForm to collect practices with KoboToolbox, ODK Collect or Enketo.

    It asks every question of a practice record a contributor can answer, with the
    contract's codes as choices labelled in each language, the actors as a repeat group,
    and the contract's constraints (dates in order, counts not negative, the end of a
    completed practice, at most four themes). Upload it as it is; import what the tool
    exports with `pipeline import`."""
    from . import collect
    from .i18n import Strings
    sources = project.checked_sources()
    book = project.book(sources)
    languages = _split(langs) or list(book.languages)
    unknown = [lang for lang in languages if lang not in sources.strings]
    if unknown:
        raise click.UsageError(f"no interface strings for `{unknown[0]}`")
    strings = {lang: Strings(sources, lang) for lang in languages}
    collect.write_form(output, sources.contract, book, languages, strings)
    click.echo(f"form written to {output} ({len(collect.questions(sources.contract, book))} "
               f"questions, labels in {', '.join(languages)})", err=True)
    return EXIT_OK


@main.command("import")
@click.argument("export", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--partial", is_flag=True,
              help="Import the good submissions even when others have problems.")
@click.option("--lang", help="Language of the submissions' prose (default: the book's "
              "source language).")
@_common
def import_command(project, export, partial, lang):
    """Turn a KoboToolbox or ODK export of the form (XLSX, or CSV) into draft records.

    Each submission becomes practices/<ID>.yaml with the next free id of its country and
    `editorial.status: draft`; its uuid is kept in `provenance.submission`, so importing
    the same export again adds only new submissions and never overwrites a record.
    Problems are listed as FILE:SHEET!CELL; nothing is written while one remains, unless
    --partial. Exit status 1 when there are problems."""
    from . import collect
    sources = project.checked_sources()
    result = collect.import_submissions(sources, project.book(sources), export,
                                        partial=partial, lang=lang)
    _print_problems(collect.report_lines(result))
    for path in result.written:
        click.echo(path)
    click.echo(f"{len(result.written)} draft record(s) written, {len(result.skipped)} "
               f"submission(s) already imported, {len(result.problems)} problem(s)"
               + ("; nothing written" if result.problems and not partial else ""), err=True)
    return EXIT_ERRORS if result.problems else EXIT_OK


@main.group()
def assess():
    """Scoring workbooks for assessors, and reading their scores back."""


@assess.command("export")
@click.option("--assessor", required=True, help="The assessor's name.")
@click.option("--country", required=True, help="The assessor's country (ISO code).")
@click.option("--lang", help="Language of the workbook (default: the book's source language).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@_common
def assess_export(project, assessor, country, lang, output):
    """Write a scoring workbook for one assessor: a row per practice under review (id,
    title and summary in the assessor's language), a column per rubric criterion limited
    to the rubric's scores, and a comment column."""
    from . import assess as assess_mod
    from .i18n import Strings
    sources = project.checked_sources()
    book = project.book(sources)
    lang = lang or book.source_language
    _known([lang], book.languages, "language")
    count = assess_mod.export_workbook(output, sources, assessor, country.upper(), lang,
                                       Strings(sources, lang))
    click.echo(f"{output}: {count} practice(s) to score for {assessor}", err=True)
    return EXIT_OK


@assess.command("import")
@click.argument("workbooks", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_common
def assess_import(project, workbooks):
    """Read scoring workbooks back: record each assessor's scores in the records, check
    the contract's assessor rules, compute the consensus (the median score; of two
    middle ones the lower), and list the criteria where assessors differ by 2 points or
    more, for a consensus meeting. Nothing is written while a workbook has a problem."""
    from . import assess as assess_mod
    sources = project.checked_sources()
    result = assess_mod.import_workbooks(sources, list(workbooks))
    _print_problems(assess_mod.report(result))
    for path in result.written:
        click.echo(path)
    if result.disagreements:
        click.echo("To discuss at a consensus meeting (scores 2 points or more apart):",
                   err=True)
        for line in result.disagreements:
            click.echo(f"  {line}", err=True)
    click.echo(f"{len(result.written)} record(s) updated, {len(result.problems)} problem(s)"
               + ("; nothing written" if result.problems else ""), err=True)
    return EXIT_ERRORS if result.problems else EXIT_OK


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--languages", default="en", show_default=True,
              help="The book's languages, the source language first (e.g. pl,en,ru).")
@click.option("--countries", default="PL", show_default=True,
              help="ISO 3166-1 codes of the countries its practices come from (e.g. FR,DE).")
@click.option("--templates", type=click.Path(path_type=Path), default=Path("templates"),
              show_default=True, envvar="TEMPLATES", help="Templates, styles, fonts, strings.")
def init(folder, languages, countries, templates):
    """Start a new book in FOLDER: book.yaml, contract.yaml (countries, vocabularies,
    rubric, rules), the labels of its codes in each language, a first chapter and an
    example record. It validates and builds at once (`make build SOURCES=FOLDER`); then
    make it your own. Never writes into a folder that is not empty."""
    from .files import write_atomic
    from .starter import new_book
    try:
        files, notes = new_book(folder, _split(languages) or [], [c.upper() for c in
                                                                 _split(countries) or []],
                                templates)
    except PipelineError as exc:
        _print_problems(exc.diagnostics)
        sys.exit(EXIT_ERRORS)
    for name, text in sorted(files.items()):
        write_atomic(folder / name, text)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{len(files)} files written to {folder}/; build it with "
               f"`make build SOURCES={folder}`", err=True)


# ---------------------------------------------------------------- benchmark
# `pipeline corpus` and `pipeline bench`: developer tools (devtools/corpus.py, devtools/bench.py).

@main.command("corpus")
@click.option("--practices", type=click.IntRange(1, 3996), required=True,
              help="Number of practice records, spread over CZ, PL, SK, HU.")
@click.option("--langs", default="6", show_default=True,
              help="The first N of en, uk, pl, cs, sk, hu, or a list such as en,pl "
                   "(the first is the source language).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for the book's sources (replaced if it holds an earlier corpus).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Same seed, same files.")
def corpus_command(practices, langs, out, seed):
    """Write a synthetic book that validates: book.yaml, practices/, chapters/<lang>/,
    translations/<lang>/ (all current), text from word lists per language."""
    from devtools import corpus as corpus_mod
    try:
        made = corpus_mod.generate(out, practices, corpus_mod.parse_langs(langs), seed)
    except PipelineError as exc:
        _print_problems(exc.diagnostics)
        sys.exit(EXIT_ERRORS)
    click.echo(f"{made.files} files: {made.practices} practices in {', '.join(made.langs)} "
               f"→ {made.root}/ (check with `pipeline validate --sources {made.root}`)", err=True)


@main.command("bench")
@click.option("--quick", is_flag=True, help="A smoke test: 3 practices, one language, HTML.")
@click.option("--cases", help="Only these cases, comma-separated: sample, corpus-40, "
              "corpus-200, corpus-1000, pdf-300.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("build/bench.json"), show_default=True,
              help="Where to write everything measured.")
@click.option("--work", type=click.Path(path_type=Path, file_okay=False),
              help="Keep books, builds and logs here (default: a temporary folder, removed).")
@click.option("--profile", "profile_lang", metavar="LANG",
              help="Instead: profile one PDF render of the sample in LANG (cProfile).")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="With --profile: a copy of templates/ to profile instead.")
@click.option("--compare-templates", type=click.Path(path_type=Path, file_okay=False,
                                                     exists=True),
              help="Instead: time the sample's English PDF with templates/ and with this copy.")
def bench_command(quick, cases, json_path, work, profile_lang, templates, compare_templates):
    """Time `make -j2 build` of the sample and of synthetic corpora against pandoc and
    WeasyPrint run directly on the same intermediate files (sequentially and on two
    cores), no-op and incremental rebuilds, validation, peak RSS, and peers (Sphinx + MyST,
    pandoc → Typst). Prints a table; writes everything to --json. Run from the project
    folder (`make bench`)."""
    from devtools import bench as bench_mod
    root = Path.cwd()
    if not (root / "Makefile").is_file() or not (root / "templates").is_dir():
        click.echo("error: run `pipeline bench` from the project folder (with Makefile and "
                   "templates/)", err=True)
        sys.exit(EXIT_USAGE)
    if profile_lang:
        click.echo(bench_mod.profile_pdf(root, profile_lang, templates=templates))
        return
    if compare_templates:
        result = bench_mod.compare_templates(root, compare_templates,
                                             progress=lambda l: click.echo(l, err=True))
        click.echo(f"English PDF, best of 3: templates/ {result['ours_s']:.2f} s wall "
                   f"({result['ours_cpu_s']:.2f} s CPU), {compare_templates} "
                   f"{result['other_s']:.2f} s ({result['other_cpu_s']:.2f} s CPU): saving "
                   f"{100 * result['saving']:.0f} % wall, {100 * result['cpu_saving']:.0f} % "
                   f"CPU; pages {result['pages']['ours']} → {result['pages']['other']}")
        return
    plan = bench_mod.QUICK_PLAN if quick else bench_mod.DEFAULT_PLAN
    if cases:
        wanted = _split(cases)
        unknown = [c for c in wanted if c not in {p.name for p in plan}]
        if unknown:
            click.echo(f"error: unknown case `{unknown[0]}` (cases: "
                       f"{', '.join(p.name for p in plan)})", err=True)
            sys.exit(EXIT_USAGE)
        plan = tuple(p for p in plan if p.name in wanted)
    try:
        report = bench_mod.run(plan, root, work, progress=lambda l: click.echo(l, err=True))
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    bench_mod.write_json(report, json_path)
    click.echo(bench_mod.table(report))
    click.echo(f"written to {json_path}", err=True)
    sys.exit(EXIT_ERRORS if report["errors"] else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
