"""Large documents are read by several pandoc processes at once; the AST must be the one
a single pandoc gives, whatever the Markdown holds."""

from __future__ import annotations

from pipeline import pandoc

ARGS = ["--from", pandoc.MARKDOWN, "--to", "json"]


def section(i: int) -> str:
    """A chapter with the constructs a careless cut would break."""
    return f"""# Chapter {i} {{#chapter-{i}}}

A paragraph with a note.[^n{i}] And a [reference link][ref{i}].
# Not a heading: it continues the paragraph (no blank line before it)

```
# not a heading either: inside code
```

::: {{.box}}
## A heading inside a div {{#box-{i}}}

Text in the div.
:::

## Results

{"Words and more words in a long paragraph. " * 40}

[^n{i}]: The note of chapter {i}, defined at its end.

[ref{i}]: https://example.org/{i}

"""


def test_a_large_document_read_in_parts_gives_the_ast_of_one_read():
    text = "".join(section(i) for i in range(600))
    assert len(text) > pandoc.SPLIT_CHARS
    pieces = pandoc.split_markdown(text, 2)
    assert len(pieces) == 2 and "".join(pieces) == text
    assert pieces[1].startswith("# Chapter ") or pieces[1].startswith("## ")
    # Each chapter repeats "## Results": pandoc numbers them (results-1, …) only when it
    # sees the whole document, so the parts are read again as a whole.
    assert pandoc.read_parts(text, ARGS, 2, "test") == pandoc.read_parts(text, ARGS, 1, "test")


def test_parts_are_joined_when_their_headings_are_distinct():
    text = "".join(section(i).replace("## Results", f"## Results {{#results-{i}}}")
                   for i in range(600))
    whole = pandoc.read_parts(text, ARGS, 1, "test")
    assert pandoc.read_parts(text, ARGS, 2, "test") == whole
    notes = [b for b in whole["blocks"] if b["t"] == "Para"
             and any(i.get("t") == "Note" for i in b["c"])]
    assert len(notes) == 600  # every note found its definition, in whichever part


def test_a_small_document_is_one_part():
    assert pandoc.split_markdown("# One\n\n# Two\n", 2) == ["# One\n\n# Two\n"]
