"""One diagnostic type for the whole tool.

Every stage returns problems as `Diagnostic` values; only the command line prints them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int
    severity: str
    code: str
    message: str
    field: str = ""
    hint: str = ""

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}: {self.severity}: {field}{self.message}{hint} [{self.code}]"

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.field, self.message)


def error(file, code: str, message: str, *, line: int = 0, column: int = 0,
          field: str = "", hint: str = "") -> Diagnostic:
    return Diagnostic(display_path(file), line, column, ERROR, code, message, field, hint)


def warning(file, code: str, message: str, *, line: int = 0, column: int = 0,
            field: str = "", hint: str = "") -> Diagnostic:
    return Diagnostic(display_path(file), line, column, WARNING, code, message, field, hint)


def display_path(path) -> str:
    """A path as the user typed it: relative to the working directory where possible."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == ERROR for d in diagnostics)


def ordered(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def summary(diagnostics: list[Diagnostic], files: int) -> str:
    errors = sum(d.severity == ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    files_with = len({d.file for d in diagnostics})
    return (f"{files} files checked: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)} in {files_with} file{'s' * (files_with != 1)}")


def as_json(diagnostics: list[Diagnostic], files: int) -> str:
    return json.dumps({
        "files": files,
        "errors": sum(d.severity == ERROR for d in diagnostics),
        "warnings": sum(d.severity == WARNING for d in diagnostics),
        "problems": [asdict(d) for d in diagnostics],
    }, ensure_ascii=False, indent=2)


class PipelineError(Exception):
    """A failure the user can fix; carries the diagnostics that explain it."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))
