"""Profile sections that a feature compiles: the registry through which a feature plugs in.

The core reads a ``benefits:`` section as data (:mod:`selectlib.profile.benefits`) but
does not know how to work out an amount; :mod:`selectlib.benefits` registers the compiler
of that section here when it is imported, and the core calls it when a profile loads (it
imports the feature by its module path, :data:`BENEFITS_FEATURE`, on the first
``benefits:`` section when nothing is registered yet, since ``import selectlib`` imports
no feature). The compiled plan is known to the core only by what it offers
(:class:`BenefitsPlan`): the amounts of one decision, the amount columns of a table, the
parameter checks a reform must pass again.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

from selectlib.eligibility.amounts import BenefitLine
from selectlib.errors import Problem, ProfileError
from selectlib.expr import DomainCheck, Symbols
from selectlib.profile.benefits import BenefitsSpec
from selectlib.profile.model import Field, Parameter
from selectlib.profile.params import Env

__all__ = [
    "BENEFITS_FEATURE",
    "BenefitsCompiler",
    "BenefitsPlan",
    "benefits_compiler",
    "register_benefits",
]

BENEFITS_FEATURE: Final = "selectlib.benefits"
"""The module that registers the compiler of ``benefits:`` sections when imported."""

SectionProblem = tuple[tuple[str | int, ...], str, str]
"""A problem in a section: key path under the section, message, hint to fix it."""


class BenefitsPlan(Protocol):
    """A compiled ``benefits`` section, as the core uses it."""

    @property
    def checks(self) -> tuple[DomainCheck, ...]:
        """Checks of parameter values that every reform must pass again."""
        ...

    def lines(
        self, typed: Mapping[str, Any], env: Env, applicant: str | None
    ) -> tuple[BenefitLine, ...]:
        """The amounts of one eligible applicant (a typed record), in profile order."""
        ...

    def columns(
        self, vectors: Mapping[str, tuple[Any, Any]], env: Env, eligible: npt.NDArray[np.bool_]
    ) -> dict[str, Any]:
        """The amount columns of a whole table."""
        ...

    def reform_problems(self, parameters: Mapping[str, Parameter]) -> list[tuple[str, str]]:
        """(parameter, problem) for reformed values the amounts cannot use."""
        ...


BenefitsCompiler = Callable[
    [BenefitsSpec, Mapping[str, Field], Mapping[str, Parameter], Symbols, frozenset[str]],
    tuple[BenefitsPlan | None, list[SectionProblem]],
]
"""Checks a ``benefits`` section against the profile; the plan, or None and the problems."""

_BENEFITS: dict[str, BenefitsCompiler] = {}


def register_benefits(compiler: BenefitsCompiler) -> None:
    """Make ``compiler`` the compiler of ``benefits:`` sections (done by the feature)."""
    _BENEFITS["benefits"] = compiler


def benefits_compiler() -> BenefitsCompiler:
    """The registered compiler of ``benefits:`` sections (the feature's, imported if need be)."""
    if "benefits" not in _BENEFITS:
        importlib.import_module(BENEFITS_FEATURE)  # registers its compiler
    if "benefits" not in _BENEFITS:
        raise ProfileError(
            [
                Problem.in_profile(
                    "$.benefits",
                    "no compiler of benefits sections is registered",
                    "import selectlib (or selectlib.benefits) before loading the profile",
                )
            ]
        )
    return _BENEFITS["benefits"]
