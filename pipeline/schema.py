"""Cerberus schemas of the source files: practice records and book metadata.

The shape of a record is the toolchain's; the codes, countries and scores it may hold are
the book's contract (`practice_schema(contract)`). Rules cerberus cannot express
(cross-field, cross-record, prose safety) live in `validate.py`.
"""

from __future__ import annotations

from .contract import Contract

DATE_RE = r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
ANY_ID_RE = r"[A-Z]{2}-[0-9]{3}"
LANG_RE = r"[a-z]{2,3}"
HASH_RE = r"[0-9a-f]{8}"


# Bounds that no real record reaches: a pasted web page or a generated list is an error
# reported in a second, not a build that runs for an hour.
MAX_PROSE = 20_000     # characters of one block Markdown field
MAX_LINE = 1_000       # characters of a name, an ask, an outcome
MAX_ITEMS = 50         # entries of a list

_TEXT = {"type": "string", "required": True, "empty": False, "maxlength": MAX_LINE}
_OPTIONAL_TEXT = {"type": "string", "empty": False, "maxlength": MAX_LINE}
_PROSE = {"type": "string", "required": True, "empty": False, "maxlength": MAX_PROSE}
_OPTIONAL_PROSE = {"type": "string", "empty": False, "maxlength": MAX_PROSE}
_DATE = {"type": "string", "required": True, "regex": DATE_RE}
_TEXT_LIST = {"type": "list", "maxlength": MAX_ITEMS,
              "schema": {"type": "string", "empty": False, "maxlength": MAX_LINE}}

def practice_schema(contract: Contract) -> dict:
    """The schema of a practice record under `contract`."""
    vocabularies = contract.vocabularies

    def vocab(name: str, required: bool = True) -> dict:
        return {"type": "string", "required": required, "allowed": list(vocabularies[name])}

    def vocab_list(name: str, minlength: int = 1, maxlength: int | None = None) -> dict:
        # `allowed` on the list checks every item without a cerberus child validator per
        # list, a quarter of the schema's cost; validate.py reports each bad item by index.
        return {"type": "list", "required": True, "minlength": minlength,
                "maxlength": maxlength or len(vocabularies[name]),
                "allowed": list(vocabularies[name])}

    rubric = contract.rubric

    def scores(required: bool) -> dict:
        return {"type": "dict", "required": required, "schema": {
            code: {"type": "integer", "required": True, "min": rubric.low, "max": rubric.high}
            for code in rubric.criteria}}

    return {
        "id": {"type": "string", "required": True, "regex": contract.id_pattern},
        "lang": {"type": "string", "regex": LANG_RE},
        "title": {"type": "string", "required": True, "minlength": 3, "maxlength": 120},
        "summary": {"type": "string", "required": True, "minlength": 30, "maxlength": 700},
        "country": {"type": "string", "required": True, "allowed": list(contract.countries)},
        "locality": _TEXT,
        "scale": vocab("scale"),
        "period": {"type": "dict", "required": True, "schema": {
            "start": _DATE,
            "end": {**_DATE, "required": False},
        }},
        "status": vocab("status"),
        "provenance": {"type": "dict", "required": True, "schema": {
            "method": vocab("method"),
            "workshop": _OPTIONAL_TEXT,
            "collected": _DATE,
            "contributors": _TEXT_LIST,
            "submission": _OPTIONAL_TEXT,  # the uuid of the form submission it came from
        }},
        "actors": {"type": "list", "required": True, "minlength": contract.actors_minimum,
                   "maxlength": MAX_ITEMS, "schema": {
                       "type": "dict", "schema": {
                           "name": _TEXT,
                           "type": vocab("actor_type"),
                           "role": vocab("actor_role"),
                       }}},
        "partnership": {"type": "dict", "required": True, "schema": {
            "forms": vocab_list("partnership_form"),
            "formalised": {"type": "boolean", "required": True},
            "instrument": vocab("instrument", required=False),
            "initiated_by": vocab("initiated_by"),
        }},
        "advocacy": {"type": "dict", "required": True, "schema": {
            "activities": vocab_list("advocacy_activity"),
            "targets": {**_TEXT_LIST, "required": True, "minlength": 1},
            "ask": _TEXT,
            "outcome": _TEXT,
            "outcome_level": vocab("outcome_level"),
        }},
        "themes": vocab_list("theme", 1, 4),
        "target_groups": vocab_list("target_group"),
        "participation": vocab("participation"),
        "reach": {"type": "dict", "schema": {
            "people": {"type": "integer", "min": 0},
            "note": _OPTIONAL_TEXT,
        }},
        "resources": {"type": "dict", "schema": {
            "funding": _TEXT_LIST,
            "budget": {"type": "dict", "schema": {
                "amount": {"type": "number", "required": True, "min": 0},
                "currency": {"type": "string", "required": True, "regex": "[A-Z]{3}"},
            }},
        }},
        "context": _PROSE,
        "objectives": _PROSE,
        "activities": _PROSE,
        "results": _OPTIONAL_PROSE,
        "lessons": _OPTIONAL_PROSE,
        "transferability": _OPTIONAL_PROSE,
        "sources": {"type": "list", "maxlength": MAX_ITEMS, "schema": {"type": "dict", "schema": {
            "title": _TEXT,
            "url": _OPTIONAL_TEXT,
            "accessed": {**_DATE, "required": False},
        }}},
        "assessment": {"type": "dict", "schema": {
            "assessors": {"type": "list", "required": True,
                          "minlength": contract.assessors_minimum, "maxlength": 10, "schema": {
                              "type": "dict", "schema": {
                                  "name": _TEXT,
                                  "country": {"type": "string", "required": True,
                                              "regex": "[A-Z]{2}"},
                                  "scores": scores(False),  # this assessor's own
                              }}},
            "scores": scores(True),  # the consensus
        }},
        "editorial": {"type": "dict", "required": True, "schema": {
            "status": {"type": "string", "required": True, "allowed": list(EDITORIAL_STATUS)},
            "consent": {"type": "boolean", "required": True},
        }},
    }


