"""Stage 2: check every source file against the contract; return all problems at once.

Cerberus checks shape, types, ranges, patterns and vocabularies; the functions below check
what it cannot: rules across fields and records, prose safety, citations and references.
A check that depends on a value that already failed is skipped so errors do not cascade.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
from dataclasses import replace
from pathlib import Path

import cerberus
from babel.numbers import list_currencies

from . import fonts, i18n
from .contract import INLINE_MARKDOWN, NOT_STATED, PROSE_FIELDS, Contract
from .diagnostics import Diagnostic, PipelineError, error, warning
from .load import BookSources, Chapter
from .parallel import map_ordered
from .schema import BOOK, TRANSLATION_ENTRY, practice_schema
from .yamldoc import YamlDocument, field_name, lookup

PUBLISHED = "published"
NEEDS_ASSESSMENT = ("validated", "published")
SAFE_SCHEMES = ("http", "https", "mailto")
_CURRENCIES = frozenset(list_currencies())

_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", dict: "a mapping", type(None): "empty"}
_WANTED = {"string": "text", "integer": "a whole number", "number": "a number",
           "boolean": "true or false", "list": "a list", "dict": "a mapping"}


class _Validator(cerberus.Validator):
    """Cerberus with YAML's view of types: `true` is not a number."""

    types_mapping = {
        **cerberus.Validator.types_mapping,
        "integer": cerberus.TypeDefinition("integer", (int,), (bool,)),
        "number": cerberus.TypeDefinition("number", (int, float), (bool,)),
    }


_VALIDATORS: dict[int, _Validator] = {}


def _validator(schema: dict) -> _Validator:
    if id(schema) not in _VALIDATORS:
        _VALIDATORS[id(schema)] = _Validator(schema)
    return _VALIDATORS[id(schema)]


# --------------------------------------------------------------------------- entry point

def validate(sources: BookSources) -> list[Diagnostic]:
    """Every problem in every file of the book."""
    problems: list[Diagnostic] = []
    # book.yaml unreadable: what depends on it (languages, workshops) is not checked, so
    # that one syntax error is one message, not a cascade.
    book = sources.book_data if sources.book is not None else None
    settings = book or {}
    source_lang = settings.get("source_language") \
        if isinstance(settings.get("source_language"), str) else "en"
    try:
        covered = fonts.coverage(sources.templates)  # read once, before the workers fork
    except PipelineError as exc:
        problems += exc.diagnostics
        covered = None

    def characters(doc: YamlDocument, lang: str) -> list[Diagnostic]:
        return _check_characters(doc, lang, covered, sources.templates) if covered else []

    contract = sources.contract
    if sources.book is not None:
        problems += check_schema(sources.book, BOOK)
        problems += _check_book(sources)
        problems += characters(sources.book, source_lang)
    # Each record and translation on its own, on every core; then what spans files.
    # Without a usable contract, nothing a record's codes depend on can be checked.
    docs = sources.practices if contract is not None else ()
    schema = practice_schema(contract) if contract is not None else {}

    def practice_lang(doc: YamlDocument) -> str:
        lang = doc.data.get("lang") if isinstance(doc.data, dict) else None
        return lang if isinstance(lang, str) else source_lang

    for found in map_ordered(lambda i: _check_record(docs[i], schema, contract)
                             + _check_practice(docs[i], book, sources.root, contract)
                             + characters(docs[i], practice_lang(docs[i])), range(len(docs))):
        problems += found
    ids: dict[str, Path] = {}
    for doc in sources.practices:
        pid = doc.data.get("id") if isinstance(doc.data, dict) else None
        if isinstance(pid, str):
            if pid in ids:
                problems.append(doc.error(("id",), "duplicate-id",
                                          f"id `{pid}` is already used by {ids[pid].name}"))
            ids.setdefault(pid, doc.path)
    published = {d.data["id"] for d in sources.practices
                 if isinstance(d.data, dict) and lookup(d.data, "editorial.status") == PUBLISHED
                 and isinstance(d.data.get("id"), str)}
    units, known_ids = list(sources.translations.items()), set(ids)
    translated = contract.translated if contract else PROSE_FIELDS
    for found in map_ordered(lambda i: _check_translation(units[i][1], *units[i][0], book,
                                                          known_ids, sources, translated)
                             + characters(units[i][1], units[i][0][0]), range(len(units))):
        problems += found
    # A citation of a record that could not be read is not reported again.
    known = set(ids) | sources.unreadable
    for chapter in sources.chapters.values():
        problems += _check_chapter(chapter, book, known, published | sources.unreadable,
                                   sources.root, sources.unreadable)
        if covered:
            problems += [replace(d, line=d.line + chapter.body_line - 1) for d in
                         fonts.check_text(chapter.body, chapter.path, chapter.lang,
                                          sources.templates)]
    problems += _check_strings(sources)
    problems += _check_book_strings(sources, book)
    for strings in (sources.strings, sources.book_strings):
        for lang, doc in strings.items():
            if lang in (settings.get("languages") or ()):
                problems += characters(doc, lang)
    for lang, doc in sources.glossaries.items():
        problems += _check_glossary(doc, lang, book)
        problems += characters(doc, lang)
    return problems


