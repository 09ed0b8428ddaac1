"""The pieces of the profile's JSON Schema: shared value shapes and the schemas of the
``benefits`` and ``evaluation`` sections, assembled in :mod:`.schema`."""

from __future__ import annotations

from typing import Any

from selectlib.expr.types import MAX_LENGTH

__all__ = [
    "ADJUSTMENT",
    "AMOUNT",
    "AT_LINE",
    "BENEFITS",
    "DATE",
    "EVALUATION",
    "NAME",
    "POINTS",
    "REF",
    "STAGE",
    "TEXT",
    "VALUE",
    "WON",
]

NAME: dict[str, Any] = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}
DATE: dict[str, Any] = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TEXT: dict[str, Any] = {
    "type": "object",
    "description": "A phrase in Korean and English.",
    "required": ["ko", "en"],
    "additionalProperties": False,
    "properties": {
        "ko": {"type": "string", "minLength": 1},
        "en": {"type": "string", "minLength": 1},
    },
}
_ASSUMED: dict[str, Any] = {
    **TEXT,
    "description": "One assumption, in Korean and English.",
    "properties": {
        **TEXT["properties"],
        "since": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
            "description": "Only the dated entry in force from this day.",
        },
        "key": {"type": "string", "description": "Only this entry of a table keyed by category."},
    },
}
ASSUMPTION: dict[str, Any] = {
    "description": (
        "What the profile assumes where its sources are silent, and why (Korean and "
        "English): one, or a list. Every output lists the assumptions in force."
    ),
    "type": ["object", "array"],
    "if": {"type": "object"},
    "then": _ASSUMED,
    "else": {"minItems": 1, "items": _ASSUMED},
}
VALUE: dict[str, Any] = {
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

REF: dict[str, Any] = {
    "type": ["string", "number"],
    "description": (
        "A literal ('20%', 0.2, '6:4', 1000000), a parameter's name, or parameter[field]: "
        "a table looked up by a category field."
    ),
}
WON: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 10**15}
AMOUNT: dict[str, Any] = {
    "type": "object",
    "required": ["label", "source", "formula", "base"],
    "additionalProperties": False,
    "properties": {
        "label": TEXT,
        "source": {"type": "string", "minLength": 1, "description": "Source clause."},
        "formula": {
            "enum": ["rate", "matching", "interest"],
            "description": (
                "rate: base × rate; matching: the supported share of a cost ('6:4'); "
                "interest: principal × rate × days / year_days."
            ),
        },
        "base": {"type": "string", "description": "The integer field of won the rate applies to."},
        "rate": REF,
        "ratio": REF,
        "cap": {**REF, "description": "The most paid (whole won, a parameter or a lookup)."},
        "minimum": {**REF, "description": "The least paid (rate formula only)."},
        "days": {**REF, "description": "Interest only: the integer field of loan days, or days."},
        "year_days": {"type": "integer", "minimum": 1, "maximum": 366},
        "when": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_LENGTH,
            "description": "A condition: the amount applies only where it holds.",
        },
        "beneficiary": {"type": "string", "description": "The field naming who receives it."},
        "assumption": ASSUMPTION,
    },
}
BENEFITS: dict[str, Any] = {
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
                "assumption": ASSUMPTION,
            },
        },
        "amounts": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 20,
            "propertyNames": NAME,
            "additionalProperties": AMOUNT,
        },
        "budget": {"type": "string", "description": "The parameter holding the budget (won)."},
        "average_support": {
            "type": "object",
            "description": "Dated average support per applicant (won), for capacity planning.",
            "propertyNames": DATE,
            "additionalProperties": {
                "oneOf": [
                    {**WON, "minimum": 1},
                    {
                        "type": "object",
                        "description": "One average per budget code, for the codes known.",
                        "minProperties": 1,
                        "propertyNames": NAME,
                        "additionalProperties": {**WON, "minimum": 1},
                    },
                ]
            },
        },
        "average_support_source": {
            "type": "string",
            "minLength": 1,
            "description": "Source clause of the average support, e.g. '000 line 505'.",
        },
        "average_support_assumption": ASSUMPTION,
        "payment_plans": {
            "type": "object",
            "description": "Grants paid in dated instalments (교부 계획), keyed by a name.",
            "propertyNames": NAME,
            "maxProperties": 20,
            "additionalProperties": {
                "type": "object",
                "required": ["label", "source", "instalments"],
                "additionalProperties": False,
                "properties": {
                    "label": TEXT,
                    "source": {"type": "string", "minLength": 1},
                    "assumption": ASSUMPTION,
                    "total": {
                        "type": ["integer", "string"],
                        "description": "What the instalments add up to: won, or a parameter.",
                    },
                    "instalments": {
                        "type": "object",
                        "description": "The amount paid on each date (won).",
                        "minProperties": 1,
                        "maxProperties": 366,
                        "propertyNames": DATE,
                        "additionalProperties": {**WON, "minimum": 1},
                    },
                },
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
                "source": {"type": "string", "minLength": 1, "description": "Source clause."},
                "assumption": ASSUMPTION,
            },
        },
    },
}

