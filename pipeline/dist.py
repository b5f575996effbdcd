"""Stage 6: a release for distributors, and its verification.

`release()` takes artefacts that `build` produced and lays out ``dist/<version>/``: files
named slug-version-edition-language, a zip of each HTML site, ``SHA256SUMS``,
``manifest.json`` and a localized landing page per language. Every byte is reproducible:
zip entries carry fixed dates and modes, and dates come from ``SOURCE_DATE_EPOCH`` or
the book, never the clock. `verify()` checks a received release.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import i18n
from .diagnostics import Diagnostic, PipelineError, error
from .files import atomic_dir, write_atomic
from .layout import FORMATS
from .load import BookSources

# The files a release holds per artefact, in the order of the landing page: the formats,
# the deck followed by its HTML version.
FORMAT_ORDER = tuple(f for fmt in FORMATS for f in ((fmt, "slides-html") if fmt == "slides"
                                                     else (fmt,)))
MANIFEST, SUMS = "manifest.json", "SHA256SUMS"


@dataclass(frozen=True)
class Artefact:
    edition: str
    langs: tuple[str, ...]  # its language, or the languages of an edition's HTML site
    format: str
    source: Path          # what `build` produced (a file, or a site's folder)
    completeness: float   # percentage of translatable fields that are current (the lowest)


# The gates (`pipeline check`) that each released file passed.
GATES_OF = {"pdf": ("pdf",), "epub": ("epubcheck",), "html": ("nu", "axe", "links"),
            "slides": ("pdf",), "slides-html": ("nu", "links"), "sheets": ("pdf",)}
NOT_RUN = "not run"


def release_files(slug: str, version: str, a: Artefact) -> list[tuple[str, str, Path]]:
    """(format, file name, what to copy or zip) of one built artefact in a release."""
    if a.format == "html":  # the edition's site, all its languages: one zip
        return [("html", f"{slug}-{version}-{a.edition}-html.zip", a.source)]
    base = f"{slug}-{version}-{a.edition}-{a.langs[0]}"
    if a.format == "slides":
        return [("slides", f"{base}-slides.pdf", a.source),
                ("slides-html", f"{base}-slides-html.zip", a.source.parent)]
    if a.format == "sheets":
        return [("sheets", f"{base}-sheets.zip", a.source.parent)]
    return [(a.format, f"{base}.{a.format}", a.source)]


def epoch() -> int:
    return int(os.environ["SOURCE_DATE_EPOCH"])


def zip_site(folder: Path, target: Path) -> None:
    """A byte-reproducible zip of a folder: sorted entries, fixed time and modes."""
    stamp = dt.datetime.fromtimestamp(max(epoch(), 315532800), dt.timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder.parent).as_posix(), date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes(), compresslevel=9)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_commit(root: Path) -> dict:
    """The git commit of the sources, if they are in a repository."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10)
        if head.returncode != 0:
            return {}
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, timeout=30)
        return {"source_commit": head.stdout.strip(), "source_modified": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {}


def check_landing_pages(folder: Path) -> list[Diagnostic]:
    """The landing pages pass the same HTML checks as the book (Nu, axe-core)."""
    from .checkers import axe, nu
    pages = sorted(folder.glob("index*.html"))
    problems = []
    for findings in (nu.check(pages), axe.check(pages)):
        problems += [d for d in findings.diagnostics if d.severity == "error"]
    return problems


def release(sources: BookSources, artefacts: list[Artefact], dist_root: Path,
            gates: dict[str, dict[str, str]] | None) -> Path:
    """Lay out dist/<version>/. `gates` holds, per edition, each gate's result; None
    means the release was made without its gates, which the manifest, the landing page
    and `verify` then say."""
    book = sources.book_data
    slug, version = book["slug"], book["version"]
    missing = [a.source for a in artefacts if not a.source.exists()]
    if missing:
        raise PipelineError([error(p, "not-built", "artefact is missing",
                                   hint="run `make build` for this edition and language")
                             for p in missing])
    build_date = dt.datetime.fromtimestamp(epoch(), dt.timezone.utc).date().isoformat()
    commit = source_commit(sources.root)
    target = dist_root / version
    with atomic_dir(target) as tmp:
        entries = []
        for a in artefacts:
            for fmt, name, what in release_files(slug, version, a):
                if what.is_dir():
                    zip_site(what, tmp / name)
                else:
                    shutil.copyfile(what, tmp / name)
                language = {"language": a.langs[0]} if len(a.langs) == 1 else \
                    {"language": "mul", "languages": list(a.langs)}
                entries.append({"file": name, "size": (tmp / name).stat().st_size,
                                "sha256": sha256(tmp / name), **language,
                                "edition": a.edition, "format": fmt,
                                "translation_completeness": round(a.completeness, 1),
                                "checks": {gate: (gates or {}).get(a.edition, {}).get(gate, NOT_RUN)
                                           for gate in GATES_OF[fmt]},
                                "build_date": build_date, **commit})
        languages = [lang for lang in book["languages"]
                     if any(lang in a.langs for a in artefacts)]
        for lang in languages:
            page = "index.html" if lang == languages[0] else f"index-{lang}.html"
            write_atomic(tmp / page, landing_page(sources, lang, languages, entries,
                                                  checked=gates is not None))
        manifest = {"title": book["title"], "slug": slug, "version": version,
                    "build_date": build_date, **commit, "checked": gates is not None,
                    "artefacts": entries}
        write_atomic(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        files = sorted(p for p in tmp.iterdir() if p.is_file() and p.name != SUMS)
        write_atomic(tmp / SUMS, "".join(f"{sha256(p)}  {p.name}\n" for p in files))
        if gates is not None:
            problems = check_landing_pages(tmp)
            if problems:
                raise PipelineError(problems)
    return target


def landing_page(sources: BookSources, lang: str, languages: list[str], entries: list[dict],
                 checked: bool = True) -> str:
    from .merge import localize_book

    strings = i18n.Strings(sources, lang)
    book, _ = localize_book(sources, lang)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(sources.templates)),
                             undefined=jinja2.StrictUndefined, autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    size = lambda n: i18n.format_size(n, lang)  # noqa: E731
    editions = list(dict.fromkeys(e["edition"] for e in entries))
    order = {language: i for i, language in enumerate(languages)} | {"mul": len(languages)}
    groups = [(edition, sorted((e for e in entries if e["edition"] == edition),
                               key=lambda e: (order[e["language"]],
                                              FORMAT_ORDER.index(e["format"]))))
              for edition in editions]
    css = (sources.templates / "css" / "landing.css").read_text(encoding="utf-8")
    return env.get_template("landing.html.j2").render(
        S=strings, lang=lang, book=book, meta=sources.book_data, groups=groups, size=size,
        languages=[{"lang": l, "name": i18n.language_name(l), "current": l == lang,
                    "href": "index.html" if l == languages[0] else f"index-{l}.html"}
                   for l in languages],
        language_name=i18n.language_name, css=css, checked=checked,
        date=i18n.format_partial_date(sources.book_data["date"], lang))


def verify(folder: Path) -> list[Diagnostic]:
    """Check a received release against its SHA256SUMS and manifest."""
    folder = Path(folder)
    sums_path, manifest_path = folder / SUMS, folder / MANIFEST
    if not sums_path.is_file():
        return [error(sums_path, "no-checksums", "SHA256SUMS is missing",
                      hint="is this the folder of a release?")]
    out, listed = [], {}
    for n, line in enumerate(sums_path.read_text(encoding="utf-8").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name or "/" in name or name.startswith("."):
            out.append(error(sums_path, "bad-line", f"not a checksum line: {line[:60]!r}",
                             line=n, column=1))
            continue
        listed[name] = digest
    for name, digest in listed.items():
        path = folder / name
        if not path.is_file():
            out.append(error(path, "missing", "listed in SHA256SUMS but missing"))
        elif sha256(path) != digest:
            out.append(error(path, "altered", "checksum does not match SHA256SUMS",
                             hint="the file was changed or damaged; download it again"))
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name not in listed and path.name != SUMS:
            out.append(error(path, "extra", "not listed in SHA256SUMS"))
    if manifest_path.is_file() and MANIFEST in listed:
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            for entry in manifest.get("artefacts", []):
                path = folder / entry["file"]
                if entry["file"] not in listed:
                    out.append(error(manifest_path, "not-in-sums",
                                     f"{entry['file']} is in the manifest but not in SHA256SUMS"))
                elif path.is_file() and (path.stat().st_size != entry["size"]
                                         or listed[entry["file"]] != entry["sha256"]):
                    out.append(error(path, "manifest-mismatch",
                                     "size or checksum differs from manifest.json"))
        except (ValueError, KeyError, TypeError) as exc:
            out.append(error(manifest_path, "bad-manifest", f"manifest.json is not valid: {exc}"))
    elif MANIFEST not in listed:
        out.append(error(manifest_path, "missing", "manifest.json is not listed in SHA256SUMS"))
    return out


def unchecked(folder: Path) -> list[str]:
    """The files of a release that did not pass its conformance gates (all of them when
    the release was made with `CHECKS=0`), read from its manifest."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        return [e["file"] for e in manifest["artefacts"]
                if not e.get("checks") or any(r != "passed" for r in e["checks"].values())]
    except (OSError, ValueError, KeyError, TypeError):
        return []
