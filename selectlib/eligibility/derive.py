"""Derived inputs: fields a profile computes from outside data instead of reading them.

A profile's ``derived:`` section names a registered *kind* of computation (today:
``cluster``, the geospatial cluster check of :mod:`selectlib.geo`) and maps its roles
to the profile's fields and parameters. When an evaluation is given the outside data
(``context=``), the outputs are computed and replace whatever the input said; without
it, the fields are read from the input as usual.

Kinds live in a fixed table here, not in profiles: a profile can only name one, so it
can never make selectlib import or run anything else. The implementation module is
imported only when a derivation actually runs, so ``import selectlib`` stays light.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator, Mapping
from typing import Any, Final, Protocol

import attrs
import pandas as pd

from selectlib.errors import Problem
from selectlib.profile.model import Derivation, ProfileSpec
from selectlib.profile.params import Env
from selectlib.profile.source import KeyPath, SourceMap

__all__ = [
    "KINDS",
    "DerivationKind",
    "KindInfo",
    "derivation_problems",
    "derive_one",
    "derive_table",
]


class DerivationKind(Protocol):
    """What a derivation implementation provides."""

    def derive_one(
        self, inputs: Mapping[str, Any], params: Mapping[str, Any], context: Any, on: dt.date
    ) -> Mapping[str, Any]:
        """Output values by role, for one record's inputs (by role), on a date."""

    def derive_table(
        self,
        inputs: Mapping[str, pd.Series | None],
        params: Mapping[str, Any],
        context: Any,
        on: dt.date,
    ) -> Mapping[str, Any]:
        """Output columns by role, one value per row of the input columns (by role)."""


@attrs.frozen
class KindInfo:
    """A registered kind: where its code is, and the roles it reads, writes and needs."""

    target: str  # "module:attribute", imported on first use
    inputs: frozenset[str]
    outputs: frozenset[str]
    parameters: frozenset[str]
    required_inputs: frozenset[str] = frozenset()
    required_parameters: frozenset[str] = frozenset()


KINDS: Final[Mapping[str, KindInfo]] = {
    "cluster": KindInfo(
        target="selectlib.geo.derive:ClusterDerivation",
        inputs=frozenset({"location", "x", "y", "industry"}),
        outputs=frozenset({"count", "area_type"}),
        parameters=frozenset(
            {
                "unit",
                "radius_m",
                "level",
                "employee_limit",
                "exclude_urban",
                "metro_county",
                "sejong",
            }
        ),
        required_inputs=frozenset({"industry"}),
        required_parameters=frozenset({"unit", "level", "employee_limit"}),
    ),
}
"""Every kind of derivation a profile may name."""

_LOADED: dict[str, DerivationKind] = {}


def _implementation(kind: str) -> DerivationKind:
    found = _LOADED.get(kind)
    if found is None:
        module, _, attribute = KINDS[kind].target.partition(":")
        found = _LOADED[kind] = getattr(importlib.import_module(module), attribute)()
    return found


def _params(derivation: Derivation, env: Env) -> dict[str, Any]:
    return {role: env.values[name] for role, name in derivation.parameters}


def derive_one(
    derivations: tuple[Derivation, ...], record: Mapping[str, Any], env: Env, context: Any
) -> Mapping[str, Any]:
    """``record`` with every derived field computed from ``context`` (a new mapping)."""
    out = dict(record)
    for derivation in derivations:
        inputs = {role: record.get(field) for role, field in derivation.inputs}
        values = _implementation(derivation.kind).derive_one(
            inputs, _params(derivation, env), context, env.on
        )
        for role, field in derivation.outputs:
            out[field] = values.get(role)
    return out


def derive_table(
    derivations: tuple[Derivation, ...], frame: pd.DataFrame, env: Env, context: Any
) -> pd.DataFrame:
    """``frame`` with every derived column computed from ``context`` (a shallow copy)."""
    out = frame.copy(deep=False)
    for derivation in derivations:
        inputs = {
            role: frame[field] if field in frame.columns else None
            for role, field in derivation.inputs
        }
        values = _implementation(derivation.kind).derive_table(
            inputs, _params(derivation, env), context, env.on
        )
        for role, field in derivation.outputs:
            out[field] = values[role]
    return out


def derivation_problems(spec: ProfileSpec, source: SourceMap) -> Iterator[Problem]:
    """Each derivation names roles its kind knows, and fields and parameters that exist."""
    fields = {f.name for f in spec.fields}
    params = {p.name for p in spec.parameters}
    for derivation in spec.derived:
        base: KeyPath = ("derived", derivation.name)
        info = KINDS[derivation.kind]
        sections = (
            ("inputs", derivation.inputs, info.inputs, info.required_inputs, fields, "field"),
            ("outputs", derivation.outputs, info.outputs, info.outputs, fields, "field"),
            (
                "parameters",
                derivation.parameters,
                info.parameters,
                info.required_parameters,
                params,
                "parameter",
            ),
        )
        for section, pairs, known, required, names, what in sections:
            roles = {role for role, _ in pairs}
            for role, name in pairs:
                if role not in known:
                    yield source.problem(
                        (*base, section, role),
                        f"{derivation.kind!r} has no {section[:-1]} role {role!r}",
                        f"use {', '.join(sorted(known))}",
                    )
                elif name not in names:
                    yield source.problem(
                        (*base, section, role),
                        f"no {what} named {name!r}",
                        f"declare it under {what}s, or name one that exists",
                    )
            for role in sorted(required - roles):
                yield source.problem(
                    (*base, section),
                    f"{derivation.kind!r} needs the {section[:-1]} role {role!r}",
                    f"add '{role}: <{what} name>'",
                )
