"""The JSON Schema of the profile file format, and checking a document against it.

The schema is published as docs/profile.schema.json; :func:`schema_problems` turns every
place a profile breaks it into a problem with the key path, line and a hint.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from selectlib.errors import Problem
from selectlib.expr.types import MAX_LENGTH
from selectlib.profile.schema_parts import (
    ASSUMPTION,
    BENEFITS,
    DATE,
    EVALUATION,
    NAME,
    TEXT,
    VALUE,
)
from selectlib.profile.source import KeyPath, SourceMap

__all__ = ["PROFILE_SCHEMA", "SCHEMA_ID", "schema_problems"]

SCHEMA_ID = "https://selectlib.invalid/schema/profile-1.json"

PROFILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "selectlib profile",
    "$defs": {
        "roles": {
            "type": "object",
            "description": "Role of the computation → name of this profile's field or parameter.",
            "propertyNames": NAME,
            "additionalProperties": NAME,
        }
    },
    "description": "One support program's eligibility rules, as data.",
    "type": "object",
    "required": ["id", "name", "valid_from", "fields", "parameters", "criteria"],
    "additionalProperties": False,
    "properties": {
        "id": {**NAME, "description": "Stable identifier; the file name without .yaml."},
        "version": {"type": "string"},
        "name": TEXT,
        "description": TEXT,
        "valid_from": {**DATE, "description": "First day the rules apply."},
        "valid_to": {"oneOf": [DATE, {"type": "null"}], "description": "Last day, if known."},
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "title": TEXT,
                    "issued": DATE,
                    "file": {"type": "string"},
                    "url": {"type": "string"},
                },
            },
        },
        "identifier": {**NAME, "description": "The input field that identifies an applicant."},
        "notes": {"type": "array", "items": TEXT},
        "carried_forward": {
            **ASSUMPTION,
            "description": (
                "The rules applied past the dates the sources cover: from `since` (required), "
                "the last sourced values are assumed to stay in force, and why."
            ),
        },
        "fields": {
            "type": "object",
            "description": "The input schema: one entry per input field, keyed by name.",
            "minProperties": 1,
            "propertyNames": NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["kind", "description"],
                "additionalProperties": False,
                "properties": {
                    "kind": {
                        "enum": [
                            "integer",
                            "number",
                            "boolean",
                            "category",
                            "set",
                            "text",
                            "datetime",
                        ]
                    },
                    "description": TEXT,
                    "required": {"type": "boolean"},
                    "unit": {"type": "string"},
                    "minimum": {"type": "number"},
                    "maximum": {"type": "number"},
                    "choices": {
                        "type": "object",
                        "description": "Allowed codes of a category or set field.",
                        "minProperties": 1,
                        "propertyNames": {"type": "string", "pattern": r"^[A-Za-z0-9_\-.]+$"},
                        "additionalProperties": {
                            "type": "object",
                            "required": ["ko", "en"],
                            "additionalProperties": False,
                            "properties": {
                                "ko": {"type": "string", "minLength": 1},
                                "en": {"type": "string", "minLength": 1},
                                "aliases": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
        "parameters": {
            "type": "object",
            "description": "Named values, each fixed (value) or dated (history).",
            "propertyNames": NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["description"],
                "additionalProperties": False,
                "properties": {
                    "description": TEXT,
                    "unit": {"type": "string"},
                    "kind": {
                        "enum": ["datetime"],
                        "description": (
                            "datetime: the values are dates and times, written "
                            "'YYYY-MM-DD HH:MM' (KST) or ISO 8601 with a zone, e.g. a deadline."
                        ),
                    },
                    "keyed_by": {**NAME, "description": "The category field a table is keyed by."},
                    "source": {
                        "type": "string",
                        "minLength": 1,
                        "description": "Source clause of the value, e.g. '000 ②-3'.",
                    },
                    "assumption": ASSUMPTION,
                    "value": VALUE,
                    "since": {
                        **DATE,
                        "description": "When `value` took effect (default valid_from).",
                    },
                    "history": {
                        "type": "object",
                        "description": "Values by the date they took effect (YYYY-MM-DD).",
                        "minProperties": 1,
                        "propertyNames": {"pattern": r"^\d{4}-\d{2}-\d{2}$"},
                        "additionalProperties": {
                            "anyOf": [
                                VALUE,
                                {
                                    "type": "null",
                                    "description": (
                                        "No value for this period: the sources give none "
                                        "(only the benefits' budget may be null)."
                                    ),
                                },
                            ]
                        },
                    },
                },
                "oneOf": [
                    {"required": ["value"], "not": {"required": ["history"]}},
                    {
                        "required": ["history"],
                        "not": {
                            "anyOf": [
                                {"required": ["value"]},
                                {"required": ["since"]},
                            ]
                        },
                    },
                ],
            },
        },
        "criteria": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "label", "source", "condition", "messages"],
                "additionalProperties": False,
                "properties": {
                    "id": NAME,
                    "label": TEXT,
                    "source": {
                        "type": "string",
                        "minLength": 1,
                        "description": "Source clause, e.g. '004 ②'.",
                    },
                    "condition": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH},
                    "assumption": ASSUMPTION,
                    "if_missing": {
                        "enum": ["incomplete", "not_checked"],
                        "description": (
                            "What missing input means: incomplete (the default: the "
                            "decision waits for it) or not_checked (the criterion stays "
                            "unchecked, its 'missing' message says so, and the outcome is "
                            "decided without it, e.g. a submission time before submitting)."
                        ),
                    },
                    "messages": {
                        "type": "object",
                        "required": ["passed", "failed", "missing"],
                        "additionalProperties": False,
                        "properties": {"passed": TEXT, "failed": TEXT, "missing": TEXT},
                    },
                },
            },
        },
        "derived": {
            "type": "object",
            "description": (
                "Input fields computed from outside data (e.g. a firm registry and maps) "
                "when evaluation is given that data; keyed by a name."
            ),
            "propertyNames": NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["kind", "description", "outputs"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"enum": ["cluster"], "description": "The computation to run."},
                    "description": TEXT,
                    "inputs": {"$ref": "#/$defs/roles"},
                    "outputs": {"$ref": "#/$defs/roles"},
                    "parameters": {"$ref": "#/$defs/roles"},
                },
            },
        },
        "evaluation": EVALUATION,
        "benefits": BENEFITS,
        "outcome": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "rule": {"enum": ["all"]},
                "eligible": TEXT,
                "ineligible": TEXT,
                "incomplete": TEXT,
                "invalid": TEXT,
            },
        },
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(
    PROFILE_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def _hint(error: jsonschema.ValidationError) -> str:
    validator = error.validator
    if validator == "required":
        return "add the missing key"
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return (
            f"remove it or fix its spelling; allowed keys: {', '.join(allowed)}" if allowed else ""
        )
    if validator == "enum":
        return "use one of " + ", ".join(map(str, error.validator_value))
    if validator == "type":
        return f"write a value of type {error.validator_value}"
    if validator == "format":
        return "write a real date as YYYY-MM-DD"
    if validator == "maxLength":
        return "shorten it; split a long condition into several criteria"
    if validator == "pattern":
        return "names are lower-case letters, digits and '_' and start with a letter"
    if validator == "oneOf" and "history" in str(error.schema):
        return "give either 'value' (with an optional 'since') or 'history', not both"
    return ""


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return str(error.message).replace("Additional properties are not allowed", "unknown key(s)")
    if (
        error.validator == "oneOf"
        and isinstance(error.instance, dict)
        and "history" in error.schema.get("properties", {})
    ):
        given = " and ".join(k for k in ("value", "history") if k in error.instance) or "neither"
        return f"a parameter needs exactly one of 'value' or 'history' (it has {given})"
    if error.validator == "maxLength":
        limit = error.validator_value
        return f"{len(error.instance):,} characters, more than the limit of {limit:,}"
    if error.validator == "oneOf" and error.context:
        best = jsonschema.exceptions.best_match(error.context)
        return str(best.message)
    return str(error.message)


def schema_problems(data: Any, source: SourceMap) -> list[tuple[KeyPath, Problem]]:
    """Every place the document breaks the JSON Schema, with its key path."""
    problems = []
    for error in sorted(
        _VALIDATOR.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))
    ):
        path: KeyPath = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            extra = [key for key in error.instance if key not in error.schema.get("properties", {})]
            if extra and error.schema.get("properties"):
                path = (*path, str(extra[0]))
        problem = source.problem(path, _schema_message(error), _hint(error))
        problems.append((tuple(error.absolute_path), problem))
    return problems
