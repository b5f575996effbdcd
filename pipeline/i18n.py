"""Interface strings and locale formatting (dates, numbers, money) through Babel/CLDR."""

from __future__ import annotations

import datetime as dt
import re

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as format_percent_babel

from .contract import NOT_STATED
from .diagnostics import PipelineError, error
from .load import BookSources

# The CLDR locale used for each book language (English in its European form).
LOCALES = {"en": "en_GB"}


def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, lang))


class Strings:
    """The strings of one language: the toolchain's interface strings
    (templates/i18n/<lang>.yaml) with the book's own (strings/<lang>.yaml: the labels of
    its codes, its rubric, its wordings) over them. `strings("fields.place")`,
    `strings.label("theme", "housing")`. A missing key is an error, never English."""

    def __init__(self, sources: BookSources, lang: str):
        doc = sources.strings.get(lang)
        if doc is None or not isinstance(doc.data, dict):
            raise PipelineError(error(sources.templates / "i18n" / f"{lang}.yaml",
                                      "no-interface-strings",
                                      f"no interface strings for `{lang}`"))
        self.lang, self.path = lang, doc.path
        own = sources.book_strings.get(lang)
        self.book_path = own.path if own else sources.root / "strings" / f"{lang}.yaml"
        self.data = merged(doc.data, own.data if own and isinstance(own.data, dict) else {})

    def __call__(self, key: str, **values) -> str:
        node = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                where = self.book_path if key.split(".")[0] in BOOK_KEYS else self.path
                raise PipelineError(error(where, "missing-string",
                                          f"string `{key}` is missing",
                                          hint=f"add it to {where}"))
            node = node[part]
        if not isinstance(node, str):
            raise PipelineError(error(self.path, "missing-string",
                                      f"interface string `{key}` is not text"))
        try:
            return node.format(**values) if values else node
        except (KeyError, IndexError, ValueError) as exc:
            raise PipelineError(error(self.path, "bad-placeholder",
                                      f"interface string `{key}` has an unknown placeholder "
                                      f"({exc})", hint="keep the placeholders of en.yaml")) from None

    def label(self, vocabulary: str, code: str) -> str:
        if code == NOT_STATED:
            return self("notices.not_stated")
        if vocabulary == "country":  # names of countries come from CLDR
            return country_name(code, self.lang)
        return self(f"labels.{vocabulary}.{code}")


# The parts of a book's strings file that only a book has (everything else replaces an
# interface string of the same key).
BOOK_KEYS = ("labels", "rubric", "rubric_rules")


def merged(base: dict, over: dict) -> dict:
    """`base` with `over` laid on it, key by key at every level."""
    out = dict(base)
    for key, value in over.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and \
            isinstance(out.get(key), dict) else value
    return out


def format_partial_date(value: str, lang: str, in_phrase: bool = False) -> str:
    """`2022`, `2022-05` or `2022-05-01` written the local way. A month inside a phrase
    ("since October 2022") takes the form a full date uses: genitive in Slavic languages
    (`з жовтня 2022 р.`, `od października 2022`), not the standalone `жовтень`."""
    parts = [int(p) for p in str(value).split("-")]
    loc = locale(lang)
    if len(parts) == 3:
        return format_date(dt.date(*parts), format="long", locale=loc)
    if len(parts) == 2:
        day = dt.date(parts[0], parts[1], 1)
        if in_phrase:
            pattern = loc.date_formats["long"].pattern
            pattern = re.sub(r"\s*\bd\.?(?=\s|$)|\bd\.?\s*", "", pattern, count=1).strip()
            return format_date(day, format=pattern, locale=loc)
        return format_skeleton("yMMMM", day, locale=loc)
    return str(parts[0])


def format_number(value, lang: str) -> str:
    return format_decimal(value, locale=locale(lang))


def format_percent(share: float, lang: str) -> str:
    """A share (0–1) as a whole percentage, the local way (`67 %`, `67%`)."""
    return format_percent_babel(round(share, 2), locale=locale(lang))


def format_money(amount, currency: str, lang: str) -> str:
    """Money the local way; whole amounts without decimals (`25 000 zł`)."""
    loc = locale(lang)
    pattern = loc.currency_formats["standard"].pattern
    if float(amount).is_integer():
        pattern = re.sub(r"\.0+", "", pattern)
    return format_currency(amount, currency, format=pattern, currency_digits=False, locale=loc)


def format_size(size: int, lang: str) -> str:
    """A file size the local way: `2.4 MB`, `2,4 MB`, `870 kB`."""
    from babel.units import format_unit
    if size >= 1_000_000:
        return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short",
                           locale=locale(lang))
    return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short",
                       locale=locale(lang))


def language_problem(lang: str, scripts: frozenset[str]) -> tuple[str, str, str] | None:
    """Why a book cannot be published in `lang`, as (code, message, hint), or None: CLDR
    must know the language, and the book's fonts must write its script, left to right."""
    from babel.core import UnknownLocaleError, get_global
    from fontTools.unicodedata import script_name
    try:
        found = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return ("unknown-language", f"`{lang}` is not a language CLDR knows",
                "use an ISO 639 code such as `pl`, `ru`, `fr`")
    name = found.get_display_name("en")
    if found.character_order == "right-to-left":
        return ("right-to-left", f"`{lang}` ({name}) is written from right to left, which "
                "the toolchain does not lay out", "right-to-left layout is not supported yet")
    likely = get_global("likely_subtags").get(lang, "")
    script = likely.split("_")[1] if likely.count("_") >= 1 else "Latn"
    if scripts and script not in scripts:
        return ("uncovered-script", f"the book's fonts cannot write the {script_name(script)} "
                f"script ({script}) of `{lang}` ({name})",
                f"add fonts with {script_name(script)} letters to templates/fonts/ and name "
                "them in the stylesheets' @font-face rules")
    return None


def country_name(code: str, lang: str) -> str:
    """A country's name in `lang`, from CLDR (`Czechia`, `Чехія`, `Csehország`)."""
    return locale(lang).territories.get(code, code)


def language_name(lang: str, in_lang: str | None = None) -> str:
    """The language's name, in its own language or in `in_lang` (`Čeština`, `Czech`)."""
    name = Locale.parse(lang).get_language_name(Locale.parse(in_lang or lang))
    return name[:1].upper() + name[1:] if in_lang is None else name
