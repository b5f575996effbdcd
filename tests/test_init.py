"""`pipeline init` starts a book that validates and builds, in languages and countries
other than the sample's, and never writes over anything."""

from __future__ import annotations

from conftest import OUR_FONT, ROOT, pdf_fonts, run_cli


def test_a_new_russian_and_english_book_about_france_and_germany_builds(tmp_path):
    book = tmp_path / "new-book"
    done = run_cli("init", book, "--languages", "ru,en", "--countries", "FR,DE", check=True)
    assert "make build SOURCES=" in done.stderr
    assert (book / "practices" / "FR-001.yaml").is_file()
    assert "countries: [FR, DE]" in (book / "contract.yaml").read_text(encoding="utf-8")
    checked = run_cli("validate", "--sources", book)
    assert checked.returncode == 0 and "0 errors, 0 warnings" in checked.stderr
    status = run_cli("status", "--sources", book, "--fail-on", "stale")
    assert status.returncode == 0, status.stdout  # the English texts are current translations
    out = tmp_path / "out"
    run_cli("build", "--sources", book, "--out", out, "--langs", "ru", "--formats", "pdf,html",
            check=True)
    pdf = out / "full" / "ru" / "new-book-full-ru.pdf"
    from pypdf import PdfReader
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Франция" in text  # the country name from CLDR
    assert "Пример практики" in text
    fonts = pdf_fonts(pdf)
    assert fonts and all(OUR_FONT.fullmatch(name) for name in fonts), fonts


def test_init_never_writes_into_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    done = run_cli("init", tmp_path, "--languages", "en", "--countries", "PL")
    assert done.returncode == 1 and "never writes over anything" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_what_it_cannot_publish_naming_each_problem(tmp_path):
    done = run_cli("init", tmp_path / "b", "--languages", "en,ka,ar", "--countries", "PL,XX")
    assert done.returncode == 1
    for message in ("Georgian script (Geor) of `ka`", "`ar` (Arabic) is written from right to left",
                    "`XX` is not an ISO 3166-1 alpha-2 country code"):
        assert message in done.stderr
    assert not (tmp_path / "b").exists()
    assert "Traceback" not in done.stderr


def test_the_second_book_of_the_repository_is_valid():
    done = run_cli("validate", "--sources", ROOT / "examples" / "local-integration")
    assert done.returncode == 0 and "0 errors, 0 warnings" in done.stderr, done.stderr
