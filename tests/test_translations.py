"""Per-field translation state: source hashes, staleness, fallback in the output."""

from __future__ import annotations

import pytest
import yaml

from conftest import TEMPLATES, run_cli
from pipeline.assemble import assemble
from pipeline.load import load_sources
from pipeline.merge import translation_status


def status(root, lang="uk"):
    sources, _ = load_sources(root, TEMPLATES)
    return {(s.unit, s.field): s.state for s in translation_status(sources, lang)}


def translate_all(root, lang="uk"):
    """Scaffold, then 'translate' every field by marking it done."""
    run_cli("translate", "scaffold", "--lang", lang, "--sources", root, check=True)
    for path in (root / "translations" / lang).glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data.values():
            entry["text"] = "Переклад: " + entry["text"]
            entry.pop("untranslated", None)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for path in (root / "chapters" / lang).glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("untranslated: true\n", ""),
                        encoding="utf-8")


def test_scaffold_marks_everything_missing_then_translation_makes_it_current(mini_book):
    run_cli("translate", "scaffold", "--lang", "uk", "--sources", mini_book, check=True)
    states = status(mini_book)
    assert states and set(states.values()) == {"missing"}
    translate_all(mini_book)
    assert set(status(mini_book).values()) == {"current"}


def test_editing_one_source_sentence_makes_exactly_that_field_stale(mini_book):
    translate_all(mini_book)
    record = mini_book / "practices" / "CZ-900.yaml"
    record.write_text(record.read_text().replace("  Lessons text.", "  Lessons text, revised."))
    stale = {key for key, state in status(mini_book).items() if state != "current"}
    assert stale == {("CZ-900", "lessons")}


def test_scaffold_never_overwrites_translated_work(mini_book):
    translate_all(mini_book)
    path = mini_book / "translations" / "uk" / "CZ-900.yaml"
    before = path.read_text(encoding="utf-8")
    record = mini_book / "practices" / "CZ-900.yaml"
    record.write_text(record.read_text().replace("  Lessons text.", "  Lessons text, revised."))
    run_cli("translate", "scaffold", "--lang", "uk", "--sources", mini_book, check=True)
    assert path.read_text(encoding="utf-8") == before


def test_untranslated_parts_are_shown_in_the_source_language_with_a_notice(mini_book):
    sources, _ = load_sources(mini_book, TEMPLATES)
    result = assemble(sources, "uk", None)
    assert "[Introduction]{lang=en}" in result.markdown
    assert "::: fallback-notice" in result.markdown
    assert "Цю частину ще не перекладено" in result.markdown
    assert result.fallbacks > 0


def test_status_reports_per_field_with_file_and_line_and_fails_on_request(mini_book):
    run_cli("translate", "scaffold", "--lang", "uk", "--sources", mini_book, check=True)
    done = run_cli("status", "--sources", mini_book, "--fail-on", "missing")
    assert done.returncode == 1
    assert "uk: 0% complete" in done.stdout
    assert "missing CZ-900.summary" in done.stdout
    assert "translations/uk/CZ-900.yaml:" in done.stdout
    assert run_cli("status", "--sources", mini_book).returncode == 0


def test_stale_field_shows_old_and_new_source_text(mini_book):
    translate_all(mini_book)
    record = mini_book / "practices" / "CZ-900.yaml"
    record.write_text(record.read_text().replace("  Lessons text.", "  Lessons text, revised."))
    done = run_cli("translate", "scaffold", "--lang", "uk", "--sources", mini_book, check=True)
    assert "stale: CZ-900.lessons" in done.stdout
    assert "Lessons [-text.-]{+text, revised.+}" in done.stdout

    run_cli("translate", "done", "--lang", "uk", "CZ-900.lessons", "--sources", mini_book,
            check=True)
    assert set(status(mini_book).values()) == {"current"}


def test_translate_done_says_for_each_field_why_it_did_nothing(mini_book):
    run_cli("translate", "scaffold", "--lang", "uk", "--sources", mini_book, check=True)
    done = run_cli("translate", "done", "--lang", "uk", "CZ-900.title", "--sources", mini_book,
                   check=True)
    assert "CZ-900.yaml: title: not marked: still `untranslated: true`" in done.stdout
    assert "0 field(s) marked current in `uk`, 1 left as they were" in done.stderr
    translate_all(mini_book)
    done = run_cli("translate", "done", "--lang", "uk", "CZ-900.title", "--sources", mini_book,
                   check=True)
    assert "CZ-900.yaml: title: not marked: already follows the current source" in done.stdout


@pytest.mark.parametrize("policy", ["allow", "mark", "block"])
def test_each_fallback_policy(mini_book, tmp_path, policy):
    book = mini_book / "book.yaml"
    book.write_text(book.read_text().replace("fallback: mark", f"fallback: {policy}"))
    out = tmp_path / "out"
    done = run_cli("build", "--sources", mini_book, "--out", out, "--langs", "uk",
                   "--formats", "html")
    if policy == "block":
        assert done.returncode == 1
        assert "edition `full` refuses to build `uk`" in done.stderr
        assert "CZ-900.summary: missing in `uk`" in done.stderr
        assert "chapter:intro: missing in `uk`" in done.stderr
        assert not (out / "full" / "uk" / "html").exists()
        return
    assert done.returncode == 0, done.stderr
    html = (out / "full" / "uk" / "html" / "all.html").read_text(encoding="utf-8")
    assert 'lang="en"' in html  # the English text is shown, tagged as English
    assert ("Цю частину ще не перекладено" in html) == (policy == "mark")


def test_po_round_trip_is_lossless_and_import_applies_translations(mini_book, tmp_path):
    import polib

    run_cli("translate", "scaffold", "--lang", "uk", "--sources", mini_book, check=True)
    before = {p: p.read_bytes() for p in mini_book.rglob("*") if p.is_file()}
    po_path = tmp_path / "uk.po"
    run_cli("translate", "export", "--lang", "uk", "-o", po_path, "--sources", mini_book,
            check=True)
    run_cli("translate", "import", "--lang", "uk", po_path, "--sources", mini_book, check=True)
    assert {p: p.read_bytes() for p in mini_book.rglob("*") if p.is_file()} == before

    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgctxt == "CZ-900.title")
    entry.msgstr = "Тестова практика"
    po.save(str(po_path))
    run_cli("translate", "import", "--lang", "uk", po_path, "--sources", mini_book, check=True)
    assert status(mini_book)[("CZ-900", "title")] == "current"
    text = (mini_book / "translations" / "uk" / "CZ-900.yaml").read_text(encoding="utf-8")
    assert "Тестова практика" in text


def test_glossary_warns_about_a_variant_to_avoid(mini_book):
    translate_all(mini_book)
    (mini_book / "glossary").mkdir()
    (mini_book / "glossary" / "uk.yaml").write_text(
        "- term: temporary protection\n  use: тимчасовий захист\n  avoid: [тимчасов* охорон*]\n",
        encoding="utf-8")
    path = mini_book / "translations" / "uk" / "CZ-900.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Переклад: Context text.", "Переклад: діяла тимчасова охорона."), encoding="utf-8")
    done = run_cli("status", "--sources", mini_book, "--lang", "uk")
    assert "`тимчасова охорона` is not the agreed term for “temporary protection”" in done.stdout
    assert "the glossary agrees on `тимчасовий захист`" in done.stdout
    assert "translations/uk/CZ-900.yaml:" in done.stdout
