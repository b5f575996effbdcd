"""Collecting practices where the work happens: an XLSForm generated from the book's
contract (for KoboToolbox, ODK Collect, Enketo), and the import of what those tools
export (XLSX with a sheet per repeat group, or CSV) as draft records.

The form asks every question a contributor can answer, with the contract's codes as
choices labelled in each language; the import checks each submission against the same
contract, reports every problem as `FILE:SHEET!CELL`, and writes nothing while one
remains (unless asked to import the good rows). A submission's uuid is kept in the
record (`provenance.submission`), so importing an export again adds only what is new.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .book import Book
from .contract import NOT_STATED, Contract
from .diagnostics import Diagnostic, PipelineError, error, warning
from .i18n import Strings, country_name, language_name
from .load import BookSources

MAIN_SHEET = "practices"
ACTORS = "actors"
# Hints from the record's description, in English (docs/contract.md says more); the
# hint columns of the other languages stay empty.
HINTS = {
    "title": "3–120 characters, one line.",
    "summary": "30–700 characters; plain sentences.",
    "contributors": "Organisations that described the practice.",
    "targets": "The councils, offices or officials the advocacy addressed.",
    "reach_people": "How many people the practice reached, if the sources say.",
}
PROSE = ("context", "objectives", "activities", "results", "lessons", "transferability")


@dataclass(frozen=True)
class Question:
    type: str
    name: str
    label: str                 # interface string key, or "" for none
    required: str = ""         # "yes", an XPath expression, or ""
    constraint: str = ""
    message: str = ""          # interface string key of the constraint message
    relevant: str = ""
    appearance: str = ""


def questions(contract: Contract, book: Book) -> list[Question]:
    """The form's questions, in order, from the contract (and the book's workshops)."""
    optional = set(contract.may_be_not_stated)
    ends = " or ".join(f"${{status}} = '{s}'" for s in contract.end_if_status)
    workshop_methods = " or ".join(f"${{method}} = '{m}'" for m in contract.workshop_methods)
    has_workshops = bool(book.data.get("workshops"))
    advocacy = "" if "advocacy" in optional else "yes"
    out = [
        Question("select_one country", "country", "form.country", "yes"),
        Question("text", "title", "form.title", "yes",
                 "string-length(.) >= 3 and string-length(.) <= 120"),
        Question("text", "summary", "form.summary", "yes",
                 "string-length(.) >= 30 and string-length(.) <= 700", appearance="multiline"),
        Question("text", "locality", "form.locality", "yes"),
        Question("select_one scale", "scale", "form.scale", "yes"),
        Question("date", "period_start", "form.period_start", "yes", appearance="month-year"),
        Question("select_one status", "status", "form.status", "yes"),
        Question("date", "period_end", "form.period_end", ends, ". >= ${period_start}",
                 "form.end_after_start", appearance="month-year"),
        Question("select_one method", "method", "form.method", "yes"),
    ]
    if has_workshops and workshop_methods:
        out.append(Question("select_one workshop", "workshop", "form.workshop", "yes",
                            relevant=workshop_methods))
    out += [
        Question("date", "collected", "form.collected", "yes"),
        Question("text", "contributors", "form.contributors", appearance="multiline"),
        Question("begin_repeat", ACTORS, "form.actors"),
        Question("text", "actor_name", "form.actor_name", "yes"),
        Question("select_one actor_type", "actor_type", "form.actor_type", "yes"),
        Question("select_one actor_role", "actor_role", "form.actor_role", "yes"),
        Question("end_repeat", "", ""),
        Question("select_multiple partnership_form", "forms", "form.forms", "yes"),
        Question("select_one yes_no", "formalised", "form.formalised", "yes"),
        Question("select_one instrument", "instrument", "form.instrument", "yes",
                 relevant="${formalised} = 'yes'"),
        Question("select_one initiated_by", "initiated_by", "form.initiated_by", "yes"),
        Question("select_multiple advocacy_activity", "activities_adv", "form.activities_adv",
                 advocacy),
        Question("text", "targets", "form.targets", advocacy, appearance="multiline"),
        Question("text", "ask", "form.ask", advocacy),
        Question("text", "outcome", "form.outcome", advocacy),
        Question("select_one outcome_level", "outcome_level", "form.outcome_level", advocacy),
        Question("select_multiple theme", "themes", "form.themes", "yes",
                 "count-selected(.) <= 4", "form.too_many_themes"),
        Question("select_multiple target_group", "target_groups", "form.target_groups", "yes"),
        Question("select_one participation", "participation", "form.participation", "yes"),
        Question("integer", "reach_people", "form.reach_people", "", ". >= 0",
                 "form.not_negative"),
        Question("text", "reach_note", "form.reach_note"),
        Question("decimal", "budget_amount", "form.budget_amount", "", ". >= 0",
                 "form.not_negative"),
        Question("text", "budget_currency", "form.budget_currency", "",
                 "regex(., '^[A-Z]{3}$')", "form.currency_format",
                 relevant="${budget_amount} != ''"),
    ]
    for name in PROSE:
        needed = "yes" if name in ("context", "objectives", "activities") else ""
        out.append(Question("text", name, f"form.{name}", needed, appearance="multiline"))
    return out


def choices(contract: Contract, book: Book, langs: list[str],
            strings: dict[str, Strings]) -> list[tuple[str, str, dict[str, str]]]:
    """(list name, code, {lang: label}) of every choice list of the form."""
    out = [("country", c, {lang: country_name(c, lang) for lang in langs})
           for c in contract.countries]
    for w in book.data.get("workshops") or []:
        out.append(("workshop", w["id"], {lang: f"{w['city']}, {w['start']}" for lang in langs}))
    out += [("yes_no", code, {lang: strings[lang](f"form.{code}") for lang in langs})
            for code in ("yes", "no")]
    for name, codes in contract.vocabularies.items():
        extra = (NOT_STATED,) if name == "participation" and \
            "participation" in contract.may_be_not_stated else ()
        out += [(name, code, {lang: strings[lang].label(name, code) for lang in langs})
                for code in (*codes, *extra)]
    return out


def write_form(path: Path, contract: Contract, book: Book, langs: list[str],
               strings: dict[str, Strings]) -> Path:
    """The XLSForm (survey, choices, settings) as an .xlsx workbook."""
    from openpyxl import Workbook

    from .files import atomic_path
    columns = {lang: f"{language_name(lang)} ({lang})" for lang in langs}
    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    header = ["type", "name", *[f"label::{columns[lang]}" for lang in langs]]
    header += [f"hint::{columns[lang]}" for lang in langs]
    header += ["required", "constraint", *[f"constraint_message::{columns[lang]}"
                                           for lang in langs], "relevant", "appearance"]
    survey.append(header)
    for q in questions(contract, book):
        row = [q.type, q.name, *[strings[lang](q.label) if q.label else "" for lang in langs]]
        row += [HINTS.get(q.name, "") if lang == "en" else "" for lang in langs]
        row += [q.required, q.constraint,
                *[strings[lang](q.message) if q.message else "" for lang in langs],
                q.relevant, q.appearance]
        survey.append(row)
    sheet = wb.create_sheet("choices")
    sheet.append(["list_name", "name", *[f"label::{columns[lang]}" for lang in langs]])
    for list_name, code, labels in choices(contract, book, langs, strings):
        sheet.append([list_name, code, *[labels[lang] for lang in langs]])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([f"{strings[langs[0]]('form.form_title')}: {book.data.get('title', '')}",
                     f"{book.slug}-practice", book.version.replace(".", "") or "1",
                     columns[langs[0]]])
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


# --------------------------------------------------------------------------- import

@dataclass
class Cell:
    value: object
    where: str      # FILE:SHEET!A1


@dataclass
class Submission:
    row: dict[str, Cell]
    actors: list[dict[str, Cell]] = field(default_factory=list)
    where: str = ""


@dataclass
class Imported:
    written: list[Path]
    skipped: list[str]         # why a submission was not imported again
    problems: list[Diagnostic]


def read_export(path: Path) -> list[Submission]:
    """The submissions of a KoboToolbox or ODK export: an XLSX workbook (the first sheet
    holds the submissions, the sheet `actors` the repeat group, linked by `_index` and
    `_parent_index`), or a CSV file (with the repeat group in `<name>-actors.csv`, if
    any)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        main = _csv_rows(path)
        repeat = path.with_name(f"{path.stem}-{ACTORS}.csv")
        actors = _csv_rows(repeat) if repeat.exists() else []
    else:
        main, actors = _xlsx_rows(path)
    if not main:
        raise PipelineError(error(path, "empty-export", "the export holds no submissions",
                                  hint="export the form's data from KoboToolbox or ODK again"))
    by_parent: dict[str, list] = {}
    for row in actors:
        parent = _text(row.get("_parent_index")) or _text(row.get("_submission__uuid"))
        by_parent.setdefault(parent, []).append(row)
    out = []
    for row in main:
        key = _text(row.get("_index")) or _text(row.get("_uuid"))
        out.append(Submission(row, by_parent.get(key, []),
                              next(iter(row.values())).where.rsplit("!", 1)[0]))
    return out


