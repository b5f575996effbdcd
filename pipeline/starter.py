"""`pipeline init`: a new book that validates and builds, to start from.

The starter lives in ``templates/starter/``: a contract (the sample's vocabularies and
rubric, with lenient rules), the labels of its codes per language, and a first chapter and
an example record per language. `new_book` fills in the book's languages and countries and
returns the files to write; nothing is written over an existing folder.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from . import fonts, i18n
from .diagnostics import PipelineError, error
from .merge import source_hash

BOOK = """\
# The book's metadata. Prose fields (title, subtitle, notice) are translated in
# translations/<lang>/book.yaml; names, dates and codes are the same in every language.
slug: {slug}
version: 0.1.0
date: {date}
identifier: urn:uuid:{uuid}
source_language: {source}
languages: [{languages}]

title: {title}
notice: {notice}
editors: [Name of the editor]
publisher: Name of the publisher
place: City of publication
licence: CC BY 4.0
licence_url: https://creativecommons.org/licenses/by/4.0/

# Workshops where practices were collected (a record names one in provenance.workshop).
workshops: []

# Editions choose their chapters and what a build does with a missing or stale
# translation: allow (show the source text), mark (show it with a notice), block (refuse).
# A chapter is a written one (chapters/<lang>/<name>.md) or a generated section
# (templates/sections/<name>.md.j2).
default_edition: full
editions:
  full:
    fallback: mark
    chapters: [introduction, practices, comparison, stakeholders, annex-rubric, organisations]
  brief:
    fallback: mark
    practices: best
    chapters: [introduction, practices]

# What `make dist` releases.
release:
  editions: [full, brief]
  languages: [{languages}]
"""

RECORD = """\
# An example record written by `pipeline init`: replace it with a real practice. Every
# field is described in the book's contract (contract.yaml).
id: {id}
title: {title}
summary: {summary}
country: {country}
locality: Name of the town
scale: {scale}
period: {{start: {year}-01, end: {year}-12}}
status: {completed}
provenance:
  method: {method}
  collected: {date}
  contributors: [Name of the contributing organisation]
actors:
  - {{name: Name of the NGO, type: {ngo}, role: {lead}}}
  - {{name: Name of the town hall, type: {municipality}, role: {partner}}}
partnership:
  forms: [{form}]
  formalised: false
  initiated_by: {initiated_by}
advocacy:
  activities: [{activity}]
  targets: [Town council]
  ask: {ask}
  outcome: {outcome}
  outcome_level: {outcome_level}
themes: [{theme}]
target_groups: [{target_group}]
participation: {participation}
context: |
  {context}
objectives: |
  {objectives}
activities: |
  {activities}
results: |
  {results}
lessons: |
  {lessons}
transferability: |
  {transferability}
assessment:
  assessors: [{{name: First Assessor, country: {country}}}, {{name: Second Assessor, country: {other}}}]
  scores: {{{scores}}}
editorial:
  status: published
  consent: true
