"""What an evaluation returns for one applicant: a Decision that explains itself."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, NamedTuple

import attrs

from selectlib.dates import shown_moment
from selectlib.eligibility.amounts import BenefitLine
from selectlib.eligibility.audit import AuditRecord, Stamp
from selectlib.errors import CriterionNotFoundError, Problem
from selectlib.profile.model import Text

__all__ = [
    "CriterionInfo",
    "CriterionResult",
    "CriterionStatus",
    "Decision",
    "Outcome",
]


class CriterionStatus(enum.StrEnum):
    """How one criterion came out."""

    PASSED = "passed"
    FAILED = "failed"
    MISSING = "missing"


class Outcome(enum.StrEnum):
    """How the whole decision came out."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    INCOMPLETE = "incomplete"
    INVALID = "invalid"


@attrs.frozen
class CriterionInfo:
    """What a criterion is and which parameters set its threshold on the evaluation date."""

    id: str
    label: Text
    source: str
    operator: str | None = None
    parameters: tuple[str, ...] = ()
    effective: dt.date | None = None


class CriterionResult(NamedTuple):
    """One criterion's result: status, value seen, threshold applied, and why.

    An immutable named tuple rather than a frozen attrs class: one is built for every
    criterion of every decision read in a web request, and a tuple is built six times
    faster.
    """

    id: str
    status: CriterionStatus
    value: Any
    threshold: Any
    operator: str | None
    parameters: tuple[str, ...]
    effective: dt.date | None
    label: Text
    source: str
    message: Text

    @property
    def passed(self) -> bool:
        """Whether the criterion is met."""
        return self.status is CriterionStatus.PASSED

    def explain(self, lang: str = "en") -> str:
        """One line: label, status, value against threshold, and the message."""
        detail = ""
        if self.operator is not None:
            detail = f" [{_show(self.value)} {self.operator} {_show(self.threshold)}"
            if self.effective is not None:
                since = "시행" if lang == "ko" else "since"
                detail += f"; {since} {self.effective.isoformat()}"
            detail += "]"
        elif self.value is not None:
            detail = f" [{_show(self.value)}]"
        head = f"{self.label.get(lang)} ({self.source}): {self.status}"
        return f"{head}{detail}: {self.message.get(lang)}"


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    if isinstance(value, dt.datetime):
        return shown_moment(value)
    return str(value)


@attrs.frozen
class Decision:
    """The eligibility decision for one applicant.

    Results are stored column-wise (one tuple per attribute, aligned with
    ``info``) so that a decision is cheap to make inside a web request;
    :attr:`criteria` gives one :class:`CriterionResult` per criterion. When the
    profile has benefits and the applicant is eligible, :attr:`benefits` holds one
    :class:`~selectlib.BenefitLine` per amount, each with its calculation.
    A decision made by :meth:`Profile.evaluate <selectlib.Profile.evaluate>` carries its
    :attr:`audit` record and its :attr:`input`; neither takes part in equality.
    """

    profile_id: str
    on: dt.date
    outcome: Outcome
    info: tuple[CriterionInfo, ...]
    statuses: tuple[CriterionStatus, ...]
    values: tuple[Any, ...]
    thresholds: tuple[Any, ...]
    messages: tuple[Text, ...]
    problems: tuple[Problem, ...] = ()
    missing_fields: tuple[str, ...] = ()
    applicant: str | None = None
    benefits: tuple[BenefitLine, ...] = ()
    stamp: Stamp | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def audit(self) -> AuditRecord | None:
        """Which rules and input made this decision, and when; None if not made by a
        profile. The input's hash is computed on first use."""
        return None if self.stamp is None else self.stamp.audit(self.on)

    @property
    def input(self) -> dict[str, Any] | None:
        """The applicant's record as evaluated, in canonical form (see docs/audit.md)."""
        return None if self.stamp is None else self.stamp.input()

    @property
    def eligible(self) -> bool | None:
        """True if every criterion passed, False if one failed, None if undecided.

        Undecided means some input was missing or invalid; see :attr:`outcome`.
        """
        if self.outcome is Outcome.ELIGIBLE:
            return True
        if self.outcome is Outcome.INCOMPLETE:
            return None
        return False if self.outcome is Outcome.INELIGIBLE else None

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """One result per criterion, in profile order."""
        make = tuple.__new__  # CriterionResult's fields, without its keyword handling
        return tuple(
            make(
                CriterionResult,
                (
                    info.id,
                    status,
                    value,
                    threshold,
                    info.operator,
                    info.parameters,
                    info.effective,
                    info.label,
                    info.source,
                    message,
                ),
            )
            for info, status, value, threshold, message in zip(
                self.info, self.statuses, self.values, self.thresholds, self.messages, strict=True
            )
        )

    def criterion(self, criterion_id: str) -> CriterionResult:
        """The result of the criterion with this id."""
        for result in self.criteria:
            if result.id == criterion_id:
                return result
        raise CriterionNotFoundError(criterion_id, [info.id for info in self.info])

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        """The criteria that failed or could not be decided."""
        return tuple(r for r in self.criteria if r.status is not CriterionStatus.PASSED)

    @property
    def benefit_total(self) -> int | None:
        """The won of every paid amount; None without amounts or when one is missing."""
        if not self.benefits or any(line.status == "missing" for line in self.benefits):
            return None
        return sum(line.paid for line in self.benefits)

    def explain(self, lang: str = "en") -> str:
        """A readable explanation: the outcome, one line per criterion, then the amounts."""
        head = f"{self.applicant + ': ' if self.applicant else ''}{self.outcome}"
        lines = [head, *(f"  - {r.explain(lang)}" for r in self.criteria)]
        lines += [f"  ! {problem}" for problem in self.problems]
        lines += [f"  + {line.explain(lang)}" for line in self.benefits]
        return "\n".join(lines)
