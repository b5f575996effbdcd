"""Hostile and oversized input is reported quickly, never run, never a traceback."""

from __future__ import annotations

from conftest import TEMPLATES, run_cli
from pipeline.load import load_sources
from pipeline.validate import validate


def problems_of(root):
    sources, problems = load_sources(root, TEMPLATES)
    return problems + validate(sources)


def replace_in_record(root, old, new):
    record = root / "practices" / "CZ-900.yaml"
    text = record.read_text(encoding="utf-8")
    assert old in text
    record.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_100000_character_field_is_rejected(mini_book):
    replace_in_record(mini_book, "  Context text.", "  " + "word " * 20_000)
    found = [(p.code, p.field) for p in problems_of(mini_book)]
    assert ("length", "context") in found


def test_10000_list_items_are_rejected(mini_book):
    targets = ", ".join(f"Office {i}" for i in range(10_000))
    replace_in_record(mini_book, "targets: [Rada města]", f"targets: [{targets}]")
    found = [(p.code, p.field) for p in problems_of(mini_book)]
    assert ("length", "advocacy.targets") in found


def test_deep_nesting_is_rejected(mini_book):
    replace_in_record(mini_book, "scale: municipal", "scale: " + "{a: " * 2000 + "1" + "}" * 2000)
    found = [p.code for p in problems_of(mini_book)]
    assert found == ["too-deep"]


def test_every_hostile_construct_in_a_chapter_is_reported(mini_book):
    chapter = mini_book / "chapters" / "en" / "intro.md"
    chapter.write_text(
        "# Intro {#intro}\n\n"
        "<script>alert(1)</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) and [file](file:///etc/passwd)\n\n"
        "![secret](file:///etc/passwd) ![up](../../../etc/passwd)\n\n"
        "[x](https://example.org){onmouseover=\"alert(1)\"}\n\n"
        "<iframe src=\"https://example.org\"></iframe> <!-- hidden -->\n\n"
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n", encoding="utf-8")
    found = sorted((p.line, p.code) for p in problems_of(mini_book))
    assert (3, "raw-html") in found
    assert (5, "raw-html") in found
    assert (7, "unsafe-link") in found and len([f for f in found if f[0] == 7]) == 2
    assert (9, "unsafe-link") in found and (9, "missing-file") in found
    assert (11, "event-handler") in found
    assert (13, "raw-html") in found
    assert (15, "unsafe-link") in found


def test_new_practice_writes_a_valid_skeleton_with_the_next_free_id(mini_book):
    done = run_cli("new-practice", "--country", "CZ", "--sources", mini_book, check=True)
    path = mini_book / "practices" / "CZ-001.yaml"
    assert done.stdout.strip().endswith("CZ-001.yaml") and path.exists()
    assert [p.format() for p in problems_of(mini_book) if p.severity == "error"] == []
    run_cli("new-practice", "--country", "CZ", "--sources", mini_book, check=True)
    assert (mini_book / "practices" / "CZ-002.yaml").exists()
