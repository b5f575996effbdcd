"""A book's data contract (``contract.yaml``): the countries its practices come from, the
controlled vocabularies of the record fields, the assessment rubric, the assessor rules,
the rules of a publishable record and which fields are translated.

The shape of a record (its fields, which are prose and which take codes) is the
toolchain's; what each field may hold is the book's. Nothing in the code names a
country, a code or a number of any one book: `load_contract` reads them, checks them
with `file:line:column` diagnostics, and returns a frozen `Contract` that validation,
assembly, the analysis and the annexes share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .diagnostics import Diagnostic, PipelineError, error
from .yamldoc import YamlDocument, lookup

NOT_STATED = "not_stated"  # a field a record's sources do not state, where the contract allows it

# Record fields that take codes, and the vocabulary each takes them from.
CODED_FIELDS = {
    "scale": "scale", "status": "status", "provenance.method": "method",
    "actors[].type": "actor_type", "actors[].role": "actor_role",
    "partnership.forms": "partnership_form", "partnership.instrument": "instrument",
    "partnership.initiated_by": "initiated_by", "advocacy.activities": "advocacy_activity",
    "advocacy.outcome_level": "outcome_level", "themes": "theme",
    "target_groups": "target_group", "participation": "participation",
}
VOCABULARY_NAMES = tuple(dict.fromkeys(CODED_FIELDS.values()))

# Prose fields of a record, by the Markdown they may hold.
BLOCK_MARKDOWN = ("context", "objectives", "activities", "results", "lessons",
                  "transferability")
INLINE_MARKDOWN = ("summary", "advocacy.ask", "advocacy.outcome", "reach.note")
PLAIN_TEXT = ("title",)
PROSE_FIELDS = PLAIN_TEXT + ("summary", "context", "objectives", "activities", "results",
                             "lessons", "transferability", "advocacy.ask", "advocacy.outcome",
                             "reach.note")
# Fields a contract may require before publication, and fields it may let a record mark
# as not stated in its sources.
PUBLISH_FIELDS = ("results", "lessons", "transferability", "assessment", "reach", "resources",
                  "sources")
NOT_STATED_FIELDS = ("advocacy", "participation", "results", "lessons", "transferability",
                     "reach", "resources")
STAKEHOLDER_ROLES = ("leads", "funds", "targets")
RULES = ("earliest_start", "earliest_start_unless_status", "end_required_if_status",
         "workshop_methods", "actors", "to_publish", "may_be_not_stated")

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_CRITERION = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_COUNTRY = re.compile(r"[A-Z]{2}")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Label:
    """A rubric label a practice earns: at least `share` of the maximum and, on each of
    `criteria`, at least `min_score`."""
    code: str
    share: Fraction
    criteria: tuple[str, ...] = ()
    min_score: int = 0

    @property
    def percent(self) -> int | float:
        """The share as a percentage: 70, or 62.5."""
        value = self.share * 100
        return int(value) if value.denominator == 1 else float(value)


@dataclass(frozen=True)
class Assessment:
    total: int
    maximum: int
    label: str

    @property
    def percent(self) -> float:
        return 100 * self.total / self.maximum


@dataclass(frozen=True)
class Rubric:
    criteria: dict[str, int]           # code -> weight, in the annex's order
    low: int                           # lowest and highest score of a criterion
    high: int
    labels: tuple[Label, ...]          # from the highest

    @property
    def max_total(self) -> int:
        return self.high * sum(self.criteria.values())

    @property
    def label_codes(self) -> tuple[str, ...]:
        return tuple(label.code for label in self.labels)

    @property
    def top(self) -> str:
        return self.labels[0].code

    def assess(self, scores: dict[str, int]) -> Assessment:
        """Weighted total and computed label of a record's consensus scores."""
        total = sum(weight * scores[code] for code, weight in self.criteria.items())
        share = Fraction(total, self.max_total)
        label = next((x.code for x in self.labels if share >= x.share
                      and all(scores[c] >= x.min_score for c in x.criteria)),
                     self.labels[-1].code)
        return Assessment(total, self.max_total, label)


