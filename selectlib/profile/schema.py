"""The JSON Schema of the profile file format, and checking a document against it.

The schema is published as docs/profile.schema.json; :func:`schema_problems` turns every
place a profile breaks it into a problem with the key path, line and a hint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jsonschema

from selectlib.errors import ProfileProblem
from selectlib.profile.source import KeyPath, SourceMap

__all__ = ["PROFILE_SCHEMA", "SCHEMA_ID", "schema_problems"]

SCHEMA_ID = "https://selectlib.invalid/schema/profile-1.json"

_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT = {
    "type": "object",
    "description": "A phrase in Korean and English.",
    "required": ["ko", "en"],
    "additionalProperties": False,
    "properties": {
        "ko": {"type": "string", "minLength": 1},
        "en": {"type": "string", "minLength": 1},
    },
}
_VALUE = {
    "description": "A number, yes/no, text, a list of codes, or a table keyed by category.",
    "oneOf": [
        {"type": ["number", "boolean", "string"]},
        {"type": "array", "items": {"type": ["string", "number"]}, "maxItems": 500},
        {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {"type": ["number", "boolean", "string", "null"]},
        },
    ],
}

_REF = {
    "type": ["string", "number"],
    "description": (
        "A literal ('20%', 0.2, '6:4', 1000000), a parameter's name, or parameter[field]: "
        "a table looked up by a category field."
    ),
}
_WON = {"type": "integer", "minimum": 0, "maximum": 10**15}
_AMOUNT = {
    "type": "object",
    "required": ["label", "source", "formula", "base"],
    "additionalProperties": False,
    "properties": {
        "label": _TEXT,
        "source": {"type": "string", "minLength": 1, "description": "Source clause."},
        "formula": {
            "enum": ["rate", "matching", "interest"],
            "description": (
                "rate: base × rate; matching: the supported share of a cost ('6:4'); "
                "interest: principal × rate × days / year_days."
            ),
        },
        "base": {"type": "string", "description": "The integer field of won the rate applies to."},
        "rate": _REF,
        "ratio": _REF,
        "cap": {**_REF, "description": "The most paid (whole won, a parameter or a lookup)."},
        "minimum": {**_REF, "description": "The least paid (rate formula only)."},
        "days": {**_REF, "description": "Interest only: the integer field of loan days, or days."},
        "year_days": {"type": "integer", "minimum": 1, "maximum": 366},
        "when": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1000,
            "description": "A condition: the amount applies only where it holds.",
        },
        "beneficiary": {"type": "string", "description": "The field naming who receives it."},
    },
}
_BENEFITS = {
    "type": "object",
    "description": "What eligible applicants receive, how it is rounded, and the budget.",
    "required": ["rounding", "amounts"],
    "additionalProperties": False,
    "properties": {
        "rounding": {
            "type": "object",
            "required": ["unit", "mode"],
            "additionalProperties": False,
            "properties": {
                "unit": {"enum": [1, 10, 100, 1000, 10000]},
                "mode": {"enum": ["floor", "half_up", "ceil"]},
            },
        },
        "amounts": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 20,
            "propertyNames": _NAME,
            "additionalProperties": _AMOUNT,
        },
        "budget": {"type": "string", "description": "The parameter holding the budget (won)."},
        "average_support": {
            "type": "object",
            "description": "Dated average support per applicant (won), for capacity planning.",
            "propertyNames": _DATE,
            "additionalProperties": {
                "oneOf": [
                    {**_WON, "minimum": 1},
                    {
                        "type": "object",
                        "description": "One average per budget code, for the codes known.",
                        "minProperties": 1,
                        "propertyNames": _NAME,
                        "additionalProperties": {**_WON, "minimum": 1},
                    },
                ]
            },
        },
        "allocation": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "method": {"enum": ["rank", "arrival", "pro_rata"]},
                "rank": {"type": "string", "description": "The integer field of ranks."},
                "arrival": {"type": "string", "description": "The field of arrival keys."},
                "partial": {"type": "boolean"},
                "unit": {"enum": [1, 10, 100, 1000, 10000]},
            },
        },
    },
}

_POINTS = {"type": "number", "minimum": 0}
_AT_LINE = {
    "enum": ["include", "exclude"],
    "description": "A tie across the line: include every tied applicant, or none of them.",
}
_ADJUSTMENT = {
    "type": "object",
    "required": ["field"],
    "additionalProperties": False,
    "properties": {
        "field": {"type": "string", "minLength": 1, "description": "Column of the applicants."},
        "cap": {**_POINTS, "description": "The most points counted (8 with a cap of 5: 5)."},
    },
}
_STAGE = {
    "type": "object",
    "required": ["label", "criteria"],
    "additionalProperties": False,
    "properties": {
        "label": _TEXT,
        "criteria": {
            "type": "object",
            "description": "Scored criteria keyed by id, in sheet order.",
            "minProperties": 1,
            "maxProperties": 50,
            "propertyNames": _NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["ko", "en", "max_points"],
                "additionalProperties": False,
                "properties": {
                    "ko": {"type": "string", "minLength": 1},
                    "en": {"type": "string", "minLength": 1},
                    "max_points": {**_POINTS, "exclusiveMinimum": 0},
                    "floor": {**_POINTS, "description": "과락: below it the applicant fails."},
                    "guide": _TEXT,
                },
            },
        },
        "panel": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "aggregate": {"enum": ["trimmed_mean", "mean", "median"]},
                "min_size": {"type": "integer", "minimum": 1},
                "min_external_share": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
        "step": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "The smallest unit of a score (e.g. 0.5 or 0.1); default 0.01.",
        },
        "pass_mark": _POINTS,
        "bonus": _ADJUSTMENT,
        "penalty": _ADJUSTMENT,
        "advance": {
            "type": "object",
            "description": "Who goes on: the top 'multiple'x of the final slots, or 'count'.",
            "additionalProperties": False,
            "properties": {
                "multiple": {"type": "number", "exclusiveMinimum": 0},
                "count": {"type": "integer", "minimum": 1},
                "at_line": _AT_LINE,
            },
        },
    },
}
_EVALUATION = {
    "type": "object",
    "description": "The scored evaluation after eligibility: stages in order, then selection.",
    "required": ["stages", "final"],
    "additionalProperties": False,
    "properties": {
        "example": {"type": "boolean", "description": "An example to edit, not a notice's."},
        "note": _TEXT,
        "stages": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 10,
            "propertyNames": _NAME,
            "additionalProperties": _STAGE,
        },
        "final": {
            "type": "object",
            "required": ["slots"],
            "additionalProperties": False,
            "properties": {
                "slots": {"type": "integer", "minimum": 1},
                "reserves": {"type": "integer", "minimum": 0},
                "weights": {
                    "type": "object",
                    "description": "Relative weight per stage id; absent: the last stage alone.",
                    "propertyNames": _NAME,
                    "additionalProperties": _POINTS,
                },
                "tie_breaks": {
                    "type": "array",
                    "maxItems": 10,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "stage": _NAME,
                            "criterion": {
                                "type": "string",
                                "pattern": r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$",
                            },
                            "field": {"type": "string", "minLength": 1},
                            "order": {"enum": ["higher", "lower"]},
                            "label": _TEXT,
                        },
                    },
                },
                "constraints": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "at_most"],
                        "additionalProperties": False,
                        "properties": {
                            "field": {"type": "string", "minLength": 1},
                            "at_most": {"type": "integer", "minimum": 1},
                            "label": _TEXT,
                        },
                    },
                },
                "reserve_at_line": _AT_LINE,
            },
        },
    },
}

PROFILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "selectlib profile",
    "$defs": {
        "roles": {
            "type": "object",
            "description": "Role of the computation → name of this profile's field or parameter.",
            "propertyNames": _NAME,
            "additionalProperties": _NAME,
        }
    },
    "description": "One support program's eligibility rules, as data.",
    "type": "object",
    "required": ["id", "name", "valid_from", "fields", "parameters", "criteria"],
    "additionalProperties": False,
    "properties": {
        "id": {**_NAME, "description": "Stable identifier; the file name without .yaml."},
        "version": {"type": "string"},
        "name": _TEXT,
        "description": _TEXT,
        "valid_from": {**_DATE, "description": "First day the rules apply."},
        "valid_to": {"oneOf": [_DATE, {"type": "null"}], "description": "Last day, if known."},
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "title": _TEXT,
                    "issued": _DATE,
                    "file": {"type": "string"},
                    "url": {"type": "string"},
                },
            },
        },
        "identifier": {**_NAME, "description": "The input field that identifies an applicant."},
        "notes": {"type": "array", "items": _TEXT},
        "fields": {
            "type": "object",
            "description": "The input schema: one entry per input field, keyed by name.",
            "minProperties": 1,
            "propertyNames": _NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["kind", "description"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"enum": ["integer", "number", "boolean", "category", "set", "text"]},
                    "description": _TEXT,
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
            "propertyNames": _NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["description"],
                "additionalProperties": False,
                "properties": {
                    "description": _TEXT,
                    "unit": {"type": "string"},
                    "keyed_by": {**_NAME, "description": "The category field a table is keyed by."},
                    "value": _VALUE,
                    "since": {
                        **_DATE,
                        "description": "When `value` took effect (default valid_from).",
                    },
                    "history": {
                        "type": "object",
                        "description": "Values by the date they took effect (YYYY-MM-DD).",
                        "minProperties": 1,
                        "propertyNames": {"pattern": r"^\d{4}-\d{2}-\d{2}$"},
                        "additionalProperties": _VALUE,
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
                    "id": _NAME,
                    "label": _TEXT,
                    "source": {
                        "type": "string",
                        "minLength": 1,
                        "description": "Source clause, e.g. '004 ②'.",
                    },
                    "condition": {"type": "string", "minLength": 1, "maxLength": 1000},
                    "messages": {
                        "type": "object",
                        "required": ["passed", "failed", "missing"],
                        "additionalProperties": False,
                        "properties": {"passed": _TEXT, "failed": _TEXT, "missing": _TEXT},
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
            "propertyNames": _NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["kind", "description", "outputs"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"enum": ["cluster"], "description": "The computation to run."},
                    "description": _TEXT,
                    "inputs": {"$ref": "#/$defs/roles"},
                    "outputs": {"$ref": "#/$defs/roles"},
                    "parameters": {"$ref": "#/$defs/roles"},
                },
            },
        },
        "evaluation": _EVALUATION,
        "benefits": _BENEFITS,
        "outcome": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "rule": {"enum": ["all"]},
                "eligible": _TEXT,
                "ineligible": _TEXT,
                "incomplete": _TEXT,
                "invalid": _TEXT,
            },
        },
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(
    PROFILE_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def _jsonable(value: Any) -> Any:
    """YAML data with dates turned into ISO text, as the JSON Schema sees it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {
            (k.isoformat() if isinstance(k, dt.date) else k): _jsonable(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


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
    if error.validator == "oneOf" and error.context:
        best = jsonschema.exceptions.best_match(error.context)
        return str(best.message)
    return str(error.message)


def schema_problems(data: Any, source: SourceMap) -> list[tuple[KeyPath, ProfileProblem]]:
    """Every place the document breaks the JSON Schema, with its key path."""
    problems = []
    for error in sorted(
        _VALIDATOR.iter_errors(_jsonable(data)), key=lambda e: list(map(str, e.absolute_path))
    ):
        path: KeyPath = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            extra = [key for key in error.instance if key not in error.schema.get("properties", {})]
            if extra and error.schema.get("properties"):
                path = (*path, str(extra[0]))
        problem = source.problem(path, _schema_message(error), _hint(error))
        problems.append((tuple(error.absolute_path), problem))
    return problems
