"""The system tools the toolchain uses beyond its Python packages, and how to get each.

Python packages (pandoc included) come from requirements.lock and the npm checkers from
package-lock.json; what Debian must provide is installed by `sudo make system-deps`.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
from dataclasses import dataclass

SYSTEM_DEPS = "sudo make system-deps"


@dataclass(frozen=True)
class Tool:
    name: str
    purpose: str
    found: bool
    install: str


def system_tools() -> list[Tool]:
    from .checkers import node_modules

    chromium = (os.environ.get("PIPELINE_CHROMIUM") or shutil.which("chromium")
                or shutil.which("chromium-browser"))
    npm_ok = all((node_modules.folder() / name).is_dir() for name in ("vnu-jar", "axe-core"))
    return [
        Tool("libharfbuzz-subset0", "fast, HarfBuzz-made font subsets in PDFs (without it "
             "WeasyPrint falls back to fontTools: slower, other bytes)",
             ctypes.util.find_library("harfbuzz-subset") is not None, SYSTEM_DEPS),
        Tool("java", "EPUBCheck and the Nu HTML checker (make check)",
             bool(os.environ.get("PIPELINE_JAVA") or shutil.which("java")), SYSTEM_DEPS),
        Tool("chromium", "axe-core accessibility checks (make check)", bool(chromium),
             SYSTEM_DEPS),
        Tool("node_modules", "the Nu HTML checker and axe-core (make check)", npm_ok,
             "make node_modules/.installed"),
    ]


def notes() -> list[str]:
    """One line per install command that would bring missing tools, or nothing."""
    missing: dict[str, list[str]] = {}
    for tool in system_tools():
        if not tool.found:
            missing.setdefault(tool.install, []).append(tool.name)
    return [f"note: not installed: {', '.join(names)}; `{install}` installs "
            f"{'them' if len(names) > 1 else 'it'} (`pipeline tools` says what for)"
            for install, names in missing.items()]
