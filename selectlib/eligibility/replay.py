"""Replay a stored decision: evaluate its input again and say what, if anything, changed.

A decision written by :func:`selectlib.decision_to_dict` carries its audit record and its
input in canonical form, all a replay needs: the named profile (or the one given) decides
the input again on the stored date, and the two results are compared outcome, criterion
and amount by amount. The reasons name what in the audit record differs: the profile's
content hash, its version, selectlib's version, or the input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from selectlib.eligibility.audit import AuditRecord, sha256_of
from selectlib.eligibility.decision import Decision
from selectlib.eligibility.serialize import decision_from_dict, decision_to_dict
from selectlib.errors import InputError
from selectlib.profile.model import Text

if TYPE_CHECKING:
    from selectlib.profile.compiled import Profile

__all__ = ["Difference", "ReplayResult", "replay"]


@attrs.frozen
class Difference:
    """One part of the result that came out otherwise: a criterion (by id), ``outcome`` or
    ``benefits``; ``before`` as stored, ``after`` as replayed (None: not there)."""

    criterion: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"criterion": self.criterion, "before": self.before, "after": self.after}

    def explain(self) -> str:
        """One line: ``cluster_size: passed (24 >= 20) → failed (24 >= 30)``."""
        return f"{self.criterion}: {_shown(self.before)} → {_shown(self.after)}"


def _shown(side: Any) -> str:
    if not isinstance(side, Mapping) or "status" not in side:
        return "—" if side is None else json.dumps(side, ensure_ascii=False)
    if side.get("operator") is None:
        value = side.get("value")
        return side["status"] if value is None else f"{side['status']} ({value})"
    shown = [json.dumps(side.get(k), ensure_ascii=False) for k in ("value", "threshold")]
    return f"{side['status']} ({shown[0]} {side['operator']} {shown[1]})"


@attrs.frozen
class ReplayResult:
    """Whether a stored decision is reproduced, what differs and why.

    ``identical`` is True when the outcome, every criterion (status, value, threshold)
    and every amount come out as stored. ``reasons`` name what in the audit record differs
    (the profile's content or version, selectlib's version, the input); they may be there
    when the result is identical too: the result survived the change.
    """

    identical: bool
    differences: tuple[Difference, ...]
    reasons: tuple[Text, ...]
    stored: AuditRecord
    replayed: AuditRecord

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the verdict, the differences, the reasons (ko/en), both records."""
        return {
            "identical": self.identical,
            "differences": [d.to_dict() for d in self.differences],
            "reasons": [{"ko": r.ko, "en": r.en} for r in self.reasons],
            "stored": self.stored.to_dict(),
            "replayed": self.replayed.to_dict(),
        }

    def explain(self, lang: str = "en") -> str:
        """The verdict, then one line per difference and per reason."""
        ko = lang == "ko"
        if self.identical:
            head = (
                "동일: 저장된 결정이 재현됩니다" if ko else "identical: the decision is reproduced"
            )
        else:
            count = len(self.differences)
            head = (
                f"다름: {count}곳이 저장된 결정과 다릅니다"
                if ko
                else f"different: {count} part(s) differ from the stored decision"
            )
        lines = [head, *(f"  - {d.explain()}" for d in self.differences)]
        lines += [f"  ! {reason.get(lang)}" for reason in self.reasons]
        return "\n".join(lines)


def replay(
    stored: Mapping[str, Any] | Decision | str | bytes,
    input: Mapping[str, Any] | None = None,
    *,
    profile: Profile | str | Path | None = None,
) -> ReplayResult:
    """Evaluate a stored decision's input again and compare the result with it.

    ``stored`` is what :func:`selectlib.decision_to_dict` wrote (a mapping or its JSON
    text) or a :class:`~selectlib.Decision` with an audit record. ``input`` replaces the
    stored input (to check a corrected record); ``profile`` replaces the profile named in
    the record (a :class:`~selectlib.Profile`, an id or a path). Raises
    :class:`~selectlib.InputError` when ``stored`` is not a decision with an audit record.
    """
    from selectlib.profile.compiled import Profile, load_profile

    before = _stored_decision(stored)
    audit = before.audit
    if audit is None:
        raise InputError(
            "the stored decision has no audit record: store what decision_to_dict writes "
            "for a decision made by Profile.evaluate"
        )
    record = before.input if input is None else input
    if record is None:
        raise InputError("the stored decision has no input: pass input= (the applicant's record)")
    rules = profile if isinstance(profile, Profile) else load_profile(profile or audit.profile)
    after = rules.evaluate(record, on=audit.on)
    replayed = after.audit
    assert replayed is not None  # Profile.evaluate always stamps its decisions
    reasons = _reasons(audit, replayed, input is None and sha256_of(record) != audit.input_sha256)
    differences = _differences(decision_to_dict(before), decision_to_dict(after))
    return ReplayResult(not differences, differences, reasons, audit, replayed)


