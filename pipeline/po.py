"""PO export and import (polib), for translators who work in CAT tools.

One PO entry per translatable field: `msgctxt` names it (`PL-001.summary`,
`book.title`, `chapter:introduction`), `msgid` is the current source text, `msgstr` the
translation. A stale translation is exported `fuzzy`, with the source text it was made
from as `#| msgid`, so the tool shows what changed. Importing writes only what changed:
an export followed by an import leaves every file as it was.
"""

from __future__ import annotations

from pathlib import Path

import polib

from .diagnostics import PipelineError, error
from .files import write_atomic
from .load import BookSources
from .merge import source_hash
from .translate import dump_translation, read_history, remember, source_fields


def _context(unit: str, name: str) -> str:
    return unit if unit.startswith("chapter:") else f"{unit}.{name}"


def _existing(sources: BookSources, lang: str, unit: str, name: str):
    """(text, source hash, untranslated) of the current translation, or None."""
    if unit.startswith("chapter:"):
        chapter = sources.chapters.get((lang, unit.split(":", 1)[1]))
        if chapter is None:
            return None
        return chapter.body, chapter.source, chapter.untranslated
    doc = sources.translations.get((lang, unit))
    entry = doc.data.get(name) if doc is not None and isinstance(doc.data, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
        return None
    return entry["text"], entry.get("source"), bool(entry.get("untranslated"))


def export(sources: BookSources, lang: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Project-Id-Version": f"{sources.book_data.get('slug')} "
                                         f"{sources.book_data.get('version')}",
                   "Language": lang, "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit"}
    for unit, (text_lang, fields) in source_fields(sources).items():
        if text_lang == lang:
            continue
        history = read_history(sources, unit)
        for name, text in fields.items():
            current = _existing(sources, lang, unit, name)
            entry = polib.POEntry(msgctxt=_context(unit, name), msgid=text, msgstr="")
            if current and not current[2]:
                entry.msgstr = current[0]
                if current[1] != source_hash(text):
                    entry.flags.append("fuzzy")
                    previous = history.get(name, {}).get(current[1])
                    if previous:
                        entry.previous_msgid = previous
            po.append(entry)
    return po


def import_po(sources: BookSources, lang: str, path: Path) -> list[str]:
    try:
        po = polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise PipelineError(error(path, "bad-po", f"cannot read the PO file: {exc}")) from None
    units = source_fields(sources)
    by_unit: dict[str, dict[str, polib.POEntry]] = {}
    unknown = []
    for entry in po:
        ctx = entry.msgctxt or ""
        unit, _, name = (ctx, "", "") if ctx.startswith("chapter:") else ctx.partition(".")
        if unit not in units or (not ctx.startswith("chapter:") and name not in units[unit][1]):
            unknown.append(error(path, "unknown-entry", f"msgctxt `{ctx}` names no "
                                 "translatable field", line=entry.linenum or 0))
            continue
        by_unit.setdefault(unit, {})[name] = entry
    if unknown:
        raise PipelineError(unknown)
    written = []
    for unit, entries in by_unit.items():
        written += _apply(sources, lang, unit, units[unit][1], entries)
    return written


def _apply(sources, lang, unit, fields, entries) -> list[str]:
    changed = {}
    for name, entry in entries.items():
        if not entry.msgstr.strip():
            continue
        current = _existing(sources, lang, unit, name)
        if current and not current[2] and current[0] == entry.msgstr:
            continue  # nothing new
        if "fuzzy" in entry.flags:
            old = current[1] if current and current[1] else source_hash(entry.previous_msgid
                                                                       or entry.msgid)
        else:  # translated from the msgid it came with: current unless exported earlier
            old = source_hash(entry.msgid)
        changed[name] = {"source": old, "text": entry.msgstr}
    if not changed:
        return []
    remember(sources, unit, fields)
    if unit.startswith("chapter:"):
        name = unit.split(":", 1)[1]
        path = sources.root / "chapters" / lang / f"{name}.md"
        value = changed[""]
        write_atomic(path, f"---\nsource: {value['source']}\n---\n{value['text']}")
        return [f"{path}: updated"]
    doc = sources.translations.get((lang, unit))
    data = dict(doc.data) if doc is not None and isinstance(doc.data, dict) else {}
    for name in fields:
        if name in changed:
            data[name] = changed[name]
    ordered = {n: data[n] for n in fields if n in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    path = sources.root / "translations" / lang / f"{unit}.yaml"
    what = "Book metadata" if unit == "book" else f"Practice {unit}"
    write_atomic(path, dump_translation(ordered, what, lang))
    return [f"{path}: {', '.join(changed)} updated"]
