"""Comparative figures computed from the published records: plain data in, plain data out.

Every table and chart of the paper comes from here, so an editor never types a number
that the records already hold.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from . import rubric
from .vocabulary import COUNTRIES, VOCABULARIES


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


def analyse(records: list[dict]) -> Analysis:
    countries = tuple(c for c in COUNTRIES if any(r["country"] == c for r in records))
    per_country = {c: sum(r["country"] == c for r in records) for c in countries}
    labels = {c: Counter() for c in countries}
    for r in records:
        labels[r["country"]][rubric.assess(r["assessment"]["scores"]).label] += 1
    labels = {c: {label: labels[c][label] for label in rubric.LABELS} for c in countries}
    label_totals = {label: sum(labels[c][label] for c in countries) for label in rubric.LABELS}

    theme_matrix = {t: {c: sum(r["country"] == c and t in r["themes"] for r in records)
                        for c in countries}
                    for t in VOCABULARIES["theme"] if any(t in r["themes"] for r in records)}
    primary_themes = {t: [r["id"] for r in records if r["themes"][0] == t]
                      for t in VOCABULARIES["theme"] if any(r["themes"][0] == t for r in records)}

    def shares(values_of, vocabulary: str) -> dict[str, dict[str, float]]:
        out = {}
        for c in countries:
            in_country = [r for r in records if r["country"] == c]
            out[c] = {v: sum(v in values_of(r) for r in in_country) / len(in_country)
                      for v in VOCABULARIES[vocabulary]}
        return out

    forms = shares(lambda r: r["partnership"]["forms"], "partnership_form")
    outcomes = shares(lambda r: [r["advocacy"]["outcome_level"]], "outcome_level")
    outcome_counts = {c: {v: sum(r["country"] == c and r["advocacy"]["outcome_level"] == v
                                 for r in records) for v in VOCABULARIES["outcome_level"]}
                      for c in countries}
    return Analysis(countries, per_country, labels, label_totals, theme_matrix,
                    primary_themes, forms, outcomes, outcome_counts,
                    stakeholders(records, countries), len(records))


def stakeholders(records: list[dict], countries) -> dict:
    """Per country: who leads, who funds, who is targeted, each with the practices."""
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
                if actor["role"] == "lead":
                    add("leads", actor["name"], r["id"])
                elif actor["role"] == "funder":
                    add("funds", actor["name"], r["id"])
                elif actor["role"] == "advocacy_target":
                    add("targets", actor["name"], r["id"])
            for funding in r.get("resources", {}).get("funding", []):
                add("funds", funding, r["id"])
            for target in r["advocacy"]["targets"]:
                add("targets", target, r["id"])
        out[c] = {role: sorted(names.items(), key=lambda kv: kv[0].casefold())
                  for role, names in roles.items()}
    return out
