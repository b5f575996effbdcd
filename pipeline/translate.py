"""Translator tools: scaffold translation files, record which source text they translate,
and show what changed in the source of a stale translation.

Every source text a translation was made from is kept, by hash, in
``translations/.history/<unit>.yaml`` (written by the tool, append-only), so that after a
source edit the translator sees the old and the new text side by side.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from .diagnostics import PipelineError, error
from .files import write_atomic
from .load import BookSources
from .merge import (BOOK_FIELDS, STALE, practice_lang, source_hash, translatable_records,
                    translated_fields, translation_status)
from .yamldoc import load_yaml

HISTORY_HEADER = ("# Source texts that translations were made from, by hash. Kept by\n"
                  "# `pipeline translate scaffold` so translators can see what changed.\n"
                  "# Written by the tool; do not edit.\n")

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
    for unit, (_, fields) in source_fields(sources).items():
        remember(sources, unit, fields)
    updated = []
    if lang != source_lang:
        fields = {n: book[n] for n in BOOK_FIELDS if isinstance(book.get(n), str)}
        updated.append(_scaffold_unit(sources, lang, "book", fields, "Book metadata"))
        for (clang, name), chapter in sorted(sources.chapters.items()):
            if clang != source_lang:
                continue
            updated.append(_scaffold_chapter(sources, lang, name, chapter.body))
    for record in translatable_records(sources):
        if practice_lang(record, book) == lang:
            continue
        fields = translated_fields(sources, record)
        updated.append(_scaffold_unit(sources, lang, record["id"], fields,
                                      f"Practice {record['id']}"))
    return [c for c in updated if c]


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


# ---------------------------------------------------------------------- source history

def history_path(sources: BookSources, unit: str) -> Path:
    return sources.root / "translations" / ".history" / f"{unit.replace(':', '-')}.yaml"


def read_history(sources: BookSources, unit: str) -> dict:
    path = history_path(sources, unit)
    if not path.exists():
        return {}
    doc, _ = load_yaml(path)
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def remember(sources: BookSources, unit: str, fields: dict[str, str]) -> bool:
    """Record the current source text of each field under its hash (append-only)."""
    history = read_history(sources, unit)
    changed = False
    for name, text in fields.items():
        versions = history.setdefault(name, {})
        if not isinstance(versions, dict):
            versions = history[name] = {}
        key = source_hash(text)
        if key not in versions:
            versions[key] = text
            changed = True
    if changed:
        body = yaml.dump(history, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)
        write_atomic(history_path(sources, unit), HISTORY_HEADER + body)
    return changed


def source_fields(sources: BookSources) -> dict[str, tuple[str, dict[str, str]]]:
    """unit -> (language of its source text, {field: source text}) for every translatable unit."""
    book = sources.book_data
    units = {"book": (book["source_language"],
                      {n: book[n] for n in BOOK_FIELDS if isinstance(book.get(n), str)})}
    for (lang, name), chapter in sorted(sources.chapters.items()):
        if lang == book["source_language"]:
            units[f"chapter:{name}"] = (lang, {"": chapter.body})
    for record in translatable_records(sources):
        units[record["id"]] = (practice_lang(record, book), translated_fields(sources, record))
    return units


def changes(sources: BookSources, lang: str) -> list[str]:
    """For every stale field of `lang`: where it is, and the source text then and now."""
    out = []
    for status in translation_status(sources, lang):
        if status.state != STALE:
            continue
        unit, name = status.unit, status.field
        if unit.startswith("chapter:"):
            chapter = sources.chapters.get((lang, unit.split(":", 1)[1]))
            old_hash = chapter.source if chapter else None
        else:
            doc = sources.translations.get((lang, unit))
            entry = doc.data.get(name) if doc and isinstance(doc.data, dict) else None
            old_hash = entry.get("source") if isinstance(entry, dict) else None
        old = read_history(sources, unit).get(name, {}).get(old_hash)
        what = f"{unit}.{name}" if name else unit
        out.append(f"{status.file}:{status.line or 1}: stale: {what}")
        if old is None:
            out.append("  (the earlier source text is not in the history; compare with the "
                       "current text below)")
            out.append(_indent(status.source_text, "  now: "))
        else:
            out.append(word_diff(old, status.source_text))
    return out


def word_diff(old: str, new: str) -> str:
    """The changed paragraphs of a text, word by word: [-removed-] {+added+};
    unchanged paragraphs are left out (…)."""
    a, b = _paragraphs(old), _paragraphs(new)
    shown = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            if not shown or shown[-1] != "…":
                shown.append("…")
        elif op == "replace" and i2 - i1 == j2 - j1:
            shown += [_words(x, y) for x, y in zip(a[i1:i2], b[j1:j2])]
        else:
            shown += ["[-" + x + "-]" for x in a[i1:i2]] + ["{+" + y + "+}" for y in b[j1:j2]]
    return _indent("\n\n".join(shown), "  ")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _words(old: str, new: str) -> str:
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append("".join(a[i1:i2]))
        if op in ("delete", "replace"):
            parts.append("[-" + "".join(a[i1:i2]) + "-]")
        if op in ("insert", "replace"):
            parts.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(parts)


def _indent(text: str, prefix: str) -> str:
    pad = " " * len(prefix)
    lines = text.strip().splitlines() or [""]
    return "\n".join([prefix + lines[0]] + [pad + line for line in lines[1:]])


# ---------------------------------------------------------------------- marking updated

def mark_done(sources: BookSources, lang: str, targets: list[str]) -> list[tuple[bool, str]]:
    """Record that the named fields now translate the current source text; for every
    field, whether it was marked and, when not, why.

    A target is `PL-001.summary`, `PL-001` (every field of the record), `book.title`,
    or `chapter:introduction`."""
    units = source_fields(sources)
    outcomes, problems = [], []
    for target in targets:
        unit, _, name = target.partition(".") if not target.startswith("chapter:") \
            else (target, "", "")
        if unit not in units:
            problems.append(f"{target}: no such unit (examples: PL-001.summary, book.title, "
                            "chapter:introduction)")
            continue
        fields = units[unit][1]
        names = [name] if name else list(fields)
        if name and name not in fields:
            problems.append(f"{target}: `{name}` is not a translatable field of {unit}")
            continue
        if unit.startswith("chapter:"):
            outcomes += _mark_chapter(sources, lang, unit.split(":", 1)[1], fields[""])
        else:
            outcomes += _mark_fields(sources, lang, unit, {n: fields[n] for n in names})
    if problems:
        raise PipelineError([error("translate done", "unknown-target", p) for p in problems])
    return outcomes


SCAFFOLD_FIRST = "no translation yet: run `pipeline translate scaffold --lang {lang}` first"
STILL_UNTRANSLATED = "not marked: still `untranslated: true`; translate the text, then delete that line"
ALREADY_CURRENT = "not marked: already follows the current source"


def _mark_fields(sources: BookSources, lang: str, unit: str,
                 fields: dict) -> list[tuple[bool, str]]:
    doc = sources.translations.get((lang, unit))
    if doc is None or not isinstance(doc.data, dict):
        return [(False, f"{unit}.{name}: {SCAFFOLD_FIRST.format(lang=lang)}") for name in fields]
    entries = {k: dict(v) if isinstance(v, dict) else v for k, v in doc.data.items()}
    outcomes = []
    for name, text in fields.items():
        entry = entries.get(name)
        where = f"{doc.path}: {name}"
        if not isinstance(entry, dict):
            outcomes.append((False, f"{where}: {SCAFFOLD_FIRST.format(lang=lang)}"))
        elif entry.get("untranslated"):
            outcomes.append((False, f"{where}: {STILL_UNTRANSLATED}"))
        elif entry.get("source") == source_hash(text):
            outcomes.append((False, f"{where}: {ALREADY_CURRENT}"))
        else:
            entry["source"] = source_hash(text)
            entries[name] = {"source": entry.pop("source"), **entry}
            outcomes.append((True, f"{where}: now follows the current source"))
    if any(marked for marked, _ in outcomes):
        remember(sources, unit, fields)
        what = "Book metadata" if unit == "book" else f"Practice {unit}"
        write_atomic(doc.path, dump_translation(entries, what, lang))
    return outcomes


def _mark_chapter(sources: BookSources, lang: str, name: str,
                  body: str) -> list[tuple[bool, str]]:
    chapter = sources.chapters.get((lang, name))
    if chapter is None:
        return [(False, f"chapter:{name}: {SCAFFOLD_FIRST.format(lang=lang)}")]
    if chapter.untranslated:
        return [(False, f"{chapter.path}: {STILL_UNTRANSLATED}")]
    if chapter.source == source_hash(body):
        return [(False, f"{chapter.path}: {ALREADY_CURRENT}")]
    remember(sources, f"chapter:{name}", {"": body})
    write_atomic(chapter.path, f"---\nsource: {source_hash(body)}\n---\n{chapter.body}")
    return [(True, f"{chapter.path}: now follows the current source")]


# ---------------------------------------------------------------------- glossary

def _variant_pattern(variant: str) -> re.Pattern:
    """`tymczasow* ochron*`: `*` is any word ending; matching ignores case."""
    words = [re.escape(w).replace(r"\*", r"\w*") for w in variant.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.I)


def glossary_warnings(sources: BookSources, lang: str) -> list:
    """Where a translation in `lang` uses a variant the glossary says to avoid."""
    from .diagnostics import warning

    doc = sources.glossaries.get(lang)
    if doc is None or not isinstance(doc.data, list):
        return []
    rules = [(e["term"], e["use"], _variant_pattern(v)) for e in doc.data
             if isinstance(e, dict) and isinstance(e.get("avoid"), list)
             and isinstance(e.get("term"), str) and isinstance(e.get("use"), str)
             for v in e["avoid"] if isinstance(v, str) and v.strip()]
    texts = []  # (path, first line, text)
    for (clang, _), chapter in sources.chapters.items():
        if clang == lang and not chapter.untranslated:
            texts.append((chapter.path, chapter.body_line, chapter.body))
    for (tlang, _), tdoc in sources.translations.items():
        if tlang != lang or not isinstance(tdoc.data, dict):
            continue
        for name, entry in tdoc.data.items():
            if isinstance(entry, dict) and isinstance(entry.get("text"), str) \
                    and not entry.get("untranslated"):
                line = tdoc.where((name, "text"))[0]
                texts.append((tdoc.path, line, entry["text"]))
    out = []
    for path, first, text in texts:
        for term, use, pattern in rules:
            for m in pattern.finditer(text):
                line = first + text.count("\n", 0, m.start())
                out.append(warning(path, "glossary", f"`{m.group(0)}` is not the agreed "
                                   f"term for “{term}”", line=line, column=1,
                                   hint=f"the glossary agrees on `{use}`"))
    return out