def _stored_decision(stored: Any) -> Decision:
    if isinstance(stored, Decision):
        return stored
    if isinstance(stored, str | bytes | bytearray):
        try:
            stored = json.loads(stored)
        except (ValueError, RecursionError) as error:
            raise InputError(f"the stored decision is not valid JSON: {error}") from None
    if not isinstance(stored, Mapping):
        raise InputError(f"a stored decision must be a mapping, got {type(stored).__name__}")
    missing = [
        key for key in ("profile", "on", "outcome", "criteria", "audit") if key not in stored
    ]
    if missing:
        raise InputError(
            f"not a stored decision: no {', '.join(missing)} (store what decision_to_dict "
            "writes for a decision made by Profile.evaluate)"
        )
    try:
        return decision_from_dict(dict(stored))
    except InputError:
        raise
    except Exception as error:  # cattrs and the record's own checks: the data is malformed
        raise InputError(f"not a stored decision: {error}") from None


def _reasons(before: AuditRecord, after: AuditRecord, tampered: bool) -> tuple[Text, ...]:
    reasons = []
    if before.profile != after.profile:
        reasons.append(
            Text(
                f"다른 프로필로 재실행했습니다: 저장 {before.profile}, 지금 {after.profile}",
                f"replayed with another profile: stored {before.profile}, now {after.profile}",
            )
        )
    if before.profile_sha256 != after.profile_sha256:
        old, new = before.profile_sha256[:12], after.profile_sha256[:12]
        reasons.append(
            Text(
                f"프로필 내용이 다릅니다 (매개변수·기준·개정): 저장 sha256 {old}…, 지금 {new}…",
                f"the profile's content differs (a parameter, criterion or reform): stored "
                f"sha256 {old}…, now {new}…",
            )
        )
    if before.profile_version != after.profile_version:
        old, new = before.profile_version, after.profile_version
        reasons.append(
            Text(
                f"프로필 버전이 다릅니다: 저장 {old}, 지금 {new}",
                f"the profile's version differs: stored {old}, now {new}",
            )
        )
    if before.selectlib_version != after.selectlib_version:
        old, new = before.selectlib_version, after.selectlib_version
        reasons.append(
            Text(
                f"selectlib 버전이 다릅니다: 저장 {old}, 지금 {new}",
                f"selectlib's version differs: stored {old}, now {new}",
            )
        )
    if tampered:
        reasons.append(
            Text(
                "저장된 입력이 기록된 sha256과 맞지 않습니다: 결정 뒤에 바뀌었습니다",
                "the stored input does not match its recorded sha256: it was changed after "
                "the decision was made",
            )
        )
    elif before.input_sha256 != after.input_sha256:
        old, new = (before.input_sha256 or "none")[:12], (after.input_sha256 or "none")[:12]
        reasons.append(
            Text(
                f"입력이 저장된 것과 다릅니다: 저장 sha256 {old}…, 지금 {new}…",
                f"the input differs from the stored one: stored sha256 {old}…, now {new}…",
            )
        )
    return tuple(reasons)


_COMPARED = ("status", "value", "threshold")
"""What of a criterion must come out the same (its message and label follow from these)."""


def _differences(before: dict[str, Any], after: dict[str, Any]) -> tuple[Difference, ...]:
    found = []
    if before["outcome"] != after["outcome"]:
        found.append(Difference("outcome", before["outcome"], after["outcome"]))
    old = {c["id"]: c for c in before["criteria"]}
    new = {c["id"]: c for c in after["criteria"]}
    for key in [*old, *(k for k in new if k not in old)]:
        was, now = old.get(key), new.get(key)
        if was is None or now is None or any(was[k] != now[k] for k in _COMPARED):
            found.append(Difference(key, _side(was), _side(now)))
    if before.get("benefits", []) != after.get("benefits", []):
        found.append(Difference("benefits", before.get("benefits"), after.get("benefits")))
    return tuple(found)


def _side(criterion: dict[str, Any] | None) -> dict[str, Any] | None:
    if criterion is None:
        return None
    return {key: criterion[key] for key in (*_COMPARED, "operator")}
