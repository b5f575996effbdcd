"""Collecting and assessing practices in the tools of the field: the XLSForm from the
contract, the import of what KoboToolbox/ODK export, and the assessors' scoring
workbooks, with the consensus and the agreement computed."""

from __future__ import annotations

import re

import openpyxl
import pytest
import yaml

from conftest import TEMPLATES, run_cli
from pipeline.load import load_sources


def form_of(book, tmp_path, *langs):
    path = tmp_path / "form.xlsx"
    args = ["--langs", ",".join(langs)] if langs else []
    run_cli("form", "--sources", book, "-o", path, *args, check=True)
    return openpyxl.load_workbook(path)


def test_the_form_converts_to_an_xform_with_labels_in_each_language(mini_book, tmp_path):
    from pyxform.xls2xform import convert
    wb = form_of(mini_book, tmp_path)
    header = [c.value for c in wb["survey"][1]]
    assert "label::English (en)" in header and "label::Українська (uk)" in header
    result = convert(xlsform=str(tmp_path / "form.xlsx"))
    assert result.warnings == []
    xform = result.xform
    assert '<group ref="/data/actors">' in xform or "/actors" in xform  # the repeat group
    assert "count-selected( . ) &lt;= 4" in xform or "count-selected(.) &lt;= 4" in xform
    choices = {(r[0], r[1]): r[2:] for r in wb["choices"].iter_rows(min_row=2, values_only=True)}
    assert choices[("theme", "housing")] == ("housing", "житло")
    assert choices[("country", "CZ")] == ("Czechia", "Чехія")  # country names from CLDR
    constraints = {r[1]: r for r in wb["survey"].iter_rows(min_row=2, values_only=True)}
    assert ". >= ${period_start}" in constraints["period_end"]
    assert "${status} = 'completed'" in constraints["period_end"]  # required when completed


def answers(wb) -> tuple[dict, dict]:
    """A submission answering every question of the form with its first choice, as a
    contributor would: the main sheet's values and one actor per group."""
    survey = list(wb["survey"].iter_rows(min_row=2, values_only=True))
    choices = {}
    for row in wb["choices"].iter_rows(min_row=2, values_only=True):
        choices.setdefault(row[0], []).append(row[1])
    main = {}
    for kind, name, *_ in survey:
        if not name or kind.startswith(("begin", "end")) or name.startswith("actor_"):
            continue
        if kind.startswith("select_one"):
            main[name] = choices[kind.split()[1]][0]
        elif kind.startswith("select_multiple"):
            main[name] = choices[kind.split()[1]][0]
        elif kind == "date":
            main[name] = "2023-05-01"
        elif kind in ("integer", "decimal"):
            main[name] = 120
        else:
            main[name] = f"An answer to {name} written in the field."
    main.update(status="completed", period_end="2024-02-01", formalised="no", method="interview",
                budget_currency="EUR", summary="The town hall and a migrant association ran "
                "a language café together for newcomers.")
    main.pop("workshop", None)
    return main, {"civil": ("Spolek Nový domov", "ngo", "lead"),
                  "authority": ("Město Brno", "municipality", "partner")}


def write_export(path, main_rows: list[dict], actors: list[list[tuple]], uuids: list[str]):
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Practice record"
    columns = list(main_rows[0]) + ["_id", "_uuid", "_submission_time", "_index"]
    sheet.append(columns)
    for i, (row, uuid) in enumerate(zip(main_rows, uuids), start=1):
        sheet.append([row.get(c) for c in main_rows[0]] + [i, uuid, "2024-09-26T10:00:00", i])
    repeat = wb.create_sheet("actors")
    repeat.append(["actor_name", "actor_type", "actor_role", "_index", "_parent_index",
                   "_parent_table_name", "_submission__uuid"])
    n = 0
    for i, (group, uuid) in enumerate(zip(actors, uuids), start=1):
        for name, kind, role in group:
            n += 1
            repeat.append([name, kind, role, n, i, "Practice record", uuid])
    wb.save(path)
    return path


