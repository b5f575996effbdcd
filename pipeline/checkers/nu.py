"""The W3C Nu HTML checker (npm `vnu-jar`), run with the system Java over every page in one
run (about 4 s for six single-page sites)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..diagnostics import PipelineError, error, warning
from . import Findings, java, node_modules

TIMEOUT = 900

# Messages known to be wrong (start of the message text → the upstream issue that
# explains it). None so far.
KNOWN_FALSE_POSITIVES: dict[str, str] = {}


def check(pages: list[Path]) -> Findings:
    """Nu errors are errors; its warnings are reported once per page and message (they do
    not fail the check); its plain info messages are dropped."""
    findings = Findings()
    if not pages:
        return findings
    try:
        java_path = java.executable()
        jar, _ = node_modules.package_file("vnu-jar", "build/dist/vnu.jar")
    except PipelineError as exc:
        return findings.tool_missing(exc.diagnostics[0])
    cmd = [java_path, "-Xss4m", "-jar", str(jar), "--format", "json", "--stdout",
           "--exit-zero-always", *map(str, pages)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        data = json.loads(done.stdout)
    except subprocess.TimeoutExpired:
        findings.diagnostics.append(error(pages[0], "nu-failed", "the Nu checker timed out"))
        findings.errors += 1
        return findings
    except ValueError:
        why = (done.stderr.strip().splitlines() or ["no JSON output"])[-1][:300]
        findings.diagnostics.append(error(pages[0], "nu-failed",
                                          f"the Nu checker did not report: {why}"))
        findings.errors += 1
        return findings
    by_uri = {page.resolve().as_uri(): page for page in pages}
    # A repeated warning is one problem to think about: one line per page and message.
    warnings: dict[tuple[str, str], list] = {}
    for message in data.get("messages", []):
        kind, sub = message.get("type"), message.get("subType")
        text = " ".join(str(message.get("message", "")).split())
        if any(text.startswith(prefix) for prefix in KNOWN_FALSE_POSITIVES):
            continue
        page = _page(message.get("url", ""), by_uri)
        line = message.get("firstLine") or message.get("lastLine") or 0
        column = message.get("firstColumn") or 0
        if kind in ("error", "non-document-error"):
            findings.errors += 1
            code = "nu-io" if kind == "non-document-error" else "nu-error"
            findings.diagnostics.append(error(page, code, text, line=line, column=column,
                                              hint=_extract(message)))
        elif kind == "info" and sub == "warning":
            findings.warnings += 1
            warnings.setdefault((str(page), text), [page, line, column, 0])[3] += 1
    for (_, text), (page, line, column, count) in warnings.items():
        findings.diagnostics.append(warning(page, "nu-warning", text, line=line, column=column,
                                            hint=f"{count} times in this page" if count > 1
                                            else ""))
    return findings


def _page(url: str, by_uri: dict[str, Path]) -> Path | str:
    if url in by_uri:
        return by_uri[url]
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else (url or "nu")


def _extract(message: dict) -> str:
    extract = message.get("extract")
    if not extract:
        return ""
    return "at `" + " ".join(extract.split())[:100] + "`"
