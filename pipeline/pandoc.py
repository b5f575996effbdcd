"""The one door to pandoc: find it (bundled by pypandoc-binary), check its version, run it
sandboxed, and turn its failures into diagnostics."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

from .diagnostics import PipelineError, error

MINIMUM = (3, 1)
# Raw HTML and raw TeX in sources are never passed through (validation rejects them;
# this keeps them inert even if validation is bypassed).
MARKDOWN = "markdown-raw_html-raw_tex-raw_attribute-tex_math_dollars"


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
        raise PipelineError(error(what, "pandoc-timeout", "pandoc took longer than 10 minutes"))
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        message = lines[0] if lines else "failed"
        raise PipelineError(error(what, "pandoc-failed",
                                  f"pandoc failed (exit {done.returncode}): {message}"))
    return done.stdout


def local_resources(ast_json: str) -> list[str]:
    """Targets of every image in a pandoc JSON AST that is not a data: URI."""
    import json

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
