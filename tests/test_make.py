"""The Makefile as a newcomer meets it: a mistyped variable stops everything at once."""

from __future__ import annotations


import pytest

from conftest import make




@pytest.mark.parametrize("variable, value, message", [
    ("LANGS", "en,ua", "unknown language 'ua' in LANGS; the book's languages are: en uk"),
    ("FORMATS", "pdfx", "unknown format 'pdfx' in FORMATS; the formats are: "
                        "pdf epub html slides sheets"),
    ("EDITION", "nope", "unknown edition 'nope' in EDITION; the book's editions are: full"),
])
def test_an_unknown_value_names_the_allowed_ones_and_builds_nothing(mini_book, tmp_path,
                                                                   variable, value, message):
    out = tmp_path / "out"
    for goal in ("build", "dist"):
        done = make(goal, f"{variable}={value}", f"SOURCES={mini_book}", f"OUT={out}",
                    f"DIST={tmp_path / 'dist'}")
        assert done.returncode == 2, done.stdout + done.stderr
        assert message in done.stderr
        assert not [p for p in out.rglob("*") if p.is_file() and ".work" not in p.parts]
        assert not (tmp_path / "dist").exists()


def test_help_lists_every_target_and_variable():
    done = make("help")
    assert done.returncode == 0
    for target in ("build", "test", "test-all", "validate", "status", "check", "dist", "serve",
                   "bench", "lock", "system-deps", "clean"):
        assert f"make {target}" in done.stdout, target
    assert "CHECKS=0" in done.stdout
