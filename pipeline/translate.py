"""Translator tools: scaffold translation files, record which source text they translate."""

from __future__ import annotations

from pathlib import Path

import yaml

from .files import write_atomic
from .load import BookSources
from .merge import BOOK_FIELDS, _get, practice_lang, source_hash, translatable_records
from .vocabulary import TRANSLATABLE

HEADER = ("# {what} in `{lang}`. Translate each `text`, then delete its `untranslated: true`.\n"
          "# `source` is written by `pipeline translate scaffold`: it records which version of\n"
          "# the source text the translation follows. Do not edit it.\n")


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = "|" if "\n" in value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value.strip() + ("\n" if style else ""),
                                   style=style)


_Dumper.add_representer(str, _str)


def dump_translation(entries: dict, what: str, lang: str) -> str:
    body = yaml.dump(entries, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)
    return HEADER.format(what=what, lang=lang) + body


def _scaffold_unit(sources: BookSources, lang: str, unit: str, fields: dict[str, str],
                   what: str) -> str | None:
    """Bring one translation file up to date; returns a line describing the change."""
    doc = sources.translations.get((lang, unit))
    old = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    entries, changed = {}, []
    for name, text in fields.items():
        current = source_hash(text)
        entry = dict(old.get(name) or {}) if isinstance(old.get(name), dict) else {}
        if not entry or not isinstance(entry.get("text"), str):
            entry = {"source": current, "text": text, "untranslated": True}
            changed.append(f"{name} added")
        elif entry.get("untranslated") and entry.get("source") != current:
            entry = {"source": current, "text": text, "untranslated": True}
            changed.append(f"{name} refreshed")
        elif "source" not in entry:
            entry = {"source": current, **entry}
            changed.append(f"{name} recorded")
        entries[name] = entry
    for name, entry in old.items():  # keep anything we do not know, validation reports it
        entries.setdefault(name, entry)
    if not changed:
        return None
    path = sources.root / "translations" / lang / f"{unit}.yaml"
    write_atomic(path, dump_translation(entries, what, lang))
    return f"{path}: " + ", ".join(changed)


def scaffold(sources: BookSources, lang: str) -> list[str]:
    book = sources.book_data
    source_lang = book["source_language"]
    changes = []
    if lang != source_lang:
        fields = {n: book[n] for n in BOOK_FIELDS if isinstance(book.get(n), str)}
        changes.append(_scaffold_unit(sources, lang, "book", fields, "Book metadata"))
        for (clang, name), chapter in sorted(sources.chapters.items()):
            if clang != source_lang:
                continue
            changes.append(_scaffold_chapter(sources, lang, name, chapter.body))
    for record in translatable_records(sources):
        if practice_lang(record, book) == lang:
            continue
        fields = {n: _get(record, n) for n in TRANSLATABLE if isinstance(_get(record, n), str)}
        changes.append(_scaffold_unit(sources, lang, record["id"], fields,
                                      f"Practice {record['id']}"))
    return [c for c in changes if c]


def _scaffold_chapter(sources: BookSources, lang: str, name: str, body: str) -> str | None:
    current = source_hash(body)
    path = sources.root / "chapters" / lang / f"{name}.md"
    existing = sources.chapters.get((lang, name))
    if existing is not None:
        if existing.source is None:
            write_atomic(path, f"---\nsource: {current}\n---\n{existing.body}")
            return f"{path}: source recorded"
        if existing.untranslated and existing.source != current:
            write_atomic(path, f"---\nsource: {current}\nuntranslated: true\n---\n{body}")
            return f"{path}: refreshed"
        return None
    write_atomic(path, f"---\nsource: {current}\nuntranslated: true\n---\n{body}")
    return f"{path}: added"
