"""The one door to Java, which EPUBCheck and the Nu HTML checker run on."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

from ..diagnostics import PipelineError, error

MINIMUM = 11  # EPUBCheck 5 and the Nu checker need Java 11 or newer
INSTALL = "run `sudo make system-deps` (installs the Debian package default-jre-headless)"


@functools.cache
def executable() -> str:
    """Path of `java` (PIPELINE_JAVA, else JAVA_HOME, else PATH), checked for its version."""
    path = os.environ.get("PIPELINE_JAVA")
    if not path and os.environ.get("JAVA_HOME"):
        candidate = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
        path = candidate if os.access(candidate, os.X_OK) else None
    path = path or shutil.which("java")
    if not path:
        raise PipelineError(error("java", "no-java",
                                  "Java is not installed; EPUBCheck and the Nu HTML checker "
                                  "need it", hint=INSTALL))
    try:
        done = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=60)
        found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    except (OSError, subprocess.SubprocessError):
        found = None
    if not found:
        raise PipelineError(error(path, "no-java", "`java -version` does not run", hint=INSTALL))
    major = int(found.group(1))
    if major == 1:  # "1.8.0" is Java 8
        major = int(found.group(2) or 0)
    if major < MINIMUM:
        raise PipelineError(error(path, "old-java", f"Java {major} is too old; "
                                  f"{MINIMUM} or newer is needed", hint=INSTALL))
    return path