def _check_characters(doc: YamlDocument, lang: str, covered: frozenset[int],
                      templates: Path) -> list[Diagnostic]:
    """Every character of every text of a file can be shown by the book's fonts."""
    out = []

    def walk(value, path: tuple) -> None:
        if isinstance(value, str):
            for offset, ch in fonts.uncovered(value, covered):
                line, column = doc.position_in(path, offset, value)
                out.append(fonts.problem(doc.path, lang, ch, templates, line=line,
                                         column=column, field=field_name(path)))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))

    walk(doc.data, ())
    return out


def _check_glossary(doc: YamlDocument, lang: str, book: dict) -> list[Diagnostic]:
    """A glossary is a list of {term, use, avoid: [variants]}."""
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        return [doc.error((), "not-a-list", "a glossary is a list of `- term: … use: …` entries")]
    out = []
    if book is not None and lang not in (book.get("languages") or []):
        out.append(warning(doc.path, "unknown-language",
                           f"`{lang}` is not one of the book's languages; the glossary is not used"))
    for i, entry in enumerate(doc.data):
        if not isinstance(entry, dict):
            out.append(doc.error((i,), "not-a-mapping", "expected `term`, `use` and `avoid`"))
            continue
        for key in ("term", "use"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                out.append(doc.error((i, key), "missing-field", f"`{key}` is missing or empty"))
        avoid = entry.get("avoid", [])
        if not isinstance(avoid, list) or not all(isinstance(v, str) for v in avoid):
            out.append(doc.error((i, "avoid"), "wrong-type", "`avoid` must be a list of text"))
        for key in entry:
            if key not in ("term", "use", "avoid", "note"):
                out.append(doc.error((i, key), "unknown-field", f"unknown field `{key}`",
                                     "known fields: term, use, avoid, note"))
    return out


# --------------------------------------------------------------------------- cerberus

def check_schema(doc: YamlDocument, schema: dict, prefix: tuple = (), data=None,
                 allowed_from: str = "") -> list[Diagnostic]:
    """Shape, types, ranges, patterns and vocabularies of one document (of `data` in its
    place, if given); `allowed_from` names where the allowed values come from."""
    data = doc.data if data is None else data
    if prefix:
        data = lookup(data, prefix)
    if not isinstance(data, dict):
        return [doc.error(prefix, "not-a-mapping",
                          f"expected a mapping of fields, found {_type_name(data)}")]
    v = _validator(schema)
    v.validate(data, normalize=False)  # nothing to normalize; 3× faster
    out = []
    for e in _flatten(v._errors):
        path = prefix + tuple(e.document_path)
        if e.code == cerberus.errors.UNALLOWED_VALUES.code:  # items of a vocabulary list
            out += [_not_allowed(doc, path + (i,), item, e.constraint, allowed_from)
                    for i, item in enumerate(e.value) if item not in e.constraint]
        else:
            out.append(_describe(doc, path, e, schema, prefix, allowed_from))
    return out


def _flatten(errors):
    for e in errors:
        if e.is_group_error:
            yield from _flatten(e.child_errors)
        else:
            yield e


def _describe(doc: YamlDocument, path: tuple, e, schema: dict, prefix: tuple,
              allowed_from: str = "") -> Diagnostic:
    value, rule, constraint = e.value, e.rule, e.constraint
    if e.code == cerberus.errors.UNKNOWN_FIELD.code:
        known = list(_schema_at(schema, path[len(prefix):-1]))
        close = difflib.get_close_matches(str(path[-1]), known, n=1)
        hint = f"did you mean `{close[0]}`?" if close else "known fields: " + ", ".join(known)
        return doc.error(path, "unknown-field", f"unknown field `{path[-1]}`", hint)
    if rule == "required":
        return doc.error(path, "missing-field", "required field is missing",
                         _fill_hint(path[-1]))
    if rule == "type":
        return doc.error(path, "wrong-type",
                         f"must be {_WANTED.get(constraint, constraint)}, not {_type_name(value)}")
    if rule == "allowed":
        return _not_allowed(doc, path, value, constraint, allowed_from)
    if rule == "regex":
        return doc.error(path, "bad-format", f"`{value}` does not have the expected format",
                         _format_hint(path[-1] if not isinstance(path[-1], int) else path[-2]))
    if rule in ("minlength", "maxlength"):
        size = len(value) if value is not None else 0
        unit = "characters" if isinstance(value, str) else "items"
        bound = "at least" if rule == "minlength" else "at most"
        return doc.error(path, "length", f"has {size} {unit}; {bound} {constraint} expected")
    if rule in ("min", "max"):
        bound = "at least" if rule == "min" else "at most"
        return doc.error(path, "range", f"{value} is out of range; {bound} {constraint} expected")
    if rule == "empty":
        return doc.error(path, "empty", "must not be empty")
    if rule == "nullable":
        return doc.error(path, "empty", "has no value", _fill_hint(path[-1]))
    return doc.error(path, "invalid", f"invalid value ({rule})")


def _not_allowed(doc: YamlDocument, path: tuple, value, allowed,
                 allowed_from: str = "") -> Diagnostic:
    close = difflib.get_close_matches(str(value), [str(c) for c in allowed], n=1)
    hint = (f"did you mean `{close[0]}`?" if close
            else "allowed: " + ", ".join(f"`{c}`" for c in allowed))
    source = f" in {allowed_from}" if allowed_from else ""
    return doc.error(path, "not-in-vocabulary", f"`{value}` is not an allowed value{source}",
                     hint)


def _schema_at(schema: dict, path: tuple) -> dict:
    rules = {"schema": schema, "type": "dict"}
    for part in path:
        if isinstance(part, int):
            rules = rules.get("schema", {})
        else:
            rules = rules.get("schema", {}).get(part, {})
    inner = rules.get("schema", {})
    if rules.get("type") == "list":
        inner = inner.get("schema", {})
    return inner if isinstance(inner, dict) else {}


def _type_name(value) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _fill_hint(name) -> str:
    return f"add `{name}:`" if isinstance(name, str) else ""


def _format_hint(name) -> str:
    return {
        "id": "write a country code and three digits, e.g. `PL-007`",
        "start": "write a date as YYYY, YYYY-MM or YYYY-MM-DD",
        "end": "write a date as YYYY, YYYY-MM or YYYY-MM-DD",
        "collected": "write a date as YYYY, YYYY-MM or YYYY-MM-DD",
        "accessed": "write a date as YYYY, YYYY-MM or YYYY-MM-DD",
        "date": "write the date as YYYY-MM-DD",
        "currency": "write an ISO 4217 code such as `EUR`, `PLN`, `CZK`, `HUF`",
        "country": "write a two-letter country code such as `UA`",
        "source": "this hash is written by `pipeline translate scaffold`; do not edit it",
    }.get(name, "")


# --------------------------------------------------------------------------- book

def _check_book(sources: BookSources) -> list[Diagnostic]:
    doc, book = sources.book, sources.book_data
    out = []
    langs = book.get("languages") if isinstance(book.get("languages"), list) else []
    if isinstance(book.get("source_language"), str) and book["source_language"] not in langs:
        out.append(doc.error(("source_language",), "unknown-language",
                             f"`{book['source_language']}` is not among the book's languages"))
    try:
        scripts = fonts.scripts(sources.templates)
    except PipelineError:  # an unreadable font is reported by the character check
        scripts = frozenset()
    for i, lang in enumerate(langs):
        if not isinstance(lang, str):
            continue
        problem = i18n.language_problem(lang, scripts)
        if problem:  # CLDR, the script, the direction: nothing else matters before these
            out.append(doc.error(("languages", i), *problem))
        elif lang not in sources.strings:
            out.append(doc.error(("languages", i), "no-interface-strings",
                                 f"no interface strings for `{lang}`",
                                 f"translate {sources.templates.name}/i18n/en.yaml into "
                                 f"{sources.templates.name}/i18n/{lang}.yaml"))
    editions = book.get("editions") if isinstance(book.get("editions"), dict) else {}
    if isinstance(book.get("default_edition"), str) and book["default_edition"] not in editions:
        out.append(doc.error(("default_edition",), "unknown-edition",
                             f"edition `{book['default_edition']}` is not declared",
                             "declared: " + ", ".join(editions)))
    release = book.get("release") if isinstance(book.get("release"), dict) else {}
    for i, name in enumerate(release.get("editions") or []):
        if isinstance(name, str) and name not in editions:
            out.append(doc.error(("release", "editions", i), "unknown-edition",
                                 f"edition `{name}` is not declared",
                                 "declared: " + ", ".join(editions)))
    for i, lang in enumerate(release.get("languages") or []):
        if isinstance(lang, str) and lang not in langs:
            out.append(doc.error(("release", "languages", i), "unknown-language",
                                 f"`{lang}` is not one of the book's languages"))
    source_lang = book.get("source_language")
    for name, edition in editions.items():
        chapters = edition.get("chapters") if isinstance(edition, dict) else None
        for i, chapter in enumerate(chapters if isinstance(chapters, list) else []):
            if not isinstance(chapter, str):
                continue
            written = (source_lang, chapter) in sources.chapters
            generated = (sources.templates / "sections" / f"{chapter}.md.j2").exists()
            if not written and not generated:
                out.append(doc.error(("editions", name, "chapters", i), "unknown-chapter",
                                     f"no chapter `{chapter}`",
                                     f"write chapters/{source_lang}/{chapter}.md or choose a "
                                     "generated section: " + ", ".join(generated_sections(sources))))
    seen = set()
    for i, workshop in enumerate(book.get("workshops") or []):
        if isinstance(workshop, dict) and workshop.get("id") in seen:
            out.append(doc.error(("workshops", i, "id"), "duplicate-id",
                                 f"workshop `{workshop['id']}` is declared twice"))
        if isinstance(workshop, dict):
            seen.add(workshop.get("id"))
            out += _check_dates(doc, ("workshops", i), workshop)
            country = workshop.get("country")
            if sources.contract and isinstance(country, str) \
                    and country not in sources.contract.countries:
                out.append(doc.error(("workshops", i, "country"), "unknown-country",
                                     f"`{country}` is not a country of "
                                     f"{sources.contract.path.name}",
                                     "countries: " + ", ".join(sources.contract.countries)))
    if isinstance(book.get("date"), str):
        out += _check_dates(doc, (), {"date": book["date"]})
    return out


def generated_sections(sources: BookSources) -> list[str]:
    return sorted(p.name.removesuffix(".md.j2")
                  for p in (sources.templates / "sections").glob("*.md.j2"))


# --------------------------------------------------------------------------- practices

def _check_practice(doc: YamlDocument, book: dict, root: Path,
                    contract: Contract) -> list[Diagnostic]:
    r = doc.data
    if not isinstance(r, dict):
        return []
    out = []
    rules = contract.path.name
    pid, country = r.get("id"), r.get("country")
    if isinstance(pid, str):
        if pid != doc.path.stem:
            out.append(doc.error(("id",), "id-file-name",
                                 f"id `{pid}` differs from the file name `{doc.path.name}`",
                                 f"rename the file to {pid}.yaml or fix the id"))
        if isinstance(country, str) and not pid.startswith(country + "-"):
            out.append(doc.error(("id",), "id-country",
                                 f"id `{pid}` does not start with the country `{country}`"))
    langs = (book or {}).get("languages") or []
    if isinstance(r.get("lang"), str) and langs and r["lang"] not in langs:
        out.append(doc.error(("lang",), "unknown-language",
                             f"`{r['lang']}` is not one of the book's languages",
                             "allowed: " + ", ".join(map(str, langs))))
    if isinstance(r.get("title"), str) and "\n" in r["title"].strip():
        out.append(doc.error(("title",), "multiline", "title must be one line"))

    period, status = r.get("period"), r.get("status")
    if isinstance(period, dict):
        out += _check_dates(doc, ("period",), period)
        start, end = _date_key(period.get("start")), _date_key(period.get("end"))
        earliest = _date_key(contract.earliest_start)
        if start and earliest and start < earliest and status not in contract.earlier_if_status:
            unless = ", ".join(f"`{s}`" for s in contract.earlier_if_status)
            out.append(doc.error(("period", "start"), "too-early",
                                 f"start {period['start']} is before {contract.earliest_start}, "
                                 f"the earliest start {rules} allows",
                                 f"only a practice with status {unless} may start earlier"
                                 if unless else "check the date"))
        if start and end and end < start[:len(end)] and end[:len(start)] < start:
            out.append(doc.error(("period", "end"), "date-order",
                                 f"end {period['end']} is before start {period['start']}"))
        if status in contract.end_if_status and "end" not in period:
            out.append(doc.error(("period",), "missing-field",
                                 f"a `{status}` practice needs `period.end`", "add `end:`"))
    provenance = r.get("provenance")
    if isinstance(provenance, dict):
        out += _check_dates(doc, ("provenance",), provenance)
        workshops = {w.get("id") for w in (book or {}).get("workshops") or []
                     if isinstance(w, dict)}
        method = provenance.get("method")
        if method in contract.workshop_methods and book is not None:
            ws = provenance.get("workshop")
            if ws is None:
                out.append(doc.error(("provenance", "workshop"), "missing-field",
                                     f"method `{method}` needs the workshop's id",
                                     "declared: " + ", ".join(sorted(map(str, workshops)))))
            elif isinstance(ws, str) and ws not in workshops:
                close = difflib.get_close_matches(ws, sorted(map(str, workshops)), n=1)
                out.append(doc.error(("provenance", "workshop"), "unknown-workshop",
                                     f"workshop `{ws}` is not declared in book.yaml",
                                     f"did you mean `{close[0]}`?" if close else
                                     "declared: " + ", ".join(sorted(map(str, workshops)))))
    actors = r.get("actors")
    if isinstance(actors, list) and all(isinstance(a, dict) for a in actors):
        types = {a.get("type") for a in actors}
        for group in contract.actor_groups_required:
            members = contract.groups["actor_type"][group]
            if not types & set(members):
                out.append(doc.error(("actors",), "missing-actor-group",
                                     f"no actor of the group `{group}` ({rules} requires one)",
                                     "add one of type: " + ", ".join(members)))
    partnership = r.get("partnership")
    if isinstance(partnership, dict) and partnership.get("formalised") is True \
            and "instrument" not in partnership:
        out.append(doc.error(("partnership", "instrument"), "missing-field",
                             "a formalised partnership needs its `instrument`",
                             "allowed: " + ", ".join(contract.vocabularies["instrument"])))
    themes = r.get("themes")
    if isinstance(themes, list):
        for i, theme in enumerate(themes):
            if theme in themes[:i]:
                out.append(doc.error(("themes", i), "repeated", f"theme `{theme}` is repeated"))
    budget = lookup(r, "resources.budget")
    if isinstance(budget, dict) and isinstance(budget.get("currency"), str) \
            and len(budget["currency"]) == 3 and budget["currency"] not in _CURRENCIES:
        out.append(doc.error(("resources", "budget", "currency"), "unknown-currency",
                             f"`{budget['currency']}` is not an ISO 4217 currency code"))
    for i, source in enumerate(r.get("sources") or []):
        if isinstance(source, dict):
            out += _check_dates(doc, ("sources", i), source)
            url = source.get("url")
            if isinstance(url, str) and _scheme(url) not in SAFE_SCHEMES:
                out.append(doc.error(("sources", i, "url"), "unsafe-link",
                                     f"link `{_short(url)}` is not http, https or mailto"))

    editorial = r.get("editorial") if isinstance(r.get("editorial"), dict) else {}
    estatus = editorial.get("status")
    if estatus in NEEDS_ASSESSMENT:
        for name in contract.to_publish:
            if name not in r:
                hint = (f"add the assessors and scores {', '.join(contract.rubric.criteria)}"
                        if name == "assessment" else f"add `{name}:`")
                if name in contract.may_be_not_stated:
                    hint += f", or `{name}: {NOT_STATED}` if the sources do not say"
                out.append(doc.error((name,), "missing-field",
                                     f"a {estatus} record needs `{name}` ({rules})", hint))
    assessors = lookup(r, "assessment.assessors")
    wanted = contract.assessors_from_other_country
    if isinstance(assessors, list) and isinstance(country, str) and wanted \
            and all(isinstance(a, dict) and isinstance(a.get("country"), str) for a in assessors) \
            and sum(a["country"] != country for a in assessors) < wanted:
        out.append(doc.error(("assessment", "assessors"), "assessors-one-country",
                             f"fewer than {wanted} assessor(s) from a country other than "
                             f"{country}", f"{rules} asks for {wanted} from another country"))
    if estatus == PUBLISHED and editorial.get("consent") is not True:
        out.append(doc.error(("editorial", "consent"), "no-consent",
                             "a published record needs `consent: true`",
                             "get the partners' consent or set the status back to `validated`"))
    for name in PROSE_FIELDS:
        text = lookup(r, name)
        if isinstance(text, str) and text != NOT_STATED:
            out += check_prose(doc, tuple(name.split(".")), text, name, root)
    return out


_WITHOUT: dict = {}


def _check_record(doc: YamlDocument, schema: dict, contract: Contract) -> list[Diagnostic]:
    """A record against the contract's schema. A field marked `not_stated`, where the
    contract allows it, is left out of the schema check; elsewhere it is an error."""
    data = doc.data
    if not isinstance(data, dict):
        return check_schema(doc, schema)
    marked = tuple(sorted(k for k, v in data.items() if v == NOT_STATED and k in schema))
    out = [doc.error((k,), "not-stated-not-allowed",
                     f"`{k}` cannot be marked `{NOT_STATED}` in this book",
                     f"{contract.path.name} lets these fields be not stated: "
                     + (", ".join(contract.may_be_not_stated) or "none")
                     + " (rules.may_be_not_stated)")
           for k in marked if k not in contract.may_be_not_stated]
    allowed = tuple(k for k in marked if k in contract.may_be_not_stated)
    if not allowed:
        return out + check_schema(doc, schema, allowed_from=contract.path.name)
    key = (id(schema), allowed)
    if key not in _WITHOUT:
        _WITHOUT[key] = {k: ({**v, "required": False} if k in allowed else v)
                         for k, v in schema.items()}
    rest = {k: v for k, v in data.items() if k not in allowed}
    return out + check_schema(doc, _WITHOUT[key], data=rest, allowed_from=contract.path.name)


def _check_dates(doc: YamlDocument, path: tuple, mapping: dict) -> list[Diagnostic]:
    out = []
    for key in ("start", "end", "collected", "accessed", "date"):
        value = mapping.get(key)
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                out.append(doc.error(path + (key,), "bad-date", f"{value} is not a calendar date"))
    return out


def _date_key(value) -> tuple | None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}", value):
        return None
    return tuple(int(p) for p in value.split("-"))