@dataclass(frozen=True)
class Contract:
    path: Path
    countries: tuple[str, ...]
    vocabularies: dict[str, tuple[str, ...]]
    groups: dict[str, dict[str, tuple[str, ...]]]   # vocabulary -> group -> codes
    rubric: Rubric
    assessors_minimum: int = 2
    assessors_from_other_country: int = 1
    earliest_start: str | None = None
    earlier_if_status: tuple[str, ...] = ()
    end_if_status: tuple[str, ...] = ()
    workshop_methods: tuple[str, ...] = ()
    actors_minimum: int = 1
    actor_groups_required: tuple[str, ...] = ()
    to_publish: tuple[str, ...] = ()
    may_be_not_stated: tuple[str, ...] = ()
    translated: tuple[str, ...] = PROSE_FIELDS
    stakeholders: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def id_pattern(self) -> str:
        """Record ids: a country of the contract, a hyphen, three digits."""
        return "(" + "|".join(self.countries) + ")-[0-9]{3}"

    @staticmethod
    def next_id(country: str, used) -> str:
        """The lowest record id of `country` not in `used` (`PL-004` after PL-001–003)."""
        for number in range(1, 1000):
            if f"{country}-{number:03d}" not in used:
                return f"{country}-{number:03d}"
        raise PipelineError(error("--country", "no-free-id",
                                  f"every id from {country}-001 to {country}-999 is taken"))

    def group_of(self, vocabulary: str, code: str) -> str | None:
        return next((g for g, codes in self.groups.get(vocabulary, {}).items() if code in codes),
                    None)


def is_stated(value) -> bool:
    return value != NOT_STATED


# --------------------------------------------------------------------------- reading

