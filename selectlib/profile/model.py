"""The values a profile is made of: frozen attrs classes, structured by cattrs.

These classes only hold data. Loading and validation live in :mod:`selectlib.profile.loader`,
evaluation in :mod:`selectlib.profile.compiled`.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from selectlib.dates import day_of
from selectlib.profile.assumed import Assumed
from selectlib.profile.benefits import BenefitsSpec
from selectlib.profile.evaluation import EvaluationSpec
from selectlib.text import Text

__all__ = [
    "Assumed",
    "Choice",
    "Criterion",
    "Dated",
    "Derivation",
    "Field",
    "FieldKind",
    "IfMissing",
    "Messages",
    "OutcomeLabels",
    "ParamTable",
    "ParamValue",
    "Parameter",
    "ProfileSpec",
    "Source",
    "Text",
]


@attrs.frozen
class Source:
    """A source document a profile's rules come from."""

    id: str
    title: Text
    issued: dt.date | None = None
    file: str | None = None
    url: str | None = None


class FieldKind(enum.StrEnum):
    """The type of an input field."""

    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CATEGORY = "category"
    SET = "set"
    TEXT = "text"
    DATETIME = "datetime"


class IfMissing(enum.StrEnum):
    """What a criterion's missing input means for the decision."""

    INCOMPLETE = "incomplete"
    """The decision waits for the input (the default)."""
    NOT_CHECKED = "not_checked"
    """The criterion is left unchecked and the outcome is decided without it."""


@attrs.frozen
class Choice:
    """An allowed value of a category or set field, with its labels and accepted aliases."""

    code: str
    label: Text
    aliases: tuple[str, ...] = ()


@attrs.frozen
class Field:
    """One input field of a profile's input schema."""

    name: str
    kind: FieldKind
    description: Text
    required: bool = True
    choices: tuple[Choice, ...] = ()
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """The allowed codes of a category or set field, in declared order."""
        return tuple(choice.code for choice in self.choices)


@attrs.frozen
class ParamTable:
    """A parameter value keyed by category (area type, region, loan type...)."""

    entries: tuple[tuple[str, float | int | bool | str | None], ...]

    def as_dict(self) -> dict[str, float | int | bool | str | None]:
        """The table as a plain mapping."""
        return dict(self.entries)

    @property
    def keys(self) -> tuple[str, ...]:
        """The table's keys, in declared order."""
        return tuple(key for key, _ in self.entries)


ParamValue = int | float | bool | str | dt.datetime | tuple[str, ...] | ParamTable
"""A parameter's value on one date: a scalar, a list of codes, or a keyed table."""


@attrs.frozen
class Dated:
    """A parameter value in force from ``since`` until the next entry.

    ``value`` is None for a period the sources give no value for (a year with no sourced
    budget): nothing is copied forward from an earlier year as if it were sourced.
    """

    since: dt.date
    value: ParamValue | None


@attrs.frozen
class Parameter:
    """A named number, list or table whose value may change over time."""

    name: str
    history: tuple[Dated, ...]
    description: Text
    unit: str | None = None
    keyed_by: str | None = None
    source: str | None = None
    assumption: tuple[Assumed, ...] = ()
    kind: str | None = None
    """``datetime`` when the values are dates and times (KST), e.g. a deadline."""

    def at(self, on: dt.date) -> Dated | None:
        """The entry in force on ``on``, or None before the first one."""
        day = day_of(on)
        found = None
        for entry in self.history:
            if entry.since <= day:
                found = entry
            else:
                break
        return found

    @property
    def unset(self) -> tuple[dt.date, ...]:
        """The dates from which the parameter has no value (``null`` entries)."""
        return tuple(entry.since for entry in self.history if entry.value is None)

    @property
    def shape(self) -> ParamValue | None:
        """The first value that is set, which every other set value matches in kind."""
        return next((e.value for e in self.history if e.value is not None), None)


@attrs.frozen
class Messages:
    """What to tell the applicant when a criterion passes, fails or cannot be decided."""

    passed: Text
    failed: Text
    missing: Text


@attrs.frozen
class Criterion:
    """One eligibility requirement: a condition over inputs and parameters."""

    id: str
    label: Text
    source: str
    condition: str
    messages: Messages
    assumption: tuple[Assumed, ...] = ()
    if_missing: IfMissing = IfMissing.INCOMPLETE

    @property
    def blocking(self) -> bool:
        """Whether missing input leaves the decision incomplete (else: not checked)."""
        return self.if_missing is IfMissing.INCOMPLETE


@attrs.frozen
class OutcomeLabels:
    """How criteria combine into a decision, and what each outcome is called."""

    rule: str = "all"
    eligible: Text = Text("지원 가능", "eligible")
    ineligible: Text = Text("지원 불가", "ineligible")
    incomplete: Text = Text("판정 보류(정보 부족)", "incomplete: information missing")
    invalid: Text = Text("입력 오류", "invalid input")


@attrs.frozen
class Derivation:
    """Input fields computed from outside data (a firm registry and maps) instead of read.

    ``kind`` names a computation registered in :mod:`selectlib.eligibility.derive`; ``inputs``,
    ``outputs`` and ``parameters`` map the roles that computation knows to this
    profile's field and parameter names, as (role, name) pairs.
    """

    name: str
    kind: str
    description: Text
    inputs: tuple[tuple[str, str], ...] = ()
    outputs: tuple[tuple[str, str], ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class ProfileSpec:
    """Everything a profile file says, as data."""

    id: str
    name: Text
    valid_from: dt.date
    fields: tuple[Field, ...]
    parameters: tuple[Parameter, ...]
    criteria: tuple[Criterion, ...]
    valid_to: dt.date | None = None
    version: str = "1"
    description: Text | None = None
    sources: tuple[Source, ...] = ()
    identifier: str | None = None
    outcome: OutcomeLabels = OutcomeLabels()
    notes: tuple[Text, ...] = ()
    derived: tuple[Derivation, ...] = ()
    evaluation: EvaluationSpec | None = None
    benefits: BenefitsSpec | None = None
    carried_forward: tuple[Assumed, ...] = ()
    """Assumptions that the rules go on past the sources (each from its ``since``)."""
