"""A book as the stages after validation see it: one immutable, typed value built from
its sources (book.yaml and contract.yaml), instead of each stage digging in their data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .contract import Contract
from .diagnostics import PipelineError, error
from .load import BookSources
from .yamldoc import load_yaml


@dataclass(frozen=True)
class Edition:
    name: str
    fallback: str                     # allow, mark or block
    chapters: tuple[str, ...]
    practices: str = "published"      # published, or best: the rubric's highest label only


@dataclass(frozen=True)
class Release:
    editions: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Book:
    path: Path                        # book.yaml
    slug: str
    version: str
    date: str
    source_language: str
    languages: tuple[str, ...]
    editions: dict[str, Edition]
    default_edition: str
    release: Release
    contract: Contract | None = None
    data: dict = field(default_factory=dict, compare=False, repr=False)  # the rest of book.yaml

    def edition(self, name: str | None = None) -> Edition:
        """An edition by name (the default one for None); unknown: a PipelineError."""
        name = name or self.default_edition
        if name not in self.editions:
            raise PipelineError(error(self.path, "unknown-edition",
                                      f"edition `{name}` is not declared",
                                      hint="declared: " + ", ".join(self.editions)))
        return self.editions[name]


def book_of(data, path: Path, contract: Contract | None = None) -> Book | None:
    """The typed book of book.yaml's data, or None when it lacks what a build needs
    (validation says what)."""
    if not isinstance(data, dict):
        return None
    languages, editions = data.get("languages"), data.get("editions")
    if not (isinstance(languages, list) and languages and isinstance(editions, dict)
            and all(isinstance(x, str) for x in [*languages, *editions])
            and all(isinstance(e, dict) for e in editions.values())):
        return None
    typed = {name: Edition(name, str(e.get("fallback", "mark")),
                           tuple(c for c in e.get("chapters") or () if isinstance(c, str)),
                           str(e.get("practices", "published")))
             for name, e in editions.items()}
    default = data.get("default_edition")
    default = default if default in typed else next(iter(typed))
    release = data.get("release") if isinstance(data.get("release"), dict) else {}
    return Book(path, str(data.get("slug", "book")), str(data.get("version", "")),
                str(data.get("date", "")), str(data.get("source_language", languages[0])),
                tuple(languages), typed, default,
                Release(tuple(release.get("editions") or (default,)),
                        tuple(release.get("languages") or languages)),
                contract, data)


def of_sources(sources: BookSources) -> Book | None:
    return book_of(sources.book_data, sources.root / "book.yaml", sources.contract)


def read_book(root: Path) -> Book | None:
    """book.yaml alone (no contract): what make's rules and `check` need, quickly."""
    doc, _ = load_yaml(Path(root) / "book.yaml")
    return book_of(doc.data if doc else None, Path(root) / "book.yaml")
