"""The one door to pandoc: find it (bundled by pypandoc-binary), check its version, run it
sandboxed, and turn its failures into diagnostics."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from .diagnostics import PipelineError, error

MINIMUM = (3, 1)
# Raw HTML and raw TeX in sources are never passed through (validation rejects them;
# this keeps them inert even if validation is bypassed).
# Implicit header references (`[Heading text]` as a link) are off: a large document is
# read in parts (`read_parts`), and a part cannot see the headings of another. Link to a
# heading by its id: `[text](#id)`.
MARKDOWN = ("markdown-raw_html-raw_tex-raw_attribute-tex_math_dollars"
            "-implicit_header_references")

# Documents larger than this are read by several pandoc processes at once, each given a
# run of whole sections: pandoc reads Markdown at about half a megabyte a second.
SPLIT_CHARS = 1_000_000


@functools.cache
def executable() -> str:
    """Path of the pandoc binary, checked for its version."""
    override = os.environ.get("PIPELINE_PANDOC")
    if override:
        path = override
    else:
        try:
            import pypandoc
            path = pypandoc.get_pandoc_path()
        except (ImportError, OSError) as exc:
            raise PipelineError(error("pandoc", "no-pandoc", f"pandoc is not available ({exc})",
                                      hint="run `make build` to install the toolchain")) from None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        first = out.stdout.splitlines()[0] if out.stdout else ""
        version = tuple(int(p) for p in first.split()[1].split(".")[:2])
    except (OSError, IndexError, ValueError, subprocess.SubprocessError):
        raise PipelineError(error(path, "no-pandoc", "pandoc does not run",
                                  hint="reinstall with `make clean-venv build`")) from None
    if version < MINIMUM:
        raise PipelineError(error(path, "old-pandoc",
                                  f"pandoc {'.'.join(map(str, version))} is too old; "
                                  f"{'.'.join(map(str, MINIMUM))} or newer is needed",
                                  hint="run `make build` to install the bundled pandoc"))
    return path


def run(args: list[str], *, stdin: str | None = None, cwd: Path | None = None,
        what: str = "pandoc", sandbox: bool = True) -> str:
    """Run pandoc (in its sandbox unless told otherwise); return stdout or raise a
    PipelineError naming `what`."""
    cmd = [executable(), *(["--sandbox"] if sandbox else []), *args]
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=cwd,
                              timeout=600)
    except subprocess.TimeoutExpired:
        raise _timed_out(what) from None
    if done.returncode != 0:
        raise _failed(what, done.returncode, done.stderr)
    return done.stdout


def run_many(calls: list[tuple[list[str], str]], what: str) -> list[str]:
    """Several sandboxed pandoc runs at once, [(args, stdin), …] → their outputs. Each
    reads and writes files of its own (no pipe to drain, no thread to interrupt); on any
    failure or interrupt, the others are stopped."""
    with tempfile.TemporaryDirectory(prefix="pipeline-pandoc-") as tmp:
        started = []
        try:
            for i, (args, stdin) in enumerate(calls):
                files = [Path(tmp, f"{i}.{end}") for end in ("in", "out", "err")]
                files[0].write_text(stdin, encoding="utf-8")
                with open(files[0], "rb") as fin, open(files[1], "wb") as fout, \
                        open(files[2], "wb") as ferr:
                    started.append((subprocess.Popen([executable(), "--sandbox", *args],
                                                     stdin=fin, stdout=fout, stderr=ferr),
                                    files))
            outputs = []
            for process, files in started:
                try:
                    code = process.wait(timeout=600)
                except subprocess.TimeoutExpired:
                    raise _timed_out(what) from None
                if code != 0:
                    raise _failed(what, code, files[2].read_text("utf-8", errors="replace"))
                outputs.append(files[1].read_text(encoding="utf-8"))
            return outputs
        finally:
            for process, _ in started:
                if process.poll() is None:
                    process.kill()
                    process.wait()


def _timed_out(what: str) -> PipelineError:
    return PipelineError(error(what, "pandoc-timeout", "pandoc took longer than 10 minutes"))


def _failed(what: str, code: int, stderr: str) -> PipelineError:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return PipelineError(error(what, "pandoc-failed",
                               f"pandoc failed (exit {code}): {lines[0] if lines else 'failed'}"))


def local_resources(ast_json: str) -> list[str]:
    """Targets of every image in a pandoc JSON AST that is not a data: URI."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Image":
                target = node["c"][2][0]
                if not target.startswith("data:"):
                    found.append(target)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(ast_json))
    return found


