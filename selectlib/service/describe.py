"""What a profile is, as JSON: its fields, parameters on a date, criteria, benefits, and
the JSON Schema of one applicant."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Final

from selectlib.profile.compiled import Profile
from selectlib.profile.model import Field, FieldKind

__all__ = ["SCHEMA_DIALECT", "applicant_schema", "profile_detail", "profile_summary"]

SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

_TYPES: Final[dict[FieldKind, dict[str, Any]]] = {
    FieldKind.INTEGER: {"type": ["integer", "null"]},
    FieldKind.NUMBER: {"type": ["number", "null"]},
    FieldKind.BOOLEAN: {"type": ["boolean", "null"]},
    FieldKind.CATEGORY: {"type": ["string", "null"]},
    FieldKind.SET: {"type": ["array", "null"], "uniqueItems": True},
    FieldKind.TEXT: {"type": ["string", "null"]},
    FieldKind.DATETIME: {
        "type": ["string", "null"],
        "examples": ["2024-05-10 17:30", "2024-05-10T08:30:00Z"],
        "x-format": "YYYY-MM-DD HH:MM[:SS] (KST), or ISO 8601 with a zone",
    },
}
"""The JSON type of each field kind; null (or leaving the field out) means missing."""


def _plain(value: Any) -> Any:
    """``value`` as JSON data: dates as ISO text, enums as their values."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def _field_schema(field: Field) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": field.description.en, **_TYPES[field.kind]}
    schema["description"] += f" ({field.description.ko})"
    codes = [*field.codes, None] if field.kind is FieldKind.CATEGORY else None
    if codes:
        schema["enum"] = codes
    if field.kind is FieldKind.SET and field.codes:
        schema["items"] = {"enum": list(field.codes)}
    if field.minimum is not None:
        schema["minimum"] = field.minimum
    if field.maximum is not None:
        schema["maximum"] = field.maximum
    if field.unit:
        schema["x-unit"] = field.unit
    return schema


def applicant_schema(profile: Profile) -> dict[str, Any]:
    """The JSON Schema of one applicant of ``profile``: a field per property, the required
    ones listed. Other keys are allowed (and ignored), as the library ignores them."""
    return {
        "$schema": SCHEMA_DIALECT,
        "title": f"{profile.id}: {profile.name.en}",
        "type": "object",
        "properties": {field.name: _field_schema(field) for field in profile.fields},
        "required": [field.name for field in profile.fields if field.required],
        "additionalProperties": True,
    }


def profile_summary(profile: Profile) -> dict[str, Any]:
    """A profile's id, version, names and validity, for the list of profiles."""
    spec = profile.spec
    return {
        "id": spec.id,
        "version": spec.version,
        "name": {"ko": spec.name.ko, "en": spec.name.en},
        "valid_from": spec.valid_from.isoformat(),
        "valid_to": spec.valid_to.isoformat() if spec.valid_to else None,
        "criteria": len(spec.criteria),
        "benefits": spec.benefits is not None,
    }


def profile_detail(profile: Profile, on: dt.date) -> dict[str, Any]:
    """Fields, parameters (value and effective date on ``on``), criteria with their source
    clauses, and the benefit formulas, in the profile file's shape."""
    data = profile.to_dict()
    env = profile.params_on(on)
    parameters = {
        name: {"value": value, "effective": env.effective.get(name)}
        for name, value in env.values.items()
    }
    detail: dict[str, Any] = _plain(
        {
            **profile_summary(profile),
            "on": on,
            "identifier": data.get("identifier"),
            "fields": data["fields"],
            "parameters": parameters,
            "criteria": data["criteria"],
            "benefits": data.get("benefits"),
        }
    )
    return detail
