"""Comparative figures computed from the published records: plain data in, plain data out.

Every table and chart of the paper comes from here, so an editor never types a number
that the records already hold.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .contract import NOT_STATED, Contract


@dataclass(frozen=True)
class Analysis:
    countries: tuple[str, ...]                 # countries with at least one practice
    per_country: dict[str, int]                # country -> number of practices
    labels: dict[str, dict[str, int]]          # country -> label -> count
    label_totals: dict[str, int]               # label -> count
    theme_matrix: dict[str, dict[str, int]]    # theme -> country -> practices naming it
    primary_themes: dict[str, list[str]]       # primary theme -> practice ids
    forms: dict[str, dict[str, float]]         # country -> form -> share of its practices
    outcomes: dict[str, dict[str, float]]      # country -> outcome level -> share
    outcome_counts: dict[str, dict[str, int]]  # country -> outcome level -> count
    stakeholders: dict[str, dict[str, list[tuple[str, list[str]]]]] = field(default_factory=dict)
    total: int = 0
    outcome_levels: tuple[str, ...] = ()       # the contract's, and `not_stated` if counted


def outcome_level(record: dict) -> str:
    """A record's advocacy outcome level, or `not_stated`."""
    advocacy = record.get("advocacy")
    return advocacy["outcome_level"] if isinstance(advocacy, dict) else NOT_STATED


def analyse(records: list[dict], contract: Contract) -> Analysis:
    vocabularies, labels_order = contract.vocabularies, contract.rubric.label_codes
    countries = tuple(c for c in contract.countries if any(r["country"] == c for r in records))
    per_country = {c: sum(r["country"] == c for r in records) for c in countries}
    labels = {c: Counter() for c in countries}
    for r in records:
        labels[r["country"]][contract.rubric.assess(r["assessment"]["scores"]).label] += 1
    labels = {c: {label: labels[c][label] for label in labels_order} for c in countries}
    label_totals = {label: sum(labels[c][label] for c in countries) for label in labels_order}

    theme_matrix = {t: {c: sum(r["country"] == c and t in r["themes"] for r in records)
                        for c in countries}
                    for t in vocabularies["theme"] if any(t in r["themes"] for r in records)}
    primary_themes = {t: [r["id"] for r in records if r["themes"][0] == t]
                      for t in vocabularies["theme"] if any(r["themes"][0] == t for r in records)}

    def shares(values_of, codes) -> dict[str, dict[str, float]]:
        out = {}
        for c in countries:
            in_country = [r for r in records if r["country"] == c]
            out[c] = {v: sum(v in values_of(r) for r in in_country) / len(in_country)
                      for v in codes}
        return out

    # A level the sources do not state is counted apart, after the contract's levels.
    levels = vocabularies["outcome_level"] + (
        (NOT_STATED,) if any(outcome_level(r) == NOT_STATED for r in records) else ())
    forms = shares(lambda r: r["partnership"]["forms"], vocabularies["partnership_form"])
    outcomes = shares(lambda r: [outcome_level(r)], levels)
    outcome_counts = {c: {v: sum(r["country"] == c and outcome_level(r) == v for r in records)
                          for v in levels}
                      for c in countries}
    return Analysis(countries, per_country, labels, label_totals, theme_matrix,
                    primary_themes, forms, outcomes, outcome_counts,
                    stakeholders(records, countries, contract), len(records), levels)


def stakeholders(records: list[dict], countries, contract: Contract) -> dict:
    """Per country: who leads, who funds, who is targeted (by the actor roles the
    contract's stakeholder map names, with the funding and advocacy targets of the
    records), each with the practices."""
    roles_of = contract.stakeholders
    out = {}
    for c in countries:
        roles: dict[str, dict[str, list[str]]] = {"leads": {}, "funds": {}, "targets": {}}

        def add(role: str, name: str, pid: str):
            ids = roles[role].setdefault(name.strip(), [])
            if pid not in ids:
                ids.append(pid)

        for r in records:
            if r["country"] != c:
                continue
            for actor in r["actors"]:
                for role in roles:
                    if actor["role"] in roles_of.get(role, ()):
                        add(role, actor["name"], r["id"])
                        break
            resources = r.get("resources")
            for funding in resources.get("funding", []) if isinstance(resources, dict) else []:
                add("funds", funding, r["id"])
            advocacy = r.get("advocacy")
            for target in advocacy["targets"] if isinstance(advocacy, dict) else []:
                add("targets", target, r["id"])
        out[c] = {role: sorted(names.items(), key=lambda kv: kv[0].casefold())
                  for role, names in roles.items()}
    return out
