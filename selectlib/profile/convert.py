"""cattrs hooks: profiles and decisions to and from JSON-ready data.

A profile unstructures to exactly the shape of a profile file (fields and
parameters keyed by name, histories keyed by date), so a profile written as JSON
loads back with :func:`selectlib.load_profile`, and ``structure(unstructure(x)) == x``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from selectlib.eligibility.coerce import shown
from selectlib.profile.benefits import (
    AmountSpec,
    Average,
    BenefitsSpec,
    PaymentPlan,
    Ref,
    Rounding,
)
from selectlib.profile.convert_base import converter, keyed, structure_date, unkeyed
from selectlib.profile.convert_params import register_parameter_hooks
from selectlib.profile.evaluation import EvaluationSpec, FinalRules, Stage
from selectlib.profile.model import (
    Choice,
    Criterion,
    Derivation,
    Field,
    FieldKind,
    Messages,
    OutcomeLabels,
    ProfileSpec,
    Source,
    Text,
)

__all__ = ["converter"]


def _unstructure_fn(cls: type, **options: Any) -> Callable[[Any], dict[str, Any]]:
    """cattrs' generated unstructure function for ``cls``, generated on its first use:
    loading a profile never unstructures one, so a command does not pay for it at import."""
    made: list[Callable[[Any], dict[str, Any]]] = []

    def hook(value: Any) -> dict[str, Any]:
        if not made:
            made.append(make_dict_unstructure_fn(cls, converter, **options))
        return made[0](value)

    return hook


register_parameter_hooks()


def _unstructure_choice(choice: Choice) -> dict[str, Any]:
    data: dict[str, Any] = {"code": choice.code, "ko": choice.label.ko, "en": choice.label.en}
    if choice.aliases:
        data["aliases"] = list(choice.aliases)
    return data


def _structure_choice(data: dict[str, Any], _: type) -> Choice:
    return Choice(data["code"], Text(data["ko"], data["en"]), tuple(data.get("aliases", ())))


converter.register_unstructure_hook(Choice, _unstructure_choice)
converter.register_structure_hook(Choice, _structure_choice)

_field_unstructure = _unstructure_fn(
    Field, _cattrs_omit_if_default=True, kind=override(omit_if_default=False)
)
_field_structure = make_dict_structure_fn(Field, converter, _cattrs_forbid_extra_keys=True)


def _unstructure_field(field: Field) -> dict[str, Any]:
    data = _field_unstructure(field)
    if "choices" in data:
        data["choices"] = keyed(data["choices"], "code")
    return data


def _structure_field(data: dict[str, Any], _: type) -> Field:
    if "choices" in data:
        data = {**data, "choices": unkeyed(data["choices"], "code")}
    return _field_structure(data, Field)


converter.register_unstructure_hook(Field, _unstructure_field)
converter.register_structure_hook(Field, _structure_field)
converter.register_structure_hook(FieldKind, lambda value, _: FieldKind(value))


_ROLES = ("inputs", "outputs", "parameters")
_derivation_unstructure = _unstructure_fn(Derivation, _cattrs_omit_if_default=True)
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


_stage_unstructure = _unstructure_fn(Stage, _cattrs_omit_if_default=True)
_stage_structure = make_dict_structure_fn(Stage, converter, _cattrs_forbid_extra_keys=True)


def _unstructure_stage(stage: Stage) -> dict[str, Any]:
    """Criteria as a mapping by id (``plan: {ko: ..., max_points: 40}``), as in the file."""
    data = _stage_unstructure(stage)
    data["criteria"] = keyed(data["criteria"], "id")
    return data


def _structure_stage(data: dict[str, Any], _: type) -> Stage:
    return _stage_structure({**data, "criteria": unkeyed(data.get("criteria"), "id")}, Stage)


converter.register_unstructure_hook(Stage, _unstructure_stage)
converter.register_structure_hook(Stage, _structure_stage)

_final_unstructure = _unstructure_fn(FinalRules, _cattrs_omit_if_default=True)
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

_evaluation_unstructure = _unstructure_fn(EvaluationSpec, _cattrs_omit_if_default=True)
_evaluation_structure = make_dict_structure_fn(
    EvaluationSpec, converter, _cattrs_forbid_extra_keys=True
)


def _unstructure_evaluation(spec: EvaluationSpec) -> dict[str, Any]:
    data = _evaluation_unstructure(spec)
    data["stages"] = keyed(data["stages"], "id")
    return data


def _structure_evaluation(data: dict[str, Any], _: type) -> EvaluationSpec:
    return _evaluation_structure(
        {**data, "stages": unkeyed(data.get("stages"), "id")}, EvaluationSpec
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
    Rounding,
    _unstructure_fn(
        Rounding,
        _cattrs_omit_if_default=False,
        assumption=override(omit_if_default=True),
    ),
)
converter.register_unstructure_hook(
    AmountSpec, _unstructure_fn(AmountSpec, _cattrs_omit_if_default=True)
)
converter.register_structure_hook(
    AmountSpec, make_dict_structure_fn(AmountSpec, converter, _cattrs_forbid_extra_keys=True)
)


def _structure_total(value: Any, _: Any) -> int | str | None:
    """A plan's total: whole won or a parameter's name (the schema checked which)."""
    if value is None or isinstance(value, str) or type(value) is int:
        return value
    raise TypeError(f"a total is whole won or a parameter's name, got {value!r}")


converter.register_structure_hook(int | str | None, _structure_total)
_plan_unstructure = _unstructure_fn(PaymentPlan, _cattrs_omit_if_default=True)
_plan_structure = make_dict_structure_fn(PaymentPlan, converter, _cattrs_forbid_extra_keys=True)


def _unstructure_plan(plan: PaymentPlan) -> dict[str, Any]:
    """Instalments keyed by date, as in the file."""
    data = _plan_unstructure(plan)
    data["instalments"] = {d.isoformat(): won for d, won in plan.instalments}
    return data


def _structure_plan(data: dict[str, Any], _: type) -> PaymentPlan:
    instalments = data.get("instalments")
    if isinstance(instalments, dict):
        data = {
            **data,
            "instalments": sorted(
                (structure_date(day, dt.date), won) for day, won in instalments.items()
            ),
        }
    return _plan_structure(data, PaymentPlan)


converter.register_unstructure_hook(PaymentPlan, _unstructure_plan)
converter.register_structure_hook(PaymentPlan, _structure_plan)
_benefits_unstructure = _unstructure_fn(BenefitsSpec, _cattrs_omit_if_default=True)
_benefits_structure = make_dict_structure_fn(
    BenefitsSpec, converter, _cattrs_forbid_extra_keys=True
)


def _unstructure_benefits(spec: BenefitsSpec) -> dict[str, Any]:
    """Amounts keyed by id and the average support keyed by date, as in the file."""
    data = _benefits_unstructure(spec)
    data["amounts"] = keyed(data["amounts"], "id")
    if spec.payment_plans:
        data["payment_plans"] = keyed(data["payment_plans"], "id")
    if spec.average_support:
        data["average_support"] = {
            d.isoformat(): won if isinstance(won, int) else dict(won)
            for d, won in spec.average_support
        }
    return data


def _structure_benefits(data: dict[str, Any], _: type) -> BenefitsSpec:
    data = {**data, "amounts": unkeyed(data.get("amounts"), "id")}
    if "payment_plans" in data:
        data["payment_plans"] = unkeyed(data["payment_plans"], "id")
    if isinstance(data.get("average_support"), dict):
        data["average_support"] = sorted(
            (structure_date(since, dt.date), tuple(won.items()) if isinstance(won, dict) else won)
            for since, won in data["average_support"].items()
        )
    return _benefits_structure(data, BenefitsSpec)


converter.register_unstructure_hook(BenefitsSpec, _unstructure_benefits)
converter.register_structure_hook(BenefitsSpec, _structure_benefits)


_spec_unstructure = _unstructure_fn(ProfileSpec, _cattrs_omit_if_default=True)
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
    "carried_forward",
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
    data["fields"] = keyed(data["fields"], "name")
    data["parameters"] = keyed(data["parameters"], "name")
    if "derived" in data:
        data["derived"] = keyed(data["derived"], "name")
    return {key: data[key] for key in _ORDER if key in data}


def _structure_spec(data: dict[str, Any], _: type) -> ProfileSpec:
    """A profile from its file shape; a parameter's single ``value`` starts at ``valid_from``."""
    data = dict(data)
    data["fields"] = unkeyed(data.get("fields"), "name")
    data["parameters"] = unkeyed(data.get("parameters"), "name", {"since": data.get("valid_from")})
    if "derived" in data:
        data["derived"] = unkeyed(data["derived"], "name")
    return _spec_structure(data, ProfileSpec)


converter.register_unstructure_hook(ProfileSpec, _unstructure_spec)
converter.register_structure_hook(ProfileSpec, _structure_spec)

for _cls in (Text, Source, Messages, Criterion, OutcomeLabels):
    converter.register_unstructure_hook(_cls, _unstructure_fn(_cls, _cattrs_omit_if_default=True))
