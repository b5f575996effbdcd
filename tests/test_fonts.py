"""The book is laid out with its own fonts only, whatever fonts the machine has, and a
character those fonts cannot show is an error, never a box or a fallback font."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import OUR_FONT, ROOT, pdf_fonts, run_cli

PDF = Path("full") / "en" / "mini-book-full-en.pdf"


def render_pdf(sources: Path, out: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`pipeline assemble` then `pipeline render` of the English PDF, as make runs them."""
    environment = {**os.environ, **(env or {})}
    for step in (["assemble", "--lang", "en"],
                 ["render", "--lang", "en", "--edition", "full", "--format", "pdf"]):
        done = subprocess.run([sys.executable, "-m", "pipeline", *step, "--sources", str(sources),
                               "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                              env=environment, timeout=300)
        if done.returncode != 0:
            return done
    return done


def impostor_font(folder: Path) -> Path:
    """DejaVu Serif (shipped with matplotlib) renamed to our own family names: a machine
    font that would win any `serif` or `Book Serif` match fontconfig is allowed to make."""
    import matplotlib
    from fontTools.ttLib import TTFont
    font = TTFont(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf")
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "Book Serif"
        elif record.nameID == 6:
            record.string = "BookSerif"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "BookSerif.ttf"
    font.save(path)
    return path


def test_pdf_bytes_do_not_depend_on_the_fonts_of_the_machine(mini_book, tmp_path):
    plain = render_pdf(mini_book, tmp_path / "plain")
    assert plain.returncode == 0, plain.stderr
    # A machine with an impostor in the user's font folders and a fontconfig setup that
    # makes it the first choice for serif text.
    home = tmp_path / "home"
    impostor = impostor_font(home / ".fonts")
    conf = tmp_path / "hostile.conf"
    conf.write_text(f"""<?xml version="1.0"?><fontconfig>
  <dir>{impostor.parent}</dir><dir>/usr/share/fonts</dir>
  <alias><family>serif</family><prefer><family>Book Serif</family></prefer></alias>
</fontconfig>""", encoding="utf-8")
    hostile = render_pdf(mini_book, tmp_path / "hostile",
                         {"HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
                          "FONTCONFIG_FILE": str(conf)})
    assert hostile.returncode == 0, hostile.stderr
    first, second = tmp_path / "plain" / PDF, tmp_path / "hostile" / PDF
    assert first.read_bytes() == second.read_bytes()
    fonts = pdf_fonts(first)
    assert fonts and all(fonts.values()), "every font is embedded"
    assert all(OUR_FONT.fullmatch(name) for name in fonts), fonts


def test_a_character_the_fonts_cannot_show_is_a_validation_error(mini_book):
    translation = mini_book / "translations" / "uk" / "CZ-900.yaml"
    translation.parent.mkdir(parents=True)
    translation.write_text("title:\n  text: Спільний пункт ⚖ інформації\n", encoding="utf-8")
    chapter = mini_book / "chapters" / "en" / "intro.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA Georgian word: ქალაქი.\n",
                       encoding="utf-8")
    done = run_cli("validate", "--sources", mini_book)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if "[uncovered-character]" in line]
    assert any(line.startswith(f"{translation}:2:") and "U+2696 SCALES" in line
               and "`uk` text" in line for line in lines), lines
    assert any(line.startswith(f"{chapter}:5:18:") and "U+10E5 GEORGIAN LETTER KHAR" in line
               and "`en` text" in line for line in lines), lines
    assert "Traceback" not in done.stderr


def test_generated_text_the_fonts_cannot_show_stops_the_render(mini_book, tmp_path):
    out = tmp_path / "out"
    assert render_pdf(mini_book, out).returncode == 0
    # As if a template or a locale's formatting had produced the character.
    book = out / ".work" / "full" / "en" / "book.md"
    book.write_text(book.read_text(encoding="utf-8") + "\nRated ★★★.\n", encoding="utf-8")
    (out / PDF).unlink()
    done = run_cli("render", "--lang", "en", "--edition", "full", "--format", "pdf",
                   "--sources", mini_book, "--out", out)
    assert done.returncode == 1
    assert "U+2605 BLACK STAR “★” in `en` text cannot be shown" in done.stderr
    assert f"book.md:{book.read_text(encoding='utf-8').count(chr(10))}:7:" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (out / PDF).exists()


@pytest.mark.parametrize("folder", ["css", "fonts"])
def test_a_missing_font_file_or_declaration_is_one_clear_error(mini_book, tmp_path, folder):
    import shutil
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    if folder == "fonts":
        (templates / "fonts" / "NotoSans-Bold.ttf").unlink()
        expected = "NotoSans-Bold.ttf: error: font file is missing"
    else:
        for css in (templates / "css").glob("*.css"):
            css.write_text("body { color: black; }\n", encoding="utf-8")
        expected = "the stylesheets name no font in templates/fonts/"
    done = run_cli("build", "--sources", mini_book, "--templates", templates,
                   "--out", tmp_path / "out", "--formats", "pdf")
    assert done.returncode == 1 and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont
    return set(TTFont(path)["cmap"].getBestCmap())


def test_fonts_for_html_and_epub_are_cut_down_to_the_scripts_of_their_text(tmp_path):
    from pipeline import fonts
    named = [ROOT / "templates" / "fonts" / n for n in ("NotoSerif-Regular.ttf",
                                                       "NotoSans-Bold.ttf")]
    text = "Zażółć gęślą jaźń. Ґанок — «так»."
    web = fonts.subset(named, text, tmp_path, "woff")
    assert [p.name for p in web] == ["NotoSerif-Regular.woff", "NotoSans-Bold.woff"]
    for full, cut in zip(named, web):
        assert cut.read_bytes()[:4] == b"wOFF"
        kept, had = cmap(cut), cmap(full)
        assert {ord(ch) for ch in text} <= kept
        assert {ord("Є"), ord("ő"), ord("€")} <= kept  # the rest of the pages the text uses
        assert ord("Ω") in had and ord("Ω") not in kept  # Greek: a page the text does not use
        assert cut.stat().st_size < full.stat().st_size / 5

    epub = fonts.subset(named, text, tmp_path)
    assert [p.name for p in epub] == ["NotoSerif-Regular.ttf", "NotoSans-Bold.ttf"]
    assert [p.parent for p in epub] == [p.parent for p in web]  # one cut for both flavors
    assert {ord(ch) for ch in text} <= cmap(epub[0])

    times = [p.stat().st_mtime_ns for p in web]
    assert fonts.subset(named, "Їжак, jeż", tmp_path, "woff") == web  # the same pages
    assert [p.stat().st_mtime_ns for p in web] == times  # cut once
    assert fonts.subset(named, "Zażółć", tmp_path, "woff") != web  # no Cyrillic page


def test_a_font_that_cannot_be_cut_down_is_named(tmp_path):
    from pipeline import fonts
    from pipeline.diagnostics import PipelineError
    broken = tmp_path / "Broken.ttf"
    broken.write_bytes(b"\0\1\0\0" + b"\0" * 64)
    with pytest.raises(PipelineError) as caught:
        fonts.subset([broken], "text", tmp_path / "cache", "woff")
    (problem,) = caught.value.diagnostics
    assert problem.code == "unreadable-font" and "Broken.ttf" in str(problem.file)
    assert not list((tmp_path / "cache").rglob("*.woff"))
