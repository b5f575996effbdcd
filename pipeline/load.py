"""Stage 1: read every source file of a book into plain data, with positions.

Layout of a book's sources (``--sources``, default ``sources/``)::

    book.yaml                          metadata, languages, workshops, editions
    contract.yaml                      countries, vocabularies, rubric, rules (the contract)
    strings/<lang>.yaml                labels of the contract's codes; the book's wordings
    practices/<ID>.yaml                one practice record each
    chapters/<lang>/<name>.md          written chapters, per language
    translations/<lang>/book.yaml      translated prose of book.yaml
    translations/<lang>/<ID>.yaml      translated prose of a practice record
    glossary/<lang>.yaml               agreed terms (optional)
    images/                            pictures referenced from chapters

Interface strings (names of generated chapters, field names, notices) are read from
``templates/i18n/<lang>.yaml``; the book's own strings replace or complete them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .contract import Contract, load_contract, missing_contract
from .diagnostics import Diagnostic, error
from .parallel import map_ordered
from .yamldoc import YamlDocument, load_yaml, read_text

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class Chapter:
    """A written chapter in one language."""
    path: Path
    lang: str
    name: str
    body: str            # Markdown without front matter
    body_line: int       # line number in the file where `body` starts
    source: str | None   # hash of the source-language text this translates, if recorded
    untranslated: bool = False  # scaffolded from the source text, not yet translated


@dataclass(frozen=True)
class BookSources:
    root: Path
    templates: Path
    book: YamlDocument | None
    practices: tuple[YamlDocument, ...]
    chapters: dict = field(default_factory=dict)       # (lang, name) -> Chapter
    translations: dict = field(default_factory=dict)   # (lang, unit) -> YamlDocument
    strings: dict = field(default_factory=dict)        # lang -> YamlDocument (templates)
    glossaries: dict = field(default_factory=dict)     # lang -> YamlDocument
    files: int = 0
    unreadable: frozenset = frozenset()                # stems of practice files that failed
    contract: Contract | None = None                   # None: missing or not usable
    book_strings: dict = field(default_factory=dict)   # lang -> YamlDocument (the book's)

    @property
    def book_data(self) -> dict:
        return self.book.data if self.book and isinstance(self.book.data, dict) else {}


def load_sources(root: Path, templates: Path) -> tuple[BookSources, list[Diagnostic]]:
    """Read everything; problems with individual files are returned, never raised."""
    root, templates = Path(root), Path(templates)
    problems: list[Diagnostic] = []
    if not root.is_dir():
        return BookSources(root, templates, None, ()), [error(
            root, "no-sources", "the sources folder does not exist",
            hint="pass --sources DIR or run from the book's folder")]
    if not (templates / "i18n").is_dir():
        problems.append(error(templates, "no-templates",
                              "the templates folder has no i18n/ strings",
                              hint="pass --templates DIR"))
    files = 0

    def yaml_file(path: Path, loaded=None) -> YamlDocument | None:
        """`path` read (or, if given, its `load_yaml` result), counted and its problems kept."""
        nonlocal files
        files += 1
        doc, found = loaded or load_yaml(path)
        problems.extend(found)
        return doc

    book_path = root / "book.yaml"
    book = yaml_file(book_path) if book_path.exists() else None
    if not book_path.exists():
        problems.append(error(book_path, "no-book", "book.yaml is missing",
                              hint="every book needs its metadata in sources/book.yaml"))

    # The many files (records and their translations) are parsed on every core.
    practice_paths = sorted((root / "practices").glob("*.yaml"))
    translation_paths = [p for p in sorted((root / "translations").glob("*/*.yaml"))
                         if not p.parent.name.startswith(".")]  # .history: read on demand
    paths = practice_paths + translation_paths
    loaded = {p: yaml_file(p, result) for p, result in zip(paths, map_ordered(load_yaml, paths))}
    practices = tuple(loaded[p] for p in practice_paths if loaded[p] is not None)
    unreadable = frozenset(p.stem for p in practice_paths if loaded[p] is None)
    translations = {(p.parent.name, p.stem): loaded[p] for p in translation_paths
                    if loaded[p] is not None}

    chapters = {}
    for path in sorted((root / "chapters").glob("*/*.md")):
        files += 1
        chapter, found = _read_chapter(path)
        problems.extend(found)
        if chapter:
            chapters[(chapter.lang, chapter.name)] = chapter

    strings = {p.stem: d for p in sorted((templates / "i18n").glob("*.yaml"))
               if (d := yaml_file(p)) is not None}
    glossaries = {p.stem: d for p in sorted((root / "glossary").glob("*.yaml"))
                  if (d := yaml_file(p)) is not None}
    book_strings = {p.stem: d for p in sorted((root / "strings").glob("*.yaml"))
                    if (d := yaml_file(p)) is not None}
    contract_path = root / "contract.yaml"
    contract = None
    if contract_path.exists():
        contract, found = load_contract(yaml_file(contract_path), contract_path)
        problems.extend(found)
    else:
        problems.append(missing_contract(root))
    return BookSources(root, templates, book, practices, chapters, translations, strings,
                       glossaries, files, unreadable, contract, book_strings), problems


def _read_chapter(path: Path) -> tuple[Chapter | None, list[Diagnostic]]:
    text, problems = read_text(path)
    if text is None:
        return None, problems
    text = text.replace("\r\n", "\n")
    source, untranslated, body, body_line = None, False, text, 1
    match = _FRONT_MATTER.match(text)
    if match:
        body = text[match.end():]
        body_line = text[:match.end()].count("\n") + 1
        found = re.search(r"^source:\s*([0-9a-f]{8})\s*$", match.group(1), re.M)
        untranslated = bool(re.search(r"^untranslated:\s*true\s*$", match.group(1), re.M))
        if found:
            source = found.group(1)
        else:
            problems.append(error(path, "front-matter", "front matter has no `source:` hash",
                                  line=2, column=1,
                                  hint="run `pipeline translate scaffold` to record it"))
    return Chapter(path, path.parent.name, path.stem, body, body_line, source,
                   untranslated), problems
