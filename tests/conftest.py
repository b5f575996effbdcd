"""Shared fixtures: a small book on disk, built from real templates."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SAMPLE = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

MINI_BOOK = """\
slug: mini-book
version: 1.0.0
date: 2025-01-31
identifier: urn:uuid:00000000-0000-4000-8000-000000000001
source_language: en
languages: [en, uk]
title: Mini book
editors: [A. Editor]
publisher: Test Publisher
place: Lviv
licence: CC BY 4.0
workshops:
  - {id: CZ-2024-09, country: CZ, city: Brno, start: 2024-09-26}
default_edition: full
editions:
  full:
    fallback: mark
    chapters: [intro, practices]
"""


def write_mini_book(root: Path, book_yaml: str = MINI_BOOK,
                    intro: str = "As the Brno practice shows [@CZ-900], it works.") -> Path:
    """A valid one-record book in English and Ukrainian, with the sample's contract."""
    (root / "practices").mkdir(parents=True)
    (root / "chapters" / "en").mkdir(parents=True)
    (root / "book.yaml").write_text(book_yaml, encoding="utf-8")
    shutil.copy(SAMPLE / "contract.yaml", root / "contract.yaml")
    (root / "strings").mkdir()
    for lang in ("en", "uk"):
        shutil.copy(SAMPLE / "strings" / f"{lang}.yaml", root / "strings" / f"{lang}.yaml")
    shutil.copy(FIXTURES / "records" / "valid.yaml", root / "practices" / "CZ-900.yaml")
    (root / "chapters" / "en" / "intro.md").write_text(
        f"# Introduction {{#intro}}\n\n{intro}\n", encoding="utf-8")
    return root


@pytest.fixture
def mini_book(tmp_path) -> Path:
    """The mini book (`write_mini_book`); tests break one thing at a time."""
    return write_mini_book(tmp_path / "sources")


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A copy of the real sample paper's sources."""
    root = tmp_path / "sources"
    shutil.copytree(SAMPLE, root)
    return root


def run_cli(*args, cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run `python -m pipeline …` as a user would, with the real templates."""
    cmd = [sys.executable, "-m", "pipeline", *map(str, args)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd or ROOT, timeout=900)
    if check and done.returncode != 0:
        raise AssertionError(f"{cmd} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def make(*args) -> subprocess.CompletedProcess:
    """`make …` in the project as a user types it: not as a sub-make of the `make test`
    that may be running the tests (no inherited jobserver or flags)."""
    import os
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    return subprocess.run(["make", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=1800, env=env)


def tool_available() -> bool:
    """Whether the system checkers (Java, Chromium, the npm packages) are installed."""
    import shutil as _shutil
    return bool(_shutil.which("java") and _shutil.which("chromium")
                and (ROOT / "node_modules" / "vnu-jar").exists()
                and (ROOT / "node_modules" / "axe-core").exists())


# A font of ours in a PDF: a subset of a face that our stylesheets declare with @font-face
# (never a font the machine happens to have, whatever its name).
OUR_FONT = re.compile(r"[A-Z]{6}\+(Book|Sheet|Deck)-(Serif|Sans)(-Bold)?(-Italic)?")


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Every font a PDF uses: base name → embedded."""
    from pipeline.checkers.pdf import _fonts
    from pypdf import PdfReader
    return _fonts(PdfReader(path))
