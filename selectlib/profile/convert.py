"""cattrs hooks: profiles and decisions to and from JSON-ready data.

A profile unstructures to exactly the shape of a profile file (fields and
parameters keyed by name, histories keyed by date), so a profile written as JSON
loads back with :func:`selectlib.load_profile`, and ``structure(unstructure(x)) == x``.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import cattrs
import numpy as np
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from selectlib.eligibility.coerce import shown
from selectlib.profile.benefits import AmountSpec, Average, BenefitsSpec, Ref, Rounding
from selectlib.profile.evaluation import EvaluationSpec, FinalRules, Stage
from selectlib.profile.model import (
    Choice,
    Criterion,
    Dated,
    Derivation,
    Field,
    FieldKind,
    Messages,
    OutcomeLabels,
    Parameter,
    ParamTable,
    ParamValue,
    ProfileSpec,
    Source,
    Text,
)

__all__ = ["converter"]

converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date (YYYY-MM-DD), got {shown(value)}")


converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_unstructure_hook(Fraction, str)
converter.register_structure_hook(Fraction, lambda value, _: Fraction(str(value)))
converter.register_structure_hook(dt.date, _structure_date)


def _structure_param_value(value: Any, _: Any = None) -> ParamValue:
    if isinstance(value, np.generic) and not isinstance(value, np.str_ | np.bytes_):
        value = value.item()  # np.int64(3) from a DataFrame is the number 3
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, dict):
        return ParamTable(tuple((str(key), item) for key, item in value.items()))
    if isinstance(value, ParamTable):
        return value
    raise TypeError(f"a parameter value must be a number, text, list or table, got {shown(value)}")


def _dated_value(value: Any) -> ParamValue | None:
    """A history entry: a value, or None (YAML ``null``) for a period with none."""
    return None if value is None else _structure_param_value(value, ParamValue)


def _unstructure_param_value(value: ParamValue | None) -> Any:
    if isinstance(value, ParamTable):
        return value.as_dict()
    if isinstance(value, tuple):
        return list(value)
    return value


converter.register_structure_hook(ParamValue, _structure_param_value)
converter.register_unstructure_hook(ParamValue, _unstructure_param_value)
converter.register_unstructure_hook(ParamTable, _unstructure_param_value)
converter.register_structure_hook(ParamTable, _structure_param_value)


def _keyed(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Unstructured items as a mapping by ``key``, the key dropped from each value."""
    return {item.pop(key): item for item in items}


def _unkeyed(mapping: Any, key: str, defaults: dict[str, Any] | None = None) -> Any:
    """A mapping by ``key`` as a list of dicts carrying the key (the inverse of _keyed)."""
    if not isinstance(mapping, dict):
        return mapping  # let structuring report the wrong type
    return [{**(defaults or {}), key: name, **(spec or {})} for name, spec in mapping.items()]


def _unstructure_choice(choice: Choice) -> dict[str, Any]:
    data: dict[str, Any] = {"code": choice.code, "ko": choice.label.ko, "en": choice.label.en}
    if choice.aliases:
        data["aliases"] = list(choice.aliases)
    return data


def _structure_choice(data: dict[str, Any], _: type) -> Choice:
    return Choice(data["code"], Text(data["ko"], data["en"]), tuple(data.get("aliases", ())))


converter.register_unstructure_hook(Choice, _unstructure_choice)
converter.register_structure_hook(Choice, _structure_choice)

_field_unstructure = make_dict_unstructure_fn(
    Field, converter, _cattrs_omit_if_default=True, kind=override(omit_if_default=False)
)
_field_structure = make_dict_structure_fn(Field, converter, _cattrs_forbid_extra_keys=True)


def _unstructure_field(field: Field) -> dict[str, Any]:
    data = _field_unstructure(field)
    if "choices" in data:
        data["choices"] = _keyed(data["choices"], "code")
    return data


def _structure_field(data: dict[str, Any], _: type) -> Field:
    if "choices" in data:
        data = {**data, "choices": _unkeyed(data["choices"], "code")}
    return _field_structure(data, Field)


converter.register_unstructure_hook(Field, _unstructure_field)
converter.register_structure_hook(Field, _structure_field)
converter.register_structure_hook(FieldKind, lambda value, _: FieldKind(value))


