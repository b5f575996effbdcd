"""The synthetic corpus generator and the benchmark's report (pipeline/corpus.py, bench.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import ROOT, TEMPLATES, run_cli
from devtools import bench, corpus
from pipeline.build import Project
from pipeline.diagnostics import PipelineError, has_errors
from pipeline.merge import translation_status


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "sources"
    corpus.generate(root, 10, ("en", "uk", "pl"), seed=7)
    return root


def test_a_generated_book_validates_with_the_requested_practices_and_languages(book, tmp_path):
    sources, problems = Project(book, TEMPLATES, tmp_path).load_and_validate()
    assert not has_errors(problems), [p.format() for p in problems]
    assert not problems  # not even a warning
    assert len(sources.practices) == 10
    assert sources.book_data["languages"] == ["en", "uk", "pl"]
    assert {d.data["country"] for d in sources.practices} == {"CZ", "PL", "SK", "HU"}
    assert all(d.data["editorial"] == {"status": "published", "consent": True}
               for d in sources.practices)
    for lang in ("uk", "pl"):
        assert (book / "translations" / lang / "book.yaml").is_file()
        assert {p.stem for p in (book / "chapters" / lang).glob("*.md")} == set(corpus.CHAPTERS)


def test_every_translation_of_a_generated_book_is_current(book, tmp_path):
    sources, _ = Project(book, TEMPLATES, tmp_path).load_and_validate()
    for lang in ("en", "uk", "pl"):
        states = {s.state for s in translation_status(sources, lang)}
        assert states <= {"current"}, (lang, states)


def test_prose_fields_have_the_lengths_of_the_sample(book):
    for path in (book / "practices").glob("*.yaml"):
        record = yaml.safe_load(path.read_text("utf-8"))
        for name in ("context", "objectives", "activities", "results", "lessons",
                     "transferability"):
            words = [w for w in record[name].split() if w != "-"]
            assert 55 <= len(words) <= 125, (path.name, name, len(words))
        assert 30 <= len(record["summary"]) <= 700
        assert 3 <= len(record["title"]) <= 120


def test_the_languages_use_their_own_scripts(book):
    uk = (book / "translations" / "uk" / "CZ-001.yaml").read_text("utf-8")
    pl = (book / "chapters" / "pl" / "introduction.md").read_text("utf-8")
    assert any("\u0400" <= ch <= "\u04ff" for ch in uk)
    assert any(ch in "ąćęłńóśźż" for ch in pl)


def test_the_same_seed_writes_the_same_files_and_another_seed_others(tmp_path):
    corpus.generate(tmp_path / "a", 5, ("en", "cs"), seed=3)
    corpus.generate(tmp_path / "b", 5, ("en", "cs"), seed=3)
    corpus.generate(tmp_path / "c", 5, ("en", "cs"), seed=4)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_a_record_does_not_depend_on_the_size_of_the_corpus(tmp_path):
    corpus.generate(tmp_path / "small", 4, ("en",), seed=1)
    corpus.generate(tmp_path / "large", 12, ("en",), seed=1)
    for name in ("CZ-001", "HU-001"):
        assert (tmp_path / "small" / "practices" / f"{name}.yaml").read_bytes() == \
            (tmp_path / "large" / "practices" / f"{name}.yaml").read_bytes()


def test_languages_are_a_count_or_a_list():
    assert corpus.parse_langs("2") == ("en", "uk")
    assert corpus.parse_langs(6) == corpus.LANGS
    assert corpus.parse_langs("pl, en") == ("pl", "en")
    for bad in ("0", "7", "en,xx", ""):
        with pytest.raises(PipelineError):
            corpus.parse_langs(bad)


def test_the_generator_never_overwrites_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(PipelineError):
        corpus.generate(tmp_path, 3, ("en",))
    assert (tmp_path / "notes.txt").read_text() == "mine"
    corpus.generate(tmp_path / "book", 3, ("en",))
    corpus.generate(tmp_path / "book", 4, ("en",))  # an earlier corpus is replaced
    assert len(list((tmp_path / "book" / "practices").glob("*.yaml"))) == 4


def test_the_corpus_command_writes_a_book_that_pipeline_validate_accepts(tmp_path):
    run_cli("corpus", "--practices", "5", "--langs", "hu,sk", "--out", tmp_path / "b",
            check=True)
    done = run_cli("validate", "--sources", tmp_path / "b", check=True)
    assert "0 errors, 0 warnings" in done.stderr
    assert yaml.safe_load((tmp_path / "b" / "book.yaml").read_text("utf-8"))["languages"] == \
        ["hu", "sk"]


def test_a_polish_edit_keeps_the_book_valid_and_the_translation_current(tmp_path):
    root = tmp_path / "sources"
    corpus.generate(root, 4, ("en", "pl"))
    path, field = bench.edit_translation(root, "pl")
    assert field == "summary" and path.parent.name == "pl"
    assert "(zmiana)" in yaml.safe_load(path.read_text("utf-8"))["summary"]["text"]
    sources, problems = Project(root, TEMPLATES, tmp_path / "out").load_and_validate()
    assert not has_errors(problems)
    assert {s.state for s in translation_status(sources, "pl")} == {"current"}


def test_distance_says_met_or_how_far():
    assert bench.distance(1.05, 1.10) == "met"
    assert bench.distance(1.30, 1.10) == "1.30 is 0.20 over the goal (1.1)"
    assert bench.distance(0.8, 0.5, " s") == "0.80 s is 0.30 s over the goal (0.5 s)"
    assert bench.distance(None, 1.0) == "not measured"


def test_pipeline_steps_are_summed_by_kind():
    steps = [{"args": ["makefile"], "seconds": 0.5, "exit": 0},
             {"args": ["validate", "--stamp", "x"], "seconds": 1.0, "exit": 0},
             {"args": ["assemble", "--lang", "en", "--edition", "full"], "seconds": 2.0, "exit": 0},
             {"args": ["render", "--lang", "en", "--edition", "full", "--formats", "pdf,html"],
              "seconds": 3.0, "exit": 0}]
    summary = bench._step_summary(steps)
    assert summary["validate_s"] == 1.0 and summary["makefile_s"] == 0.5
    assert summary["assemble_s"] == {"en": 2.0}
    assert summary["render_s"] == {"en": 3.0}  # one process renders a language's formats
    assert summary["sum_s"] == 6.5


def test_a_tiny_bench_run_reports_every_column(tmp_path):
    """3 practices, one language, HTML: the real make build, raw passes and no-op."""
    report = bench.run(bench.QUICK_PLAN, ROOT, tmp_path / "work", progress=lambda line: None)
    assert not report["errors"], report["errors"]
    (case,) = report["cases"]
    for column in bench.COLUMNS:
        assert column in case
    for column in ("practices", "artefacts", "our_wall_s", "raw_seq_s", "raw_2core_s",
                   "ratio", "validate_s", "assemble_s", "noop_s"):
        assert case[column] is not None and case[column] > 0 or column == "noop_s", column
    assert case["practices"] == 3 and case["langs"] == ["en"] and case["formats"] == ["html"]
    (job,) = case["raw_jobs"]
    assert job["tools_s"] <= job["seconds"] and job["pandoc_s"] > 0
    assert case["noop_rebuilt"] == []
    assert any(g["goal"].startswith("corpus-3: our wall") for g in report["goals"])

    text = bench.table(report)
    header = text.splitlines()[0]
    for column in bench.COLUMNS:
        if column != "note":
            assert f" {bench.HEADERS[column]} |" in header
    assert "| corpus-3 | 3 | en | html | 1 |" in text

    bench.write_json(report, tmp_path / "bench.json")
    again = json.loads((tmp_path / "bench.json").read_text("utf-8"))
    assert again["cases"][0]["case"] == "corpus-3" and again["goals"]


@pytest.mark.slow
def test_the_preview_latency_is_the_time_until_the_edited_pdf_is_replaced(tmp_path):
    sources = tmp_path / "sources"
    corpus.generate(sources, 4, ("en", "pl"))
    out = tmp_path / "out"
    run_cli("build", "--langs", "pl", "--formats", "pdf", "--sources", sources, "--out", out,
            check=True)
    (pdf,) = (out / "full" / "pl").glob("*.pdf")
    before = pdf.read_bytes()
    waits = bench.Bench(ROOT, tmp_path / "work").preview_edit_to_pdf(out, sources, edits=2)
    assert len(waits) == 2 and all(0 < w < 120 for w in waits)
    assert pdf.read_bytes() != before
    # each edit adds its mark, and the PDF shows the second one: it was rebuilt twice
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert text.count("(zmiana)") == 2, text


def test_a_page_cost_baseline_missing_from_the_repository_is_named():
    with pytest.raises(bench.BenchError, match="git revision 0000000 is not in this repository"):
        bench.page_cost(ROOT, "pl", rev="0000000")


@pytest.mark.slow
def test_the_page_cost_row_compares_our_book_page_with_the_baseline_revision():
    cost = bench.page_cost(ROOT, "pl", rounds=1, progress=lambda line: None)
    assert set(cost["per_page_s"]) == {"ours", "ours_rebuild", "baseline"}
    assert all(n > 20 for n in cost["pages"].values())  # each side's whole book
    assert cost["ratio"] == cost["per_page_s"]["ours"] / cost["per_page_s"]["baseline"]
    case = {"case": "sample", "page_cost": cost, "ratio": None, "noop_s": None,
            "validate_cli_s": None, "raw_jobs": []}
    (row,) = [g for g in bench.goals({"cases": [case]}) if "book page costs" in g["goal"]]
    assert row["goal"] == f"sample/pl: a book page costs ≤ 0.7 × what it cost at {bench.BASELINE_REV}"
    assert row["verdict"] == bench.distance(cost["ratio"], bench.GOAL_PAGE_COST)


def test_the_edit_to_pdf_row_judges_the_median_of_the_edits_in_the_preview():
    incremental = {"seconds": 9.0, "rebuilt": ["full/pl/book-pl.pdf"], "edit_to_pdf_s": 12.0,
                   "preview_edit_to_pdf_s": 4.2, "preview_edits_s": [6.1, 4.2, 3.9]}
    case = {"case": "sample", "incremental": incremental, "ratio": None, "noop_s": None,
            "validate_cli_s": None, "raw_jobs": []}
    (row,) = [g for g in bench.goals({"cases": [case]}) if "Polish PDF complete" in g["goal"]]
    assert row["measured"].startswith(
        "4.2 s in the live preview, the median of 3 edits in a row (6.1, 4.2, 3.9 s)")
    assert "12.0 s with `make build LANGS=pl FORMATS=pdf`" in row["measured"]
    assert row["verdict"] == "met"