def test_form_to_export_to_drafts_that_validate(mini_book, tmp_path):
    main, actors = answers(form_of(mini_book, tmp_path))
    export = write_export(tmp_path / "export.xlsx", [main, {**main, "country": "PL",
                                                            "title": "A second practice"}],
                          [list(actors.values())] * 2, ["uuid-1", "uuid-2"])
    done = run_cli("import", export, "--sources", mini_book)
    assert done.returncode == 0, done.stderr
    assert "2 draft record(s) written" in done.stderr
    drafts = sorted((mini_book / "practices").glob("*.yaml"))
    assert [p.name for p in drafts] == ["CZ-001.yaml", "CZ-900.yaml", "PL-001.yaml"]
    record = yaml.safe_load((mini_book / "practices" / "CZ-001.yaml").read_text("utf-8"))
    assert record["editorial"] == {"status": "draft", "consent": False}
    assert record["provenance"]["submission"] == "uuid-1"
    assert record["period"] == {"start": "2023-05", "end": "2024-02"}
    assert [a["name"] for a in record["actors"]] == ["Spolek Nový domov", "Město Brno"]
    checked = run_cli("validate", "--sources", mini_book)
    assert checked.returncode == 0 and "0 errors" in checked.stderr, checked.stderr

    # The same export again: nothing new, nothing overwritten (an editor has changed one).
    edited = mini_book / "practices" / "CZ-001.yaml"
    edited.write_text(edited.read_text("utf-8").replace("status: draft", "status: under_review"))
    again = run_cli("import", export, "--sources", mini_book)
    assert again.returncode == 0
    assert "uuid-1: error" not in again.stderr and "already imported as CZ-001" in again.stderr
    assert "0 draft record(s) written, 2 submission(s) already imported" in again.stderr
    assert "under_review" in edited.read_text("utf-8")


def test_every_problem_of_an_export_is_reported_with_its_cell_and_nothing_written(mini_book,
                                                                                   tmp_path):
    main, actors = answers(form_of(mini_book, tmp_path))
    bad = {**main, "scale": "galactic", "country": "FR"}
    export = write_export(tmp_path / "export.xlsx", [main, bad, {**main, "reach_people": "=1+1"}],
                          [list(actors.values())] * 3, ["u1", "u2", "u3"])
    columns = [c.value for c in openpyxl.load_workbook(export).active[1]]
    col = lambda name: openpyxl.utils.get_column_letter(columns.index(name) + 1)  # noqa: E731
    done = run_cli("import", export, "--sources", mini_book)
    assert done.returncode == 1
    assert f"export.xlsx:Practice record!{col('scale')}3: error: `galactic` is not a code " \
           "of `scale` in contract.yaml" in done.stderr
    assert f"export.xlsx:Practice record!{col('country')}3: error: `FR` is not a code" in done.stderr
    assert f"!{col('reach_people')}4: error: `reach_people` holds a formula" in done.stderr
    assert "nothing written" in done.stderr
    assert [p.name for p in (mini_book / "practices").glob("*.yaml")] == ["CZ-900.yaml"]

    partial = run_cli("import", export, "--sources", mini_book, "--partial")
    assert partial.returncode == 1 and "1 draft record(s) written" in partial.stderr
    assert len(list((mini_book / "practices").glob("*.yaml"))) == 2


@pytest.mark.parametrize("content, message", [
    (b"not a workbook at all", "cannot read it as an XLSX workbook"),
    (None, "the export holds no submissions"),
    ("columns", "the sheet lacks the form's columns"),
])
def test_an_export_that_is_not_the_forms_is_one_clear_error(mini_book, tmp_path, content,
                                                            message):
    path = tmp_path / "export.xlsx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        wb = openpyxl.Workbook()
        wb.active.append(["name", "age"] if content else ["_uuid", "title"])
        if content:
            wb.active.append(["Anna", 30])
        wb.save(path)
    done = run_cli("import", path, "--sources", mini_book)
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ assessment

def under_review(book, ids):
    """Copies of the fixture's record under review (the original stays published: the
    chapter cites it)."""
    import shutil
    src = book / "practices" / "CZ-900.yaml"
    for pid in ids:
        target = book / "practices" / f"{pid}.yaml"
        if not target.exists():
            shutil.copy(src, target)
        text = target.read_text("utf-8").replace("id: CZ-900", f"id: {pid}")
        target.write_text(text.replace("status: published", "status: under_review"))


def fill(path, rows: dict[str, list[int]]):
    wb = openpyxl.load_workbook(path)
    sheet = wb["scores"]
    for row in sheet.iter_rows(min_row=2):
        for cell, value in zip(row[3:3 + 10], rows[row[0].value]):
            cell.value = value
    wb.save(path)