def load_contract(doc: YamlDocument | None, path: Path) -> tuple[Contract | None, list[Diagnostic]]:
    """The contract of `doc` (contract.yaml) and every problem in it; None when it
    cannot be used (then nothing that depends on it is checked)."""
    if doc is None:
        return None, []
    data = doc.data
    if not isinstance(data, dict):
        return None, [doc.error((), "not-a-mapping", "contract.yaml must be a mapping of "
                                "countries, vocabularies, rubric, assessors, rules, translated")]
    out: list[Diagnostic] = []
    known = ("countries", "vocabularies", "rubric", "assessors", "rules", "translated",
             "stakeholder_map")
    for key in data:
        if key not in known:
            out.append(doc.error((key,), "unknown-field", f"unknown field `{key}`",
                                 "known fields: " + ", ".join(known)))
    countries = _countries(doc, out)
    vocabularies, groups = _vocabularies(doc, out)
    vocabularies = vocabularies or {}
    rubric = _rubric(doc, out)
    assessors = data.get("assessors") if isinstance(data.get("assessors"), dict) else {}
    minimum = _count(doc, ("assessors", "minimum"), assessors.get("minimum", 2), out)
    other = _count(doc, ("assessors", "from_other_country"),
                   assessors.get("from_other_country", 0), out)
    if isinstance(minimum, int) and isinstance(other, int) and other > minimum:
        out.append(doc.error(("assessors", "from_other_country"), "contract-rule",
                             f"{other} assessors from another country, but only {minimum} "
                             "required in all"))
    rules = data.get("rules") if isinstance(data.get("rules"), dict) else {}
    if "rules" in data and not isinstance(data["rules"], dict):
        out.append(doc.error(("rules",), "not-a-mapping", "`rules` must be a mapping"))
    earliest = rules.get("earliest_start")
    if earliest is not None and not (isinstance(earliest, str) and _MONTH.fullmatch(earliest)):
        out.append(doc.error(("rules", "earliest_start"), "bad-format",
                             f"`{earliest}` is not a month", "write it as YYYY-MM"))
        earliest = None

    def codes_of(path: tuple, vocabulary: str) -> tuple[str, ...]:
        value = lookup(rules, path)
        if value is None:
            return ()
        if not isinstance(value, list):
            out.append(doc.error(("rules",) + path, "wrong-type", "must be a list of codes"))
            return ()
        allowed = vocabularies.get(vocabulary, ()) if vocabulary else ()
        for i, code in enumerate(value):
            if vocabulary and code not in allowed:
                out.append(doc.error(("rules",) + path + (i,), "unknown-code",
                                     f"`{code}` is not a code of the vocabulary `{vocabulary}`",
                                     "its codes: " + ", ".join(allowed)))
        return tuple(str(v) for v in value)

    actors = rules.get("actors") if isinstance(rules.get("actors"), dict) else {}
    actor_groups = tuple(actors.get("groups") or ())
    for i, group in enumerate(actor_groups):
        if group not in groups.get("actor_type", {}):
            out.append(doc.error(("rules", "actors", "groups", i), "unknown-group",
                                 f"`{group}` is not a group of the vocabulary `actor_type`",
                                 "its groups: " + ", ".join(groups.get("actor_type", {}))
                                 or "group the codes of `actor_type` to require groups"))

    def field_list(path: tuple, allowed: tuple[str, ...]) -> tuple[str, ...]:
        value = lookup(data, path)
        if value is None:
            return ()
        if not isinstance(value, list):
            out.append(doc.error(path, "wrong-type", "must be a list of field names"))
            return ()
        for i, name in enumerate(value):
            if name not in allowed:
                out.append(doc.error(path + (i,), "unknown-field", f"`{name}` cannot be "
                                     "listed here", "possible: " + ", ".join(allowed)))
        return tuple(v for v in value if v in allowed)

    translated = field_list(("translated",), PROSE_FIELDS) if "translated" in data \
        else PROSE_FIELDS
    stakeholders = {}
    mapping = data.get("stakeholder_map") or {}
    if not isinstance(mapping, dict):
        out.append(doc.error(("stakeholder_map",), "not-a-mapping",
                             "`stakeholder_map` maps leads, funds, targets to actor roles"))
        mapping = {}
    for role, codes in mapping.items():
        if role not in STAKEHOLDER_ROLES:
            out.append(doc.error(("stakeholder_map", role), "unknown-field",
                                 f"unknown part `{role}`", "parts: " + ", ".join(STAKEHOLDER_ROLES)))
            continue
        roles = codes if isinstance(codes, list) else []
        for i, code in enumerate(roles):
            if code not in vocabularies.get("actor_role", ()):
                out.append(doc.error(("stakeholder_map", role, i), "unknown-code",
                                     f"`{code}` is not a code of the vocabulary `actor_role`"))
        stakeholders[role] = tuple(roles)
    for key in rules:
        if key not in RULES:
            out.append(doc.error(("rules", key), "unknown-field", f"unknown rule `{key}`",
                                 "rules: " + ", ".join(RULES)))
    actors_minimum = _count(doc, ("rules", "actors", "minimum"), actors.get("minimum", 1), out)
    contract = dict(
        earlier_if_status=codes_of(("earliest_start_unless_status",), "status"),
        end_if_status=codes_of(("end_required_if_status",), "status"),
        workshop_methods=codes_of(("workshop_methods",), "method"),
        to_publish=field_list(("rules", "to_publish"), PUBLISH_FIELDS),
        may_be_not_stated=field_list(("rules", "may_be_not_stated"), NOT_STATED_FIELDS))
    if countries is None or not vocabularies or rubric is None or \
            any(d.severity == "error" for d in out):
        return None, out
    return Contract(
        path=doc.path, countries=countries, vocabularies=vocabularies, groups=groups,
        rubric=rubric, assessors_minimum=minimum, assessors_from_other_country=other,
        earliest_start=earliest, actors_minimum=actors_minimum,
        actor_groups_required=actor_groups, translated=translated,
        stakeholders=stakeholders, **contract), out


def _countries(doc: YamlDocument, out: list) -> tuple[str, ...] | None:
    from babel import Locale
    value = doc.data.get("countries")
    if not isinstance(value, list) or not value:
        out.append(doc.error(("countries",), "missing-field",
                             "`countries` must list the ISO 3166-1 codes of the countries "
                             "the practices come from", "e.g. `countries: [PL, CZ]`"))
        return None
    known = Locale("en").territories
    seen = set()
    for i, code in enumerate(value):
        if not (isinstance(code, str) and _COUNTRY.fullmatch(code) and code in known):
            out.append(doc.error(("countries", i), "unknown-country",
                                 f"`{code}` is not an ISO 3166-1 alpha-2 country code",
                                 "write two capital letters such as `PL`, `CZ`, `FR`"))
        elif code in seen:
            out.append(doc.error(("countries", i), "duplicate-code",
                                 f"country `{code}` is listed twice"))
        seen.add(code)
    return tuple(str(c) for c in value)


