"""Bad input never produces a traceback or a half-written artefact."""

from __future__ import annotations

from conftest import run_cli


def test_broken_record_stops_the_build_before_rendering(mini_book, tmp_path):
    record = mini_book / "practices" / "CZ-900.yaml"
    record.write_text("id: CZ-900\ntitle: [broken\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("build", "--sources", mini_book, "--out", out)
    assert done.returncode == 1
    assert "CZ-900.yaml:2:8: error: YAML syntax" in done.stderr
    assert "Traceback" not in done.stderr
    assert not any(p.suffix in (".pdf", ".epub", ".html") for p in out.rglob("*"))


def test_missing_sources_folder_is_a_clear_error(tmp_path):
    done = run_cli("validate", "--sources", tmp_path / "nowhere")
    assert done.returncode == 1
    assert "the sources folder does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_font_is_a_clear_error(mini_book, tmp_path):
    import shutil

    from conftest import TEMPLATES
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "fonts" / "NotoSerif-Bold.ttf").unlink()
    done = run_cli("build", "--sources", mini_book, "--templates", templates,
                   "--out", tmp_path / "out", "--formats", "epub")
    assert done.returncode == 1
    assert "NotoSerif-Bold.ttf: error: font file is missing" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "out").rglob("*.epub"))


def test_mini_book_builds_in_both_languages(mini_book, tmp_path):
    out = tmp_path / "out"
    done = run_cli("build", "--sources", mini_book, "--out", out, "--formats", "html,epub")
    assert done.returncode == 0, done.stderr
    html = (out / "full" / "uk" / "html" / "intro.html").read_text(encoding="utf-8")
    assert 'lang="en"' in html and "fallback-notice" in html
    assert 'href="practice-cz-900.html"' in html


def test_an_unreadable_book_yaml_is_one_message_without_follow_on_errors(mini_book, tmp_path):
    from conftest import make
    book = mini_book / "book.yaml"
    book.write_text(book.read_text().replace("languages: [en, uk]", "languages: [en, uk"))
    done = run_cli("validate", "--sources", mini_book)
    errors = [line for line in done.stderr.splitlines() if ": error: " in line or ": warning: " in line]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(f"{book}:6:12: error: YAML syntax: the flow sequence opened here")
    made = make("build", f"SOURCES={mini_book}", f"OUT={tmp_path / 'out'}")
    assert made.returncode != 0
    assert made.stderr.count(": error: ") == 1, made.stderr
    assert "No rule to make target" not in made.stderr
    assert "Traceback" not in made.stderr
