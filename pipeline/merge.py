"""Stage 3: merge translations into the text a reader of one language sees.

A translated field records the short hash of the source text it translates. Comparing
that hash with the hash of the current source text tells, field by field, whether a
translation is current, stale (the source changed since) or missing. The edition's
fallback policy decides what a build does with the gaps:

- ``allow``: show the source text silently;
- ``mark``:  show it with a visible notice in the reader's language;
- ``block``: refuse to build the language and list what is missing or stale.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, error
from .load import BookSources
from .contract import NOT_STATED, PROSE_FIELDS
from .yamldoc import lookup

ORIGINAL, CURRENT, STALE, MISSING = "original", "current", "stale", "missing"
BOOK_FIELDS = ("title", "subtitle", "notice")


def translated_fields(sources: BookSources, record: dict) -> dict[str, str]:
    """field -> source text of every field of a record that translators translate (the
    contract's `translated`, where the record states it)."""
    names = sources.contract.translated if sources.contract else PROSE_FIELDS
    return {n: text for n in names
            if isinstance(text := lookup(record, n), str) and text != NOT_STATED}


def source_hash(text: str) -> str:
    """Short hash of a source text; insensitive to trailing white space and line endings."""
    normal = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Prose:
    """A piece of prose as shown to a reader: the text, its language and its state."""
    text: str
    lang: str
    state: str  # original | current | stale | missing

    @property
    def is_fallback(self) -> bool:
        return self.state == MISSING


@dataclass(frozen=True)
class FieldStatus:
    """The translation state of one field (or chapter) in one language."""
    lang: str
    unit: str           # "book", a practice id, or "chapter:<name>"
    field: str          # a translatable field, or "" for a whole chapter
    state: str
    file: str           # where the translation lives (or would live)
    line: int
    source_lang: str
    source_text: str = field(default="", repr=False)


def _entry(sources: BookSources, lang: str, unit: str, name: str):
    doc = sources.translations.get((lang, unit))
    if doc is None or not isinstance(doc.data, dict):
        path = sources.root / "translations" / lang / f"{unit}.yaml"
        return None, path, 0
    entry = doc.data.get(name)
    line = doc.where((name,))[0] if entry is not None else 0
    return entry, doc.path, line


def _state(entry, current_hash: str) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) \
            or entry.get("untranslated") or not entry["text"].strip():
        return MISSING
    return CURRENT if entry.get("source") == current_hash else STALE


def field_prose(sources: BookSources, lang: str, unit: str, name: str, text: str,
                text_lang: str) -> tuple[Prose, FieldStatus | None]:
    """The prose of one field for a reader of `lang`, and its translation state."""
    if lang == text_lang:
        return Prose(text, lang, ORIGINAL), None
    entry, path, line = _entry(sources, lang, unit, name)
    state = _state(entry, source_hash(text))
    status = FieldStatus(lang, unit, name, state, str(path), line, text_lang, text)
    if state == MISSING:
        # Fall back to the book's source language where that translation exists.
        source_lang = sources.book_data.get("source_language")
        if source_lang and source_lang != text_lang:
            fallback, _, _ = _entry(sources, source_lang, unit, name)
            if _state(fallback, source_hash(text)) != MISSING:
                return Prose(fallback["text"], source_lang, MISSING), status
        return Prose(text, text_lang, MISSING), status
    return Prose(entry["text"], lang, state), status


def practice_lang(record: dict, book: dict) -> str:
    return record.get("lang") or book.get("source_language", "en")


def localize_record(sources: BookSources, record: dict, lang: str) -> tuple[dict, list[FieldStatus]]:
    """A copy of `record` whose translatable fields are `Prose` values for `lang`."""
    text_lang = practice_lang(record, sources.book_data)
    statuses = []
    out = _deep_copy(record)
    for name, text in translated_fields(sources, record).items():
        prose, status = field_prose(sources, lang, record["id"], name, text, text_lang)
        _set(out, name, prose)
        if status:
            statuses.append(status)
    return out, statuses


def localize_book(sources: BookSources, lang: str) -> tuple[dict, list[FieldStatus]]:
    book = _deep_copy(sources.book_data)
    statuses = []
    for name in BOOK_FIELDS:
        if isinstance(book.get(name), str):
            prose, status = field_prose(sources, lang, "book", name, book[name],
                                        book["source_language"])
            book[name] = prose
            if status:
                statuses.append(status)
    return book, statuses


def chapter_prose(sources: BookSources, lang: str, name: str) -> tuple[Prose | None, FieldStatus | None]:
    """A written chapter for a reader of `lang`, falling back to the source language."""
    source_lang = sources.book_data["source_language"]
    source = sources.chapters.get((source_lang, name))
    if source is None:
        return None, None
    if lang == source_lang:
        return Prose(source.body, lang, ORIGINAL), None
    translated = sources.chapters.get((lang, name))
    path = sources.root / "chapters" / lang / f"{name}.md"
    if translated is None or translated.untranslated or not translated.body.strip():
        return (Prose(source.body, source_lang, MISSING),
                FieldStatus(lang, f"chapter:{name}", "", MISSING, str(path), 0,
                            source_lang, source.body))
    state = CURRENT if translated.source == source_hash(source.body) else STALE
    return (Prose(translated.body, lang, state),
            FieldStatus(lang, f"chapter:{name}", "", state, str(translated.path), 1,
                        source_lang, source.body))


def translatable_records(sources: BookSources) -> list[dict]:
    """Records translators work on: all but drafts and rejected ones."""
    return [d.data for d in sources.practices
            if d.data.get("editorial", {}).get("status") not in ("draft", "rejected")]


def translation_status(sources: BookSources, lang: str, chapters: list[str] | None = None,
                       practice_ids: set | None = None) -> list[FieldStatus]:
    """Every translatable unit of the book for `lang`, with its state."""
    _, statuses = localize_book(sources, lang)
    names = chapters if chapters is not None else sorted(
        {name for (l, name) in sources.chapters if l == sources.book_data["source_language"]})
    for name in names:
        _, status = chapter_prose(sources, lang, name)
        if status:
            statuses.append(status)
    for record in translatable_records(sources):
        if practice_ids is not None and record.get("id") not in practice_ids:
            continue
        statuses += localize_record(sources, record, lang)[1]
    return statuses


def blocking_problems(statuses: list[FieldStatus]) -> list[Diagnostic]:
    """What a `block` policy refuses: every missing or stale field, with its place."""
    out = []
    for s in statuses:
        if s.state in (MISSING, STALE):
            what = f"{s.unit}.{s.field}" if s.field else s.unit
            out.append(error(Path(s.file), f"translation-{s.state}",
                             f"{s.state} in `{s.lang}`", line=s.line,
                             column=1 if s.line else 0, field=what,
                             hint="run `pipeline translate scaffold --lang "
                                  f"{s.lang}` and translate it"))
    return out


def _deep_copy(data):
    if isinstance(data, dict):
        return {k: _deep_copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_deep_copy(v) for v in data]
    return data


def _set(data: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data[part]
    data[last] = value
