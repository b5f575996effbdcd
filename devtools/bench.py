"""`pipeline bench`: how fast the toolchain builds, measured against the raw tools and peers.

For each case (the sample book, synthetic corpora of growing size) the bench runs, in one
session on the same machine:

1. our build: `make -j2 build` into a fresh OUT, every `pipeline` step it runs timed;
2. the raw tools on the same intermediate files (`.work/<edition>/<lang>/book.md`,
   `meta.yaml`), through the very functions `pipeline render` calls: once sequentially,
   each artefact in a fresh process (its time and peak RSS), and once two at a time,
   longest first, each in a process forked after the imports (the best two cores can do
   for the tools alone; calls our code made at once are replayed at once);
3. a no-op `make build`, and (where the book has Polish) a rebuild after one Polish
   translation field changed;
4. peers on the same Markdown: Sphinx + MyST (HTML, EPUB) and pandoc → Typst (PDF).

Everything is a ratio against raw tool time measured in the same run: absolute times
depend on the machine and on what else it is doing (the load average is recorded).
The table goes to stdout, everything measured to a JSON file.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

GOAL_RATIO = 1.10          # our wall time / raw tool time on two cores
GOAL_NOOP_S = 0.5
GOAL_VALIDATE_S = 2.0      # validation of 1,000 records
GOAL_RSS_MIB = 1536        # peak RSS of a 300-page PDF
GOAL_RSS_PAGES = 300
GOAL_SHEET_PAGE = 1.5       # a sheet page costs at most this many book pages
PEER_RUNS = 3               # runs of ours and of each Sphinx builder; the best counts
GOAL_SPHINX = 2.0           # our HTML + EPUB at least this many times faster than Sphinx
GOAL_EDIT_TO_PDF_S = 5.0    # one edit → that language's PDF complete
# A book page costs at most this share of what it cost with the toolchain at BASELINE_REV
# (the last revision before the work on build speed), each on its own sample book.
GOAL_PAGE_COST = 0.70
BASELINE_REV = "6d48685"
PAGED = {"pdf": "book", "slides": "deck", "sheets": "sheets"}  # formats laid out in pages
JOBS = 2
EDITION = "full"


@dataclass(frozen=True)
class Case:
    name: str
    practices: int | None          # None: the sample book in sources/
    langs: tuple[str, ...] | None  # None: all of the book's languages
    formats: tuple[str, ...]
    build: bool = True             # False: assemble, then only the raw sequential renders
    peers: tuple[str, ...] = ()    # languages to run Sphinx and Typst on
    incremental: bool = False
    page_cost: str | None = None   # a language whose book page is timed against BASELINE_REV
    note: str = ""


# What `make bench` runs: about 10 minutes on an idle 2-core machine. PDFs of the big
# corpora would not fit (WeasyPrint lays out about 3 pages per practice: a 1,000-practice
# book is ~3,000 pages per language), so the corpora build English HTML (the site with its
# search index) and the 40-practice one the PDF too; the sizes are comparable with each
# other. Every language and format is in the sample; the 300-page PDF is rendered on its own.
DEFAULT_PLAN = (
    Case("sample", None, None, ("pdf", "epub", "html", "slides", "sheets"), peers=("en", "uk"),
         incremental=True, page_cost="pl", note="the sample paper: every language and format"),
    Case("corpus-40", 40, ("en",), ("pdf", "html"), note="English PDF + HTML"),
    Case("corpus-200", 200, ("en",), ("html",), note="English HTML only"),
    Case("corpus-1000", 1000, ("en",), ("html",), note="English HTML only"),
    Case("pdf-300", 90, ("en",), ("pdf",), build=False,
         note="90 practices: one ~300-page English PDF, raw render only (peak RSS)"),
)
QUICK_PLAN = (
    Case("corpus-3", 3, ("en",), ("html",), note="smoke test: 3 practices, HTML"),
)

# Columns of the main table, in order; the JSON holds the same keys per case.
COLUMNS = ("case", "practices", "langs", "formats", "artefacts", "pdf_pages", "our_wall_s",
           "raw_seq_s", "raw_2core_s", "ratio", "ratio_goal", "our_cpu_s", "raw_cpu_s",
           "cpu_ratio", "steps_s", "validate_s", "assemble_s", "per_practice_s", "noop_s",
           "note")


# ------------------------------------------------------------------ helpers


def _now() -> float:
    return time.perf_counter()


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def distance(value: float | None, goal: float, unit: str = "", lower_is_better: bool = True,
             digits: int = 2) -> str:
    """`met`, or how far the measured value is from the goal."""
    if value is None:
        return "not measured"
    met = value <= goal if lower_is_better else value >= goal
    if met:
        return "met"
    gap = value - goal if lower_is_better else goal - value
    return (f"{value:.{digits}f}{unit} is {gap:.{digits}f}{unit} "
            f"{'over' if lower_is_better else 'under'} the goal ({goal:g}{unit})")


def _run(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
         timeout: int = 3600) -> tuple[float, subprocess.CompletedProcess]:
    wall, _, done = _run_cpu(cmd, cwd, env, timeout)
    return wall, done


def _run_cpu(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
             timeout: int = 3600) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s of the command and every process it waited for, the result)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = _now()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    wall = _now() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def _check(done: subprocess.CompletedProcess, what: str) -> None:
    if done.returncode != 0:
        tail = (done.stdout[-1500:] + "\n" + done.stderr[-3000:]).strip()
        raise BenchError(f"{what} failed (exit {done.returncode}):\n{tail}")


class BenchError(Exception):
    pass


def _snapshot(out: Path) -> dict[str, int]:
    """Modification times of every file under `out` (artefacts and intermediates)."""
    return {str(p.relative_to(out)): p.stat().st_mtime_ns
            for p in out.rglob("*") if p.is_file() and not p.is_symlink()}


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k, v in after.items() if before.get(k) != v)


def _short_list(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def _artefacts(paths: list[str]) -> list[str]:
    """Finished outputs among changed paths: PDFs, EPUBs, html/index.html."""
    return [p for p in paths if not p.startswith(".work")
            and (p.endswith((".pdf", ".epub")) or p.endswith("html/index.html"))]


def pdf_pages(path: Path) -> int | None:
    try:
        from pypdf import PdfReader
        return len(PdfReader(path).pages)
    except Exception:  # pypdf missing or a PDF it cannot read: the count is optional
        data = path.read_bytes()
        return len(re.findall(rb"/Type\s*/Page[^s]", data)) or None


# ------------------------------------------------------------------ timed pipeline steps
#
# make runs `$(PIPELINE) <command>` for every step. The bench sets PIPELINE to
# `python -m devtools.bench --step-log FILE`, which runs the same command line and appends
# one JSON line (command, seconds from interpreter start to exit) to FILE.


def _step_main(argv: list[str]) -> None:
    log, args = argv[1], argv[2:]
    started = _now()
    code = 0
    try:
        from pipeline.cli import main
        main(args=args, prog_name="pipeline")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:  # the interpreter's own start-up before this line (~30 ms) is not counted
        line = json.dumps({"args": args, "seconds": _now() - started, "exit": code}) + "\n"
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
    sys.exit(code)


def _steps(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def _step_summary(steps: list[dict]) -> dict:
    """Seconds per kind of step: makefile, validate, assemble (per language), render
    (per artefact)."""
    out = {"makefile_s": 0.0, "validate_s": 0.0, "assemble_s": {}, "render_s": {},
           "steps": len(steps), "sum_s": 0.0}
    for s in steps:
        args, sec = s["args"], s["seconds"]
        out["sum_s"] += sec
        cmd = args[0] if args else ""
        opts = dict(zip(args[1::2], args[2::2])) if len(args) > 1 else {}
        if cmd == "makefile":
            out["makefile_s"] += sec
        elif cmd == "validate":
            out["validate_s"] += sec
        elif cmd == "assemble":
            out["assemble_s"][opts.get("--lang", "?")] = sec
        elif cmd == "render":
            # One process renders a language's formats: its time is the language's.
            out["render_s"][opts.get("--lang", "?")] = sec
    return out


# ------------------------------------------------------------------ raw tool jobs


def _warm() -> None:
    """Imports and pandoc's version check, done before any timed work."""
    import weasyprint  # noqa: F401

    from pipeline import build, pandoc  # noqa: F401
    pandoc.executable()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Recorder:
    """Times every pandoc and WeasyPrint call `Project.render` makes and records its
    arguments, so the same tool calls can be replayed without our code around them."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.calls: list[tuple] = []
        self.pandoc_s = 0.0
        self.weasyprint_s = 0.0
        self.other_s = 0.0  # other tools: pagefind
        # WeasyPrint's share split: laying out (HTML, CSS, render) and each write_pdf.
        self.layout_s = 0.0
        self.writes_s: list[float] = []
        self.cpu_s = 0.0    # CPU time inside the tools (theirs, or their child processes')
        self._undo: list[tuple] = []
        self._group = 0

    def _blob(self, text: str | None) -> str | None:
        if text is None:
            return None
        path = self.folder / f"blob-{len(list(self.folder.glob('blob-*')))}"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def _patch(self, owner, name: str, wrapper) -> None:
        real = getattr(owner, name)
        self._undo.append((owner, name, real))
        setattr(owner, name, wrapper(real))

    def __enter__(self):
        import weasyprint
        from weasyprint.document import Document

        from pipeline import pandoc as pandoc_mod
        rec = self

        def pandoc_run(real):
            def run(args, **kwargs):
                rec._group += 1
                rec.calls.append(("pandoc", list(args), rec._blob(kwargs.get("stdin")),
                                  {k: v for k, v in kwargs.items() if k in ("cwd", "sandbox")},
                                  rec._group))
                started, cpu = _now(), _children_cpu()
                try:
                    return real(args, **kwargs)
                finally:
                    rec.pandoc_s += _now() - started
                    rec.cpu_s += _children_cpu() - cpu
            return run

        def pandoc_run_many(real):
            # Runs made at once (a large document read in parts) are one group, replayed
            # at once too.
            def run_many(calls, what):
                rec._group += 1
                for args, stdin in calls:
                    rec.calls.append(("pandoc", list(args), rec._blob(stdin), {}, rec._group))
                started, cpu = _now(), _children_cpu()
                try:
                    return real(calls, what)
                finally:
                    rec.pandoc_s += _now() - started
                    rec.cpu_s += _children_cpu() - cpu
            return run_many

        def timed(real, keep=None, writing=False):
            def call(self_, *args, **kwargs):
                if keep:
                    keep(self_, args, kwargs)
                started, cpu = _now(), time.process_time()
                try:
                    result = real(self_, *args, **kwargs)
                finally:
                    spent = _now() - started
                    rec.weasyprint_s += spent
                    if writing:
                        rec.writes_s.append(spent)
                    else:
                        rec.layout_s += spent
                    rec.cpu_s += time.process_time() - cpu
                return result
            return call

        # Recorded without the URL fetcher and the font configuration, which a replay
        # makes anew (one font configuration per document, as `_weasyprint` does).
        unrecorded = ("url_fetcher", "font_config")

        def keep_init(obj, args, kwargs):
            obj._bench_args = (args, {k: v for k, v in kwargs.items() if k not in unrecorded})

        def render(real):
            inner = timed(real)

            def call(self_, *args, **kwargs):
                document = inner(self_, *args, **kwargs)
                styles = [getattr(css, "_bench_args", None)
                          for css in kwargs.get("stylesheets") or []]
                html_args, html_kwargs = getattr(self_, "_bench_args", ((), {}))
                html_kwargs = dict(html_kwargs)
                if isinstance(html_kwargs.get("string"), str):
                    html_kwargs["string"] = ("blob", rec._blob(html_kwargs["string"]))
                options = {k: v for k, v in kwargs.items()
                           if k != "stylesheets" and k not in unrecorded}
                document._bench_render = (html_args, html_kwargs, styles, args, options,
                                          os.environ.get("FONTCONFIG_FILE"))
                for index, page in enumerate(document.pages):
                    page._bench_source = (document._bench_render, index)
                return document
            return call

        def write_pdf(real):
            inner = timed(real, writing=True)

            def call(self_, target=None, *args, **kwargs):
                # A copy of some pages (`Document.copy`) is written from the layouts its
                # pages come from (a book's parts, or some pages of one document):
                # recorded as (layout, page number) pairs, and whether it shares the
                # original's fonts.
                origin = getattr(self_, "_bench_origin", None)
                pages = getattr(self_, "_bench_pages", None)
                shared = origin is not None and self_.fonts is origin.fonts
                rec.calls.append(("weasyprint", getattr(self_, "_bench_render", None),
                                  str(target), args, kwargs, pages, shared))
                return inner(self_, target, *args, **kwargs)
            return call

        def copy(real):
            def call(self_, pages="all"):
                document = real(self_, pages)
                sources = [getattr(page, "_bench_source", None) for page in document.pages]
                if hasattr(self_, "_bench_render") and all(sources):
                    document._bench_render = self_._bench_render
                    document._bench_origin = self_
                    document._bench_pages = sources
                return document
            return call

        from pipeline import render as render_mod
        if hasattr(render_mod, "search_index"):  # the HTML site's search index (pagefind)
            def search_index(real):
                def call(folder, *args, **kwargs):
                    rec.calls.append(("pagefind", str(folder), args, kwargs))
                    started, cpu = _now(), _children_cpu()
                    try:
                        return real(folder, *args, **kwargs)
                    finally:
                        rec.other_s += _now() - started
                        rec.cpu_s += _children_cpu() - cpu
                return call
            self._patch(render_mod, "search_index", search_index)
        self._patch(pandoc_mod, "run", pandoc_run)
        if hasattr(pandoc_mod, "run_many"):
            self._patch(pandoc_mod, "run_many", pandoc_run_many)
        self._patch(weasyprint.HTML, "__init__", lambda real: timed(real, keep_init))
        self._patch(weasyprint.CSS, "__init__", lambda real: timed(real, keep_init))
        self._patch(weasyprint.HTML, "render", render)
        self._patch(Document, "write_pdf", write_pdf)
        self._patch(Document, "copy", copy)
        return self

    def __exit__(self, *exc):
        for owner, name, real in reversed(self._undo):
            setattr(owner, name, real)


def replay(calls_file: str) -> dict:
    """The recorded pandoc and WeasyPrint calls of one artefact, without our code."""
    import pickle

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from pipeline import pandoc as pandoc_mod
    with open(calls_file, "rb") as f:
        calls, lang, fmt = pickle.load(f)

    def read(blob):
        return Path(blob).read_text(encoding="utf-8") if blob else None

    def pandoc_group(group):
        if len(group) == 1:
            pandoc_mod.run(group[0][1], stdin=read(group[0][2]), **group[0][3])
        else:
            pandoc_mod.run_many([(c[1], read(c[2])) for c in group], "replay")

    laid_out: dict = {}  # id of a recorded render → its document
    # One font configuration per font set and one parse per stylesheet, as the render
    # shares them between the parts of a book.
    font_configs: dict = {}
    sheets: dict = {}

    def lay_out(recorded):
        if id(recorded) not in laid_out:  # a layout written several times: once
            html_args, html_kwargs, styles, render_args, options, fontconfig = recorded
            html_kwargs = dict(html_kwargs)
            if isinstance(html_kwargs.get("string"), tuple):
                html_kwargs["string"] = read(html_kwargs["string"][1])
            if fontconfig:  # the book's fonts only, as in the recorded render
                os.environ["FONTCONFIG_FILE"] = fontconfig
            fonts = font_configs.setdefault(fontconfig, FontConfiguration())
            for style in styles:
                if id(style) not in sheets:
                    sheets[id(style)] = weasyprint.CSS(*style[0], **style[1], font_config=fonts)
            laid_out[id(recorded)] = weasyprint.HTML(*html_args, **html_kwargs).render(
                *render_args, stylesheets=[sheets[id(style)] for style in styles],
                font_config=fonts, **options)
        return laid_out[id(recorded)]

    started = _now()
    for _, group in itertools.groupby(enumerate(calls), key=lambda ic: (
            ic[1][0], ic[1][4] if ic[1][0] == "pandoc" else ic[0])):
        group = [call for _, call in group]
        call = group[0]
        if call[0] == "pandoc":
            pandoc_group(group)
        elif call[0] == "pagefind":
            from pipeline import render as render_mod
            _, folder, args, kwargs = call
            render_mod.search_index(Path(folder), *args, **kwargs)
        else:
            _, recorded, target, args, kwargs, pages, shared = call
            document = lay_out(recorded)
            if pages is not None:
                part = document.copy([lay_out(source).pages[i] for source, i in pages])
                if shared:
                    part.fonts = document.fonts
                document = part
            # Not to the recorded target: it may lie in a temporary folder gone since.
            scratch = Path(calls_file).with_name("replayed.pdf")
            document.write_pdf(scratch, *args, **kwargs)
            scratch.unlink(missing_ok=True)
    return {"lang": lang, "format": fmt, "seconds": _now() - started}


def _render_job(job: dict) -> dict:
    """One artefact through `Project.render` (what `pipeline render` calls): its time,
    the time inside pandoc and WeasyPrint, the process's peak RSS and a record of the
    tool calls for `replay`."""
    import pickle

    from pipeline import build as build_mod
    calls = Path(job["calls"])
    calls.mkdir(parents=True, exist_ok=True)
    project = build_mod.Project(Path(job["sources"]), Path(job["templates"]), Path(job["out"]))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with _Recorder(calls) as rec:
        started, cpu = _now(), time.process_time()
        path = project.render(job["lang"], job["edition"], job["format"])
        seconds, cpu = _now() - started, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    # pagefind indexed a temporary folder that is now the artefact's: replay it there.
    recorded = [("pagefind", str(Path(path).parent), *c[2:]) if c[0] == "pagefind" else c
                for c in rec.calls]
    with open(calls / "calls.pkl", "wb") as f:
        pickle.dump((recorded, job["lang"], job["format"]), f)
    tools = rec.pandoc_s + rec.weasyprint_s + rec.other_s
    return {"lang": job["lang"], "format": job["format"], "seconds": seconds, "cpu_s": cpu,
            "tools_s": tools, "pandoc_s": rec.pandoc_s, "weasyprint_s": rec.weasyprint_s,
            "pagefind_s": rec.other_s, "glue_s": seconds - tools, "tools_cpu_s": rec.cpu_s,
            # What `weasyprint in.html out.pdf` would spend: the layout and one write.
            "weasyprint_one_pdf_s": (rec.layout_s + rec.writes_s[0]) if rec.writes_s else None,
            "path": str(path), "calls": str(calls / "calls.pkl"), "tool_calls": len(rec.calls),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "pandoc_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _typst_job(job: dict) -> dict:
    """pandoc → Typst → PDF on the same Markdown, with the same reader arguments and fonts."""
    from pipeline import pandoc as pandoc_mod
    from pipeline import render as render_mod
    import typst

    work, templates, dest = Path(job["work"]), Path(job["templates"]), Path(job["dest"])
    dest.mkdir(parents=True, exist_ok=True)
    if (work / "charts").is_dir():
        shutil.copytree(work / "charts", dest / "charts", dirs_exist_ok=True)
    writer = ["--to", "typst", "--standalone", "--toc", "--toc-depth=2", "--wrap=none",
              "--variable", "mainfont=Noto Serif", "--variable", "papersize=a4"]
    started = _now()
    if hasattr(render_mod, "read_ast"):  # the AST every writer of ours starts from
        ast = render_mod.read_ast(work, templates)
        source = pandoc_mod.run(["--from", "json", *writer], stdin=ast, what=str(work))
    else:
        source = pandoc_mod.run([*render_mod._pandoc_inputs(work, templates), *writer],
                                what=str(work))
    pandoc_s = _now() - started
    (dest / "book.typ").write_text(source, encoding="utf-8")
    started = _now()
    typst.compile(str(dest / "book.typ"), output=str(dest / "book.pdf"), root=str(dest),
                  font_paths=[str(templates / "fonts")])
    compile_s = _now() - started
    return {"lang": job["lang"], "pandoc_s": pandoc_s, "compile_s": compile_s,
            "seconds": pandoc_s + compile_s, "path": str(dest / "book.pdf"),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _job_main(argv: list[str]) -> None:
    """`python -m devtools.bench --job KIND JSON`: one job in a fresh process."""
    kind, job = argv[1], json.loads(argv[2])
    _warm()
    result = (_render_job if kind == "render" else _typst_job)(job)
    print("BENCH-RESULT " + json.dumps(result))


def _fresh(kind: str, job: dict, root: Path) -> dict:
    """A job in a fresh interpreter (time measured inside it, after the imports)."""
    wall, done = _run([sys.executable, "-m", "devtools.bench", "--job", kind, json.dumps(job)],
                      cwd=root)
    _check(done, f"{kind} job {job.get('lang')}/{job.get('format', 'typst')}")
    line = next(l for l in done.stdout.splitlines() if l.startswith("BENCH-RESULT "))
    result = json.loads(line.removeprefix("BENCH-RESULT "))
    result["process_s"] = wall
    return result


def _pool_pass(calls: list[str], order: list[float]) -> tuple[float, list[dict]]:
    """The recorded tool calls of every artefact on two processes at a time, longest
    first: the wall time two cores need for the raw tools alone."""
    from pipeline.parallel import pool as worker_pool
    ranked = [c for _, c in sorted(zip(order, calls), key=lambda p: -p[0])]
    # Each artefact in a process of its own, as a direct invocation would be: forked from
    # this one with the imports done, but without what an earlier render left in memory.
    _warm()
    with worker_pool(JOBS, maxtasksperchild=1) as pool:
        started = _now()
        results = list(pool.imap(replay, ranked, chunksize=1))
        wall = _now() - started
    return wall, results


# ------------------------------------------------------------------ one case


@dataclass
class CaseResult:
    case: str
    practices: int
    langs: list[str]
    formats: list[str]
    note: str = ""
    artefacts: int = 0
    pdf_pages: int | None = None
    our_wall_s: float | None = None
    our_cpu_s: float | None = None
    raw_seq_s: float | None = None
    raw_cpu_s: float | None = None
    cpu_ratio: float | None = None
    raw_2core_s: float | None = None
    ratio: float | None = None
    ratio_goal: str = ""
    steps_s: float | None = None
    validate_s: float | None = None
    assemble_s: float | None = None
    per_practice_s: float | None = None
    noop_s: float | None = None
    noop_rebuilt: list[str] = field(default_factory=list)
    noop_disturbed: list[str] = field(default_factory=list)
    steps: dict = field(default_factory=dict)
    raw_jobs: list[dict] = field(default_factory=list)
    pool_jobs: list[dict] = field(default_factory=list)
    validate_cli_s: float | None = None
    incremental: dict = field(default_factory=dict)
    peers: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def row(self) -> dict:
        return {c: getattr(self, c) for c in COLUMNS}


class Bench:
    def __init__(self, root: Path, work: Path, progress=print, seed: int = 1):
        self.root = root.resolve()
        self.work = work.resolve()
        self.templates = self.root / "templates"
        self.progress = progress
        self.seed = seed
        self.python = sys.executable

    # -------------------------------------------------------------- sources

    def sources_for(self, case: Case) -> tuple[Path, int, list[str]]:
        from devtools import corpus
        dest = self.work / case.name / "sources"
        if case.practices is None:
            shutil.copytree(self.root / "sources", dest)
        else:
            corpus.generate(dest, case.practices, case.langs or corpus.LANGS, self.seed)
        import yaml
        book = yaml.safe_load((dest / "book.yaml").read_text("utf-8"))
        count = len(list((dest / "practices").glob("*.yaml")))
        return dest, count, list(case.langs or book["languages"])

    def make(self, *args: str, out: Path, sources: Path, log: Path | None = None,
             jobs: int | None = JOBS) -> tuple[float, float, subprocess.CompletedProcess]:
        """`make build` as a user runs it (wall and CPU time of the whole tree)."""
        cmd = ["make", *([f"-j{jobs}"] if jobs else []), "build", f"OUT={out}",
               f"SOURCES={sources}", *args]
        if log is not None:
            cmd.append(f"PIPELINE={self.python} -m devtools.bench --step-log {log}")
        # A make of our own, not a sub-make of `make bench` (no inherited jobserver).
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, done = _run(cmd, cwd=self.root, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu, done

    # -------------------------------------------------------------- the case

    def toolchain_edits(self, since: float) -> list[str]:
        """Files of the toolchain (code, templates, Makefile) changed after `since`: every
        artefact depends on them, so a rebuild then is right, not a failed no-op."""
        files = [self.root / "Makefile", *(self.root / "pipeline").glob("*.py"),
                 *(p for p in self.templates.rglob("*") if p.is_file())]
        return sorted(str(p.relative_to(self.root)) for p in files
                      if p.exists() and p.stat().st_mtime > since)

    def run_case(self, case: Case) -> CaseResult:
        say = self.progress
        case_started = time.time()
        sources, count, langs = self.sources_for(case)
        result = CaseResult(case.name, count, langs, list(case.formats), case.note)
        out = self.work / case.name / "out"
        raw_out = self.work / case.name / "raw"
        raw_out.mkdir(parents=True, exist_ok=True)
        (raw_out / ".work").symlink_to(out / ".work", target_is_directory=True)
        args = [f"LANGS={','.join(langs)}", f"FORMATS={','.join(case.formats)}",
                f"EDITION={EDITION}"]
        log = self.work / case.name / "steps.jsonl"

        if case.build:
            say(f"[{case.name}] make -j{JOBS} build ({len(langs)} × {len(case.formats)}) …")
            wall, cpu, done = self.make(*args, out=out, sources=sources, log=log)
            _check(done, f"make build of {case.name}")
            result.our_wall_s, result.our_cpu_s = wall, cpu
            summary = _step_summary(_steps(log))
            result.steps = summary
            result.steps_s = summary["sum_s"]
            result.validate_s = summary["validate_s"]
            result.assemble_s = max(summary["assemble_s"].values(), default=None)
            say(f"[{case.name}]   {wall:.1f} s wall, {cpu:.1f} s CPU")
        else:
            say(f"[{case.name}] assemble {','.join(langs)} …")
            for lang in langs:
                wall, done = _run([self.python, "-m", "pipeline", "assemble", "--lang", lang,
                                   "--edition", EDITION, "--sources", str(sources),
                                   "--out", str(out)], cwd=self.root)
                _check(done, f"assemble {lang}")
                result.assemble_s = wall

        # Each artefact once more through `Project.render`, in a fresh process, sequentially:
        # the time inside pandoc and WeasyPrint is the raw sequential tool time.
        jobs = [{"sources": str(sources), "templates": str(self.templates), "out": str(raw_out),
                 "edition": EDITION, "lang": lang, "format": fmt,
                 "calls": str(self.work / case.name / "calls" / f"{lang}-{fmt}")}
                for lang in langs for fmt in case.formats]
        result.artefacts = len(jobs)
        say(f"[{case.name}] raw tools, sequentially ({len(jobs)} artefacts) …")
        result.raw_jobs = [_fresh("render", job, self.root) for job in jobs]
        result.raw_seq_s = sum(j["tools_s"] for j in result.raw_jobs)
        result.raw_cpu_s = sum(j["tools_cpu_s"] for j in result.raw_jobs)
        if result.our_cpu_s:
            result.cpu_ratio = result.our_cpu_s / result.raw_cpu_s
        for job in result.raw_jobs:
            if job["format"] in PAGED:
                job["pages"] = pdf_pages(Path(job["path"]))
        result.pdf_pages = max((j["pages"] for j in result.raw_jobs
                                if j["format"] == "pdf" and j.get("pages")), default=None)
        say(f"[{case.name}]   {result.raw_seq_s:.1f} s")

        if case.build:
            if len(jobs) == 1:  # two cores cannot help one artefact
                result.raw_2core_s = result.raw_seq_s
            else:
                say(f"[{case.name}] raw tools on a pool of {JOBS} …")
                result.raw_2core_s, result.pool_jobs = _pool_pass(
                    [j["calls"] for j in result.raw_jobs],
                    [j["tools_s"] for j in result.raw_jobs])
            for part in raw_out.rglob("*.part"):  # what the replayed pandoc calls wrote
                part.unlink() if part.is_file() else shutil.rmtree(part, ignore_errors=True)
            result.ratio = result.our_wall_s / result.raw_2core_s
            result.ratio_goal = distance(result.ratio, GOAL_RATIO)
            result.per_practice_s = result.our_wall_s / count
            say(f"[{case.name}]   {result.raw_2core_s:.1f} s; ours/raw = {result.ratio:.2f}")

            say(f"[{case.name}] no-op make build …")
            before = _snapshot(out)
            wall, _, done = self.make(*args, out=out, sources=sources)
            _check(done, "no-op make build")
            result.noop_s = wall
            result.noop_rebuilt = _changed(before, _snapshot(out))
            edited = self.toolchain_edits(case_started)
            if edited:
                result.noop_disturbed = edited
            say(f"[{case.name}]   {wall:.2f} s, rebuilt: "
                f"{_short_list(result.noop_rebuilt) or 'nothing'}"
                + (f" (the toolchain was edited during the run: {_short_list(edited)})"
                   if edited else ""))

            # Best of three: a two-second figure is easily disturbed by other processes.
            say(f"[{case.name}] pipeline validate (best of 3) …")
            walls = []
            for _ in range(3):
                wall, done = _run([self.python, "-m", "pipeline", "validate", "--sources",
                                   str(sources)], cwd=self.root)
                _check(done, "validate")
                walls.append(wall)
            result.validate_cli_s = min(walls)

            if case.incremental and "pl" in langs:
                result.incremental = self.incremental(args, out, sources)
            if case.peers:
                result.peers = self.peers(case, out, result)
        return result

    # -------------------------------------------------------------- incremental

    def incremental(self, args: list[str], out: Path, sources: Path) -> dict:
        say = self.progress
        path, fieldname = edit_translation(sources, "pl")
        say(f"[incremental] edited {path.relative_to(sources)} `{fieldname}`; make build …")
        before = _snapshot(out)
        wall, _, done = self.make(*args, out=out, sources=sources)
        _check(done, "incremental make build")
        changed = _changed(before, _snapshot(out))
        rebuilt = _artefacts(changed)
        say(f"[incremental]   {wall:.1f} s, rebuilt: {_short_list(rebuilt) or 'nothing'}")
        # Edit to PDF: the same kind of edit again, and the time until that language's PDF
        # is complete (what an editor checking a correction in print layout waits).
        edit_translation(sources, "pl")
        pdf_args = [a for a in args if not a.startswith(("LANGS=", "FORMATS="))]
        latency, _, done = self.make(*pdf_args, "LANGS=pl", "FORMATS=pdf", out=out,
                                     sources=sources)
        _check(done, "edit-to-PDF make build")
        say(f"[incremental] edit to Polish PDF: {latency:.1f} s")
        waits = self.preview_edit_to_pdf(out, sources)
        preview = statistics.median(waits)
        say(f"[incremental] edit to Polish PDF in the live preview: {preview:.1f} s (median of "
            + ", ".join(f"{w:.1f}" for w in waits) + " s)")
        return {"edited": f"translations/pl/{path.name}:{fieldname}", "seconds": wall,
                "rebuilt": rebuilt, "intermediates": [c for c in changed if c.startswith(".work")],
                "edit_to_pdf_s": latency, "preview_edit_to_pdf_s": preview,
                "preview_edits_s": waits}

    def preview_edit_to_pdf(self, out: Path, sources: Path, edits: int = 3) -> list[float]:
        """What an editor with the Polish PDF open in `make serve` waits after saving an
        edit, for `edits` edits in a row: from each save until the preview has replaced the
        PDF (written whole, so complete when it appears). The preview lays the PDF out once
        when it is opened."""
        import socket
        import urllib.request

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        pdf = next((out / EDITION / "pl").glob(f"*-{EDITION}-pl.pdf"))
        server = subprocess.Popen(
            [self.python, "-m", "pipeline", "serve", "--port", str(port), "--edition", EDITION,
             "--sources", str(sources), "--out", str(out)],
            cwd=self.root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        try:
            if "preview at" not in server.stderr.readline():
                raise BenchError("`pipeline serve` did not start")
            urllib.request.urlopen(f"http://127.0.0.1:{port}/pl/{pdf.name}", timeout=600).read()
            waits = []
            for _ in range(edits):
                before = pdf.stat().st_mtime_ns
                time.sleep(1)  # the watcher settles after the last build
                started = _now()
                edit_translation(sources, "pl")
                while pdf.stat().st_mtime_ns == before:
                    if _now() - started > 300 or server.poll() is not None:
                        raise BenchError("the live preview did not rebuild the Polish PDF")
                    time.sleep(0.02)
                waits.append(_now() - started)
            return waits
        finally:
            server.terminate()
            server.wait(timeout=30)

    # -------------------------------------------------------------- peers

    def peers(self, case: Case, out: Path, result: CaseResult) -> dict:
        say = self.progress
        peers = {}
        for lang in case.peers:
            if lang not in result.langs:
                continue
            work = out / ".work" / EDITION / lang
            entry = {}
            # One process for both, as `make build FORMATS=html,epub` runs them; the best of
            # three, like Sphinx's, because single runs of a second or two vary on a shared
            # machine by more than the difference measured.
            say(f"[peers {lang}] ours: pipeline render --formats html,epub (best of {PEER_RUNS}) …")
            runs = []
            for _ in range(PEER_RUNS):
                wall, cpu, done = _run_cpu(
                    [self.python, "-m", "pipeline", "render", "--lang", lang, "--edition",
                     EDITION, "--formats", "html,epub", "--sources",
                     str(self.work / case.name / "sources"), "--out", str(out)], cwd=self.root)
                _check(done, f"render html,epub {lang}")
                runs.append((wall, cpu))
            ours, entry["ours_html_epub_cpu_s"] = min(runs)
            entry["ours_html_epub_s"] = ours
            say(f"[peers {lang}] Sphinx + MyST html, epub …")
            try:
                entry.update(self.sphinx(work, lang))
                entry["sphinx_ratio"] = entry["sphinx_html_epub_s"] / ours
            except (BenchError, OSError) as exc:
                entry["sphinx_error"] = str(exc)[:2000]
            say(f"[peers {lang}] pandoc → Typst …")
            try:
                typst = _fresh("typst", {"work": str(work), "templates": str(self.templates),
                                         "dest": str(self.work / case.name / "typst" / lang),
                                         "lang": lang}, self.root)
                entry["typst"] = typst
                entry["typst_pages"] = pdf_pages(Path(typst["path"]))
                ours_pdf = next((j for j in result.raw_jobs
                                 if j["lang"] == lang and j["format"] == "pdf"), None)
                if ours_pdf:
                    entry["ours_pdf_s"] = ours_pdf["seconds"]
                    entry["ours_pdf_pages"] = ours_pdf.get("pages")
                    entry["typst_ratio"] = ours_pdf["seconds"] / typst["seconds"]
            except (BenchError, OSError, StopIteration) as exc:
                entry["typst_error"] = str(exc)[:2000]
            peers[lang] = entry
        return peers

    def sphinx(self, work: Path, lang: str) -> dict:
        src = self.work / "sphinx" / lang / "src"
        build = self.work / "sphinx" / lang / "build"
        shutil.rmtree(src.parent, ignore_errors=True)
        src.mkdir(parents=True)
        shutil.copyfile(work / "book.md", src / "index.md")
        if (work / "charts").is_dir():
            shutil.copytree(work / "charts", src / "charts")
        (src / "conf.py").write_text(SPHINX_CONF.format(lang=lang), encoding="utf-8")
        out = {}
        for builder in ("html", "epub"):
            runs = []
            for _ in range(PEER_RUNS):
                wall, cpu, done = _run_cpu(
                    [self.python, "-m", "sphinx", "-q", "-E", "-b", builder, "-w",
                     str(build / f"{builder}-warnings.txt"), str(src), str(build / builder)],
                    cwd=src)
                _check(done, f"sphinx-build -b {builder}")
                runs.append((wall, cpu))
            out[f"sphinx_{builder}_s"], out[f"sphinx_{builder}_cpu_s"] = min(runs)
            warnings = build / f"{builder}-warnings.txt"
            out[f"sphinx_{builder}_warnings"] = (
                len(warnings.read_text(errors="replace").splitlines()) if warnings.exists() else 0)
        out["sphinx_html_epub_s"] = out["sphinx_html_s"] + out["sphinx_epub_s"]
        out["sphinx_html_epub_cpu_s"] = out["sphinx_html_cpu_s"] + out["sphinx_epub_cpu_s"]
        return out


SPHINX_CONF = """\
# Written by `pipeline bench`: Sphinx + MyST on our assembled Markdown.
project = "bench"
author = "bench"
copyright = "2025"
language = "{lang}"
root_doc = "index"
extensions = ["myst_parser"]
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "attrs_block"]
myst_heading_anchors = 2
html_theme = "alabaster"
epub_basename = "bench"
epub_identifier = "bench"
epub_scheme = "URL"
suppress_warnings = ["myst", "misc.highlighting_failure", "toc", "epub"]
"""


def edit_translation(sources: Path, lang: str) -> tuple[Path, str]:
    """Change one field of the first practice translated into `lang`, as a translator would:
    the text, not its `source:` hash (the translation stays current)."""
    import yaml
    for path in sorted((sources / "translations" / lang).glob("*.yaml")):
        if path.stem == "book":
            continue
        lines = path.read_text("utf-8").split("\n")
        for i, line in enumerate(lines):
            if line != "summary:":
                continue
            for j in range(i + 1, len(lines)):
                if lines[j].startswith("  text:"):
                    value = lines[j][len("  text:"):].strip()
                    k = j + 1 if value in ("", ">", ">-", "|", "|-") else j
                    if lines[k].rstrip().endswith(("'", '"')):
                        stripped = lines[k].rstrip()
                        lines[k] = stripped[:-1] + " (zmiana)" + stripped[-1]
                    else:
                        lines[k] = lines[k].rstrip() + " (zmiana)"
                    text = "\n".join(lines)
                    if "(zmiana)" in yaml.safe_load(text)["summary"]["text"]:
                        with open(path, "w", encoding="utf-8") as f:  # in place, like an editor
                            f.write(text)
                        return path, "summary"
                    break
                if not lines[j].startswith(" "):
                    break
    raise BenchError(f"no `{lang}` translation with a summary to edit in {sources}")


# ------------------------------------------------------------------ the whole run


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
            "load_average": [round(x, 2) for x in os.getloadavg()]}
    try:
        from pipeline import pandoc
        info["pandoc"] = subprocess.run([pandoc.executable(), "--version"], capture_output=True,
                                        text=True).stdout.split("\n")[0]
    except Exception:  # informational only
        pass
    for name in ("weasyprint", "sphinx", "myst_parser", "typst"):
        try:
            module = __import__(name)
            info[name] = getattr(module, "__version__", "?")
        except Exception:  # a missing peer is reported per case
            info[name] = None
    return info


def run(plan, root: Path, work: Path | None = None, progress=print, seed: int = 1) -> dict:
    """Every case of the plan; returns the report (also when a case failed)."""
    started = _now()
    keep = work is not None
    work = Path(work) if work else Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "goals": {}, "cases": [], "errors": []}
    bench = Bench(root, work, progress, seed)
    try:
        for case in plan:
            case_started = _now()
            try:
                result = bench.run_case(case)
            except (BenchError, OSError, subprocess.SubprocessError) as exc:
                progress(f"[{case.name}] FAILED: {exc}")
                report["errors"].append(f"{case.name}: {exc}")
                continue
            data = asdict(result)
            if case.page_cost:
                try:
                    data["page_cost"] = page_cost(root, case.page_cost, progress=progress)
                except (BenchError, OSError, subprocess.SubprocessError) as exc:
                    progress(f"[{case.name}] page cost against {BASELINE_REV} FAILED: {exc}")
                    data["page_cost"] = {"error": str(exc)[:300]}
            data["elapsed_s"] = _now() - case_started
            report["cases"].append(data)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report["elapsed_s"] = _now() - started
    report["goals"] = goals(report)
    return report


def goals(report: dict) -> list[dict]:
    """One line per goal: what was measured and `met` or the distance."""
    out = []
    for c in report["cases"]:
        if c["ratio"] is not None:
            out.append({"goal": f"{c['case']}: our wall / raw 2-core tool time ≤ {GOAL_RATIO}",
                        "measured": f"{c['our_wall_s']:.1f} s / {c['raw_2core_s']:.1f} s = "
                                    f"{c['ratio']:.2f} (CPU: {c['our_cpu_s']:.1f} s / "
                                    f"{c['raw_cpu_s']:.1f} s = {c['cpu_ratio']:.2f})",
                        "verdict": distance(c["ratio"], GOAL_RATIO)})
    for c in report["cases"]:
        if c["noop_s"] is not None:
            rebuilt = (f"rebuilt {len(c['noop_rebuilt'])} files: {_short_list(c['noop_rebuilt'])}"
                       if c["noop_rebuilt"] else "nothing rebuilt")
            disturbed = c.get("noop_disturbed")
            out.append({"goal": f"{c['case']}: no-op make build < {GOAL_NOOP_S} s",
                        "measured": f"{c['noop_s']:.2f} s ({rebuilt})",
                        "verdict": f"not measured: the toolchain was edited during the run "
                                   f"({_short_list(disturbed)})" if disturbed else
                        distance(c["noop_s"], GOAL_NOOP_S, " s") if not c["noop_rebuilt"]
                        else "not met: a no-op rebuilt files"})
    for c in report["cases"]:
        inc = c.get("incremental")
        if inc:
            out.append({"goal": f"{c['case']}: one Polish field edited → only Polish rebuilt",
                        "measured": f"{inc['seconds']:.1f} s; rebuilt: "
                                    + (", ".join(inc["rebuilt"]) or "nothing"),
                        "verdict": "met" if inc["rebuilt"] and all(
                            "/pl/" in f"/{p}" for p in inc["rebuilt"]) else
                        "other languages were rebuilt too"})
            if "edit_to_pdf_s" in inc:
                # The floor: pandoc and WeasyPrint alone on the same PDF, in this run.
                raw = next((j["tools_s"] for j in c.get("raw_jobs", [])
                            if j["lang"] == "pl" and j["format"] == "pdf"), None)
                floor = (f"; pandoc + WeasyPrint alone on that PDF: {raw:.1f} s" if raw
                         else "")
                preview = inc.get("preview_edit_to_pdf_s")
                edits = inc.get("preview_edits_s") or []
                each = (f", the median of {len(edits)} edits in a row ("
                        + ", ".join(f"{w:.1f}" for w in edits) + " s)" if len(edits) > 1 else "")
                out.append({"goal": f"{c['case']}: one Polish field edited → Polish PDF "
                                    f"complete ≤ {GOAL_EDIT_TO_PDF_S:g} s",
                            "measured": (f"{preview:.1f} s in the live preview{each}"
                                         " (`make serve`, the PDF open: validate, assemble, lay "
                                         "out the parts the edit changed, write the PDF); "
                                         if preview is not None else "")
                            + f"{inc['edit_to_pdf_s']:.1f} s with `make build LANGS=pl "
                              f"FORMATS=pdf` (a fresh process lays out every part{floor})",
                            "verdict": distance(preview if preview is not None
                                                else inc["edit_to_pdf_s"],
                                                GOAL_EDIT_TO_PDF_S, " s", digits=1)})
    big = max((c for c in report["cases"] if c["validate_cli_s"] is not None),
              key=lambda c: c["practices"], default=None)
    if big and big["practices"] >= 200:
        value = big["validate_cli_s"] * 1000 / big["practices"]
        scaled = "" if big["practices"] == 1000 else f" (scaled to 1,000 from {big['practices']})"
        out.append({"goal": f"validation of 1,000 records < {GOAL_VALIDATE_S} s",
                    "measured": f"{value:.2f} s for `pipeline validate`, {big['practices']} "
                                f"records in {len(big['langs'])} language(s){scaled}",
                    "verdict": distance(value, GOAL_VALIDATE_S, " s")})
    pdfs = [(j, c["case"]) for c in report["cases"] for j in c["raw_jobs"]
            if j["format"] == "pdf" and j.get("pages")]
    if pdfs:
        job, case = max(pdfs, key=lambda p: p[0]["pages"])
        rss = job["rss_mib"]  # the render process (WeasyPrint); pandoc's child is reported too
        per_page = _rss_per_page(pdfs)
        at_goal = rss if job["pages"] >= GOAL_RSS_PAGES else (
            rss + per_page * (GOAL_RSS_PAGES - job["pages"]) if per_page is not None else None)
        note = "" if job["pages"] >= GOAL_RSS_PAGES else \
            f"; extrapolated to {GOAL_RSS_PAGES} pages: {_fmt(at_goal, 0)} MiB"
        out.append({"goal": f"peak RSS of a {GOAL_RSS_PAGES}-page PDF < {GOAL_RSS_MIB / 1024:g} GiB",
                    "measured": f"{rss:.0f} MiB for the largest PDF ({case}/{job['lang']}, "
                                f"{job['pages']} pages, {job['seconds']:.1f} s; its pandoc "
                                f"child {job['pandoc_rss_mib']:.0f} MiB){note}",
                    "verdict": distance(at_goal, GOAL_RSS_MIB, " MiB", digits=0)})
    out += page_costs(report)
    for c in report["cases"]:
        cost = c.get("page_cost")
        if cost:
            goal = (f"{c['case']}/{cost.get('lang', '?')}: a book page costs ≤ "
                    f"{GOAL_PAGE_COST:g} × what it cost at {cost.get('rev', BASELINE_REV)}")
            if "error" in cost:
                out.append({"goal": goal, "measured": "not measured", "verdict": cost["error"]})
                continue
            per_page, cpu = cost["per_page_s"], cost["cpu_per_page_s"]
            out.append({"goal": goal,
                        "measured": f"first build {per_page['ours']:.3f} s/page "
                                    f"(×{cost['ratio']:.2f}; CPU ×"
                                    f"{cpu['ours'] / cpu['baseline']:.2f}), rebuild "
                                    f"{per_page['ours_rebuild']:.3f} s/page "
                                    f"(×{cost['rebuild_ratio']:.2f}), against "
                                    f"{per_page['baseline']:.3f} s/page ({cost['pages']['ours']} "
                                    f"and {cost['pages']['baseline']} pages; whole `pipeline "
                                    f"render` processes, best of {len(cost['seconds']['ours'])})",
                        "verdict": distance(cost["ratio"], GOAL_PAGE_COST)})
    grow = growth(report)
    if grow:
        worst = max(grow["slope_ratio"].items(), key=lambda kv: kv[1] or 0)
        sizes = [r["practices"] for r in grow["rows"]]
        noisy = [k for k in GROWTH_STAGES
                 if any(m[k] <= 0 for m in grow["marginal_s"])]
        out.append({"goal": "time grows linearly from the smallest to the largest corpus "
                            "(marginal seconds per added practice stay constant)",
                    "measured": "; ".join(f"{r['practices']}: " + ", ".join(
                        f"{k} {1000 * r[k] / r['practices']:.1f}" for k in GROWTH_STAGES)
                        for r in grow["rows"]) + " ms/practice",
                    "verdict": f"inconclusive: {', '.join(noisy)} got faster with more "
                               "practices (noise larger than the growth)" if noisy else
                    "met (each stage within ±25 %)" if worst[1] <= 1.25 else
                    f"not linear: {worst[0]} costs ×{worst[1]:.2f} per added practice between "
                    f"{sizes[-2]} and {sizes[-1]} than between {sizes[0]} and {sizes[1]}"})
    for c in report["cases"]:
        for lang, p in (c.get("peers") or {}).items():
            if "sphinx_html_epub_s" in p:
                out.append({"goal": f"{c['case']}/{lang}: our HTML+EPUB ≥ ×{GOAL_SPHINX:g} "
                                    "faster than Sphinx + MyST",
                            "measured": f"ours {p['ours_html_epub_s']:.2f} s, Sphinx "
                                        f"{p['sphinx_html_epub_s']:.2f} s "
                                        f"(×{p['sphinx_ratio']:.2f}; CPU: ours "
                                        f"{p.get('ours_html_epub_cpu_s', 0):.2f} s, Sphinx "
                                        f"{p.get('sphinx_html_epub_cpu_s', 0):.2f} s)",
                            "verdict": distance(p["sphinx_ratio"], GOAL_SPHINX,
                                                lower_is_better=False)})
            elif "sphinx_error" in p:
                out.append({"goal": f"{c['case']}/{lang}: our HTML+EPUB ≥ ×{GOAL_SPHINX:g} "
                                    "faster than Sphinx + MyST",
                            "measured": "Sphinx failed", "verdict": p["sphinx_error"][:200]})
            if "typst_ratio" in p:
                t = p["typst"]
                out.append({"goal": f"{c['case']}/{lang}: our PDF vs pandoc → Typst (report)",
                            "measured": f"ours {p['ours_pdf_s']:.1f} s ({p['ours_pdf_pages']} p.), "
                                        f"Typst {t['seconds']:.1f} s ({p['typst_pages']} p.; "
                                        f"pandoc {t['pandoc_s']:.1f} + compile "
                                        f"{t['compile_s']:.1f})",
                            "verdict": f"ours ×{p['typst_ratio']:.1f} slower"
                            if p["typst_ratio"] >= 1 else
                            f"ours ×{1 / p['typst_ratio']:.1f} faster"})
            elif "typst_error" in p:
                out.append({"goal": f"{c['case']}/{lang}: our PDF vs pandoc → Typst (report)",
                            "measured": "Typst failed", "verdict": p["typst_error"][:200]})
    return out


def per_page(report: dict) -> dict:
    """Seconds per page of each paged format (book, deck, sheets), summed over the
    languages of each case: ours (`Project.render` of the artefact) and raw WeasyPrint
    (its layout and one write of the whole document, as `weasyprint in.html out.pdf`)."""
    out = {}
    for c in report["cases"]:
        for fmt, kind in PAGED.items():
            jobs = [j for j in c["raw_jobs"] if j["format"] == fmt and j.get("pages")
                    and j.get("weasyprint_one_pdf_s")]
            if jobs:
                pages = sum(j["pages"] for j in jobs)
                out[f"{c['case']}/{kind}"] = {
                    "case": c["case"], "kind": kind, "pages": pages,
                    "ours_s": sum(j["seconds"] for j in jobs) / pages,
                    "raw_s": sum(j["weasyprint_one_pdf_s"] for j in jobs) / pages}
    return out


def page_costs(report: dict) -> list[dict]:
    rows = per_page(report)
    out = []
    for case in sorted({r["case"] for r in rows.values()}):
        book, sheets = rows.get(f"{case}/book"), rows.get(f"{case}/sheets")
        measured = "; ".join(f"{r['kind']} {r['ours_s']:.3f} s/page (raw WeasyPrint "
                             f"{r['raw_s']:.3f}, {r['pages']} pages)"
                             for r in rows.values() if r["case"] == case)
        if book and sheets:
            ratio = sheets["ours_s"] / book["ours_s"]
            out.append({"goal": f"{case}: a sheet page costs ≤ {GOAL_SHEET_PAGE} × a book page",
                        "measured": f"{measured}; sheet/book ×{ratio:.2f}",
                        "verdict": distance(ratio, GOAL_SHEET_PAGE)})
        else:
            out.append({"goal": f"{case}: seconds per page (report)", "measured": measured,
                        "verdict": "reported"})
    return out


GROWTH_STAGES = ("validate", "assemble", "render_html", "html_tools", "html_glue")


def growth(report: dict) -> dict | None:
    """Seconds per stage for each corpus size (the same languages, HTML in each), per
    practice and per added practice (marginal): linear growth keeps the marginal cost flat.
    validate: `pipeline validate`; assemble: `pipeline assemble` of one language under make
    (it validates too); render_html: `Project.render` of the HTML in a fresh process, alone
    (mean per language), split into the tools it runs (pandoc, pagefind) and our glue."""
    series = sorted((c for c in report["cases"] if c["case"].startswith("corpus-")
                     and "html" in c["formats"] and c["validate_cli_s"] is not None
                     and c["assemble_s"] is not None), key=lambda c: c["practices"])
    if len(series) < 3:
        return None
    rows = []
    for c in series:
        html = [j for j in c["raw_jobs"] if j["format"] == "html"]
        mean = lambda key: sum(j[key] for j in html) / len(html)  # noqa: E731
        rows.append({"practices": c["practices"], "validate": c["validate_cli_s"],
                     "assemble": c["assemble_s"], "render_html": mean("seconds"),
                     "html_tools": mean("tools_s"), "html_glue": mean("glue_s")})
    slopes = []
    for a, b in zip(rows, rows[1:]):
        n = b["practices"] - a["practices"]
        slopes.append({"from": a["practices"], "to": b["practices"],
                       **{k: (b[k] - a[k]) / n for k in GROWTH_STAGES}})
    ratio = {k: (slopes[-1][k] / slopes[0][k] if slopes[0][k] > 0 else None)
             for k in GROWTH_STAGES}
    return {"rows": rows, "marginal_s": slopes, "slope_ratio": ratio}


def _rss_per_page(pdfs) -> float | None:
    """MiB per extra page of the render process, from the smallest and the largest PDF
    measured (None unless they differ by 50 pages or more)."""
    points = sorted((j["pages"], j["rss_mib"]) for j, _ in pdfs)
    (p0, r0), (p1, r1) = points[0], points[-1]
    if p1 - p0 < 50 or r1 <= r0:
        return None
    return (r1 - r0) / (p1 - p0)


# ------------------------------------------------------------------ output


HEADERS = {"case": "case", "practices": "practices", "langs": "langs", "formats": "formats",
           "artefacts": "artefacts", "pdf_pages": "PDF pages", "our_wall_s": "ours s",
           "raw_seq_s": "raw seq s", "raw_2core_s": "raw 2-core s", "ratio": "ours/raw2",
           "ratio_goal": "goal ≤ 1.10", "our_cpu_s": "ours CPU s", "raw_cpu_s": "raw CPU s",
           "cpu_ratio": "CPU ours/raw", "steps_s": "Σ steps s", "validate_s": "validate s",
           "assemble_s": "assemble s", "per_practice_s": "ours s/practice",
           "noop_s": "no-op s", "note": "note"}


def table(report: dict) -> str:
    """The report as Markdown tables: cases, raw jobs, peers, goals."""
    lines = []
    cols = [c for c in COLUMNS if c != "note"]
    lines.append("| " + " | ".join(HEADERS[c] for c in cols) + " |")
    lines.append("|" + "---|" * len(cols))
    for case in report["cases"]:
        cells = []
        for c in cols:
            v = case.get(c)
            if c in ("langs", "formats"):
                v = ",".join(v)
            elif c == "ratio_goal" and v and v != "met":
                v = "not met" if case["ratio"] else v
            elif c == "per_practice_s":
                v = _fmt(v, 3)
            cells.append(_fmt(v))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for case in report["cases"]:
        if case.get("note"):
            lines.append(f"- {case['case']}: {case['note']}")
    lines.append("")
    lines.append("Per artefact: our make step (a `pipeline render` process), the same "
                 "`Project.render` in a fresh process, the time inside the tools (pandoc, "
                 "WeasyPrint, pagefind), our code around them (glue), pages, peak RSS:")
    lines.append("")
    lines.append("| case | lang | format | ours (the language's make step) s | "
                 "Project.render s | tools s "
                 "| pandoc s | WeasyPrint s | pagefind s | glue s | pages | RSS MiB "
                 "| pandoc RSS MiB |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case in report["cases"]:
        render = case.get("steps", {}).get("render_s", {})
        shown = set()
        for j in case["raw_jobs"]:
            step = render.get(j["lang"]) if j["lang"] not in shown else None
            shown.add(j["lang"])
            lines.append(f"| {case['case']} | {j['lang']} | {j['format']} | "
                         f"{_fmt(step) if step is not None else '″'} | "
                         f"{j['seconds']:.2f} | {j['tools_s']:.2f} | "
                         f"{j['pandoc_s']:.2f} | {_fmt(j['weasyprint_s'] or None)} | "
                         f"{_fmt(j.get('pagefind_s') or None)} | {j['glue_s']:.2f} | "
                         f"{_fmt(j.get('pages'))} | {j['rss_mib']:.0f} | "
                         f"{j['pandoc_rss_mib']:.0f} |")
    pages = per_page(report)
    if pages:
        lines += ["", "Seconds per page of the paged formats (all languages of a case): ours "
                      "(`Project.render`) and raw WeasyPrint (layout and one write):", "",
                  "| case | format | pages | ours s/page | raw WeasyPrint s/page | ours/raw |",
                  "|---|---|---|---|---|---|"]
        for r in pages.values():
            lines.append(f"| {r['case']} | {r['kind']} | {r['pages']} | {r['ours_s']:.3f} | "
                         f"{r['raw_s']:.3f} | {r['ours_s'] / r['raw_s']:.2f} |")
    grow = growth(report)
    if grow:
        lines += ["", "Growth with the number of practices (same languages, HTML): seconds, "
                      "ms per practice, and marginal ms per added practice:", ""]
        lines.append("| practices | " + " | ".join(
            f"{k} s | {k} ms/pr. | {k} marginal" for k in GROWTH_STAGES) + " |")
        lines.append("|---|" + "---|---|---|" * len(GROWTH_STAGES))
        for i, r in enumerate(grow["rows"]):
            slope = grow["marginal_s"][i - 1] if i else None
            lines.append(f"| {r['practices']} | " + " | ".join(
                f"{r[k]:.2f} | {1000 * r[k] / r['practices']:.1f} | "
                + (f"{1000 * slope[k]:.1f}" if slope else "–") for k in GROWTH_STAGES) + " |")
    peers = [(c["case"], lang, p) for c in report["cases"]
             for lang, p in (c.get("peers") or {}).items()]
    if peers:
        lines.append("")
        lines.append("Peers on the same Markdown (seconds, fresh processes, best of "
                     f"{PEER_RUNS}; ours renders HTML and EPUB in one process):")
        lines.append("")
        lines.append("| case | lang | ours HTML+EPUB | Sphinx HTML | Sphinx EPUB | "
                     "Sphinx/ours | ours PDF (raw) | Typst: pandoc | Typst: compile | "
                     "ours PDF/Typst | pages ours/Typst |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for name, lang, p in peers:
            t = p.get("typst") or {}
            lines.append(
                f"| {name} | {lang} | {_fmt(p.get('ours_html_epub_s'))} | "
                f"{_fmt(p.get('sphinx_html_s'))} | {_fmt(p.get('sphinx_epub_s'))} | "
                f"{_fmt(p.get('sphinx_ratio'))} | {_fmt(p.get('ours_pdf_s'))} | "
                f"{_fmt(t.get('pandoc_s'))} | {_fmt(t.get('compile_s'))} | "
                f"{_fmt(p.get('typst_ratio'), 1)} | "
                f"{_fmt(p.get('ours_pdf_pages'))}/{_fmt(p.get('typst_pages'))} |")
    lines.append("")
    lines.append("Goals:")
    lines.append("")
    lines.append("| goal | measured | verdict |")
    lines.append("|---|---|---|")
    for g in report["goals"]:
        lines.append(f"| {g['goal']} | {g['measured']} | {g['verdict']} |")
    m = report["machine"]
    lines.append("")
    lines.append(f"Machine: {m.get('cpus')} CPUs, Python {m.get('python')}, "
                 f"{m.get('pandoc', 'pandoc ?')}, WeasyPrint {m.get('weasyprint')}, "
                 f"Sphinx {m.get('sphinx')}, MyST {m.get('myst_parser')}, "
                 f"typst {m.get('typst')}; load average at start {m['load_average'][0]}, "
                 f"at end {m.get('load_average_end', ['?'])[0]}"
                 + (" (other processes were running: absolute times are inflated, ratios "
                    "are measured in the same run)" if max(m["load_average"][0],
                                                           m.get("load_average_end", [0])[0]) > 0.7
                    else ""))
    lines.append(f"Total: {report['elapsed_s'] / 60:.1f} min.")
    for e in report["errors"]:
        lines.append(f"ERROR {e}")
    return "\n".join(lines) + "\n"


def write_json(report: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ profiling


def profile_pdf(root: Path, lang: str = "en", sources: Path | None = None,
                templates: Path | None = None, top: int = 30) -> str:
    """cProfile of one PDF render of the sample (assembled first into a scratch folder):
    WeasyPrint's time by phase and the most expensive functions."""
    import cProfile
    import io
    import pstats

    from pipeline import build as build_mod
    root = root.resolve()
    templates = (templates or root / "templates").resolve()
    with tempfile.TemporaryDirectory(prefix="pipeline-profile-") as tmp:
        project = build_mod.Project((sources or root / "sources").resolve(), templates,
                                    Path(tmp))
        project.assemble(project.checked_sources(), lang, EDITION)
        _warm()
        profiler = cProfile.Profile()
        started = _now()
        profiler.enable()
        project.render(lang, EDITION, "pdf")
        profiler.disable()
        seconds = _now() - started
    stats = pstats.Stats(profiler)
    phases: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        phases[_phase(filename)] = phases.get(_phase(filename), 0.0) + tottime
    total = sum(phases.values()) or 1.0
    lines = [f"PDF render of `{lang}` with {templates}: {seconds:.1f} s under cProfile, "
             f"{stats.total_calls:,} function calls (a count that does not depend on the "
             "machine's load)", "",
             "Self time by phase:", ""]
    for name, sec in sorted(phases.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {name:<34} {sec:7.2f} s  {100 * sec / total:5.1f} %")
    lines += ["", "Time by feature of our CSS and HTML (cumulative; features nest, so the "
                  "lines do not add up):", ""]
    for label, where, function in PROFILE_FEATURES:
        calls, seconds = 0, 0.0
        for (filename, _, name), (_, ncalls, tottime, cumtime, _) in stats.stats.items():
            if filename.replace("\\", "/").endswith(where) and function in ("*", name):
                calls += ncalls
                seconds += tottime if function == "*" else cumtime
        lines.append(f"  {seconds:7.2f} s  {100 * seconds / total:5.1f} %  {calls:>7} calls  "
                     f"{label}")
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats(key).print_stats(top)
        lines += ["", f"Top {top} by {key}:", buf.getvalue()]
    return "\n".join(lines)


# (what in our templates causes it, file of the WeasyPrint function, function or * for the
# self time of the whole file)
PROFILE_FEATURES = (
    ("pages laid out (remake_page: compare its calls with the page count; more calls are "
     "re-layouts for target-counter() and string())", "layout/page.py", "remake_page"),
    ("page-number references: target-counter() in the TOC and after [@ID] links "
     "(their lookup)", "css/targets.py", "*"),
    ("leader() dots in the TOC (handle_leader)", "layout/leader.py", "handle_leader"),
    ("margin boxes: running headers string(), page numbers", "layout/page.py",
     "make_margin_boxes"),
    ("display: grid (.facts dl, .imprint dl)", "layout/grid.py", "grid_layout"),
    ("tables of the comparison and the annexes (table_layout)", "layout/table.py",
     "table_layout"),
    ("line breaking of text-align: justify paragraphs (Pango, split_first_line)",
     "text/line_break.py", "split_first_line"),
    ("hyphens: auto (pyphen)", "pyphen/__init__.py", "*"),
    ("SVG charts: parsing", "svg/__init__.py", "__init__"),
    ("SVG charts: drawing (paths of matplotlib text and hatching)", "svg/__init__.py", "draw"),
    ("CSS cascade: selectors, var(), computed values", "css/__init__.py",
     "get_all_computed_styles"),
    ("computed values resolved lazily during layout (var(), calc, inherit)",
     "css/__init__.py", "__missing__"),
    ("box tree from the HTML", "formatting_structure/build.py", "build_formatting_structure"),
    ("drawing pages into PDF streams", "draw/__init__.py", "draw_page"),
    ("fonts: subsetting and embedding the Noto faces", "pdf/fonts.py",
     "build_fonts_dictionary"),
    ("PDF/UA structure tree (pdf_variant pdf/ua-1)", "pdf/tags.py", "add_tags"),
    ("writing PDF objects (pydyf)", "pydyf/__init__.py", "*"),
    ("pandoc: Markdown → AST → HTML (waiting for the subprocess)", "pipeline/pandoc.py", "run"),
    ("our sanitizing of the AST and HTML", "pipeline/sanitize.py", "*"),
)


def _phase(filename: str) -> str:
    """WeasyPrint module (css, layout, draw, text, pdf, …) or another package."""
    parts = Path(filename).parts
    for package in ("weasyprint", "tinycss2", "cssselect2", "fontTools", "pydyf", "pyphen",
                    "html5lib", "PIL", "pipeline"):
        if package in parts:
            rest = parts[parts.index(package) + 1:]
            sub = rest[0] if len(rest) > 1 else (rest[0].removesuffix(".py") if rest else "")
            return f"{package}.{sub}" if package == "weasyprint" and sub else package
    return "other (pandoc wait, stdlib, cffi)" if filename.startswith("~") or "<" in filename \
        else "other (stdlib)"


def compare_templates(root: Path, other: Path, lang: str = "en", rounds: int = 3,
                      progress=print) -> dict:
    """Best PDF render time of the sample with our templates and with `other`, alternating,
    each render in a fresh process (the minimum: other processes only ever add time)."""
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="pipeline-compare-") as tmp:
        out = Path(tmp) / "out"
        wall, done = _run([sys.executable, "-m", "pipeline", "assemble", "--lang", lang,
                           "--edition", EDITION, "--out", str(out)], cwd=root)
        _check(done, "assemble")
        times: dict[str, list] = {"ours": [], "other": []}
        cpu: dict[str, list] = {"ours": [], "other": []}
        pages: dict[str, int | None] = {}
        for i in range(rounds):
            for name, templates in (("ours", root / "templates"), ("other", other.resolve())):
                raw = Path(tmp) / f"raw-{name}"
                raw.mkdir(exist_ok=True)
                if not (raw / ".work").exists():
                    (raw / ".work").symlink_to(out / ".work", target_is_directory=True)
                job = {"sources": str(root / "sources"), "templates": str(templates),
                       "out": str(raw), "edition": EDITION, "lang": lang, "format": "pdf",
                       "calls": str(Path(tmp) / f"calls-{name}")}
                result = _fresh("render", job, root)
                times[name].append(result["seconds"])
                cpu[name].append(result["cpu_s"])
                pages[name] = pdf_pages(Path(result["path"]))
                progress(f"  round {i + 1} {name}: {result['seconds']:.2f} s wall, "
                         f"{result['cpu_s']:.2f} s CPU, {result['rss_mib']:.0f} MiB, "
                         f"{pages[name]} pages")
    best = {k: min(v) for k, v in times.items()}
    best_cpu = {k: min(v) for k, v in cpu.items()}
    return {"ours_s": best["ours"], "other_s": best["other"],
            "ours_cpu_s": best_cpu["ours"], "other_cpu_s": best_cpu["other"],
            "saving": 1 - best["other"] / best["ours"],
            "cpu_saving": 1 - best_cpu["other"] / best_cpu["ours"],
            "pages": pages, "times": times, "cpu": cpu}