def _vocabularies(doc: YamlDocument, out: list):
    value = doc.data.get("vocabularies")
    if not isinstance(value, dict):
        out.append(doc.error(("vocabularies",), "missing-field",
                             "`vocabularies` must give the codes of "
                             + ", ".join(VOCABULARY_NAMES)))
        return None, {}
    vocabularies, groups = {}, {}
    for name, entry in value.items():
        path = ("vocabularies", name)
        if name not in VOCABULARY_NAMES:
            out.append(doc.error(path, "unknown-vocabulary", f"no record field takes codes "
                                 f"from a vocabulary `{name}`",
                                 "vocabularies: " + ", ".join(VOCABULARY_NAMES)))
            continue
        if isinstance(entry, dict):  # codes in groups
            grouped = {}
            for group, codes in entry.items():
                if not (isinstance(group, str) and _CODE.fullmatch(group)):
                    out.append(doc.error(path + (group,), "bad-format",
                                         f"`{group}` is not a valid group name",
                                         "lower case letters, digits and `_`"))
                grouped[group] = _codes(doc, path + (group,), codes, out)
            codes = tuple(c for cs in grouped.values() for c in cs)
            groups[name] = grouped
        else:
            codes = _codes(doc, path, entry, out)
        seen = set()
        for code in codes:
            if code in seen:
                where = next(p for p in _positions_of(doc, path, code))
                out.append(doc.error(where, "duplicate-code",
                                     f"code `{code}` appears twice in `{name}`"))
            seen.add(code)
        vocabularies[name] = tuple(dict.fromkeys(codes))
    for name in VOCABULARY_NAMES:
        if name not in vocabularies and name not in value:
            fields = ", ".join(f for f, v in CODED_FIELDS.items() if v == name)
            out.append(doc.error(("vocabularies",), "missing-vocabulary",
                                 f"the vocabulary `{name}` is missing (the record field "
                                 f"{fields} takes its codes)", f"add `{name}: [code, …]`"))
    return vocabularies, groups


def _codes(doc: YamlDocument, path: tuple, value, out: list) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        out.append(doc.error(path, "wrong-type", "must be a non-empty list of codes"))
        return ()
    for i, code in enumerate(value):
        if not (isinstance(code, str) and _CODE.fullmatch(code)):
            out.append(doc.error(path + (i,), "bad-format", f"`{code}` is not a valid code",
                                 "lower case letters, digits and `_`, starting with a letter"))
        elif code == NOT_STATED:
            out.append(doc.error(path + (i,), "reserved-code",
                                 f"`{NOT_STATED}` is reserved for what a source does not state"))
    return tuple(str(c) for c in value)


def _positions_of(doc: YamlDocument, path: tuple, code: str):
    """Field paths of the second and later occurrences of `code` under `path`."""
    found = []
    node = lookup(doc.data, path)
    items = [(path + (i,), v) for i, v in enumerate(node)] if isinstance(node, list) else \
        [(path + (g, i), v) for g, vs in node.items() if isinstance(vs, list)
         for i, v in enumerate(vs)]
    for where, value in items:
        if value == code:
            found.append(where)
    return found[1:] or found


def _count(doc: YamlDocument, path: tuple, value, out: list):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        out.append(doc.error(path, "wrong-type", f"`{value}` must be a whole number, 0 or more"))
        return None
    return value


