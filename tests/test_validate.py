"""Validation: one small invalid file per rule, each reported with its field and line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, TEMPLATES, run_cli
from pipeline.load import load_sources
from pipeline.validate import validate

INVALID = sorted((FIXTURES / "records" / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\w+) ([\w-]+) (\S+) line (\d+)$", re.M)


def problems_of(root: Path):
    sources, problems = load_sources(root, TEMPLATES)
    return problems + validate(sources)


def test_the_valid_fixture_and_mini_book_have_no_problems(mini_book):
    assert problems_of(mini_book) == []


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_each_rule_is_reported_with_field_and_line(mini_book, fixture):
    text = fixture.read_text(encoding="utf-8")
    severity, code, field, line = EXPECT.search(text).groups()
    name = re.search(r"^# file: (\S+)", text, re.M)
    target = mini_book / "practices" / (name.group(1) if name else "CZ-900.yaml")
    (mini_book / "practices" / "CZ-900.yaml").unlink()
    target.write_text(text, encoding="utf-8")

    found = [(p.severity, p.code, p.field or "-", p.line) for p in problems_of(mini_book)]

    assert (severity, code, field, int(line)) in found
    assert all(p[1] != "invalid" for p in found), "every rule has its own message"


def test_vocabulary_typo_suggests_the_closest_code(mini_book):
    record = mini_book / "practices" / "CZ-900.yaml"
    record.write_text(record.read_text().replace(", education]", ", educaton]"))
    [problem] = problems_of(mini_book)
    assert problem.hint == "did you mean `education`?"
    assert problem.format().startswith(f"{problem.file}:28:39: error: themes[1]: `educaton`")


def test_every_problem_in_every_file_is_reported_in_one_run(mini_book):
    many = (FIXTURES / "records" / "many-problems.yaml").read_text(encoding="utf-8")
    (mini_book / "practices" / "CZ-900.yaml").write_text(many, encoding="utf-8")
    second = mini_book / "practices" / "CZ-902.yaml"
    second.write_text("id: CZ-902\ntitle: [unclosed\n", encoding="utf-8")

    found = {(Path(p.file).name, p.code, p.field) for p in problems_of(mini_book)}

    assert found >= {
        ("CZ-900.yaml", "not-in-vocabulary", "scale"),
        ("CZ-900.yaml", "bad-format", "period.start"),
        ("CZ-900.yaml", "unknown-workshop", "provenance.workshop"),
        ("CZ-900.yaml", "not-in-vocabulary", "actors[0].type"),
        ("CZ-900.yaml", "missing-field", "partnership.instrument"),
        ("CZ-900.yaml", "not-in-vocabulary", "themes[0]"),
        ("CZ-900.yaml", "range", "assessment.scores.C2"),
        ("CZ-900.yaml", "raw-html", "context"),
        ("CZ-900.yaml", "unknown-field", "remarks"),
        ("CZ-900.yaml", "no-consent", "editorial.consent"),
        ("CZ-902.yaml", "yaml-syntax", ""),
    }


def test_citation_of_an_unknown_or_unpublished_practice_is_an_error(mini_book):
    chapter = mini_book / "chapters" / "en" / "intro.md"
    chapter.write_text("# Intro {#intro}\n\nSee [@CZ-909] and\nalso [@CZ-900; @PL-777].\n")
    found = {(p.code, p.line, p.column, p.hint) for p in problems_of(mini_book)}
    assert ("unknown-practice", 3, 6, "did you mean `@CZ-900`?") in found
    assert any(code == "unknown-practice" and line == 4 for code, line, _, _ in found)

    record = mini_book / "practices" / "CZ-900.yaml"
    record.write_text(record.read_text().replace("status: published", "status: validated")
                      .replace("consent: true", "consent: false"))
    chapter.write_text("# Intro {#intro}\n\nSee [@CZ-900].\n")
    assert [p.code for p in problems_of(mini_book)] == ["unpublished-practice"]


def test_a_mistyped_citation_suggests_only_a_citable_id(mini_book):
    shutil.copy(FIXTURES / "records" / "valid.yaml", mini_book / "practices" / "CZ-905.yaml")
    draft = mini_book / "practices" / "CZ-905.yaml"
    draft.write_text(draft.read_text().replace("id: CZ-900", "id: CZ-905")
                     .replace("status: published", "status: draft"))
    chapter = mini_book / "chapters" / "en" / "intro.md"
    chapter.write_text("# Intro {#intro}\n\nSee [@CZ-906] and [@cz-905] and [@cz-900].\n")
    hints = {p.message.split("`")[1]: p.hint for p in problems_of(mini_book)
             if p.code == "unknown-practice"}
    assert hints["@CZ-906"] == "did you mean `@CZ-900`?"  # not the unpublished CZ-905
    assert hints["@cz-900"] == "did you mean `@CZ-900`?"  # the same id in capitals first
    assert hints["@cz-905"] == "did you mean `@CZ-900`?"


def test_chapter_links_and_images_must_point_at_files_inside_the_book(mini_book):
    (mini_book / "images").mkdir()
    (mini_book / "images" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    chapter = mini_book / "chapters" / "en" / "intro.md"
    chapter.write_text("# Intro {#intro}\n\n![Map](images/map.png)\n\n![Gone](images/gone.png)\n\n"
                       "[Secret](../../etc/passwd) and [a site](https://example.org).\n")
    found = sorted((p.code, p.line) for p in problems_of(mini_book))
    assert found == [("missing-file", 5), ("missing-file", 7)]


def test_missing_or_broken_interface_strings_are_errors(mini_book, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    uk = templates / "i18n" / "uk.yaml"
    text = uk.read_text(encoding="utf-8")
    text = re.sub(r"^  home: .*\n", "", text, count=1, flags=re.M)
    text = text.replace("{maximum}", "{maximun}")
    uk.write_text(text, encoding="utf-8")
    sources, problems = load_sources(mini_book, templates)
    found = {(p.code, p.field) for p in problems + validate(sources)}
    assert ("missing-string", "") in found or any(c == "missing-string" for c, _ in found)
    assert ("bad-placeholder", "sections.rubric_intro") in found


def test_cli_exit_codes_and_json(mini_book):
    ok = run_cli("validate", "--sources", mini_book)
    assert ok.returncode == 0, ok.stderr
    assert "0 errors" in ok.stderr

    record = mini_book / "practices" / "CZ-900.yaml"
    record.write_text(record.read_text().replace("scale: municipal", "scale: city"))
    bad = run_cli("validate", "--sources", mini_book)
    assert bad.returncode == 1
    assert re.search(r"CZ-900\.yaml:6:8: error: scale: `city` is not an allowed value", bad.stderr)
    assert "Traceback" not in bad.stderr

    as_json = run_cli("validate", "--sources", mini_book, "--format", "json")
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 1
    assert report["errors"] == 1
    assert report["problems"][0]["field"] == "scale"
    assert report["problems"][0]["line"] == 6

    usage = run_cli("validate", "--format", "xml")
    assert usage.returncode == 2


def test_the_sample_paper_is_valid():
    sources, problems = load_sources(Path(__file__).parent.parent / "sources", TEMPLATES)
    problems += validate(sources)
    assert [p.format() for p in problems if p.severity == "error"] == []


def test_a_large_book_is_checked_on_every_core_with_the_same_report(tmp_path, monkeypatch):
    """From 100 files on, records and translations are parsed and checked in worker
    processes; the report must be the one a single process gives, problem for problem."""
    root = tmp_path / "corpus"
    run_cli("corpus", "--practices", "120", "--langs", "en,pl", "--out", root, check=True)
    records = sorted((root / "practices").glob("*.yaml"))
    translations = sorted((root / "translations" / "pl").glob("*.yaml"))
    records[3].write_text(records[3].read_text(encoding="utf-8").replace(
        "scale: ", "scale: galactic\nscale_: ", 1), encoding="utf-8")
    records[77].write_bytes(b"id: [unclosed\n")
    records[101].write_text(records[101].read_text(encoding="utf-8").replace(
        "\nthemes:\n", "\nthemes:\n- huosing\n", 1), encoding="utf-8")
    translations[50].write_text("summary: {text: 12, bogus: 1}\n", encoding="utf-8")

    reports = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("PIPELINE_JOBS", jobs)
        done = run_cli("validate", "--sources", root, "--format", "json")
        assert done.returncode == 1, done.stderr
        reports[jobs] = json.loads(done.stdout)
    assert reports["1"] == reports["2"]
    found = {(Path(p["file"]).name, p["code"], p["field"]) for p in reports["2"]["problems"]}
    assert (records[3].name, "not-in-vocabulary", "scale") in found
    assert (records[3].name, "unknown-field", "scale_") in found
    assert (records[77].name, "yaml-syntax", "") in found
    assert (records[101].name, "not-in-vocabulary", "themes[0]") in found
    assert any(f == translations[50].name for f, _, _ in found)
