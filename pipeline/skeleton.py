"""A commented skeleton practice record, so editors start from a valid file."""

from __future__ import annotations

from pathlib import Path

from .load import BookSources

SKELETON = """\
# Practice record {id}. Every field is described in the data contract; codes come from
# the vocabularies (run `pipeline validate` to see the allowed values of a wrong one).
id: {id}
# lang: pl                   # language of the prose below, if not the book's ({source_lang})
title: Title of the practice
summary: >-
  Two or three sentences: who worked with whom, on what, and what changed for people
  displaced from Ukraine.
country: {country}
locality: Name of the town or city
scale: municipal             # neighbourhood, municipal, metropolitan, regional, national, cross_border
period: {{start: {year}-01}}   # add `end: YYYY-MM` when it has ended
status: ongoing              # ongoing, completed (needs period.end), mainstreamed
provenance:
  method: {method}{workshop}
  collected: {today}
  contributors: [Name of the contributing organisation]
actors:                      # at least one civil-society and one local or regional authority
  - {{name: Name of the NGO, type: ngo, role: lead}}
  - {{name: Name of the municipality, type: municipality, role: partner}}
partnership:
  forms: [joint_project]
  formalised: false          # true needs `instrument:`
  initiated_by: ngo          # ngo, authority, joint, refugee_community, funder
advocacy:
  activities: [policy_dialogue]
  targets: [Name of the council or office addressed]
  ask: What the partners asked the authority to do.
  outcome: What the authority decided or did.
  outcome_level: on_agenda   # none, on_agenda, decision_adopted, implemented, sustained
themes: [education]          # 1–4; the first is the primary theme
target_groups: [refugees_general]
participation: consulted     # none, informed, consulted, co_designed, refugee_led
context: |
  The situation the partners responded to.
objectives: |
  What they set out to achieve.
activities: |
  What they did, and who did what.
editorial:
  status: draft              # draft, under_review, validated, published, rejected
  consent: false             # true once the partners agree to publication
"""


def new_practice(sources: BookSources, country: str) -> tuple[Path, str]:
    """The path of the next free id for `country` and the skeleton to write there."""
    used = {d.path.stem for d in sources.practices}
    used |= {p.stem for p in (sources.root / "practices").glob(f"{country}-*.yaml")}
    number = next(n for n in range(1, 1000) if f"{country}-{n:03d}" not in used)
    pid = f"{country}-{number:03d}"
    book = sources.book_data
    workshops = [w for w in book.get("workshops") or []
                 if isinstance(w, dict) and w.get("country") == country]
    date = str(book.get("date", "2025-01-01"))
    text = SKELETON.format(
        id=pid, country=country, source_lang=book.get("source_language", "en"),
        year=date[:4], today=date,
        method="workshop" if workshops else "desk_research",
        workshop=f"\n  workshop: {workshops[-1]['id']}" if workshops else "")
    return sources.root / "practices" / f"{pid}.yaml", text
