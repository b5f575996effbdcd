"""The data contract is the book's: the sample's contract gives the rubric the spec
defines, and a contract is checked like every source, with `file:line:column`."""

from __future__ import annotations


import pytest
import yaml

from conftest import SAMPLE, TEMPLATES, run_cli
from pipeline.load import load_sources
from pipeline.validate import validate

RUBRIC = load_sources(SAMPLE, TEMPLATES)[0].contract.rubric
BASE = {f"C{i}": 0 for i in range(1, 11)}


def scores(**values):
    return {**BASE, **values}


def test_the_samples_rubric_has_the_weights_and_maximum_of_the_spec():
    assert RUBRIC.max_total == 39
    assert RUBRIC.assess(scores(C2=1)).total == 2
    assert RUBRIC.assess(scores(C1=1, C5=1, C6=1, C7=1, C8=1, C9=1, C10=1)).total == 7
    assert RUBRIC.assess({c: 3 for c in BASE}).total == 39
    assert round(RUBRIC.assess({c: 3 for c in BASE}).percent) == 100


@pytest.mark.parametrize("values, label", [
    # 28/39 = 71.8 % with C2, C3, C4 at 2: best
    (dict(C1=3, C2=2, C3=3, C4=2, C5=3, C6=3, C7=3, C8=3, C9=0, C10=0), "best"),
    # 27/39 = 69.2 %: just under 70 %: good
    (dict(C1=3, C2=2, C3=3, C4=2, C5=3, C6=3, C7=3, C8=1, C9=0, C10=0), "good"),
    # 33/39 but C4 = 1: not best despite the total
    (dict(C1=3, C2=3, C3=3, C4=1, C5=3, C6=3, C7=3, C8=3, C9=3, C10=3), "good"),
    # 20/39 = 51.3 %: good
    (dict(C1=2, C2=2, C3=2, C4=2, C5=2, C6=2, C7=2), "good"),
    # 19/39 = 48.7 %: promising
    (dict(C1=1, C2=2, C3=2, C4=2, C5=2, C6=2, C7=2), "promising"),
])
def test_the_samples_label_thresholds(values, label):
    assert RUBRIC.assess(scores(**values)).label == label


def problems(root):
    sources, found = load_sources(root, TEMPLATES)
    return [(p.file.split("/")[-1], p.line, p.code, p.field)
            for p in found + validate(sources) if p.severity == "error"]


def edit_contract(root, old, new):
    path = root / "contract.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root, text, name="contract.yaml"):
    return (root / name).read_text(encoding="utf-8").split(text)[0].count("\n") + 1


@pytest.mark.parametrize("old, new, code, field", [
    ("C2: 2,", "C2: 0,", "bad-weight", "rubric.criteria.C2"),
    ("C2: 2,", "C2: 1.5,", "bad-weight", "rubric.criteria.C2"),
    ("share: 70,", "share: 140,", "bad-threshold", "rubric.labels[0].share"),
    ("criteria: [C2, C3, C4]", "criteria: [C2, C3, C44]", "unknown-criterion",
     "rubric.labels[0].criteria[2]"),
    ("status: [ongoing, completed, mainstreamed]",
     "status: [ongoing, completed, ongoing, mainstreamed]", "duplicate-code", "vocabularies.status[2]"),
    ("countries: [CZ, PL, SK, HU]", "countries: [CZ, PL, SK, HU, XX]", "unknown-country",
     "countries[4]"),
    ("  minimum: 2                 # assessors", "  minimum: two                 # assessors",
     "wrong-type", "assessors.minimum"),
])
def test_each_contract_mistake_is_reported_where_it_is(mini_book, old, new, code, field):
    edit_contract(mini_book, old, new)
    found = [p for p in problems(mini_book) if p[0] == "contract.yaml"]
    assert found and found[0][2:] == (code, field), found
    assert found[0][1] == line_of(mini_book, new.split(",")[0].split("]")[0].strip()
                                  if "share" not in new else "share: 140")


def test_a_code_removed_from_the_contract_is_an_error_at_the_record(mini_book):
    edit_contract(mini_book, "municipal, metropolitan", "metropolitan")
    [found] = [p for p in problems(mini_book)]
    assert found == ("CZ-900.yaml", line_of(mini_book, "scale:", "practices/CZ-900.yaml"),
                     "not-in-vocabulary", "scale")
    done = run_cli("validate", "--sources", mini_book)
    assert "`municipal` is not an allowed value in contract.yaml" in done.stderr


def test_a_record_from_a_country_outside_the_contract_is_an_error(mini_book):
    edit_contract(mini_book, "countries: [CZ, PL, SK, HU]", "countries: [PL, SK, HU]")
    found = problems(mini_book)
    assert ("CZ-900.yaml", 1, "bad-format", "id") in found
    assert any(p[2:] == ("not-in-vocabulary", "country") for p in found)
    assert ("book.yaml", line_of(mini_book, "  - {id: CZ-2024-09", "book.yaml"),
            "unknown-country", "workshops[0].country") in found


def test_a_missing_label_names_the_file_and_key_to_add(mini_book):
    strings = mini_book / "strings" / "uk.yaml"
    strings.write_text(strings.read_text(encoding="utf-8").replace(
        "    housing: ", "    housings: ", 1), encoding="utf-8")
    done = run_cli("validate", "--sources", mini_book)
    assert "strings/uk.yaml" in done.stderr
    assert "`labels.theme.housing` is missing (add `housing: …` under `labels.theme`" in done.stderr
    assert "`labels.theme.housings` labels nothing in contract.yaml" in done.stderr


def test_an_unreadable_contract_is_one_error_and_no_record_check_runs(mini_book):
    (mini_book / "contract.yaml").write_text("countries: [CZ\n", encoding="utf-8")
    found = problems(mini_book)
    assert [p[:3] for p in found] == [("contract.yaml", 1, "yaml-syntax")]


@pytest.mark.parametrize("lang, code", [("ka", "uncovered-script"), ("ar", "right-to-left"),
                                        ("xq", "unknown-language")])
def test_a_language_the_book_cannot_print_is_refused(mini_book, lang, code):
    book = mini_book / "book.yaml"
    book.write_text(book.read_text().replace("languages: [en, uk]", f"languages: [en, uk, {lang}]"))
    found = [p for p in problems(mini_book) if p[3] == "languages[2]"]
    assert found and found[0][2] == code, found
    done = run_cli("validate", "--sources", mini_book)
    assert {"ka": "Georgian script (Geor)", "ar": "right to left",
            "xq": "not a language CLDR knows"}[lang] in done.stderr


def test_a_field_not_stated_prints_as_such_where_the_contract_allows_it(mini_book):
    record = mini_book / "practices" / "CZ-900.yaml"
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data["participation"] = "not_stated"
    record.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert ("CZ-900.yaml", 0, "not-stated-not-allowed", "participation") in \
        [(p[0], 0, p[2], p[3]) for p in problems(mini_book)]
    edit_contract(mini_book, "may_be_not_stated: []", "may_be_not_stated: [participation]")
    assert problems(mini_book) == []
    from pipeline.assemble import assemble
    sources, _ = load_sources(mini_book, TEMPLATES)
    assert "у джерелах не зазначено" in assemble(sources, "uk").markdown


def test_the_contract_of_the_sample_and_its_strings_are_complete():
    assert problems(SAMPLE) == []
