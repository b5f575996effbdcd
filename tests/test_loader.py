"""The YAML loader: positions, and every kind of broken file as a problem, never a crash."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEMPLATES
from pipeline.load import load_sources
from pipeline.validate import validate
from pipeline.yamldoc import MAX_BYTES, load_yaml


def load(tmp_path, content: bytes | str, name="doc.yaml"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return load_yaml(path)


def codes(problems):
    return [(p.code, p.line, p.column) for p in problems]


def test_positions_of_nested_values(tmp_path):
    doc, problems = load(tmp_path, "a:\n  b: [x, {c: 1}]\nd: >-\n  text\n")
    assert problems == []
    assert doc.data == {"a": {"b": ["x", {"c": 1}]}, "d": "text"}
    assert doc.where(("a", "b", 1, "c")) == (2, 14)
    assert doc.where(("d",)) == (3, 4)
    assert doc.where(("a", "missing")) == (2, 3)


def test_yaml_1_2_scalars_dates_stay_text(tmp_path):
    doc, _ = load(tmp_path, "a: 2024-10-12\nb: yes\nc: no\nd: true\ne: 012\nf: 1.5\ng: ~\nh: '7'\n")
    assert doc.data == {"a": "2024-10-12", "b": "yes", "c": "no", "d": True, "e": 12,
                        "f": 1.5, "g": None, "h": "7"}


def test_byte_order_mark_is_accepted(tmp_path):
    doc, problems = load(tmp_path, b"\xef\xbb\xbfa: 1\n")
    assert problems == [] and doc.data == {"a": 1}


def test_non_utf8_bytes_are_reported_with_line_and_column(tmp_path):
    _, problems = load(tmp_path, b"a: 1\nb: caf\xe9\n")
    assert codes(problems) == [("not-utf8", 2, 7)]
    assert "0xe9" in problems[0].message


def test_duplicate_keys_are_reported_at_the_second_key(tmp_path):
    _, problems = load(tmp_path, "a: 1\nb:\n  c: 1\n  c: 2\n")
    assert codes(problems) == [("duplicate-key", 4, 3)]


def test_tags_that_construct_objects_are_refused(tmp_path):
    for text in ("a: !!python/object/apply:os.system ['true']\n", "a: !custom 1\n",
                 "a: !!binary aGVsbG8=\n", "a: !!set {x}\n"):
        _, problems = load(tmp_path, text)
        assert [p.code for p in problems] == ["yaml-tag"], text


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    started = time.monotonic()
    _, problems = load(tmp_path, "\n".join(lines) + "\n")
    assert [p.code for p in problems] == ["alias-bomb"]
    assert time.monotonic() - started < 5


def test_recursive_alias_and_deep_nesting_are_refused(tmp_path):
    _, problems = load(tmp_path, "a: &x [*x]\n")
    assert [p.code for p in problems] in (["alias-bomb"], ["too-deep"], ["yaml-syntax"])
    _, problems = load(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert [p.code for p in problems] == ["too-deep"]


def test_file_over_one_mebibyte_is_refused_unread(tmp_path):
    _, problems = load(tmp_path, "a: " + "x" * MAX_BYTES + "\n")
    assert [p.code for p in problems] == ["file-too-large"]


def test_syntax_error_names_line_and_column(tmp_path):
    _, problems = load(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    assert problems[0].code == "yaml-syntax" and (problems[0].line, problems[0].column) == (2, 4)


def test_an_unclosed_bracket_is_reported_where_it_opens_and_where_it_was_noticed(tmp_path):
    _, problems = load(tmp_path, "a: 1\nb: [1, 2\n\nc: 3\nd: 4\n")
    [problem] = problems
    assert (problem.line, problem.column) == (2, 4)
    assert "flow sequence opened here is not closed" in problem.message
    assert "noticed at line 4" in problem.message and "`]`" in problem.hint
    _, problems = load(tmp_path, 'a: "open\nb: 2\n')
    assert problems[0].line == 1 and "quoted scalar" in problems[0].message


def test_several_documents_are_refused(tmp_path):
    _, problems = load(tmp_path, "a: 1\n---\nb: 2\n")
    assert codes(problems) == [("several-documents", 3, 1)]


yaml_like = st.text(alphabet=st.sampled_from(list("ab:- \n[]{},&*!'\"#|>%@`\t\\0123é€\x00")),
                    max_size=200)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(yaml_like, st.binary(max_size=200)))
def test_no_input_crashes_the_loader_or_validator(tmp_path, content):
    root = tmp_path / "sources"
    (root / "practices").mkdir(parents=True, exist_ok=True)
    (root / "book.yaml").write_bytes(b"slug: x\n")
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    (root / "practices" / "CZ-001.yaml").write_bytes(data)
    (root / "book.yaml").write_bytes(data)
    sources, problems = load_sources(root, TEMPLATES)
    problems += validate(sources)
    assert all(p.file and p.message for p in problems)