# --------------------------------------------------------------------------- prose

_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?\1")
_RAW_HTML = re.compile(r"<!--|<\?|<!\[CDATA\[|</?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])[^<>]*>")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_LINK = re.compile(r"\]\(\s*<?([^\s)>]*)")
_REFDEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_ATTRS = re.compile(r"\{[^{}\n]*\}")
_HANDLER = re.compile(r"(?:^|[\s{])on[a-z]+\s*=", re.I)
_CITE_GROUP = re.compile(r"\[[^\[\]]*?@[^\[\]]*\]")
_CITE_KEY = re.compile(r"(?<![\w@.])@([A-Za-z0-9_][\w:.#$%&+?<>~/-]*[\w])")
_LINE_NUMBER = re.compile(r"^[ \t]*([0-9]{3,}[.)])(?=[ \t]|$)", re.M)
_BLOCK_START = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>|```|~~~|:::)", re.M)


def check_prose(doc_or_path, path: tuple, text: str, field: str, root: Path,
                line_offset: int = 0) -> list[Diagnostic]:
    """Raw HTML, unsafe links, event-handler attributes and links to missing files."""
    out = []
    plain = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)

    def report(offset: int, code: str, message: str, hint: str = ""):
        if isinstance(doc_or_path, YamlDocument):
            line, column = doc_or_path.position_in(path, offset, text)
            out.append(error(doc_or_path.path, code, message, line=line, column=column,
                             field=field_name(path), hint=hint))
        else:
            line = line_offset + plain.count("\n", 0, offset) + 1
            column = offset - (plain.rfind("\n", 0, offset) + 1) + 1
            out.append(error(doc_or_path, code, message, line=line, column=column,
                             field=field, hint=hint))

    for m in _AUTOLINK.finditer(plain):
        _check_target(m.group(1), m.start(), report, root, autolink=True)
    for m in _RAW_HTML.finditer(_AUTOLINK.sub(lambda m: " " * len(m.group(0)), plain)):
        report(m.start(), "raw-html", f"raw HTML `{_short(m.group(0))}` is not allowed",
               "use Markdown: *emphasis*, [links](https://…), lists")
    for pattern in (_LINK, _REFDEF):
        for m in pattern.finditer(plain):
            _check_target(m.group(1), m.start(1), report, root)
    for m in _ATTRS.finditer(plain):
        if _HANDLER.search(m.group(0)):
            report(m.start(), "event-handler",
                   f"attribute `{_short(m.group(0))}` sets an event handler",
                   "remove the `on…=` attribute")
    for m in _LINE_NUMBER.finditer(plain):  # `2023.` or `2024. szeptember` opening a line
        out.append(_warning_at(doc_or_path, path, field, plain, m.start(1), line_offset,
                               "wrapped-number",
                               f"a line starts with `{m.group(1)}`, which Markdown reads as "
                               "a numbered list", "move the number to the previous line"))
    if field in INLINE_MARKDOWN and isinstance(doc_or_path, YamlDocument):
        if "\n\n" in text.strip() or _BLOCK_START.search(text):
            report(0, "block-markdown", "only inline Markdown is allowed here",
                   "one paragraph without headings, lists or quotes")
    return out


def _warning_at(doc_or_path, path, field, text, offset, line_offset, code, message, hint):
    if isinstance(doc_or_path, YamlDocument):
        line, column = doc_or_path.position_in(path, offset, text)
        return warning(doc_or_path.path, code, message, line=line, column=column,
                       field=field_name(path), hint=hint)
    line = line_offset + text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return warning(doc_or_path, code, message, line=line, column=column, field=field, hint=hint)


def _check_target(target: str, offset: int, report, root: Path, autolink: bool = False):
    url = html.unescape(target).strip()
    url = re.sub(r"[\x00-\x20\x7f]", "", url)
    scheme = _scheme(url)
    if scheme:
        if scheme not in SAFE_SCHEMES:
            report(offset, "unsafe-link", f"link `{_short(target)}` uses `{scheme}:`",
                   "only http, https and mailto links are allowed")
        return
    if autolink or not url or url.startswith("#"):
        return
    local = url.split("#", 1)[0].split("?", 1)[0]
    resolved = (root / local).resolve()
    if not resolved.is_relative_to(root.resolve()) or not resolved.is_file():
        report(offset, "missing-file", f"`{_short(target)}` is not a file inside the book",
               "paths are relative to the sources folder, e.g. `images/map.png`")


def _scheme(url: str) -> str | None:
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return m.group(1).lower() if m else None


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --------------------------------------------------------------------------- chapters

def citations(text: str) -> list[tuple[int, str]]:
    """(offset, id) of each practice citation `[@PL-001]` in Markdown."""
    plain = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for group in _CITE_GROUP.finditer(plain):
        for key in _CITE_KEY.finditer(group.group(0)):
            found.append((group.start() + key.start(), key.group(1)))
    return found


def _citable_like(key: str, citable: set) -> str | None:
    """The published id a mistyped citation most likely means: the same id in other
    letter case first, else the closest spelling."""
    by_upper = {pid.upper(): pid for pid in citable}
    if key.upper() in by_upper:
        return by_upper[key.upper()]
    close = difflib.get_close_matches(key.upper(), sorted(by_upper), n=1)
    return by_upper[close[0]] if close else None


def _check_chapter(chapter: Chapter, book: dict, ids: set, published: set,
                   root: Path, unreadable: frozenset = frozenset()) -> list[Diagnostic]:
    out = []
    langs = (book or {}).get("languages") or []
    if langs and chapter.lang not in langs:
        out.append(warning(chapter.path, "unknown-language",
                           f"`{chapter.lang}` is not one of the book's languages; "
                           "the chapter is not used"))
    out += check_prose(chapter.path, (), chapter.body, "", root, chapter.body_line - 1)
    text = chapter.body
    for offset, key in citations(text):
        line = chapter.body_line + text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        if key not in ids:
            close = _citable_like(key, published - set(unreadable))
            out.append(error(chapter.path, "unknown-practice",
                             f"citation `@{key}` names no practice record",
                             line=line, column=column,
                             hint=f"did you mean `@{close}`?" if close else
                             "cite a published record's id such as `[@PL-001]`"))
        elif key not in published:
            out.append(error(chapter.path, "unpublished-practice",
                             f"citation `@{key}` names a record that is not published",
                             line=line, column=column,
                             hint="publish the record or remove the citation"))
    return out


# --------------------------------------------------------------------------- translations

def _check_translation(doc: YamlDocument, lang: str, unit: str, book: dict, ids: set,
                       sources: BookSources, translated: tuple[str, ...]) -> list[Diagnostic]:
    out = []
    langs = (book or {}).get("languages") or []
    if langs and lang not in langs:
        out.append(warning(doc.path, "unknown-language",
                           f"`{lang}` is not one of the book's languages; the file is not used"))
    if unit == "book":
        allowed = ("title", "subtitle", "notice")
    elif unit in ids:
        allowed = translated
    else:
        close = difflib.get_close_matches(unit, sorted(ids), n=1)
        return out + [error(doc.path, "unknown-practice",
                            f"translation of `{unit}`, which is no practice record",
                            hint=f"did you mean {close[0]}.yaml?" if close else "")]
    if doc.data is None:
        return out
    if not isinstance(doc.data, dict):
        return out + [doc.error((), "not-a-mapping", "expected a mapping of fields")]
    for key, entry in doc.data.items():
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            out.append(doc.error((key,), "unknown-field", f"`{key}` is not a translatable field",
                                 f"did you mean `{close[0]}`?" if close else
                                 "translatable: " + ", ".join(allowed)))
            continue
        found = _check_entry(doc, (key,), entry)
        out += found
        if not found and not entry.get("untranslated"):
            out += check_prose(doc, (key, "text"), entry["text"], key, sources.root)
    return out


def _check_entry(doc: YamlDocument, path: tuple, entry) -> list[Diagnostic]:
    """One translated field, `{source, text, untranslated}`: the same rules as the
    TRANSLATION_ENTRY schema, checked directly (there are ten thousand of them in a
    large book, and cerberus costs a millisecond each)."""
    if not isinstance(entry, dict):
        return [doc.error(path, "not-a-mapping", "expected `source:` and `text:`",
                          "run `pipeline translate scaffold` to write the entry")]
    out = []
    for key in entry:
        if key not in TRANSLATION_ENTRY:
            close = difflib.get_close_matches(str(key), list(TRANSLATION_ENTRY), n=1)
            out.append(doc.error(path + (key,), "unknown-field", f"unknown field `{key}`",
                                 f"did you mean `{close[0]}`?" if close else
                                 "known fields: " + ", ".join(TRANSLATION_ENTRY)))
    text = entry.get("text")
    if "text" not in entry:
        out.append(doc.error(path + ("text",), "missing-field", "required field is missing",
                             "add `text:`"))
    elif not isinstance(text, str):
        out.append(doc.error(path + ("text",), "wrong-type",
                             f"must be text, not {_type_name(text)}"))
    elif len(text) > TRANSLATION_ENTRY["text"]["maxlength"]:
        out.append(doc.error(path + ("text",), "length", f"has {len(text)} characters; at most "
                             f"{TRANSLATION_ENTRY['text']['maxlength']} expected"))
    source = entry.get("source")
    if "source" in entry and not (isinstance(source, str)
                                  and re.fullmatch(TRANSLATION_ENTRY["source"]["regex"], source)):
        out.append(doc.error(path + ("source",), "bad-format",
                             f"`{source}` does not have the expected format",
                             _format_hint("source")))
    if "untranslated" in entry and not isinstance(entry["untranslated"], bool):
        out.append(doc.error(path + ("untranslated",), "wrong-type",
                             f"must be true or false, not {_type_name(entry['untranslated'])}"))
    return out


# --------------------------------------------------------------------------- strings

def _check_book_strings(sources: BookSources, book: dict | None) -> list[Diagnostic]:
    """Each language of the book labels every code of the contract, names every rubric
    criterion and label rule and every edition; what else the book words its own way
    must be an interface string it replaces."""
    if book is None:
        return []
    from .i18n import BOOK_KEYS
    contract = sources.contract
    reference = sources.strings.get("en")
    interface = dict(_flat_keys(reference.data)) if reference and isinstance(reference.data, dict) \
        else {}
    out = []
    for lang in book.get("languages") or []:
        if not isinstance(lang, str):
            continue
        path = sources.root / "strings" / f"{lang}.yaml"
        doc = sources.book_strings.get(lang)
        if doc is None and not path.exists():
            if contract is not None:
                out.append(error(path, "no-book-strings", f"no strings of this book for `{lang}`",
                                 hint=f"write {path.parent.name}/{lang}.yaml with the labels of "
                                      "the codes of contract.yaml (`pipeline init` shows one)"))
            continue
        if doc is None or doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            out.append(doc.error((), "not-a-mapping", "expected `labels:`, `rubric:` and more"))
            continue
        have = dict(_flat_keys(doc.data))
        if contract is not None:
            wanted = [f"labels.{v}.{c}" for v, codes in contract.vocabularies.items()
                      for c in codes]
            wanted += [f"labels.{v}_groups.{g}" for v, groups in contract.groups.items()
                       for g in groups]
            wanted += [f"labels.label.{c}" for c in contract.rubric.label_codes]
            wanted += [f"rubric.{c}" for c in contract.rubric.criteria]
            wanted += [f"rubric_rules.{c}" for c in contract.rubric.label_codes]
            for key in wanted:
                value = have.get(key)
                if not isinstance(value, str) or not value.strip():
                    parent = tuple(key.split(".")[:-1])
                    out.append(doc.error(parent if lookup(doc.data, parent) is not None else (),
                                         "missing-string", f"`{key}` is missing",
                                         f"add `{key.split('.')[-1]}: …` under "
                                         f"`{'.'.join(parent)}` in {doc.path.name} ({lang})"))
            known = set(wanted)
        else:
            known = {k for k in have if k.split(".")[0] in BOOK_KEYS}
        rule_placeholders = {"share", "min_score", "criteria"}
        for key, value in have.items():
            path = tuple(key.split("."))
            if path[0] in BOOK_KEYS:
                if key not in known:
                    line, column = doc.where(path)
                    out.append(warning(doc.path, "unused-string", f"`{key}` labels nothing in "
                                       f"{contract.path.name if contract else 'the contract'}",
                                       line=line, column=column, field=key,
                                       hint="remove it, or add the code to the contract"))
                elif path[0] == "rubric_rules" and not _placeholders(value) <= rule_placeholders:
                    out.append(doc.error(path, "bad-placeholder", "a label's rule may use "
                                         "{share}, {min_score} and {criteria} only"))
            elif key not in interface:
                close = difflib.get_close_matches(key, sorted(interface), n=1)
                out.append(doc.error(path, "unknown-string",
                                     f"`{key}` is no interface string to replace",
                                     f"did you mean `{close[0]}`?" if close else
                                     "a book's strings are labels, rubric, rubric_rules and "
                                     "replacements of keys of templates/i18n/en.yaml"))
            elif not _placeholders(value) <= _placeholders(interface[key]):
                out.append(doc.error(path, "bad-placeholder",
                                     f"placeholders {sorted(_placeholders(value))} are not all "
                                     f"among {sorted(_placeholders(interface[key]))}",
                                     "use only the placeholders of the string it replaces"))
    editions = book.get("editions") if isinstance(book.get("editions"), dict) else {}
    for lang in book.get("languages") or []:
        template = sources.strings.get(lang)
        own = sources.book_strings.get(lang)
        names = {**(lookup(template.data, "book.editions") or {} if template else {}),
                 **(lookup(own.data, "book.editions") or {} if own else {})}
        for name in editions:
            if isinstance(name, str) and not isinstance(names.get(name), str):
                out.append(sources.book.error(("editions", name), "missing-string",
                                              f"edition `{name}` has no name in `{lang}`",
                                              f"add `book: {{editions: {{{name}: …}}}}` to "
                                              f"strings/{lang}.yaml"))
    return out


def _check_strings(sources: BookSources) -> list[Diagnostic]:
    """Every language the book builds has every interface string the reference has."""
    reference = sources.strings.get("en")
    if reference is None or not isinstance(reference.data, dict):
        return []
    wanted = dict(_flat_keys(reference.data))
    out = []
    for lang in sources.book_data.get("languages") or []:
        doc = sources.strings.get(lang)
        if doc is None or lang == "en":
            continue
        have = dict(_flat_keys(doc.data)) if isinstance(doc.data, dict) else {}
        for key in sorted(set(wanted) - set(have)):
            out.append(error(doc.path, "missing-string", f"interface string `{key}` is missing",
                             line=1, column=1,
                             hint=f"translate it from {reference.path.name}"))
        for key, value in have.items():
            path = tuple(key.split("."))
            if key not in wanted:
                out.append(doc.error(path, "unknown-string",
                                     f"interface string `{key}` is not in {reference.path.name}"))
            elif not isinstance(value, str) or not value.strip():
                out.append(doc.error(path, "missing-string", f"interface string `{key}` is empty"))
            elif _placeholders(value) != _placeholders(wanted[key]):
                out.append(doc.error(path, "bad-placeholder",
                                     f"placeholders {sorted(_placeholders(value))} differ from "
                                     f"{sorted(_placeholders(wanted[key]))} in "
                                     f"{reference.path.name}",
                                     "keep every `{name}` of the reference, unchanged"))
    return out


def _placeholders(text) -> set:
    return set(re.findall(r"\{(\w+)\}", text)) if isinstance(text, str) else set()


def _flat_keys(data: dict, prefix: str = ""):
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _flat_keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


__all__ = ["validate", "check_schema", "check_prose", "citations", "field_name"]
