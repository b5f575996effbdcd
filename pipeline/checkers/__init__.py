"""Conformance checkers for built artefacts, one module per tool.

Each module finds its tool, checks its version, runs it and parses its machine-readable
output into `Diagnostic` values; a missing tool is one clear error naming the command that
installs it, never a traceback. `pipeline.check` runs them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic


@dataclass
class Findings:
    """What one checker said: its diagnostics, and the errors and warnings as the checker
    itself counts them (our policy may treat a checker's warning as an error)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    ran: bool = True

    def tool_missing(self, diagnostic: Diagnostic) -> "Findings":
        self.diagnostics.append(diagnostic)
        self.ran = False
        return self