def _xlsx_rows(path: Path):
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        # Formulas are read as written, never evaluated (and refused below).
        wb = load_workbook(path, data_only=False, read_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise PipelineError(error(path, "not-a-workbook",
                                  f"cannot read it as an XLSX workbook ({type(exc).__name__})",
                                  hint="export the data as XLSX (or CSV) from KoboToolbox "
                                       "or ODK Central")) from None
    sheets = wb.sheetnames
    main = _sheet_rows(path, wb[sheets[0]])
    actors = _sheet_rows(path, wb[ACTORS]) if ACTORS in sheets else []
    return main, actors


def _sheet_rows(path: Path, sheet) -> list[dict[str, Cell]]:
    from openpyxl.utils import get_column_letter
    rows = list(sheet.iter_rows())
    if not rows:
        return []
    header = [str(c.value).strip() if c.value is not None else "" for c in rows[0]]
    out = []
    for cells in rows[1:]:
        if all(c.value in (None, "") for c in cells):
            continue
        row = {}
        for i, cell in enumerate(cells):
            if i < len(header) and header[i]:
                ref = f"{get_column_letter(i + 1)}{cell.row}"
                value = cell.value
                if getattr(cell, "data_type", "") == "f" or (isinstance(value, str)
                                                              and value.startswith("=")):
                    value = _Formula(str(value))
                row[_column(header[i])] = Cell(value, f"{path}:{sheet.title}!{ref}")
        out.append(row)
    return out


def _csv_rows(path: Path) -> list[dict[str, Cell]]:
    from openpyxl.utils import get_column_letter
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineError(error(path, "unreadable", f"cannot read the CSV file: {exc}"))
    if not rows:
        return []
    header = [_column(h.strip()) for h in rows[0]]
    out = []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        out.append({header[i]: Cell(value, f"{path}:{path.stem}!{get_column_letter(i + 1)}{n}")
                    for i, value in enumerate(cells) if i < len(header) and header[i]})
    return out


class _Formula(str):
    """A cell holding a formula: its text, never its (possibly stale) value."""


def _column(name: str) -> str:
    """`group/question` → `question` (Kobo's headers may carry the group path)."""
    return name.rsplit("/", 1)[-1]


def _text(cell) -> str:
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_submissions(sources: BookSources, book: Book, path: Path, *, partial: bool = False,
                       lang: str | None = None) -> Imported:
    """Draft records from an export. Nothing is written while any submission has a
    problem, unless `partial` (then the good ones are, and the others listed)."""
    from .files import write_atomic
    from .schema import practice_schema
    from .validate import check_schema
    from .yamldoc import YamlDocument

    contract = sources.contract
    submissions = read_export(path)
    known = {}
    for doc in sources.practices:
        uuid = (doc.data.get("provenance") or {}).get("submission") \
            if isinstance(doc.data, dict) else None
        if isinstance(uuid, str):
            known[uuid] = doc.path.stem
    used = {doc.path.stem for doc in sources.practices}
    problems: list[Diagnostic] = []
    drafts: list[tuple[str, dict]] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    schema = practice_schema(contract)
    columns = set(submissions[0].row)
    missing = sorted({"country", "title", "summary", "status"} - columns)
    if not {"_uuid", "instanceID"} & columns:
        missing.append("_uuid")
    if missing:
        raise PipelineError(error(submissions[0].where, "not-the-form",
                                  "the sheet lacks the form's columns: " + ", ".join(missing),
                                  hint="export the data of the form `pipeline form` wrote, "
                                       "with XML values and headers and the metadata"))
    for sub in submissions:
        found: list[Diagnostic] = []
        uuid = _text(sub.row.get("_uuid")) or _text(sub.row.get("instanceID")).removeprefix("uuid:")
        first = next(iter(sub.row.values())).where
        if not uuid:
            problems.append(error(first, "no-uuid", "the submission has no `_uuid`",
                                  hint="export with the submission's metadata"))
            continue
        if uuid in seen:
            problems.append(error(first, "duplicate-submission",
                                  f"submission {uuid} appears twice (first at {seen[uuid]})"))
            continue
        seen[uuid] = first
        if uuid in known:
            skipped.append(f"{uuid}: already imported as {known[uuid]} (never overwritten)")
            continue
        record = _record(sub, contract, uuid, found, book)
        if lang and lang != book.source_language:
            record = {"lang": lang, **record}
        country = record.get("country")
        if not found and isinstance(country, str):
            pid = contract.next_id(country, used)
            used.add(pid)
            record = {"id": pid, **record}
            doc = YamlDocument(Path(f"{pid}.yaml"), record)
            for d in check_schema(doc, schema, allowed_from=contract.path.name):
                cell = _cell_of(sub, d.field)
                found.append(error(cell, d.code, f"{d.field}: {d.message}", hint=d.hint))
        if found:
            problems += found
        else:
            drafts.append((record["id"], record))
    written: list[Path] = []
    if problems and not partial:
        return Imported([], skipped, problems)
    for pid, record in drafts:
        target = sources.root / "practices" / f"{pid}.yaml"
        write_atomic(target, draft_yaml(record))
        written.append(target)
    return Imported(written, skipped, problems)


FIELD_COLUMN = {"scale": "scale", "status": "status", "period.start": "period_start",
                "period.end": "period_end", "provenance.method": "method",
                "provenance.workshop": "workshop", "provenance.collected": "collected",
                "partnership.forms": "forms", "partnership.instrument": "instrument",
                "partnership.initiated_by": "initiated_by",
                "advocacy.activities": "activities_adv", "advocacy.targets": "targets",
                "advocacy.ask": "ask", "advocacy.outcome": "outcome",
                "advocacy.outcome_level": "outcome_level", "reach.people": "reach_people",
                "reach.note": "reach_note", "resources.budget.amount": "budget_amount",
                "resources.budget.currency": "budget_currency"}


def _cell_of(sub: Submission, path: str) -> str:
    """The cell a record field came from (`actors[1].type` → the repeat sheet's cell)."""
    m = re.match(r"actors\[(\d+)\]\.(\w+)", path)
    if m and int(m.group(1)) < len(sub.actors):
        cell = sub.actors[int(m.group(1))].get(f"actor_{m.group(2)}")
        if cell:
            return cell.where
    key = FIELD_COLUMN.get(re.sub(r"\[\d+\]$", "", path), path.split(".")[0].split("[")[0])
    cell = sub.row.get(key)
    return cell.where if cell else sub.where


def _record(sub: Submission, contract: Contract, uuid: str, found: list, book: Book) -> dict:
    row = sub.row

    def value(name: str) -> str:
        cell = row.get(name)
        if cell is not None and isinstance(cell.value, _Formula):
            found.append(error(cell.where, "formula", f"`{name}` holds a formula "
                               f"({str(cell.value)[:40]}), not a value",
                               hint="paste the values only"))
            return ""
        return _text(cell)

    def code(name: str, vocabulary: str, required: bool = True) -> str | None:
        text = value(name)
        allowed = contract.vocabularies[vocabulary] if vocabulary != "country" \
            else contract.countries
        if not text:
            if required:
                where = row[name].where if name in row else sub.where
                found.append(error(where, "missing-answer", f"`{name}` is not answered"))
            return None
        if text not in allowed and not (text == NOT_STATED and vocabulary in
                                        contract.may_be_not_stated):
            found.append(error(row[name].where, "unknown-code",
                               f"`{text}` is not a code of `{vocabulary}` in "
                               f"{contract.path.name}",
                               hint="allowed: " + ", ".join(allowed)))
        return text

    def codes(name: str, vocabulary: str, required: bool = True) -> list[str]:
        text = value(name)
        if not text:
            if required:
                found.append(error(row[name].where if name in row else sub.where,
                                   "missing-answer", f"`{name}` is not answered"))
            return []
        out = text.split()
        for c in out:
            if c not in contract.vocabularies[vocabulary]:
                found.append(error(row[name].where, "unknown-code",
                                   f"`{c}` is not a code of `{vocabulary}` in "
                                   f"{contract.path.name}",
                                   hint="allowed: " + ", ".join(contract.vocabularies[vocabulary])))
        return out

    def date(name: str, month: bool) -> str | None:
        cell = row.get(name)
        raw = cell.value if cell is not None else None
        if raw in (None, ""):
            return None
        if isinstance(raw, (dt.date, dt.datetime)):
            text = raw.strftime("%Y-%m-%d")
        else:
            text = _text(cell)[:10]
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?", text):
            found.append(error(cell.where, "bad-date", f"`{_text(cell)}` is not a date",
                               hint="YYYY-MM-DD"))
            return None
        return text[:7] if month else text

    def lines(name: str) -> list[str]:
        return [x.strip() for x in re.split(r"[\n;]", value(name)) if x.strip()]

    def number(name: str, kind=int):
        text = value(name)
        if not text:
            return None
        try:
            result = kind(float(text)) if kind is int and float(text).is_integer() else kind(text)
        except ValueError:
            found.append(error(row[name].where, "not-a-number", f"`{text}` is not a number"))
            return None
        if result < 0:
            found.append(error(row[name].where, "range", f"{result} is negative"))
        return result

    record: dict = {"title": value("title"), "summary": " ".join(value("summary").split()),
                    "country": code("country", "country"), "locality": value("locality"),
                    "scale": code("scale", "scale")}
    period = {"start": date("period_start", True)}
    end = date("period_end", True)
    if end:
        period["end"] = end
    record["period"] = period
    record["status"] = code("status", "status")
    provenance = {"method": code("method", "method"), "collected": date("collected", False),
                  "submission": uuid}
    if value("workshop"):
        provenance["workshop"] = value("workshop")
    if lines("contributors"):
        provenance["contributors"] = lines("contributors")
    record["provenance"] = provenance
    actors = []
    for actor in sub.actors:
        saved, row = row, actor  # the same readers, on the repeat sheet's row
        actors.append({"name": value("actor_name"), "type": code("actor_type", "actor_type"),
                       "role": code("actor_role", "actor_role")})
        row = saved
    record["actors"] = actors
    formalised = value("formalised") == "yes"
    partnership = {"forms": codes("forms", "partnership_form"), "formalised": formalised}
    if formalised:
        partnership["instrument"] = code("instrument", "instrument")
    partnership["initiated_by"] = code("initiated_by", "initiated_by")
    record["partnership"] = partnership
    optional = "advocacy" in contract.may_be_not_stated
    if optional and not any(value(n) for n in ("activities_adv", "targets", "ask", "outcome",
                                                "outcome_level")):
        record["advocacy"] = NOT_STATED
    else:
        record["advocacy"] = {"activities": codes("activities_adv", "advocacy_activity"),
                              "targets": lines("targets"), "ask": value("ask"),
                              "outcome": value("outcome"),
                              "outcome_level": code("outcome_level", "outcome_level")}
    record["themes"] = codes("themes", "theme")
    record["target_groups"] = codes("target_groups", "target_group")
    record["participation"] = code("participation", "participation")
    reach = {}
    if number("reach_people") is not None:
        reach["people"] = number("reach_people")
    if value("reach_note"):
        reach["note"] = value("reach_note")
    if reach:
        record["reach"] = reach
    amount = number("budget_amount", float)
    if amount is not None:
        record["resources"] = {"budget": {"amount": int(amount) if amount.is_integer() else amount,
                                          "currency": value("budget_currency")}}
    for name in PROSE:
        if value(name):
            record[name] = value(name).replace("\r\n", "\n").strip() + "\n"
    record["editorial"] = {"status": "draft", "consent": False}
    return {k: v for k, v in record.items() if v is not None}


def draft_yaml(record: dict) -> str:
    import yaml

    from .translate import _Dumper
    body = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)
    return (f"# Practice {record['id']}, imported from a form submission "
            f"({record['provenance']['submission']}).\n# A draft: check it, then set "
            "`editorial.status` and `editorial.consent`.\n" + body)


def report_lines(result: Imported) -> list[Diagnostic]:
    return result.problems + [warning(s.split(":", 1)[0], "skipped", s.split(": ", 1)[1])
                              for s in result.skipped]