def _rubric(doc: YamlDocument, out: list) -> Rubric | None:
    value = doc.data.get("rubric")
    if not isinstance(value, dict):
        out.append(doc.error(("rubric",), "missing-field",
                             "`rubric` must give its `scores`, `criteria` and `labels`"))
        return None
    ok = True
    scores = value.get("scores")
    if not (isinstance(scores, list) and len(scores) == 2
            and all(isinstance(s, int) and not isinstance(s, bool) for s in scores)
            and scores[0] < scores[1]):
        out.append(doc.error(("rubric", "scores"), "bad-format",
                             "`scores` must be the lowest and the highest score, e.g. [0, 3]"))
        ok, scores = False, [0, 1]
    criteria = value.get("criteria")
    if not isinstance(criteria, dict) or not criteria:
        out.append(doc.error(("rubric", "criteria"), "missing-field",
                             "`criteria` must map each criterion's code to its weight",
                             "e.g. `criteria: {C1: 1, C2: 2}`"))
        return None
    for code, weight in criteria.items():
        if not (isinstance(code, str) and _CRITERION.fullmatch(code)):
            out.append(doc.error(("rubric", "criteria", code), "bad-format",
                                 f"`{code}` is not a valid criterion code"))
            ok = False
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            out.append(doc.error(("rubric", "criteria", code), "bad-weight",
                                 f"the weight of `{code}` is `{weight}`; a weight is a whole "
                                 "number of 1 or more"))
            ok = False
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels:
        out.append(doc.error(("rubric", "labels"), "missing-field",
                             "`labels` must list the labels a practice can earn, the highest "
                             "first", "e.g. `- {label: best, share: 70}`"))
        return None
    parsed, seen, previous = [], set(), None
    for i, entry in enumerate(labels):
        path = ("rubric", "labels", i)
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str) \
                or not _CODE.fullmatch(entry["label"]):
            out.append(doc.error(path, "bad-format", "each label needs `label: code` and "
                                 "`share: percent`"))
            ok = False
            continue
        for key in entry:
            if key not in ("label", "share", "criteria", "min_score"):
                out.append(doc.error(path + (key,), "unknown-field", f"unknown field `{key}`",
                                     "known fields: label, share, criteria, min_score"))
                ok = False
        code = entry["label"]
        if code in seen:
            out.append(doc.error(path + ("label",), "duplicate-code",
                                 f"label `{code}` is listed twice"))
            ok = False
        seen.add(code)
        share = entry.get("share", 0)
        if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share <= 100:
            out.append(doc.error(path + ("share",), "bad-threshold",
                                 f"share `{share}` is not a percentage between 0 and 100"))
            ok, share = False, 0
        elif previous is not None and share > previous:
            out.append(doc.error(path + ("share",), "bad-threshold",
                                 f"share {share} % is above the label before it ({previous} %)",
                                 "list the labels from the highest"))
            ok = False
        previous = share
        named = entry.get("criteria") or []
        if not isinstance(named, list):
            out.append(doc.error(path + ("criteria",), "wrong-type", "must be a list"))
            ok, named = False, []
        for j, criterion in enumerate(named):
            if criterion not in criteria:
                out.append(doc.error(path + ("criteria", j), "unknown-criterion",
                                     f"`{criterion}` is not a criterion of the rubric",
                                     "criteria: " + ", ".join(map(str, criteria))))
                ok = False
        min_score = entry.get("min_score", scores[0])
        if not isinstance(min_score, int) or isinstance(min_score, bool) \
                or not scores[0] <= min_score <= scores[1]:
            out.append(doc.error(path + ("min_score",), "bad-threshold",
                                 f"min_score `{min_score}` is outside the scores "
                                 f"{scores[0]}–{scores[1]}"))
            ok, min_score = False, scores[0]
        parsed.append(Label(code, Fraction(str(share)) / 100, tuple(named), min_score))
    if parsed and parsed[-1].share != 0 or (parsed and parsed[-1].criteria):
        out.append(doc.error(("rubric", "labels", len(labels) - 1), "bad-threshold",
                             "the last label must be open to every practice",
                             "give it `share: 0` and no criteria"))
        ok = False
    if not ok:
        return None
    return Rubric(dict(criteria), scores[0], scores[1], tuple(parsed))


def missing_contract(root: Path) -> Diagnostic:
    return error(root / "contract.yaml", "no-contract", "contract.yaml is missing",
                 hint="every book declares its countries, vocabularies and rubric there; "
                      "`pipeline init` writes one to start from")
