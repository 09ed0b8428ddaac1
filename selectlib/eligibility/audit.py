"""Audit records: which rules, which input and which selectlib made a result, and when.

A record names the profile (id and version), the SHA-256 of the profile's canonical
content (parameters after reforms included), the SHA-256 of the canonical input, the
evaluation date, selectlib's version and the UTC time it was made. The canonical form is
JSON with sorted keys and no whitespace, NFC text, whole floats as integers, dates as ISO
text and sets sorted (see :func:`canonical`), so a hash is the same in every process and
run, and changes with any value that can change a result.

A decision's record is cheap: the profile's hash is computed once per compiled profile,
and the input's hash only when :attr:`~selectlib.Decision.audit` is first read.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import sys
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from selectlib.errors import InputError

__all__ = [
    "AUDIT_ATTR",
    "MAX_DEPTH",
    "AuditRecord",
    "PendingAudit",
    "ProfileStamp",
    "Stamp",
    "canonical",
    "canonical_json",
    "sha256_of",
    "without_audit",
]

AUDIT_ATTR: Final = "audit"
"""The key of ``DataFrame.attrs`` under which ``evaluate_many`` puts its table's audit
record, as JSON text: text, so pandas copies it for free on every operation
and can write it into a Parquet file's metadata."""

MAX_DEPTH: Final = 32
"""Nesting levels a hashed value may have; an applicant's fields need two (a set in a record).
A deeper value is refused: flatten it, or raise this constant for data of your own."""

_EXACT: Final = 2**53
"""Floats with a whole value below this are written as integers (every one is exact)."""

_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_HUGE: Final = 10**4_000
"""Whole numbers from here on are written as hex text: Python refuses to write an int of
more than 4,300 digits as decimal, and such a number is no applicant's value anyway."""