POINTS: dict[str, Any] = {"type": "number", "minimum": 0}
AT_LINE: dict[str, Any] = {
    "enum": ["include", "exclude"],
    "description": "A tie across the line: include every tied applicant, or none of them.",
}
ADJUSTMENT: dict[str, Any] = {
    "type": "object",
    "required": ["field"],
    "additionalProperties": False,
    "properties": {
        "field": {"type": "string", "minLength": 1, "description": "Column of the applicants."},
        "cap": {**POINTS, "description": "The most points counted (8 with a cap of 5: 5)."},
    },
}
STAGE: dict[str, Any] = {
    "type": "object",
    "required": ["label", "criteria"],
    "additionalProperties": False,
    "properties": {
        "label": TEXT,
        "criteria": {
            "type": "object",
            "description": "Scored criteria keyed by id, in sheet order.",
            "minProperties": 1,
            "maxProperties": 50,
            "propertyNames": NAME,
            "additionalProperties": {
                "type": "object",
                "required": ["ko", "en", "max_points"],
                "additionalProperties": False,
                "properties": {
                    "ko": {"type": "string", "minLength": 1},
                    "en": {"type": "string", "minLength": 1},
                    "max_points": {**POINTS, "exclusiveMinimum": 0},
                    "floor": {**POINTS, "description": "과락: below it the applicant fails."},
                    "guide": TEXT,
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
        "pass_mark": POINTS,
        "bonus": ADJUSTMENT,
        "penalty": ADJUSTMENT,
        "advance": {
            "type": "object",
            "description": "Who goes on: the top 'multiple'x of the final slots, or 'count'.",
            "additionalProperties": False,
            "properties": {
                "multiple": {"type": "number", "exclusiveMinimum": 0},
                "count": {"type": "integer", "minimum": 1},
                "at_line": AT_LINE,
            },
        },
    },
}
EVALUATION: dict[str, Any] = {
    "type": "object",
    "description": "The scored evaluation after eligibility: stages in order, then selection.",
    "required": ["stages", "final"],
    "additionalProperties": False,
    "properties": {
        "example": {"type": "boolean", "description": "An example to edit, not a notice's."},
        "note": TEXT,
        "stages": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 10,
            "propertyNames": NAME,
            "additionalProperties": STAGE,
        },
        "final": {
            "type": "object",
            "required": ["slots"],
            "additionalProperties": False,
            "properties": {
                "assumption": ASSUMPTION,
                "slots": {"type": "integer", "minimum": 1},
                "reserves": {"type": "integer", "minimum": 0},
                "weights": {
                    "type": "object",
                    "description": "Relative weight per stage id; absent: the last stage alone.",
                    "propertyNames": NAME,
                    "additionalProperties": POINTS,
                },
                "tie_breaks": {
                    "type": "array",
                    "maxItems": 10,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "stage": NAME,
                            "criterion": {
                                "type": "string",
                                "pattern": r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$",
                            },
                            "field": {"type": "string", "minLength": 1},
                            "order": {"enum": ["higher", "lower"]},
                            "label": TEXT,
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
                            "label": TEXT,
                        },
                    },
                },
                "reserve_at_line": AT_LINE,
            },
        },
    },
}