"""

PROSE = ("title", "summary", "context", "objectives", "activities", "results", "lessons",
         "transferability", "advocacy.ask", "advocacy.outcome")


def new_book(target: Path, languages: list[str], countries: list[str],
             templates: Path) -> tuple[dict[str, str], list[str]]:
    """{relative path: text} of a new book in `target`, and notes for the user. Refuses
    (PipelineError) an existing, non-empty folder and languages or countries it cannot
    publish."""
    from babel import Locale
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PipelineError(error(target, "not-empty", "the folder exists and is not empty; "
                                  "`pipeline init` never writes over anything",
                                  hint="choose a new folder"))
    starter = templates / "starter"
    problems, notes = [], []
    scripts = fonts.scripts(templates)
    for lang in languages:
        problem = i18n.language_problem(lang, scripts)
        if problem:
            problems.append(error("--languages", problem[0], problem[1], hint=problem[2]))
        elif not (templates / "i18n" / f"{lang}.yaml").is_file():
            problems.append(error("--languages", "no-interface-strings",
                                  f"no interface strings for `{lang}`",
                                  hint=f"translate {templates.name}/i18n/en.yaml into "
                                       f"{templates.name}/i18n/{lang}.yaml first"))
    known = Locale("en").territories
    for code in countries:
        if not (re.fullmatch(r"[A-Z]{2}", code) and code in known):
            problems.append(error("--countries", "unknown-country",
                                  f"`{code}` is not an ISO 3166-1 alpha-2 country code",
                                  hint="two capital letters such as `FR`, `DE`, `PL`"))
    if not languages or not countries:
        problems.append(error("pipeline init", "missing-field",
                              "a book needs at least one language and one country"))
    if problems:
        raise PipelineError(problems)

    texts = yaml.safe_load((starter / "texts.yaml").read_text(encoding="utf-8"))
    contract = yaml.safe_load((starter / "contract.yaml").read_text(encoding="utf-8")
                              .replace("{countries}", ", ".join(countries)))
    vocab = {name: (codes if isinstance(codes, list) else [c for g in codes.values() for c in g])
             for name, codes in contract["vocabularies"].items()}
    groups = contract["vocabularies"]["actor_type"]
    source = languages[0]
    files: dict[str, str] = {}
    today = dt.date.today().isoformat()
    slug = re.sub(r"[^a-z0-9]+", "-", target.name.lower()).strip("-") or "book"
    import uuid
    files["book.yaml"] = BOOK.format(
        slug=slug, date=today, uuid=uuid.uuid5(uuid.NAMESPACE_URL, f"{slug}/{today}"),
        source=source, languages=", ".join(languages),
        title=_yaml_line(_text(texts, source, notes)["title"]),
        notice=_yaml_line(_text(texts, source, notes)["notice"]))
    files["contract.yaml"] = (starter / "contract.yaml").read_text(encoding="utf-8") \
        .replace("{countries}", ", ".join(countries))
    for lang in languages:
        strings = starter / "strings" / f"{lang}.yaml"
        if not strings.is_file():
            strings = starter / "strings" / "en.yaml"
            notes.append(f"strings/{lang}.yaml holds the English labels: translate them")
        files[f"strings/{lang}.yaml"] = strings.read_text(encoding="utf-8")

    pid = f"{countries[0]}-001"
    other = next(c for c in (*countries[1:], "DE", "FR") if c != countries[0])
    first = {name: codes[0] for name, codes in vocab.items()}
    criteria = contract["rubric"]["criteria"]
    low, high = contract["rubric"]["scores"]
    mid = (low + high + 1) // 2
    record = _text(texts, source, notes)["record"]
    files[f"practices/{pid}.yaml"] = RECORD.format(
        id=pid, country=countries[0], other=other, date=today, year=today[:4],
        scale=_pick(vocab["scale"], "municipal"), completed=_pick(vocab["status"], "completed"),
        method=_pick(vocab["method"], "desk_research"),
        ngo=groups.get("civil_society", vocab["actor_type"])[0] if isinstance(groups, dict)
        else first["actor_type"],
        municipality=(groups.get("authority") or vocab["actor_type"])[0]
        if isinstance(groups, dict) else first["actor_type"],
        lead=_pick(vocab["actor_role"], "lead"), partner=_pick(vocab["actor_role"], "partner"),
        form=first["partnership_form"], initiated_by=first["initiated_by"],
        activity=first["advocacy_activity"], outcome_level=vocab["outcome_level"][1]
        if len(vocab["outcome_level"]) > 1 else first["outcome_level"],
        theme=first["theme"], target_group=first["target_group"],
        participation=_pick(vocab["participation"], "consulted"),
        scores=", ".join(f"{c}: {mid}" for c in criteria),
        **{k: _yaml_line(v) for k, v in record.items() if k in ("title", "summary", "ask",
                                                                 "outcome")},
        **{k: v for k, v in record.items() if k not in ("title", "summary", "ask", "outcome")})
    intro = _text(texts, source, notes)["introduction"].replace("{id}", pid)
    files[f"chapters/{source}/introduction.md"] = intro
    for lang in languages[1:]:
        own = texts.get(lang)
        if own is None:
            files[f"chapters/{lang}/introduction.md"] = (
                f"---\nsource: {source_hash(intro)}\nuntranslated: true\n---\n{intro}")
            continue
        files[f"chapters/{lang}/introduction.md"] = (
            f"---\nsource: {source_hash(intro)}\n---\n" + own["introduction"].replace("{id}", pid))
        files[f"translations/{lang}/{pid}.yaml"] = _translation(
            f"Practice {pid}", lang, {name: (_at(record, name), _at(own["record"], name))
                                      for name in PROSE})
        files[f"translations/{lang}/book.yaml"] = _translation(
            "Book metadata", lang, {name: (_text(texts, source, [])[name], own[name])
                                    for name in ("title", "notice")})
    return files, sorted(set(notes))


def _text(texts: dict, lang: str, notes: list) -> dict:
    if lang not in texts:
        notes.append(f"the first chapter and the example record of `{lang}` are in English: "
                     "replace them")
    return texts.get(lang, texts["en"])


def _pick(codes: list[str], wanted: str) -> str:
    return wanted if wanted in codes else codes[0]


def _at(record: dict, name: str) -> str:
    return record[name.split(".")[-1]]


def _yaml_line(text: str) -> str:
    return yaml.safe_dump(" ".join(text.split()), allow_unicode=True, width=10_000,
                          default_style='"').strip()


def _translation(what: str, lang: str, fields: dict[str, tuple[str, str]]) -> str:
    from .translate import dump_translation
    entries = {name: {"source": source_hash(src), "text": text}
               for name, (src, text) in fields.items()}
    return dump_translation(entries, what, lang)