def _unstructure_parameter(parameter: Parameter) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": parameter.name,
        "description": converter.unstructure(parameter.description),
    }
    if parameter.unit is not None:
        data["unit"] = parameter.unit
    if parameter.keyed_by is not None:
        data["keyed_by"] = parameter.keyed_by
    data["history"] = {
        entry.since.isoformat(): _unstructure_param_value(entry.value)
        for entry in parameter.history
    }
    return data


def _structure_parameter(data: dict[str, Any], _: type) -> Parameter:
    extra = set(data) - {"name", "description", "unit", "keyed_by", "history", "value", "since"}
    if extra:
        raise cattrs.ForbiddenExtraKeysError("", Parameter, extra)
    if "history" in data:
        history = tuple(
            Dated(_structure_date(since, dt.date), _dated_value(value))
            for since, value in sorted(data["history"].items(), key=lambda kv: str(kv[0]))
        )
    else:
        history = (
            Dated(
                _structure_date(data["since"], dt.date),
                _structure_param_value(data["value"], ParamValue),
            ),
        )
    return Parameter(
        name=data["name"],
        history=history,
        description=converter.structure(data["description"], Text),
        unit=data.get("unit"),
        keyed_by=data.get("keyed_by"),
    )


converter.register_unstructure_hook(Parameter, _unstructure_parameter)
converter.register_structure_hook(Parameter, _structure_parameter)

_ROLES = ("inputs", "outputs", "parameters")
_derivation_unstructure = make_dict_unstructure_fn(
    Derivation, converter, _cattrs_omit_if_default=True
)
_derivation_structure = make_dict_structure_fn(
    Derivation, converter, _cattrs_forbid_extra_keys=True
)


def _unstructure_derivation(derivation: Derivation) -> dict[str, Any]:
    """Role pairs as mappings (``inputs: {location: location_code}``), as in the file."""
    data = _derivation_unstructure(derivation)
    for key in _ROLES:
        if key in data:
            data[key] = dict(data[key])
    return data


def _structure_derivation(data: dict[str, Any], _: type) -> Derivation:
    data = dict(data)
    for key in _ROLES:
        if isinstance(data.get(key), dict):
            data[key] = [[role, name] for role, name in data[key].items()]
    return _derivation_structure(data, Derivation)


converter.register_unstructure_hook(Derivation, _unstructure_derivation)
converter.register_structure_hook(Derivation, _structure_derivation)


_stage_unstructure = make_dict_unstructure_fn(Stage, converter, _cattrs_omit_if_default=True)
_stage_structure = make_dict_structure_fn(Stage, converter, _cattrs_forbid_extra_keys=True)


def _unstructure_stage(stage: Stage) -> dict[str, Any]:
    """Criteria as a mapping by id (``plan: {ko: ..., max_points: 40}``), as in the file."""
    data = _stage_unstructure(stage)
    data["criteria"] = _keyed(data["criteria"], "id")
    return data


def _structure_stage(data: dict[str, Any], _: type) -> Stage:
    return _stage_structure({**data, "criteria": _unkeyed(data.get("criteria"), "id")}, Stage)


converter.register_unstructure_hook(Stage, _unstructure_stage)
converter.register_structure_hook(Stage, _structure_stage)

_final_unstructure = make_dict_unstructure_fn(FinalRules, converter, _cattrs_omit_if_default=True)
_final_structure = make_dict_structure_fn(FinalRules, converter, _cattrs_forbid_extra_keys=True)


def _unstructure_final(final: FinalRules) -> dict[str, Any]:
    """Stage weights as a mapping (``weights: {site: 30, presentation: 70}``), as in the file."""
    data = _final_unstructure(final)
    if "weights" in data:
        data["weights"] = dict(data["weights"])
    return data


def _structure_final(data: dict[str, Any], _: type) -> FinalRules:
    if isinstance(data.get("weights"), dict):
        data = {**data, "weights": [[k, v] for k, v in data["weights"].items()]}
    return _final_structure(data, FinalRules)


converter.register_unstructure_hook(FinalRules, _unstructure_final)
converter.register_structure_hook(FinalRules, _structure_final)

_evaluation_unstructure = make_dict_unstructure_fn(
    EvaluationSpec, converter, _cattrs_omit_if_default=True
)
_evaluation_structure = make_dict_structure_fn(
    EvaluationSpec, converter, _cattrs_forbid_extra_keys=True
)


def _unstructure_evaluation(spec: EvaluationSpec) -> dict[str, Any]:
    data = _evaluation_unstructure(spec)
    data["stages"] = _keyed(data["stages"], "id")
    return data