def page_cost(root: Path, lang: str, rev: str = BASELINE_REV, rounds: int = 3,
              progress=print) -> dict:
    """Seconds per page of the sample's book PDF in `lang`: this toolchain against the one
    at git revision `rev`, each with its own sources and templates, in alternating fresh
    `pipeline render` processes (whole processes; the minimum of `rounds` each). Ours is
    timed twice a round: as a first build does (no page map of an earlier layout) and as a
    rebuild does (the page map of the previous render)."""
    root = root.resolve()
    archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", rev],
                             capture_output=True, timeout=120)
    if archive.returncode != 0:
        raise BenchError(f"git revision {rev} is not in this repository (a shallow clone?): "
                         + archive.stderr.decode(errors="replace").strip()[:200])
    with tempfile.TemporaryDirectory(prefix="pipeline-baseline-") as tmp:
        tree = Path(tmp) / "baseline"
        tree.mkdir()
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tree, filter="data")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        code = {"ours": (root, env), "baseline": (tree, {**env, "PYTHONPATH": str(tree)})}
        render = {}
        for name, (cwd, side_env) in code.items():
            out = Path(tmp) / f"out-{name}"
            pipeline = [sys.executable, "-m", "pipeline"]
            _, done = _run(pipeline + ["assemble", "--lang", lang, "--edition", EDITION,
                                       "--out", str(out)], cwd=cwd, env=side_env)
            _check(done, f"assemble ({name})")
            _, done = _run(pipeline + ["render", "--help"], cwd=cwd, env=side_env)
            option = "--formats" if "--formats" in done.stdout else "--format"
            render[name] = (pipeline + ["render", "--lang", lang, "--edition", EDITION,
                                        option, "pdf", "--out", str(out)], cwd, side_env, out)
        render["ours_rebuild"] = render["ours"]
        page_map = render["ours"][3] / ".work" / EDITION / lang / "pages.json"
        seconds, cpu, pages = {k: [] for k in render}, {k: [] for k in render}, {}
        for i in range(rounds):
            for name, (command, cwd, side_env, out) in render.items():
                if name == "ours":
                    page_map.unlink(missing_ok=True)
                wall, used, done = _run_cpu(command, cwd=cwd, env=side_env)
                _check(done, f"render ({name})")
                seconds[name].append(wall)
                cpu[name].append(used)
                pages[name] = pdf_pages(next((out / EDITION / lang).glob("*.pdf")))
                progress(f"  page cost, round {i + 1}, {name}: {wall:.2f} s wall, "
                         f"{used:.2f} s CPU, {pages[name]} pages")
    per_page = {k: min(seconds[k]) / pages[k] for k in render}
    cpu_per_page = {k: min(cpu[k]) / pages[k] for k in render}
    return {"lang": lang, "rev": rev, "pages": pages, "seconds": seconds, "cpu_s": cpu,
            "per_page_s": per_page, "cpu_per_page_s": cpu_per_page,
            "ratio": per_page["ours"] / per_page["baseline"],
            "rebuild_ratio": per_page["ours_rebuild"] / per_page["baseline"]}


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--step-log":
        _step_main(sys.argv[1:])
    elif len(sys.argv) > 3 and sys.argv[1] == "--job":
        _job_main(sys.argv[1:])
    else:
        sys.exit("usage: python -m devtools.bench --step-log FILE ARGS… | --job KIND JSON "
                 "(internal; run `pipeline bench`)")
