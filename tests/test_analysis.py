"""The generated analysis: tables and charts agree with the records; no raw codes leak."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import SAMPLE, TEMPLATES
from pipeline.analysis import analyse as analyse_with
from pipeline.assemble import assemble, published_records
from pipeline.book import of_sources
from pipeline.charts import draw
from pipeline.i18n import Strings
from pipeline.load import load_sources

LANGS = ("en", "uk", "pl", "cs", "sk", "hu")


@pytest.fixture(scope="module")
def sample():
    sources, _ = load_sources(SAMPLE, TEMPLATES)
    return sources


def analyse(records):
    return analyse_with(records, SOURCES.contract)


SOURCES = load_sources(SAMPLE, TEMPLATES)[0]
rubric = SOURCES.contract.rubric
VOCABULARIES = SOURCES.contract.vocabularies


@pytest.fixture(scope="module")
def records(sample):
    return published_records(sample, of_sources(sample).edition())


@pytest.fixture(scope="module")
def books(sample):
    return {lang: assemble(sample, lang) for lang in LANGS}


def test_counts_per_country_and_label_match_the_records(records):
    a = analyse(records)
    for country in ("CZ", "PL", "SK", "HU"):
        mine = [r for r in records if r["country"] == country]
        assert a.per_country[country] == len(mine)
        for label in rubric.label_codes:
            assert a.labels[country][label] == sum(
                rubric.assess(r["assessment"]["scores"]).label == label for r in mine)
    assert a.total == len(records) == sum(a.label_totals.values())
    assert all(r["editorial"]["status"] == "published" for r in records)


def test_theme_matrix_and_primary_theme_sections(records, books):
    a = analyse(records)
    for theme, row in a.theme_matrix.items():
        for country, count in row.items():
            assert count == sum(r["country"] == country and theme in r["themes"] for r in records)
    by_theme = books["en"].markdown.split("{#practices-by-theme}")[1].split("\n# ")[0]
    for r in records:
        section = by_theme.split(f"{{#theme-{r['themes'][0].replace('_', '-')} ")[1].split("\n## ")[0]
        assert f"[{r['id']}](#practice-{r['id'].lower()})" in section


def test_shares_of_forms_and_outcomes_per_country(records):
    a = analyse(records)
    poland = [r for r in records if r["country"] == "PL"]
    expected = sum("co_location" in r["partnership"]["forms"] for r in poland) / len(poland)
    assert a.forms["PL"]["co_location"] == pytest.approx(expected)
    for country, shares in a.outcomes.items():
        assert sum(shares.values()) == pytest.approx(1.0)


def test_comparison_table_shows_the_computed_counts(records, books):
    a = analyse(records)
    md = books["en"].markdown
    row = next(line for line in md.splitlines() if line.startswith("| Poland |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:] == [str(a.labels["PL"][l]) for l in rubric.label_codes] + [str(a.per_country["PL"])]


def visible_text(markdown: str) -> str:
    """Markdown without attributes, link targets, image paths, the titles of cited
    source documents (titles of documents are not translated) and code spans (the
    record-format annex shows codes as codes, on purpose)."""
    text = re.sub(r"`[^`\n]*`", " ", markdown)
    text = re.sub(r"\[[^\]]*\]\(<[^>]*>\)", " ", text)
    text = re.sub(r"\{[^{}\n]*\}", " ", text)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)
    return re.sub(r"^:::.*$", " ", text, flags=re.M)


@pytest.mark.parametrize("lang", LANGS)
def test_no_raw_vocabulary_code_leaks(books, lang):
    text = visible_text(books[lang].markdown)
    codes = {c for values in VOCABULARIES.values() for c in values if "_" in c}
    assert [c for c in codes if c in text] == []


def test_ukrainian_output_has_no_untranslated_code_words(books):
    text = visible_text(books["uk"].markdown)
    words = {c for name, values in VOCABULARIES.items() if name != "country" for c in values}
    leaked = sorted(w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text))
    assert leaked == []


def test_charts_are_deterministic_localized_and_described(sample, records):
    a = analyse(records)
    first = draw(a, Strings(sample, "pl"), TEMPLATES / "fonts")
    second = draw(a, Strings(sample, "pl"), TEMPLATES / "fonts")
    assert [c.svg for c in first] == [c.svg for c in second]
    assert len(first) == 3
    for chart in first:
        assert chart.svg.startswith(b"<?xml") and b"<svg" in chart.svg
        assert b"Date" not in chart.svg
        assert chart.alt and chart.caption
    assert "Polska" in first[0].alt and "najlepsza" in first[0].alt.lower()
    uk = draw(a, Strings(sample, "uk"), TEMPLATES / "fonts")
    assert [c.svg for c in uk] != [c.svg for c in first]


def test_charts_are_reused_only_while_what_they_show_is_unchanged(sample, records, tmp_path):
    fonts, cache = TEMPLATES / "fonts", tmp_path / "charts.json"
    everything, fewer = analyse(records), analyse(records[1:])
    pl, uk = Strings(sample, "pl"), Strings(sample, "uk")
    kept = draw(everything, pl, fonts, cache)
    assert cache.is_file()
    assert draw(everything, pl, fonts, cache) == kept == draw(everything, pl, fonts)
    assert draw(fewer, pl, fonts, cache) == draw(fewer, pl, fonts) != kept
    assert draw(everything, uk, fonts, cache) == draw(everything, uk, fonts) != kept
    cache.write_text("{not json", encoding="utf-8")  # a damaged cache costs only the drawing
    assert draw(everything, pl, fonts, cache) == kept


def test_assembling_unchanged_sources_again_does_not_draw(tmp_path):
    program = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline.assemble import assemble\n"
        "from pipeline.load import load_sources\n"
        f"sources, _ = load_sources(Path({str(SAMPLE)!r}), Path({str(TEMPLATES)!r}))\n"
        f"assemble(sources, 'pl', cache=Path({str(tmp_path)!r}))\n"
        "print('matplotlib' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]


def test_rubric_annex_is_rendered_from_the_rubric_data(books):
    md = books["en"].markdown
    annex = md.split("{#annex-rubric}")[1].split("\n# ")[0]
    for code, weight in rubric.criteria.items():
        assert re.search(rf"^\| {code} \| .+ \| {weight} \|$", annex, re.M)
    assert "70 %" in annex and "50 %" in annex


def test_citations_become_links_to_profiles(books):
    md = books["en"].markdown
    assert "[@PL-001]" in md or "@PL-001" in md
    assert "{#practice-pl-001 .practice}" in md