def _structure_evaluation(data: dict[str, Any], _: type) -> EvaluationSpec:
    return _evaluation_structure(
        {**data, "stages": _unkeyed(data.get("stages"), "id")}, EvaluationSpec
    )


converter.register_unstructure_hook(EvaluationSpec, _unstructure_evaluation)
converter.register_structure_hook(EvaluationSpec, _structure_evaluation)


def _structure_ref(value: Any, _: Any) -> Ref:
    """A rate, ratio or amount as written; what it names is checked when the profile loads."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"expected a number, text or a parameter's name, got {shown(value)}")
    return value


converter.register_structure_hook(Ref, _structure_ref)
converter.register_structure_hook(
    Average, lambda value, _: value if isinstance(value, int) else tuple(map(tuple, value))
)
converter.register_structure_hook(
    Ref | None, lambda v, _: None if v is None else _structure_ref(v, _)
)
converter.register_unstructure_hook(
    Rounding, make_dict_unstructure_fn(Rounding, converter, _cattrs_omit_if_default=False)
)
converter.register_unstructure_hook(
    AmountSpec, make_dict_unstructure_fn(AmountSpec, converter, _cattrs_omit_if_default=True)
)
converter.register_structure_hook(
    AmountSpec, make_dict_structure_fn(AmountSpec, converter, _cattrs_forbid_extra_keys=True)
)
_benefits_unstructure = make_dict_unstructure_fn(
    BenefitsSpec, converter, _cattrs_omit_if_default=True
)
_benefits_structure = make_dict_structure_fn(
    BenefitsSpec, converter, _cattrs_forbid_extra_keys=True
)


def _unstructure_benefits(spec: BenefitsSpec) -> dict[str, Any]:
    """Amounts keyed by id and the average support keyed by date, as in the file."""
    data = _benefits_unstructure(spec)
    data["amounts"] = _keyed(data["amounts"], "id")
    if spec.average_support:
        data["average_support"] = {
            d.isoformat(): won if isinstance(won, int) else dict(won)
            for d, won in spec.average_support
        }
    return data


def _structure_benefits(data: dict[str, Any], _: type) -> BenefitsSpec:
    data = {**data, "amounts": _unkeyed(data.get("amounts"), "id")}
    if isinstance(data.get("average_support"), dict):
        data["average_support"] = sorted(
            (_structure_date(since, dt.date), tuple(won.items()) if isinstance(won, dict) else won)
            for since, won in data["average_support"].items()
        )
    return _benefits_structure(data, BenefitsSpec)


converter.register_unstructure_hook(BenefitsSpec, _unstructure_benefits)
converter.register_structure_hook(BenefitsSpec, _structure_benefits)


_spec_unstructure = make_dict_unstructure_fn(ProfileSpec, converter, _cattrs_omit_if_default=True)
_spec_structure = make_dict_structure_fn(ProfileSpec, converter, _cattrs_forbid_extra_keys=True)
_ORDER = (
    "id",
    "version",
    "name",
    "description",
    "valid_from",
    "valid_to",
    "sources",
    "identifier",
    "notes",
    "fields",
    "derived",
    "parameters",
    "criteria",
    "outcome",
    "evaluation",
    "benefits",
)


def _unstructure_spec(spec: ProfileSpec) -> dict[str, Any]:
    data = _spec_unstructure(spec)
    data["fields"] = _keyed(data["fields"], "name")
    data["parameters"] = _keyed(data["parameters"], "name")
    if "derived" in data:
        data["derived"] = _keyed(data["derived"], "name")
    return {key: data[key] for key in _ORDER if key in data}


def _structure_spec(data: dict[str, Any], _: type) -> ProfileSpec:
    """A profile from its file shape; a parameter's single ``value`` starts at ``valid_from``."""
    data = dict(data)
    data["fields"] = _unkeyed(data.get("fields"), "name")
    data["parameters"] = _unkeyed(data.get("parameters"), "name", {"since": data.get("valid_from")})
    if "derived" in data:
        data["derived"] = _unkeyed(data["derived"], "name")
    return _spec_structure(data, ProfileSpec)


converter.register_unstructure_hook(ProfileSpec, _unstructure_spec)
converter.register_structure_hook(ProfileSpec, _structure_spec)

for _cls in (Text, Source, Messages, Criterion, OutcomeLabels):
    converter.register_unstructure_hook(
        _cls, make_dict_unstructure_fn(_cls, converter, _cattrs_omit_if_default=True)
    )
