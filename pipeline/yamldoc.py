"""Reading YAML safely, keeping the line and column of every value.

The reader accepts a YAML 1.2 core-schema subset: mappings with string keys, sequences,
strings, integers, floats, booleans (`true`/`false` only) and null. Dates stay strings
(the schema checks their format). Everything else is a reported problem, never a crash:
bytes that are not UTF-8, files over 1 MiB, syntax errors, duplicate keys, tags that
would construct objects, aliases that expand without bound and absurd nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, error

MAX_BYTES = 1024 * 1024
MAX_VALUES = 100_000  # values after alias expansion
MAX_DEPTH = 50

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in
                 ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"),
                  ".nan": float("nan")}

# libyaml's parser where the installed PyYAML has it: same nodes and marks, much faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple  # a field path such as ("actors", 2, "type")


def field_name(path: Path_) -> str:
    """("actors", 2, "type") -> "actors[2].type"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def lookup(data: Any, path: Path_ | str) -> Any:
    """The value at a field path (("actors", 2, "type") or "editorial.status"), or None
    where the path does not lead."""
    for part in path.split(".") if isinstance(path, str) else path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    positions: dict = field(default_factory=dict, compare=False, repr=False)
    blocks: dict = field(default_factory=dict, compare=False, repr=False)  # literal `|` texts

    def position_in(self, path: Path_, offset: int, text: str) -> tuple[int, int]:
        """Line and column of character `offset` of a field's text: exact inside a literal
        block (`|`), whose lines map one to one onto the file; else the field's start."""
        path = tuple(path)
        if path not in self.blocks:
            return self.where(path)
        first_line, indent = self.blocks[path]
        line = first_line + text.count("\n", 0, offset)
        return line, indent + offset - (text.rfind("\n", 0, offset) + 1) + 1

    def where(self, path: Path_) -> tuple[int, int]:
        """Line and column of a field, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def error(self, path: Path_, code: str, message: str, hint: str = "") -> Diagnostic:
        line, column = self.where(path)
        return error(self.path, code, message, line=line, column=column,
                     field=field_name(path), hint=hint)


class _Problem(Exception):
    def __init__(self, code: str, message: str, mark=None, hint: str = ""):
        super().__init__(message)
        self.code, self.message, self.mark, self.hint = code, message, mark, hint


def read_text(path: Path) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or the problems that make it unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [error(path, "file-too-large",
                                f"file is {size:,} bytes; the limit is {MAX_BYTES:,} (1 MiB)",
                                hint="split it or remove pasted material")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(path, "unreadable", f"cannot read file: {exc.strerror or exc}")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [error(path, "not-utf8",
                            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                            line=line, column=column,
                            hint="save the file as UTF-8")]


def load_yaml(path: Path, text: str | None = None) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Parse one YAML file into plain data with positions; problems are returned, not raised."""
    path = Path(path)
    if text is None:
        text, problems = read_text(path)
        if text is None:
            return None, problems
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
        if len(nodes) > 1:
            raise _Problem("several-documents", "the file holds more than one YAML document",
                           nodes[1].start_mark, "keep one mapping per file; remove `---`")
        node = nodes[0] if nodes else None
        positions: dict = {}
        builder = _Builder(positions, text)
        data = builder.build(node, (), 0) if node is not None else None
    except _Problem as p:
        line, column = (p.mark.line + 1, p.mark.column + 1) if p.mark else (1, 1)
        return None, [error(path, p.code, p.message, line=line, column=column, hint=p.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "nesting depth" in str(exc.problem):  # PyYAML ≥ 6.0.4 stops deep nesting itself
            return None, [error(path, "too-deep", f"nesting is deeper than {MAX_DEPTH} levels",
                                line=line, column=column)]
        return None, [_syntax_error(path, exc, line, column)]
    except yaml.YAMLError as exc:
        return None, [error(path, "yaml-syntax", f"YAML syntax: {exc}")]
    except RecursionError:
        return None, [error(path, "too-deep", f"nesting is deeper than {MAX_DEPTH} levels")]
    return YamlDocument(path, data, positions, builder.blocks if node is not None else {}), []


def _syntax_error(path: Path, exc: yaml.MarkedYAMLError, line: int, column: int) -> Diagnostic:
    """A YAML syntax error where it can be fixed: an unclosed bracket, brace or quote is
    reported where it opens (the parser notices it only lines later, which the message
    says); anything else where it was noticed, with where its construct began."""
    problem = exc.problem or "invalid YAML"
    start = exc.context_mark
    if start is None or (start.line + 1, start.column + 1) == (line, column):
        return error(path, "yaml-syntax", f"YAML syntax: {problem}", line=line, column=column,
                     hint="check indentation, colons and quotes")
    opened = (start.line + 1, start.column + 1)
    construct = re.sub(r"^while (parsing|scanning) (an? )?", "", exc.context or "construct")
    closer = {"flow sequence": "`]`", "flow mapping": "`}`"}.get(construct, "the quote")
    if any(word in construct for word in ("flow", "quoted")):
        return error(path, "yaml-syntax",
                     f"YAML syntax: the {construct} opened here is not closed: {problem} "
                     f"(noticed at line {line}, column {column})",
                     line=opened[0], column=opened[1], hint=f"close it with {closer}")
    return error(path, "yaml-syntax",
                 f"YAML syntax: {problem} (in the {construct} that starts at line "
                 f"{opened[0]}, column {opened[1]})", line=line, column=column,
                 hint="check indentation, colons and quotes")


class _Builder:
    def __init__(self, positions: dict, text: str):
        self.positions = positions
        self.count = 0
        self.text_lines = text.split("\n")
        self.blocks: dict = {}

    def build(self, node: yaml.Node, path: tuple, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _Problem("alias-bomb", f"the document expands to more than {MAX_VALUES:,} "
                           "values (aliases repeated without bound?)", node.start_mark,
                           "remove the `*alias` references")
        if depth > MAX_DEPTH:
            raise _Problem("too-deep", f"nesting is deeper than {MAX_DEPTH} levels",
                           node.start_mark)
        if node.tag not in _ALLOWED_TAGS:
            raise _Problem("yaml-tag", f"YAML tag `{node.tag}` is not allowed",
                           node.start_mark, "write plain values without `!` tags")
        mark = node.start_mark
        positions = self.positions
        if path not in positions:  # an alias repeats a node: its first place counts
            positions[path] = (mark.line + 1, mark.column + 1)
        kind = type(node)
        if kind is yaml.ScalarNode:
            if node.style == "|":
                self._literal_block(node, path)
            return _scalar(node)
        depth += 1
        if kind is yaml.SequenceNode:
            return [self.build(item, path + (i,), depth) for i, item in enumerate(node.value)]
        result: dict = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag not in _ALLOWED_TAGS:
                raise _Problem("yaml-key", "keys must be plain words", key_node.start_mark)
            key = key_node.value
            if key in result:
                raise _Problem("duplicate-key", f"key `{key}` appears twice in this mapping",
                               key_node.start_mark, "keep one of them")
            result[key] = self.build(value_node, path + (key,), depth)
        return result

    def _literal_block(self, node: yaml.ScalarNode, path: tuple) -> None:
        """Where the content of a literal block starts: the first non-blank line after
        the `|` indicator, and its indentation."""
        for index in range(node.start_mark.line + 1, min(node.end_mark.line + 1,
                                                         len(self.text_lines))):
            line = self.text_lines[index]
            if line.strip():
                if index == node.start_mark.line + 1:
                    self.blocks[path] = (index + 1, len(line) - len(line.lstrip(" ")))
                return


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    if node.style or node.tag == _CORE + "str":  # quoted, literal or folded, or !!str
        return value
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _INT.fullmatch(value):
        return int(value, 0) if value.startswith(("0o", "0x")) else int(value)
    if _FLOAT.fullmatch(value) and any(c.isdigit() for c in value):
        return float(value)
    if value.lower() in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[value.lower()]
    return value
