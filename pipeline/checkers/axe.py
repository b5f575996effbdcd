"""axe-core (npm `axe-core`), injected into pages opened in the system's headless Chromium,
driven by Playwright for Python. Playwright never downloads a browser here: it is pointed
at the Debian package's executable."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from ..diagnostics import PipelineError, error
from . import Findings, node_modules

INSTALL_CHROMIUM = "run `sudo make system-deps` (installs the Debian package chromium)"
INSTALL_PLAYWRIGHT = "run `make venv` (installs requirements.lock)"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000

# Rules known to be wrong on our pages (axe rule id → the upstream issue that explains
# it). None so far.
KNOWN_FALSE_POSITIVES: dict[str, str] = {}


def chromium() -> str:
    """The system Chromium (PIPELINE_CHROMIUM overrides)."""
    path = os.environ.get("PIPELINE_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    if not path or not os.access(path, os.X_OK):
        raise PipelineError(error(path or "chromium", "no-chromium",
                                  "Chromium is not installed; the accessibility check "
                                  "(axe-core) runs in it", hint=INSTALL_CHROMIUM))
    return path


def check(pages: list[Path]) -> Findings:
    """Open each page, run axe-core with its default rules, and report every violation
    (one diagnostic per rule and element)."""
    findings = Findings()
    if not pages:
        return findings
    try:
        browser_path = chromium()
        script, _ = node_modules.package_file("axe-core", "axe.min.js")
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return findings.tool_missing(error("playwright", "no-playwright",
                                           "the Python package `playwright` is not installed",
                                           hint=INSTALL_PLAYWRIGHT))
    except PipelineError as exc:
        return findings.tool_missing(exc.diagnostics[0])
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=browser_path, args=FLAGS,
                                                 headless=True, timeout=TIMEOUT_MS)
            try:
                context = browser.new_context()
                # The pages are self-contained; nothing is fetched from the network.
                context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
                for page_path in pages:
                    _check_page(context, page_path, script, findings, PlaywrightError)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = (str(exc).strip().splitlines() or ["failed"])[0][:300]
        return findings.tool_missing(error(browser_path, "chromium-failed",
                                           f"Chromium did not start: {first}",
                                           hint=INSTALL_CHROMIUM))
    return findings


def _check_page(context, page_path: Path, script: Path, findings: Findings,
                playwright_error) -> None:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        page.add_script_tag(path=str(script))
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})")
    except playwright_error as exc:
        first = (str(exc).strip().splitlines() or ["failed"])[0][:300]
        findings.diagnostics.append(error(page_path, "axe-failed",
                                          f"axe-core could not check this page: {first}"))
        findings.errors += 1
        return
    finally:
        page.close()
    for violation in result.get("violations", []):
        rule = violation.get("id", "axe")
        if rule in KNOWN_FALSE_POSITIVES:
            continue
        for node in violation.get("nodes", []):
            findings.errors += 1
            target = " ".join(" ".join(t) if isinstance(t, list) else str(t)
                              for t in node.get("target", []))
            snippet = " ".join(str(node.get("html", "")).split())[:120]
            impact = node.get("impact") or violation.get("impact") or ""
            message = f"{violation.get('help', rule)}" + (f" ({impact})" if impact else "")
            hint = _fix(node.get("failureSummary", ""))
            findings.diagnostics.append(error(page_path, rule, f"{message}: `{snippet}`",
                                              field=target, hint=hint))


def _fix(summary: str) -> str:
    """axe's failure summary on one line: 'Fix any of the following: …'."""
    parts, current = [], []
    for line in (line.strip() for line in summary.splitlines()):
        if line.endswith(":"):  # "Fix any of the following:" / "Fix all of the following:"
            if current:
                parts.append("; ".join(current))
            parts.append(line)
            current = []
        elif line:
            current.append(line)
    if current:
        parts.append("; ".join(current))
    return " ".join(parts)[:400]