def canonical(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON data in its canonical form, the form that is hashed.

    Mappings keep text keys (dates as ISO text, other keys as text); lists, tuples and
    arrays stay in order; sets are sorted by their items' canonical JSON; text is NFC;
    None, NaN and pandas' NA are null; a float with a whole value is an integer, other
    finite floats keep Python's shortest exact repr, infinities become the text
    ``"Infinity"``/``"-Infinity"``; an int of 4,000 digits or more is its hex text; dates
    and times are ISO text; a DataFrame is its list of row records; attrs instances are
    their fields; anything else is its text.
    """
    if value is None or value is True or value is False:
        return value
    kind = value.__class__
    if kind is str:
        return unicodedata.normalize("NFC", value)
    if kind is int:
        return value if -_HUGE < value < _HUGE else hex(value)
    if depth >= MAX_DEPTH:
        raise InputError(
            f"a value is nested more than {MAX_DEPTH} levels deep, more than an audit record "
            "hashes (MAX_DEPTH in selectlib.eligibility.audit); flatten it"
        )
    return _canonical_other(value, depth)


def _canonical_other(value: Any, depth: int) -> Any:
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int):
        return bool(value) if isinstance(value, bool) else canonical(int(value))
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return unicodedata.normalize("NFC", str(value))
    if isinstance(value, dt.date):  # a datetime (and pandas' Timestamp) too
        return value.isoformat()
    if isinstance(value, Mapping):
        return {_key(k): canonical(v, depth + 1) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return canonical(value.to_dict(orient="records"), depth)
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return [canonical(item, depth + 1) for item in value]
    if isinstance(value, set | frozenset):
        items = [canonical(item, depth + 1) for item in value]
        return sorted(items, key=_dumps)
    if isinstance(value, decimal.Decimal):
        whole = value.is_finite() and value == value.to_integral()
        return canonical(int(value)) if whole else str(value)
    if attrs.has(value.__class__):
        return canonical(attrs.asdict(value, recurse=False), depth)
    try:
        text = str(value)
    except Exception:  # whatever an object's __str__ raises, hashing must not
        text = f"<{type(value).__name__}>"
    return unicodedata.normalize("NFC", text)


def _float(value: float) -> float | int | str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < _EXACT:
        return int(value)
    return value


def _key(key: Any) -> str:
    if isinstance(key, str):
        return unicodedata.normalize("NFC", key)
    if isinstance(key, dt.date):
        return key.isoformat()
    return str(canonical(key))


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value``: :func:`canonical`, keys sorted, no spaces."""
    return _dumps(canonical(value))


def sha256_of(value: Any) -> str:
    """The SHA-256 (hex) of ``value``'s canonical JSON text, encoded as UTF-8."""
    text = canonical_json(value)
    # "surrogatepass": a lone surrogate (JSON's "\ud800") is hashed, not refused
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def selectlib_version() -> str:
    """selectlib's ``__version__``, read from the loaded package (importing the package
    from here would make an import cycle)."""
    return str(sys.modules["selectlib"].__version__)


def utc_from_ns(ns: int) -> dt.datetime:
    """A ``time.time_ns()`` reading as a UTC datetime, to the microsecond."""
    return _EPOCH + dt.timedelta(microseconds=ns // 1000)


def without_audit(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its audit record (a shallow copy, only when it has one), for
    selectlib's own writers: the same input must give the same bytes, and the record
    holds the time it was made."""
    if AUDIT_ATTR not in frame.attrs:
        return frame
    kept = frame.copy(deep=False)
    kept.attrs = {k: v for k, v in frame.attrs.items() if k != AUDIT_ATTR}
    return kept


@attrs.frozen
class AuditRecord:
    """Which rules, which input and which selectlib made a result, and when (UTC).

    ``kind`` says what the record is for: ``decision``, ``batch`` (an ``evaluate_many``
    table: the input is not hashed, ``input_sha256`` is None), ``selection`` or
    ``funding``.
    """

    profile: str
    profile_version: str
    profile_sha256: str
    input_sha256: str | None
    on: dt.date
    selectlib_version: str
    made_at: dt.datetime
    kind: str = "decision"

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data (dates and times as ISO text)."""
        return {
            "kind": self.kind,
            "profile": self.profile,
            "profile_version": self.profile_version,
            "profile_sha256": self.profile_sha256,
            "input_sha256": self.input_sha256,
            "on": self.on.isoformat(),
            "selectlib_version": self.selectlib_version,
            "made_at": self.made_at.isoformat(),
        }

    def to_json(self) -> str:
        """The record as JSON text, keys sorted, no spaces (what ``results.attrs["audit"]``
        holds); its values are text already, so nothing needs normalising."""
        return _dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> AuditRecord:
        """A record from :meth:`to_json` text; InputError if it is not one."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as error:
            raise InputError(f"an audit record must be JSON text ({error})") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> AuditRecord:
        """A record from :meth:`to_dict` data; InputError naming the key that is wrong."""
        if not isinstance(data, Mapping):
            raise InputError(f"an audit record must be a mapping, got {type(data).__name__}")
        texts = {}
        for key in ("profile", "profile_version", "profile_sha256", "selectlib_version"):
            texts[key] = _text(data, key)
        digest = data.get("input_sha256")
        if digest is not None and not isinstance(digest, str):
            raise InputError("audit.input_sha256 must be text or null", field="input_sha256")
        try:
            on = dt.date.fromisoformat(_text(data, "on"))
            made_at = dt.datetime.fromisoformat(_text(data, "made_at"))
        except ValueError as error:
            raise InputError(f"audit record: {error} (write dates as ISO text)") from None
        kind = data.get("kind", "decision")
        return cls(**texts, input_sha256=digest, on=on, made_at=made_at, kind=str(kind))


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise InputError(
            f"audit.{key} must be text, got {type(value).__name__} (store the record "
            "decision_to_dict writes)",
            field=key,
        )
    return value


@attrs.define(eq=False)
class ProfileStamp:
    """What audit records say about one compiled profile; its hash computed on first use."""

    id: str
    version: str
    content: Callable[[], Any]
    _sha256: str | None = None
    _batch: dict[dt.date, tuple[str, str]] = attrs.field(factory=dict)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the profile's canonical content, computed once."""
        if self._sha256 is None:
            self._sha256 = sha256_of(self.content())
        return self._sha256

    def pending(self, on: dt.date, inputs: Mapping[str, Any], kind: str) -> PendingAudit:
        """A record made now for a result of ``kind`` from ``inputs``, whose hash is
        computed on first use (tables are copied now, so later changes do not count)."""
        kept = {name: _kept(value) for name, value in inputs.items()}
        return PendingAudit(self, on, kept, kind, dt.datetime.now(dt.UTC))

    def batch_json(self, on: dt.date) -> str:
        """A table's record (kind ``batch``, input not hashed) made now, as the JSON text
        of :meth:`AuditRecord.to_json`; the text around the time is kept per date, so a
        call costs a few microseconds, not the tens a record and its JSON would."""
        around = self._batch.get(on)
        if around is None:
            blank = AuditRecord(
                self.id, self.version, self.sha256, None, on, selectlib_version(), _EPOCH, "batch"
            )
            marker = json.dumps(_EPOCH.isoformat())
            head, tail = blank.to_json().split(marker)
            around = self._batch[on] = (head, tail)
        return f'{around[0]}"{dt.datetime.now(dt.UTC).isoformat()}"{around[1]}'


def _kept(value: Any) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, list):
        return tuple(value)
    return value


@attrs.define(eq=False)
class PendingAudit:
    """A scoring or funding run's audit record: its inputs hashed on first use, since a
    table of 100,000 rows takes seconds to write in canonical form."""

    profile: ProfileStamp
    on: dt.date
    inputs: Mapping[str, Any]
    kind: str
    made_at: dt.datetime
    _record: AuditRecord | None = None

    def record(self) -> AuditRecord:
        """The audit record, made on first use."""
        if self._record is None:
            profile = self.profile
            self._record = AuditRecord(
                profile.id,
                profile.version,
                profile.sha256,
                sha256_of(self.inputs),
                self.on,
                selectlib_version(),
                self.made_at,
                self.kind,
            )
        return self._record


@attrs.define(eq=False)
class Stamp:
    """One decision's audit, kept raw: the input (copied) and the time, hashed on demand."""

    profile: ProfileStamp | None
    input_record: Mapping[str, Any] | None
    made_ns: int
    _audit: AuditRecord | None = None
    _input: dict[str, Any] | None = None

    @classmethod
    def restored(cls, audit: AuditRecord, record: Mapping[str, Any] | None) -> Stamp:
        """The stamp of a decision read back: its record and input as stored."""
        data = None if record is None else dict(record)
        return cls(None, data, 0, audit, data)

    def input(self) -> dict[str, Any] | None:
        """The decision's input in canonical form (what the input hash is of)."""
        if self._input is None and self.input_record is not None:
            self._input = canonical(self.input_record)
        return self._input

    def audit(self, on: dt.date) -> AuditRecord:
        """The audit record, made on first use."""
        if self._audit is None:
            profile = self.profile
            if profile is None:
                raise InputError("this decision has no profile to audit")
            self._audit = AuditRecord(
                profile.id,
                profile.version,
                profile.sha256,
                sha256_of(self.input()),
                on,
                selectlib_version(),
                utc_from_ns(self.made_ns),
            )
        return self._audit
