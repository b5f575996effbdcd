"""The reference of the record format is generated from the contract, in the book and in
docs/, and stays in step with validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TEMPLATES, run_cli
from pipeline.assemble import assemble
from pipeline.load import load_sources
from pipeline.reference import fields

BOOKS = [(SAMPLE, ROOT / "docs" / "contract.md"),
         (ROOT / "examples" / "local-integration",
          ROOT / "docs" / "contract-local-integration.md")]


@pytest.mark.parametrize("sources, page", BOOKS, ids=["sample", "local-integration"])
def test_the_reference_pages_in_docs_are_generated_from_the_current_contracts(sources, page):
    done = run_cli("reference", "--sources", sources, check=True)
    assert page.read_text(encoding="utf-8") == done.stdout, \
        f"regenerate it: pipeline reference --sources {sources.relative_to(ROOT)} -o " \
        f"{page.relative_to(ROOT)}"


def test_the_reference_follows_the_schema_and_the_contract(mini_book):
    contract = load_sources(mini_book, TEMPLATES)[0].contract
    by_path = {f.path: f for f in fields(contract)}
    assert by_path["themes"].vocabulary == "theme" and by_path["themes"].kind == "codes"
    assert by_path["results"].required == "publish"
    assert by_path["title"].required == "always" and by_path["reach.note"].required == "optional"
    assert {f"assessment.scores.{c}" for c in contract.rubric.criteria} <= set(by_path)
    # A change of the contract is a change of the reference.
    text = (mini_book / "contract.yaml").read_text(encoding="utf-8")
    (mini_book / "contract.yaml").write_text(
        text.replace("may_be_not_stated: []", "may_be_not_stated: [results]")
        .replace("to_publish: [results, lessons, transferability, assessment]",
                 "to_publish: [results, assessment]"), encoding="utf-8")
    contract = load_sources(mini_book, TEMPLATES)[0].contract
    by_path = {f.path: f for f in fields(contract)}
    assert by_path["results"].not_stated and by_path["lessons"].required == "optional"


def test_the_book_has_the_annex_in_the_readers_language(mini_book):
    book = mini_book / "book.yaml"
    book.write_text(book.read_text().replace("chapters: [intro, practices]",
                                             "chapters: [intro, practices, annex-contract]"))
    sources, _ = load_sources(mini_book, TEMPLATES)
    annex = assemble(sources, "uk").markdown.split("{#annex-contract}")[1]
    assert "| `themes` | так | коди зі словника «themes» |" in annex
    assert "| `housing` | житло |" in annex


def test_the_reference_command_needs_a_valid_book(mini_book, tmp_path):
    (mini_book / "contract.yaml").write_text("countries: [CZ\n", encoding="utf-8")
    done = run_cli("reference", "--sources", mini_book, "-o", tmp_path / "page.md")
    assert done.returncode == 1 and "contract.yaml:1" in done.stderr
    assert not (tmp_path / "page.md").exists()


def test_docs_point_at_the_pages():
    assert Path(ROOT / "docs" / "contract.md").is_file()