def test_two_assessors_workbooks_give_the_consensus_labels_and_the_agreement(mini_book,
                                                                            tmp_path):
    ids = ["CZ-901", "CZ-902", "CZ-903"]
    under_review(mini_book, ids)
    for name, country in (("Ana", "SK"), ("Petr", "CZ")):
        run_cli("assess", "export", "--assessor", name, "--country", country, "--lang", "uk",
                "-o", tmp_path / f"{name}.xlsx", "--sources", mini_book, check=True)
    wb = openpyxl.load_workbook(tmp_path / "Ana.xlsx")
    header = [c.value for c in wb["scores"][1]]
    assert header[3].startswith("C1 ") and len(header) == 3 + 10 + 1
    assert wb["scores"].data_validations.dataValidation[0].formula1 == "0"
    high = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    fill(tmp_path / "Ana.xlsx", {"CZ-901": high, "CZ-902": [1] * 10, "CZ-903": [2] * 10})
    fill(tmp_path / "Petr.xlsx", {"CZ-901": [3, 3, 3, 3, 3, 3, 3, 3, 3, 1],
                                  "CZ-902": [1] * 10, "CZ-903": [2] * 9 + [3]})
    done = run_cli("assess", "import", tmp_path / "Ana.xlsx", tmp_path / "Petr.xlsx",
                   "--sources", mini_book)
    assert done.returncode == 0, done.stderr
    assert "CZ-901 C10: Ana 3, Petr 1" in done.stderr  # two points apart: for the meeting
    record = yaml.safe_load((mini_book / "practices" / "CZ-901.yaml").read_text("utf-8"))
    assert record["assessment"]["scores"]["C10"] == 1  # the lower of the two middle scores
    assert [a["name"] for a in record["assessment"]["assessors"]] == ["Ana", "Petr"]
    sources, _ = load_sources(mini_book, TEMPLATES)
    rubric = sources.contract.rubric
    labels = {d.data["id"]: rubric.assess(d.data["assessment"]["scores"]).label
              for d in sources.practices if d.data["id"] in ids}
    assert labels == {"CZ-901": "best", "CZ-902": "promising", "CZ-903": "good"}

    from pipeline.assess import agreement
    computed = agreement([d.data for d in sources.practices], sources.contract)
    assert computed.practices == 3
    assert computed.exact["C1"] == 1.0 and computed.exact["C10"] == pytest.approx(1 / 3)
    assert computed.within_one["C10"] == pytest.approx(2 / 3)
    assert 0 < computed.alpha < 1
    # The annex prints what was computed, in the reader's language.
    for path in (mini_book / "practices").glob("*.yaml"):
        path.write_text(path.read_text("utf-8").replace("status: under_review",
                                                        "status: published"))
    book = mini_book / "book.yaml"
    book.write_text(book.read_text().replace("chapters: [intro, practices]",
                                             "chapters: [intro, practices, annex-rubric]"))
    from pipeline.assemble import assemble
    annex = assemble(load_sources(mini_book, TEMPLATES)[0], "en").markdown \
        .split("{#annex-rubric-agreement}")[1]
    assert "| C10 | 33%" in annex.replace("\u00a0", "") and "| C1 | 100%" in annex
    assert re.search(r"Krippendorff's alpha \(ordinal\) over all scores: 0\.\d\d", annex)


def test_each_bad_workbook_is_reported_with_its_cell_and_nothing_lost(mini_book, tmp_path):
    under_review(mini_book, ["CZ-901", "CZ-902"])
    path = tmp_path / "scores.xlsx"
    run_cli("assess", "export", "--assessor", "Ana", "--country", "SK", "-o", path,
            "--sources", mini_book, check=True)
    before = (mini_book / "practices" / "CZ-901.yaml").read_text("utf-8")
    wb = openpyxl.load_workbook(path)
    sheet = wb["scores"]
    sheet["D2"] = 7          # outside 0–3
    sheet["E2"] = "good"     # text in a score cell
    sheet["F2"] = "=2+1"     # a formula
    sheet.append(["CZ-902", "", ""] + [1] * 10)  # the same practice twice
    sheet.append(["XX-001", "", ""] + [1] * 10)  # no such practice
    wb.save(path)
    done = run_cli("assess", "import", path, "--sources", mini_book)
    assert done.returncode == 1
    for message in ("scores!D2: error: C1: 7 is outside 0–3", "scores!E2: error: C2: `good` is "
                    "not a whole number", "scores!F2: error: C3: a formula, not a score",
                    "scores!A4: error: `CZ-902` is scored twice",
                    "scores!A5: error: `XX-001` is no practice record"):
        assert message in done.stderr, done.stderr
    assert "nothing written" in done.stderr
    assert (mini_book / "practices" / "CZ-901.yaml").read_text("utf-8") == before
    (tmp_path / "other.xlsx").write_bytes(b"PK not really")
    done = run_cli("assess", "import", tmp_path / "other.xlsx", "--sources", mini_book)
    assert done.returncode == 1 and "cannot read it as an XLSX workbook" in done.stderr
