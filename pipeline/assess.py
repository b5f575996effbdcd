"""Assessing practices against the rubric in spreadsheets: a scoring workbook per
assessor, read back into the records, with the consensus and the agreement between
assessors computed, never typed.

The consensus rule: for each criterion, the median of the assessors' scores; with an even
number of assessors, the lower of the two middle scores (a practice is not lifted by the
more generous half). Criteria where the assessors' scores differ by 2 points or more are
listed for a consensus meeting; a consensus reached there is entered as the scores of all
assessors. The agreement reported in the rubric annex: per criterion, the share of
practices where all assessors gave the same score and where they differ by at most one
point, and Krippendorff's alpha (ordinal) over every score given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .contract import Contract
from .diagnostics import Diagnostic, PipelineError, error, warning
from .i18n import Strings
from .load import BookSources
from .merge import CURRENT, field_prose, practice_lang

SCORES, ABOUT = "scores", "about"
UNDER_REVIEW = ("under_review",)
FIXED = ("id", "title", "summary")  # the columns before the criteria; "comment" after


def criterion_header(code: str, text: str) -> str:
    return f"{code} {text}"


def export_workbook(path: Path, sources: BookSources, assessor: str, country: str,
                    lang: str, strings: Strings) -> int:
    """A scoring workbook for one assessor: a row per practice under review (id, title and
    summary in the assessor's language where translated), a column per criterion limited
    to the rubric's scores, a comment column. Returns the number of practices."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from .files import atomic_path
    contract = sources.contract
    rubric = contract.rubric
    records = [d.data for d in sources.practices if isinstance(d.data, dict)
               and (d.data.get("editorial") or {}).get("status") in UNDER_REVIEW]
    if not records:
        raise PipelineError(error(sources.root / "practices", "nothing-to-assess",
                                  "no practice is under review",
                                  hint="set `editorial.status: under_review` on the records "
                                       "to assess"))
    wb = Workbook()
    sheet = wb.active
    sheet.title = SCORES
    criteria = list(rubric.criteria)
    header = [strings("fields.id"), strings("form.title"), strings("form.summary")]
    header += [criterion_header(c, strings(f"rubric.{c}")) for c in criteria]
    header += [strings("assess.comment")]
    sheet.append(header)
    for record in sorted(records, key=lambda r: r["id"]):
        sheet.append([record["id"], _in(sources, record, "title", lang),
                      _in(sources, record, "summary", lang), *[None] * len(criteria), None])
    last = sheet.max_row
    rule = DataValidation(type="whole", operator="between", formula1=str(rubric.low),
                          formula2=str(rubric.high), allow_blank=True, showErrorMessage=True,
                          errorTitle=strings("assess.score"),
                          error=strings("assess.range", low=rubric.low, high=rubric.high))
    sheet.add_data_validation(rule)
    first = len(FIXED) + 1
    from openpyxl.utils import get_column_letter
    rule.add(f"{get_column_letter(first)}2:{get_column_letter(first + len(criteria) - 1)}{last}")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "D2"
    for column, width in (("A", 10), ("B", 40), ("C", 60)):
        sheet.column_dimensions[column].width = width
    about = wb.create_sheet(ABOUT)
    for key, value in (("assessor", assessor), ("country", country), ("language", lang),
                       ("book", sources.book_data.get("slug", "")),
                       ("criteria", " ".join(criteria)),
                       ("scores", f"{rubric.low}-{rubric.high}")):
        about.append([key, value])
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return len(records)


def _in(sources: BookSources, record: dict, name: str, lang: str) -> str:
    """A field in `lang` where a current translation exists, else in its own language."""
    text = record.get(name, "")
    prose, _ = field_prose(sources, lang, record["id"], name, text,
                           practice_lang(record, sources.book_data))
    return " ".join((prose.text if prose.state == CURRENT or prose.lang == lang
                     else text).split())


# --------------------------------------------------------------------------- import

@dataclass
class Sheet:
    assessor: str
    country: str
    scores: dict[str, dict[str, int]] = field(default_factory=dict)   # id -> criterion -> score
    comments: dict[str, str] = field(default_factory=dict)


@dataclass
class Assessed:
    written: list[Path]
    disagreements: list[str]     # "PL-004 C3: 1, 3"
    waiting: list[str]           # practices short of the assessor rules
    problems: list[Diagnostic]


def read_workbook(path: Path, contract: Contract, known: set[str]) -> tuple[Sheet | None, list]:
    """One assessor's scores, and every problem with its cell."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        wb = load_workbook(path, data_only=False)  # formulas as written, never evaluated
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        return None, [error(path, "not-a-workbook",
                            f"cannot read it as an XLSX workbook ({type(exc).__name__})",
                            hint="return the workbook `pipeline assess export` wrote")]
    if SCORES not in wb.sheetnames or ABOUT not in wb.sheetnames:
        return None, [error(path, "not-a-scoring-workbook",
                            f"the workbook lacks the sheets `{SCORES}` and `{ABOUT}`",
                            hint="return the workbook `pipeline assess export` wrote")]
    about = {str(r[0].value): r[1].value for r in wb[ABOUT].iter_rows() if len(r) > 1}
    criteria = list(contract.rubric.criteria)
    problems = []
    if str(about.get("criteria", "")).split() != criteria:
        problems.append(error(f"{path}:{ABOUT}!B5", "other-rubric",
                              "the workbook was made for other criteria: "
                              f"{about.get('criteria')}", hint="export a new one"))
        return None, problems
    sheet_data = Sheet(str(about.get("assessor") or "").strip(),
                       str(about.get("country") or "").strip())
    if not sheet_data.assessor or not re.fullmatch(r"[A-Z]{2}", sheet_data.country):
        problems.append(error(f"{path}:{ABOUT}!B1", "no-assessor",
                              "the assessor's name or country is missing",
                              hint="export the workbook again with --assessor and --country"))
    sheet = wb[SCORES]
    rows = list(sheet.iter_rows())
    header = [str(c.value or "") for c in rows[0]] if rows else []
    expected = len(FIXED) + len(criteria) + 1
    if len(header) < expected or [h.split(" ", 1)[0] for h in
                                   header[len(FIXED):len(FIXED) + len(criteria)]] != criteria:
        problems.append(error(f"{path}:{SCORES}!A1", "not-a-scoring-workbook",
                              "the columns are not those of the scoring workbook "
                              "(id, title, summary, " + ", ".join(criteria) + ", comment)"))
        return None, problems
    low, high = contract.rubric.low, contract.rubric.high
    seen: set[str] = set()
    for cells in rows[1:]:
        pid_cell = cells[0]
        pid = str(pid_cell.value or "").strip()
        if not pid:
            continue
        where = f"{path}:{SCORES}!"
        if pid not in known:
            problems.append(error(where + pid_cell.coordinate, "unknown-practice",
                                  f"`{pid}` is no practice record"))
            continue
        if pid in seen:
            problems.append(error(where + pid_cell.coordinate, "duplicate-practice",
                                  f"`{pid}` is scored twice in this workbook"))
            continue
        seen.add(pid)
        scores = {}
        for i, code in enumerate(criteria):
            cell = cells[len(FIXED) + i]
            value = cell.value
            ref = where + f"{get_column_letter(len(FIXED) + i + 1)}{cell.row}"
            if getattr(cell, "data_type", "") == "f" or (isinstance(value, str)
                                                          and value.startswith("=")):
                problems.append(error(ref, "formula", f"{code}: a formula, not a score",
                                      hint="type the score itself"))
            elif value is None or value == "":
                continue
            elif isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or (isinstance(value, float) and not value.is_integer()):
                problems.append(error(ref, "not-a-score", f"{code}: `{value}` is not a whole "
                                      f"number from {low} to {high}"))
            elif not low <= int(value) <= high:
                problems.append(error(ref, "score-range", f"{code}: {int(value)} is outside "
                                      f"{low}–{high}"))
            else:
                scores[code] = int(value)
        if scores and len(scores) < len(criteria):
            missing = [c for c in criteria if c not in scores]
            problems.append(error(where + pid_cell.coordinate, "incomplete-scores",
                                  f"`{pid}` lacks scores for " + ", ".join(missing)))
        if len(scores) == len(criteria):
            sheet_data.scores[pid] = scores
        comment = cells[expected - 1].value if len(cells) >= expected else None
        if comment:
            sheet_data.comments[pid] = str(comment)
    if not sheet_data.scores and not problems:
        problems.append(error(f"{path}:{SCORES}!A2", "no-scores",
                              "the workbook holds no scores"))
    return sheet_data, problems


def consensus(scores: list[dict[str, int]], criteria) -> dict[str, int]:
    """The median of each criterion's scores; of two middle ones, the lower."""
    out = {}
    for code in criteria:
        values = sorted(s[code] for s in scores)
        out[code] = values[(len(values) - 1) // 2]
    return out


def import_workbooks(sources: BookSources, paths: list[Path]) -> Assessed:
    """Record each assessor's scores in the records, then the consensus where the
    contract's assessor rules are met. Nothing is written while a workbook has a
    problem."""
    from .files import write_atomic
    contract = sources.contract
    docs = {d.data["id"]: d for d in sources.practices
            if isinstance(d.data, dict) and isinstance(d.data.get("id"), str)}
    problems: list[Diagnostic] = []
    sheets = []
    for path in paths:
        sheet, found = read_workbook(Path(path), contract, set(docs))
        problems += found
        if sheet:
            sheets.append(sheet)
    if problems:
        return Assessed([], [], [], problems)
    given: dict[str, dict[str, tuple[str, dict]]] = {}  # id -> assessor -> (country, scores)
    for pid, doc in docs.items():
        for a in (doc.data.get("assessment") or {}).get("assessors") or []:
            if isinstance(a, dict) and isinstance(a.get("scores"), dict):
                given.setdefault(pid, {})[a["name"]] = (a["country"], a["scores"])
    touched = set()
    for sheet in sheets:
        for pid, scores in sheet.scores.items():
            given.setdefault(pid, {})[sheet.assessor] = (sheet.country, scores)
            touched.add(pid)
    written, disagreements, waiting = [], [], []
    criteria = list(contract.rubric.criteria)
    for pid in sorted(touched):
        doc = docs[pid]
        record = doc.data
        assessors = given[pid]
        entries = [{"name": name, "country": c, "scores": s} for name, (c, s) in assessors.items()]
        others = sum(c != record.get("country") for c, _ in assessors.values())
        assessment = {"assessors": entries}
        if len(entries) >= contract.assessors_minimum and \
                others >= contract.assessors_from_other_country:
            assessment["scores"] = consensus([s for _, s in assessors.values()], criteria)
        else:
            waiting.append(f"{pid}: {len(entries)} assessor(s), {others} from another country; "
                           f"{contract.path.name} asks for {contract.assessors_minimum}, "
                           f"{contract.assessors_from_other_country} from another country")
            old = (record.get("assessment") or {}).get("scores")
            if old:
                assessment["scores"] = old
        for code in criteria:
            values = [s[code] for _, s in assessors.values()]
            if max(values) - min(values) >= 2:
                disagreements.append(f"{pid} {code}: " + ", ".join(
                    f"{name} {s[code]}" for name, (_, s) in assessors.items()))
        write_atomic(doc.path, with_assessment(doc.path.read_text(encoding="utf-8"),
                                               assessment))
        written.append(doc.path)
    return Assessed(written, disagreements, waiting, [])


def with_assessment(text: str, assessment: dict) -> str:
    """A record file's text with its `assessment:` block replaced (or added before
    `editorial:`); the rest of the file, comments included, is left as it is."""
    lines = text.split("\n")
    block = ["assessment:", "  assessors:"]
    for a in assessment["assessors"]:
        block.append(f"    - name: {_quoted(a['name'])}")
        block.append(f"      country: {a['country']}")
        block.append("      scores: {" + ", ".join(f"{k}: {v}" for k, v in a["scores"].items())
                     + "}")
    if "scores" in assessment:
        block.append("  scores: {" + ", ".join(f"{k}: {v}"
                                               for k, v in assessment["scores"].items()) + "}")
    top = [i for i, line in enumerate(lines) if re.match(r"^[A-Za-z_]+:", line)]
    start = next((i for i in top if lines[i].startswith("assessment:")), None)
    if start is not None:
        end = next((i for i in top if i > start), len(lines))
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        return "\n".join(lines[:start] + block + lines[end:])
    at = next((i for i in top if lines[i].startswith("editorial:")), len(lines))
    return "\n".join(lines[:at] + block + lines[at:])


def _quoted(text: str) -> str:
    import json
    return json.dumps(text, ensure_ascii=False)


# --------------------------------------------------------------------------- agreement

@dataclass(frozen=True)
class Agreement:
    practices: int                       # practices scored by two or more assessors
    exact: dict[str, float]              # criterion -> share where all gave the same score
    within_one: dict[str, float]         # criterion -> share where they differ by ≤ 1
    alpha: float | None                  # Krippendorff's alpha, ordinal, over all scores


def agreement(records: list[dict], contract: Contract) -> Agreement | None:
    """How far the assessors agreed, from the records that keep each assessor's scores;
    None when no practice has two assessors' scores."""
    import math

    import krippendorff
    criteria = list(contract.rubric.criteria)
    scored = []
    for r in records:
        sets = [a for a in (r.get("assessment") or {}).get("assessors") or []
                if isinstance(a, dict) and isinstance(a.get("scores"), dict)]
        if len(sets) >= 2:
            scored.append(sets)
    if not scored:
        return None
    exact, within = {}, {}
    for code in criteria:
        spreads = [max(a["scores"][code] for a in sets) - min(a["scores"][code] for a in sets)
                   for sets in scored]
        exact[code] = sum(s == 0 for s in spreads) / len(spreads)
        within[code] = sum(s <= 1 for s in spreads) / len(spreads)
    raters = sorted({a["name"] for sets in scored for a in sets})
    units = [(i, code) for i in range(len(scored)) for code in criteria]
    data = [[next((a["scores"][code] for a in scored[i] if a["name"] == rater), math.nan)
             for i, code in units] for rater in raters]
    try:
        values = list(range(contract.rubric.low, contract.rubric.high + 1))
        alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                                         value_domain=values))
    except (ValueError, ZeroDivisionError):  # one value only: agreement is not defined
        alpha = None
    if alpha is not None and math.isnan(alpha):
        alpha = None
    return Agreement(len(scored), exact, within, alpha)


def report(result: Assessed) -> list[Diagnostic]:
    return result.problems + [warning(w.split(":", 1)[0], "waiting", w.split(": ", 1)[1])
                              for w in result.waiting]
