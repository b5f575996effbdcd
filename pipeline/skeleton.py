"""A commented skeleton practice record, so editors start from a valid file: its codes
and the lists in its comments come from the book's contract."""

from __future__ import annotations

from pathlib import Path

from .contract import Contract
from .diagnostics import PipelineError, error
from .load import BookSources

SKELETON = """\
# Practice record {id}. Every field is described in the book's contract (contract.yaml);
# run `pipeline validate` to see the allowed values of a wrong code.
id: {id}
# lang: {source_lang}                   # language of the prose below, if not the book's
title: Title of the practice
summary: >-
  Two or three sentences: who worked with whom, on what, and what changed for the
  people concerned.
country: {country}
locality: Name of the town or city
scale: {scale}             # {scales}
period: {{start: {year}-01}}   # add `end: YYYY-MM` when it has ended
status: {status}              # {statuses}
provenance:
  method: {method}{workshop}
  collected: {today}
  contributors: [Name of the contributing organisation]
actors:                      # {actor_rule}
{actors}
partnership:
  forms: [{form}]
  formalised: false          # true needs `instrument:`
  initiated_by: {initiated_by}          # {initiators}
advocacy:
  activities: [{activity}]
  targets: [Name of the council or office addressed]
  ask: What the partners asked the authority to do.
  outcome: What the authority decided or did.
  outcome_level: {outcome_level}   # {outcome_levels}
themes: [{theme}]          # 1–4; the first is the primary theme
target_groups: [{target_group}]
participation: {participation}     # {participations}
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
    contract: Contract | None = sources.contract
    if contract is None:
        raise PipelineError(error(sources.root / "contract.yaml", "no-contract",
                                  "the book's contract cannot be read",
                                  hint="run `make validate` for details"))
    if country not in contract.countries:
        raise PipelineError(error("--country", "unknown-country",
                                  f"`{country}` is not a country of the book's contract",
                                  hint="countries: " + ", ".join(contract.countries)))
    used = {d.path.stem for d in sources.practices}
    used |= {p.stem for p in (sources.root / "practices").glob(f"{country}-*.yaml")}
    pid = contract.next_id(country, used)
    book = sources.book_data
    workshops = [w for w in book.get("workshops") or []
                 if isinstance(w, dict) and w.get("country") == country]
    date = str(book.get("date", "2025-01-01"))
    v = contract.vocabularies
    groups = contract.groups.get("actor_type") or {"": v["actor_type"]}
    wanted = contract.actor_groups_required or tuple(groups)[:1]
    actors = [f"  - {{name: Name of the organisation, type: {groups[g][0]}, "
              f"role: {v['actor_role'][i % len(v['actor_role'])]}}}" for i, g in enumerate(wanted)]
    while len(actors) < max(contract.actors_minimum, 1):
        actors.append(f"  - {{name: Name of a partner, type: {v['actor_type'][0]}, "
                      f"role: {v['actor_role'][-1]}}}")
    method = next((m for m in contract.workshop_methods if m in v["method"]), None) \
        if workshops else None
    text = SKELETON.format(
        id=pid, country=country, source_lang=book.get("source_language", "en"),
        year=date[:4], today=date, scale=v["scale"][0], scales=", ".join(v["scale"]),
        status=v["status"][0], statuses=", ".join(v["status"]),
        method=method or next((m for m in v["method"] if m not in contract.workshop_methods),
                              v["method"][0]),
        workshop=f"\n  workshop: {workshops[-1]['id']}" if method else "",
        actor_rule="at least one of each group: " + ", ".join(wanted) if
        contract.actor_groups_required else f"at least {contract.actors_minimum}",
        actors="\n".join(actors), form=v["partnership_form"][0],
        initiated_by=v["initiated_by"][0], initiators=", ".join(v["initiated_by"]),
        activity=v["advocacy_activity"][0], outcome_level=v["outcome_level"][0],
        outcome_levels=", ".join(v["outcome_level"]), theme=v["theme"][0],
        target_group=v["target_group"][0], participation=v["participation"][0],
        participations=", ".join(v["participation"]))
    return sources.root / "practices" / f"{pid}.yaml", text