_CUT = re.compile(r"#{1,3} ")                       # a heading of level 1 to 3
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r":{3,}\s*\S")
_DIV_CLOSE = re.compile(r":{3,}\s*$")
_DEFINITION = re.compile(r"^ {0,3}\[(\^?[^\]\n]+)\]:", re.M)
_BRACKETS = re.compile(r"\[(\^?[^\]\n]+)\]")


def split_markdown(text: str, parts: int) -> list[str]:
    """`text` in up to `parts` runs of similar size that pandoc reads alike one by one
    or as a whole. A cut falls only where a block starts for certain: before a heading
    (level 1–3) or a fenced div, at the start of a line after a blank one, outside code
    blocks and fenced divs, and never between a footnote or link reference and its
    definition."""
    if parts < 2 or len(text) < SPLIT_CHARS:
        return [text]
    # Spans that must stay in one part: each definition with every mention of its label.
    mentions: dict[str, list[int]] = {}
    for m in _BRACKETS.finditer(text):
        mentions.setdefault(m.group(1).casefold(), []).append(m.start())
    spans = [(min(places), max(places)) for m in _DEFINITION.finditer(text)
             if len(places := mentions.get(m.group(1).casefold(), []) + [m.start()]) > 1]
    cuts, position, fence, divs, blank = [], 0, None, 0, True
    for line in text.split("\n"):
        if fence:
            if line.lstrip(" ").startswith(fence):
                fence = None
        elif m := _FENCE.match(line):
            fence = m.group(1)
        elif _DIV_CLOSE.match(line):
            divs = max(0, divs - 1)
        else:
            opens = bool(_DIV_OPEN.match(line))
            if (blank and divs == 0 and position and (opens or _CUT.match(line))
                    and not any(a < position <= b for a, b in spans)):
                cuts.append(position)
            divs += opens
        blank = not line.strip()
        position += len(line) + 1
    chosen: list[int] = []
    for k in range(1, parts):
        goal = len(text) * k // parts
        best = min(cuts, key=lambda c: abs(c - goal), default=None)
        if best is not None and (not chosen or best > chosen[-1]):
            chosen.append(best)
    bounds = [0, *chosen, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def read_parts(text: str, args: list[str], parts: int, what: str) -> dict:
    """The AST (parsed JSON) of Markdown `text` read with `args`: by up to `parts` pandoc
    processes at once when it is large, joined into the AST one process gives. Should
    two parts hold headings with the same id (pandoc would have numbered the second),
    the text is read again as a whole."""
    pieces = split_markdown(text, parts)
    if len(pieces) == 1:
        return json.loads(run(args, stdin=text, what=what))
    asts = [json.loads(out) for out in run_many([(args, piece) for piece in pieces], what)]
    seen: set[str] = set()
    for ast in asts:
        ids = set(_header_ids(ast["blocks"]))
        if ids & seen:
            return json.loads(run(args, stdin=text, what=what))
        seen |= ids
    document = asts[0]
    for other in asts[1:]:
        document["blocks"] += other["blocks"]
    return document


def _header_ids(blocks: list):
    for block in blocks:
        kind = block.get("t") if isinstance(block, dict) else None
        if kind == "Header" and block["c"][1][0]:
            yield block["c"][1][0]
        elif kind == "Div":
            yield from _header_ids(block["c"][1])
        elif kind == "BlockQuote":
            yield from _header_ids(block["c"])
