"""Decisions and profiles to and from JSON-ready data, through the shared cattrs converter.

A decision unstructures to a flat, readable document (one entry per criterion, with
its message in both languages) and structures back to an equal Decision; a profile
unstructures to the profile file's shape. ``converter.structure(converter.unstructure(x),
type(x)) == x`` for both.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

import cattrs
from cattrs.gen import make_dict_unstructure_fn

from selectlib.dates import moment
from selectlib.eligibility.amounts import BenefitLine
from selectlib.eligibility.audit import AuditRecord, Stamp
from selectlib.eligibility.decision import (
    CriterionInfo,
    CriterionStatus,
    Decision,
    Outcome,
)
from selectlib.errors import InputError, Problem
from selectlib.profile.compiled import Profile
from selectlib.profile.convert import converter
from selectlib.profile.model import Text

__all__ = ["converter", "decision_from_dict", "decision_to_dict", "make_converter"]

_MOMENT: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00")
"""A date and time as :func:`_plain` writes one (a text value never has this exact form
in practice: it is how a datetime field's value or a deadline travels in JSON)."""


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value, key=str)
    if isinstance(value, dt.datetime):
        return value.isoformat()  # always with its +09:00 offset, which _typed reads back
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, list):
        return frozenset(value)
    if isinstance(value, str) and _MOMENT.fullmatch(value):
        return moment(value)
    return value


def _unstructure_decision(decision: Decision) -> dict[str, Any]:
    criteria = []
    for info, status, value, threshold, message in zip(
        decision.info,
        decision.statuses,
        decision.values,
        decision.thresholds,
        decision.messages,
        strict=True,
    ):
        criteria.append(
            {
                "id": info.id,
                "status": status.value,
                "value": _plain(value),
                "threshold": _plain(threshold),
                "operator": info.operator,
                "parameters": list(info.parameters),
                "effective": info.effective.isoformat() if info.effective else None,
                "label": {"ko": info.label.ko, "en": info.label.en},
                "source": info.source,
                "message": {"ko": message.ko, "en": message.en},
            }
        )
    return {
        "profile": decision.profile_id,
        "on": decision.on.isoformat(),
        "applicant": decision.applicant,
        "outcome": decision.outcome.value,
        "eligible": decision.eligible,
        "criteria": criteria,
        "problems": [converter.unstructure(p) for p in decision.problems],
        "missing_fields": list(decision.missing_fields),
        **(
            {"benefits": [converter.unstructure(line) for line in decision.benefits]}
            if decision.benefits
            else {}
        ),
        **_audit_entries(decision),
    }


def _audit_entries(decision: Decision) -> dict[str, Any]:
    """The audit record and the canonical input, for a decision that has them."""
    audit = decision.audit
    if audit is None:
        return {}
    return {"audit": audit.to_dict(), "input": decision.input}


def _structure_decision(data: dict[str, Any], _: type) -> Decision:
    criteria = data["criteria"]
    return Decision(
        profile_id=data["profile"],
        on=converter.structure(data["on"], dt.date),
        outcome=Outcome(data["outcome"]),
        info=tuple(
            CriterionInfo(
                c["id"],
                converter.structure(c["label"], Text),
                c["source"],
                c["operator"],
                tuple(c["parameters"]),
                None if c["effective"] is None else converter.structure(c["effective"], dt.date),
            )
            for c in criteria
        ),
        statuses=tuple(CriterionStatus(c["status"]) for c in criteria),
        values=tuple(_typed(c["value"]) for c in criteria),
        thresholds=tuple(_typed(c["threshold"]) for c in criteria),
        messages=tuple(converter.structure(c["message"], Text) for c in criteria),
        problems=tuple(converter.structure(p, Problem) for p in data.get("problems", ())),
        missing_fields=tuple(data.get("missing_fields", ())),
        applicant=data.get("applicant"),
        benefits=tuple(converter.structure(b, BenefitLine) for b in data.get("benefits", ())),
        stamp=_stamp(data),
    )


def _stamp(data: dict[str, Any]) -> Stamp | None:
    if data.get("audit") is None:
        return None
    record = data.get("input")
    if record is not None and not isinstance(record, dict):
        raise InputError(
            f"a stored decision's input must be an object, got {type(record).__name__}"
        )
    return Stamp.restored(AuditRecord.from_dict(data["audit"]), record)


converter.register_unstructure_hook(
    BenefitLine, make_dict_unstructure_fn(BenefitLine, converter, _cattrs_omit_if_default=False)
)
converter.register_unstructure_hook(Decision, _unstructure_decision)
converter.register_structure_hook(Decision, _structure_decision)
converter.register_unstructure_hook(Profile, lambda profile: profile.to_dict())
converter.register_structure_hook(Profile, lambda data, _: Profile.from_dict(data))


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """A decision as JSON-ready data; one made by a profile adds ``audit`` (its
    :class:`~selectlib.AuditRecord`) and ``input`` (the record in canonical form), all
    :func:`selectlib.replay` needs."""
    return converter.unstructure(decision)  # type: ignore[no-any-return]


def decision_from_dict(data: dict[str, Any]) -> Decision:
    """A decision from :func:`decision_to_dict` data (or its JSON, parsed)."""
    return converter.structure(data, Decision)


def make_converter() -> cattrs.Converter:
    """A cattrs converter configured for selectlib's values (profiles, decisions, benefit
    lines), to extend with hooks of your own: a copy, so what you register never changes
    how selectlib itself reads and writes its values.

    >>> import selectlib
    >>> converter = selectlib.make_converter()
    >>> profile = selectlib.load_profile("micro_manufacturer_center_2024")
    >>> converter.unstructure(profile.spec)["id"]
    'micro_manufacturer_center_2024'
    """
    return converter.copy()
