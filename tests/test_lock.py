"""The environment is the lock: what `make build` installs is exactly requirements.lock,
which covers every dependency pyproject.toml names."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT


def locked() -> dict[str, str]:
    """name → version of every lock entry that applies to this interpreter and platform."""
    pins = {}
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(re.sub(r"\s--hash=\S+", "", line))
        assert str(requirement.specifier).startswith("=="), line
        if requirement.marker is None or requirement.marker.evaluate():
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier)[2:]
    return pins


def test_every_locked_package_is_installed_at_its_locked_version():
    pins = locked()
    assert len(pins) > 30
    for name, version in pins.items():
        assert metadata.version(name) == version, name


def test_every_entry_of_the_lock_has_hashes():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2])
    assert entries and all("--hash=sha256:" in entry for entry in entries if "==" in entry)


def test_the_lock_covers_every_dependency_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"] \
        + project["optional-dependencies"]["check"]
    pins = locked()
    for spec in wanted:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name]), \
            f"{name} {pins[name]} is outside pyproject.toml's {requirement.specifier}: run `make lock`"
