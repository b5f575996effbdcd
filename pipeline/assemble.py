"""Stage 4: assemble one language of one edition into a single pandoc Markdown document.

Plain data in (the loaded sources, a language, an edition), plain data out (`Assembly`):
the Markdown text and the pandoc metadata. Jinja templates under ``templates/`` shape the
generated sections; written chapters are merged in their translated form.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import analysis as analysis_mod
from . import charts as charts_mod
from . import assess, handouts, i18n, reference
from .contract import NOT_STATED, is_stated
from .book import Edition, of_sources
from .diagnostics import PipelineError, error
from .load import BookSources
from .merge import MISSING, ORIGINAL, STALE, Prose, chapter_prose, localize_book, localize_record

PUBLISHED = "published"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^@$])")


@dataclass(frozen=True)
class Assembly:
    lang: str
    edition: str
    markdown: str
    metadata: dict = field(default_factory=dict)
    fallbacks: int = 0    # translatable units shown in another language
    figures: dict = field(default_factory=dict)  # path -> bytes (charts/x.svg, qr.json)
    slides: str = ""      # the symposium deck, as Markdown
    sheets: str = ""      # one A4 sheet per published practice, as Markdown


def published_records(sources: BookSources, edition: Edition) -> list[dict]:
    """The records an edition shows: published ones (with `practices: best`, only those
    with the rubric's highest label), by the contract's order of countries."""
    contract = sources.contract
    records = [d.data for d in sources.practices
               if d.data.get("editorial", {}).get("status") == PUBLISHED
               and d.data.get("editorial", {}).get("consent") is True]
    if edition.practices == "best":
        records = [r for r in records if contract.rubric.assess(
            r["assessment"]["scores"]).label == contract.rubric.top]
    return sorted(records, key=lambda r: (contract.countries.index(r["country"]), r["id"]))


def assemble(sources: BookSources, lang: str, edition: str | None = None,
             cache: Path | None = None) -> Assembly:
    """One language of an edition. `cache`: a folder for what may be reused between runs
    (Jinja's compiled templates, the charts); without it everything is made anew."""
    typed = of_sources(sources)
    config = typed.edition(edition)
    name = config.name
    book = sources.book_data
    if lang not in typed.languages:
        raise PipelineError(error(sources.book.path, "unknown-language",
                                  f"`{lang}` is not one of the book's languages",
                                  hint="languages: " + ", ".join(typed.languages)))
    strings = i18n.Strings(sources, lang)
    policy = config.fallback
    counter = _FallbackCounter()
    env = _environment(sources, lang, strings, policy, counter,
                       cache and cache / "jinja")

    localized_book, _ = localize_book(sources, lang)
    contract = sources.contract
    records = []
    for raw in published_records(sources, config):
        record, statuses = localize_record(sources, raw, lang)
        record["assessment_result"] = contract.rubric.assess(raw["assessment"]["scores"])
        record["has_fallback"] = any(s.state == MISSING for s in statuses)
        record["has_stale"] = any(s.state == STALE for s in statuses)
        records.append(record)

    analysis = analysis_mod.analyse(records, contract)
    fonts = sources.templates / "fonts"
    charts = {c.name: c for c in charts_mod.draw(
        analysis, strings, fonts, cache and cache / f"charts-{name}-{lang}.json")}
    context = {
        "analysis": analysis, "charts": charts,
        "book": localized_book, "lang": lang, "edition": name, "policy": policy,
        "practices": records, "by_country": _group(records, lambda r: [r["country"]]),
        "by_theme": _group(records, lambda r: r["themes"][:1]),
        "countries": contract.countries, "vocabularies": contract.vocabularies,
        "contract": contract, "rubric": contract.rubric, "criteria": contract.rubric.criteria,
        "not_stated": NOT_STATED, "reference": reference.fields(contract),
        "agreement": assess.agreement(records, contract),
        "workshops": book.get("workshops") or [],
        "organisations": organisation_index(records, contract.vocabularies["actor_type"]),
        "country_context": {c: chapter_prose(sources, lang, f"context-{c.lower()}")[0]
                            for c in contract.countries},
    }
    parts = []
    for chapter in config.chapters:
        template = f"sections/{chapter}.md.j2"
        if (sources.templates / template).exists():
            parts.append(_render(env, template, context))
        else:
            prose, _ = chapter_prose(sources, lang, chapter)
            if prose is None:
                raise PipelineError(error(sources.book.path, "unknown-chapter",
                                          f"no chapter `{chapter}`"))
            parts.append(env.filters["chapter"](prose))
    markdown = "\n\n".join(p.strip() for p in parts) + "\n"

    # The symposium deck and the practice sheets come from the same data.
    website = book.get("website", "")
    qr_urls = {r["id"]: handouts.profile_url(website, name, lang, r["id"]) for r in records}
    slides_config = book.get("slides") or {}
    chosen = slides_config.get("practices", "best")
    slide_practices = [r for r in records if (r["assessment_result"].label == contract.rubric.top
                                              if chosen == "best" else
                                              chosen == "published" or r["id"] in chosen)]
    recommendations, _ = chapter_prose(sources, lang, "recommendations")
    extra = []
    for extra_name in slides_config.get("extra") or []:
        prose, _ = chapter_prose(sources, lang, extra_name)
        if prose is not None:
            extra += [f"#{part}" if i else part
                      for i, part in enumerate(re.split(r"(?m)^#(?= )", prose.text)) if part.strip()]
    context.update(
        slide_practices=slide_practices, extra_slides=extra, qr_urls=qr_urls,
        recommendations=handouts.recommendation_outline(recommendations.text)
        if recommendations else [],
        citation=_citation(book, localized_book["title"].text, lang, strings))
    slides = _render(env, "handouts/slides.md.j2", context)
    sheets = _render(env, "handouts/sheets.md.j2", context)

    title = localized_book["title"]
    subtitle = localized_book.get("subtitle")
    metadata = {
        "title": title.text,
        "subtitle": subtitle.text if subtitle else "",
        "lang": lang,
        "author": list(book["editors"]),
        "publisher": book["publisher"],
        "date": book["date"],
        "date-local": i18n.format_partial_date(book["date"], lang),
        "identifier": edition_identifier(book["identifier"], name, lang),
        "rights": book["licence"],
        "version": book["version"],
        "edition": strings(f"book.editions.{name}") if name in ("full", "brief") else name,
        "notice": localized_book["notice"].text if localized_book.get("notice") else "",
        # "p. {page}", "{page}. o.": the words before and after a page number, joined
        # to it by no-break spaces.
        **dict(zip(("page-before", "page-after"), (
            part.replace(" ", "\u00a0") for part in
            strings("book.page", page="\0").partition("\0")[::2]))),
        # Citations (`[@PL-001]`) link to a profile only where this edition has it.
        "practice-ids": sorted(d.data["id"] for d in sources.practices
                               if isinstance(d.data, dict) and isinstance(d.data.get("id"), str)),
        "profiled-practices": [r["id"] for r in records] if "practices" in config.chapters
        else [],
        "toc-title": strings("book.contents"),
        "strings": {k: strings(f"book.{k}") for k in
                    ("contents", "imprint", "editors", "publisher", "funder", "licence",
                     "cite_as", "edition", "languages", "skip", "home", "previous", "next",
                     "single_page", "search", "breadcrumbs", "page_navigation")},
        "funder": book.get("funder", ""),
        "place": book["place"],
        "licence-url": book.get("licence_url", ""),
        "version-label": strings("book.version", version=book["version"]),
        "published-label": strings("book.published",
                                   date=i18n.format_partial_date(book["date"], lang)),
        "citation": _citation(book, title.text, lang, strings),
        # EPUB accessibility metadata (schema.org), written by pandoc into the package.
        "accessModes": ["textual", "visual"],
        "accessModeSufficient": ["textual"],
        "accessibilityFeatures": ["tableOfContents", "readingOrder", "structuralNavigation",
                                  "alternativeText", "displayTransformability"],
        "accessibilityHazards": ["none"],
        "accessibilitySummary": strings("book.accessibility_summary"),
    }
    figures = {f"charts/{c.name}.svg": c.svg for c in charts.values()}
    figures["cover.svg"] = charts_mod.cover(
        title.text, subtitle.text if subtitle else "", book["publisher"],
        strings(f"book.editions.{name}") if name in ("full", "brief") else name,
        i18n.format_partial_date(book["date"], lang), fonts,
        cache and cache / f"cover-{name}-{lang}.json")
    # The sheets' QR codes are drawn by their render (only it needs them): here, their URLs.
    figures["qr.json"] = json.dumps(qr_urls, indent=0, sort_keys=True).encode()
    return Assembly(lang, name, markdown, metadata, counter.count, figures, slides, sheets)


def edition_identifier(identifier: str, edition: str, lang: str) -> str:
    """A stable, valid `urn:uuid:` for one edition in one language, derived from the
    book's identifier (name-based UUID, version 5)."""
    import uuid
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{identifier}/{edition}/{lang}"))


def organisation_index(records: list[dict], types: tuple[str, ...]
                       ) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Organisations named as actors, by type (in the order of `types`, the contract's),
    each with the ids of the practices naming it: [(type, [(name, [id, …]), …]), …]."""
    index: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        for actor in record["actors"]:
            ids = index[actor["type"]][actor["name"]]
            if record["id"] not in ids:
                ids.append(record["id"])
    return [(t, sorted(index[t].items(), key=lambda kv: kv[0].casefold()))
            for t in types if t in index]


def _citation(book: dict, title: str, lang: str, strings: i18n.Strings) -> str:
    editors = ", ".join(book["editors"])
    year = str(book["date"])[:4]
    return f"{editors} (ed.). {title}. {book['place']}: {book['publisher']}, {year}. " \
           f"{strings('book.version', version=book['version'])}."


def _group(records: list[dict], keys) -> dict:
    groups = defaultdict(list)
    for record in records:
        for key in keys(record):
            groups[key].append(record)
    return dict(groups)


def _render(env: jinja2.Environment, template: str, context: dict) -> str:
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or template
        raise PipelineError(error(where, "template", f"template error: {exc}",
                                  line=getattr(exc, "lineno", 0) or 0)) from None


class _FallbackCounter:
    def __init__(self):
        self.count = 0


def _no_list_marker(text: str) -> str:
    """`1. května 2022` or `2024. szeptember` opening a Markdown block would start a
    numbered list; escape the dot."""
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


def md_escape(text) -> str:
    """Plain text (a name, a place) made safe to put into Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _environment(sources: BookSources, lang: str, strings: i18n.Strings, policy: str,
                 counter: _FallbackCounter, bytecode_cache: Path | None) -> jinja2.Environment:
    cache = None
    if bytecode_cache is not None:  # only a speed-up: without a writable folder, none
        try:
            bytecode_cache.mkdir(parents=True, exist_ok=True)
            if os.access(bytecode_cache, os.W_OK):
                cache = jinja2.FileSystemBytecodeCache(str(bytecode_cache))
        except OSError:
            pass
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(sources.templates)), bytecode_cache=cache,
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
        # `{#id}` is pandoc's heading attribute, so Jinja comments are `{## … ##}`.
        comment_start_string="{##", comment_end_string="##}",
        trim_blocks=True, lstrip_blocks=True)

    def notice(prose: Prose) -> str:
        """The localized notice of a fallback; the source language is named by its own
        name, which needs no grammatical case in any language."""
        if prose.state == MISSING:
            return strings("notices.untranslated", source=i18n.language_name(prose.lang))
        return strings("notices.stale",
                       source=i18n.language_name(sources.book_data["source_language"]))

    def marked(prose: Prose) -> bool:
        return policy == "mark" and prose.state in (MISSING, STALE)

    def inline(prose: Prose) -> str:
        if not isinstance(prose, Prose):
            raise TypeError(f"expected prose, got {prose!r}")
        if prose.state == MISSING:
            counter.count += 1
        text = " ".join(prose.text.split())
        if prose.lang != lang:
            classes = " .fallback" if marked(prose) else ""
            return f"[{text}]{{lang={prose.lang}{classes}}}"
        return text

    def block(prose: Prose) -> str:
        if prose.state == MISSING:
            counter.count += 1
        text = prose.text.strip()
        if prose.lang != lang:
            text = f"::: {{lang={prose.lang}}}\n{text}\n:::"
        if marked(prose):
            text = f":::: fallback\n::: fallback-notice\n{notice(prose)}\n:::\n\n{text}\n::::"
        return text

    def chapter(prose: Prose) -> str:
        """A whole chapter: its heading stays first, the notice follows it."""
        text = prose.text.strip()
        heading, _, body = text.partition("\n")
        if not heading.startswith("# "):
            heading, body = "", text
        if prose.state == MISSING:
            counter.count += 1
        if prose.lang != lang:
            heading = re.sub(r"^# (.*?)(\s*\{[^}]*\})?$",
                             lambda m: f"# [{m.group(1)}]{{lang={prose.lang}}}{m.group(2) or ''}",
                             heading)
            body = f"::: {{lang={prose.lang}}}\n{body.strip()}\n:::"
        if marked(prose):
            body = f"::: fallback-notice\n{notice(prose)}\n:::\n\n{body.strip()}"
        return f"{heading}\n\n{body.strip()}"

    def date(value) -> str:
        return _no_list_marker(i18n.format_partial_date(value, lang))

    def period(value: dict) -> str:
        if "end" in value:
            return f"{date(value['start'])} – {date(value['end'])}"
        start = i18n.format_partial_date(value["start"], lang, in_phrase=True)
        return _no_list_marker(strings("fields.ongoing_since", start=start))

    def labels(codes, vocab: str) -> str:
        return ", ".join(strings.label(vocab, c) for c in codes)

    def reach(value: dict) -> str:
        parts = []
        if "people" in value:
            parts.append(strings("fields.people", count=i18n.format_number(value["people"], lang)))
        if "note" in value:
            parts.append(inline(value["note"]))
        return " — ".join(parts)

    def actor_groups(actors: list) -> list:
        """[(group, its actors)] in the contract's order of groups of `actor_type`;
        [(None, actors)] when the contract does not group them."""
        groups = sources.contract.groups.get("actor_type")
        if not groups:
            return [(None, actors)]
        return [(name, [a for a in actors if a["type"] in types])
                for name, types in groups.items() if any(a["type"] in types for a in actors)]

    def source(item: dict) -> str:
        title = md_escape(item["title"])
        text = f"[{title}](<{item['url']}>)" if "url" in item else title
        if "accessed" in item:
            text += f" ({strings('fields.accessed', date=date(item['accessed']))})"
        return text

    def provenance(record: dict) -> str:
        prov = record["provenance"]
        workshop = next((w for w in sources.book_data.get("workshops") or []
                         if w.get("id") == prov.get("workshop")), None)
        if workshop:
            how = strings("fields.collected_at", city=md_escape(workshop["city"]),
                          date=date(prov["collected"]))
        else:
            how = strings("fields.collected_by", method=strings.label("method", prov["method"]),
                          date=date(prov["collected"]))
        parts = [f"{strings('fields.provenance')}: {how}."]
        if prov.get("contributors"):
            parts.append(f"{strings('fields.contributors')}: "
                         + ", ".join(map(md_escape, prov["contributors"])) + ".")
        assessors = record.get("assessment", {}).get("assessors") or []
        if assessors:
            parts.append(f"{strings('fields.assessors')}: " + ", ".join(
                f"{md_escape(x['name'])} ({x['country']})" for x in assessors) + ".")
        return " ".join(parts)

    def figure(chart) -> str:
        alt = chart.alt.replace("\\", "\\\\").replace('"', '\\"')
        return f'![{md_escape(chart.caption)}](charts/{chart.name}.svg){{#fig-{chart.name} alt="{alt}"}}'

    def leads(actors: list) -> list:
        return [a for a in actors if a["role"] in sources.contract.stakeholders.get("leads", ())]

    def reach_or_not(value) -> str:
        return reach(value) if is_stated(value) else strings("notices.not_stated")

    env.tests["stated"] = is_stated
    env.filters.update(
        leads=leads,
        md=md_escape, inline=inline, block=block, chapter=chapter, notice=notice,
        date=date, period=period, labels=labels, reach=reach_or_not, actor_groups=actor_groups,
        source=source, provenance=provenance,
        number=lambda v: i18n.format_number(v, lang),
        money=lambda b: i18n.format_money(b["amount"], b["currency"], lang),
        percent=lambda v: i18n.format_number(round(v), lang),
        anchor=lambda pid: "practice-" + str(pid).lower(),
        practice_link=lambda pid: f"[{pid}](#practice-{str(pid).lower()})",
        share=lambda v: i18n.format_percent(v, lang),
        decimal=lambda v: i18n.format_number(round(v, 2), lang),
        figure=figure,
    )
    env.globals.update(S=strings, L=strings.label, ORIGINAL=ORIGINAL, MISSING=MISSING,
                       language_name=i18n.language_name)
    return env