# The editorial workflow of a record, the same in every book.
EDITORIAL_STATUS = ("draft", "under_review", "validated", "published", "rejected")

EDITION = {
    "fallback": {"type": "string", "required": True, "allowed": ["allow", "mark", "block"]},
    "chapters": {"type": "list", "required": True, "minlength": 1,
                 "schema": {"type": "string", "regex": r"[a-z0-9][a-z0-9-]*"}},
    "practices": {"type": "string", "allowed": ["published", "best"]},
}

BOOK = {
    "slug": {"type": "string", "required": True, "regex": r"[a-z0-9][a-z0-9-]*"},
    "version": {"type": "string", "required": True, "regex": r"[0-9]+\.[0-9]+(\.[0-9]+)?"},
    "date": {**_DATE, "regex": r"[0-9]{4}-[0-9]{2}-[0-9]{2}"},
    "identifier": _TEXT,
    "source_language": {"type": "string", "required": True, "regex": LANG_RE},
    "languages": {"type": "list", "required": True, "minlength": 1,
                  "schema": {"type": "string", "regex": LANG_RE}},
    "title": _TEXT,
    "subtitle": _OPTIONAL_TEXT,
    "notice": {**_OPTIONAL_TEXT, "maxlength": 3000},
    "editors": {**_TEXT_LIST, "required": True, "minlength": 1},
    "publisher": _TEXT,
    "place": _TEXT,
    "funder": _OPTIONAL_TEXT,
    "licence": _TEXT,
    "licence_url": _OPTIONAL_TEXT,
    "contact": _OPTIONAL_TEXT,
    "website": {"type": "string", "regex": r"https?://\S+/"},
    "symposium": {"type": "dict", "schema": {"city": _TEXT, "date": _DATE}},
    "slides": {"type": "dict", "schema": {
        "practices": {"anyof": [{"type": "string", "allowed": ["best", "published"]},
                                {"type": "list", "schema": {"type": "string", "regex": ANY_ID_RE}}]},
        "extra": {"type": "list", "schema": {"type": "string", "regex": r"[a-z0-9][a-z0-9-]*"}},
    }},
    "workshops": {"type": "list", "schema": {"type": "dict", "schema": {
        "id": {"type": "string", "required": True, "regex": r"[A-Z]{2}-[0-9]{4}-[0-9]{2}"},
        "country": {"type": "string", "required": True, "regex": "[A-Z]{2}"},
        "city": _TEXT,
        "start": _DATE,
        "end": {**_DATE, "required": False},
    }}},
    "default_edition": {"type": "string", "required": True},
    "release": {"type": "dict", "schema": {
        "editions": {"type": "list", "required": True, "minlength": 1,
                     "schema": {"type": "string"}},
        "languages": {"type": "list", "required": True, "minlength": 1,
                      "schema": {"type": "string", "regex": LANG_RE}},
    }},
    "editions": {"type": "dict", "required": True, "minlength": 1,
                 "keysrules": {"type": "string", "regex": r"[a-z][a-z0-9-]*"},
                 "valuesrules": {"type": "dict", "schema": EDITION}},
}

# A translation file: translatable field -> {source: hash, text: ..., untranslated: bool}
TRANSLATION_ENTRY = {
    "source": {"type": "string", "regex": HASH_RE},
    "text": {"type": "string", "required": True, "maxlength": MAX_PROSE},
    "untranslated": {"type": "boolean"},
}
