"""The exceptions selectlib raises.

Every exception derives from :class:`SelectlibError` and also from the builtin it
behaves like (``ValueError``, ``KeyError``, ``FileNotFoundError``), so callers can
catch either. Each one says what was wrong, where, and how to fix it, and keeps
those facts as attributes for programs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

__all__ = [
    "ArgumentError",
    "BenefitError",
    "CriterionNotFoundError",
    "DateError",
    "ExpressionError",
    "InputError",
    "OutputError",
    "ParameterError",
    "Problem",
    "ProfileError",
    "ProfileNotFoundError",
    "SelectlibError",
    "ValidityError",
]


class SelectlibError(Exception):
    """Base class of every error selectlib raises on purpose."""


class ArgumentError(SelectlibError, ValueError):
    """An argument to a numeric function is not one it accepts; lists every problem.

    Attributes
    ----------
    argument:
        The name of the argument at fault (``"scores"``, ``"rate"``, ...).
    problems:
        Every problem found, each naming the row or value concerned.
    """

    def __init__(self, argument: str, problems: Sequence[str]) -> None:
        self.argument = argument
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            text = f"{argument}: {self.problems[0]}"
        else:
            lines = [f"{argument}: {len(self.problems)} problems"]
            lines += [f"  - {p}" for p in self.problems]
            text = "\n".join(lines)
        super().__init__(text)


class BenefitError(ArgumentError):
    """A benefit or budget function was given an argument it cannot use (``argument``,
    ``problems``)."""


@attrs.frozen
class Problem:
    """One problem found in an input: where it is, what is wrong, how to fix it.

    Every located problem selectlib reports is one of these: in a profile, an applicant
    record, a score sheet or a registry. ``where`` is the place as a person reads it
    (``"profile.yaml:12: $.criteria[2].condition"``, ``"document_E01.xlsx, sheet 점수표,
    cell D7"``, ``"staff"``); ``file``, ``line``, ``key`` (a profile's key path or an
    applicant's field) and ``value`` (what was given) repeat the parts programs need.
    """

    where: str
    message: str
    hint: str = ""
    file: str | None = attrs.field(default=None, kw_only=True)
    line: int | None = attrs.field(default=None, kw_only=True)
    key: str | None = attrs.field(default=None, kw_only=True)
    value: str | None = attrs.field(default=None, kw_only=True)

    @classmethod
    def in_profile(
        cls,
        path: str,
        message: str,
        hint: str = "",
        file: str | None = None,
        line: int | None = None,
    ) -> Problem:
        """A problem at key ``path`` (``$.criteria[2].condition``) of a profile file."""
        place = file or "<profile>"
        if line is not None:
            place = f"{place}:{line}"
        return cls(f"{place}: {path}", message, hint, file=file, line=line, key=path)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} (fix: {self.hint})" if self.hint else text


class ProfileError(SelectlibError, ValueError):
    """A profile could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in profile"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


def _looks_like_path(name: str) -> bool:
    """Whether a profile name was meant as a file: a profile suffix or a folder in it."""
    return name.lower().endswith((".yaml", ".yml", ".json")) or "/" in name or "\\" in name


class ProfileNotFoundError(SelectlibError, FileNotFoundError):
    """No profile has the name or path asked for."""

    def __init__(self, name: str, available: Sequence[str]) -> None:
        self.name = name
        self.available = tuple(available)
        listed = ", ".join(self.available) or "none"
        if _looks_like_path(name):
            message = (
                f"{name}: file not found: check the path (relative to the current folder), "
                f"or give a built-in profile id ({listed})"
            )
        else:
            message = (
                f"no profile named {name!r}: give a built-in profile id ({listed}) "
                "or the path of a .yaml profile file"
            )
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class CriterionNotFoundError(SelectlibError, KeyError):
    """A decision was asked for a criterion its profile does not have."""

    def __init__(self, criterion_id: str, known: Sequence[str]) -> None:
        self.criterion_id = criterion_id
        self.known = tuple(known)
        super().__init__(f"no criterion {criterion_id!r}; the criteria are {', '.join(known)}")

    def __str__(self) -> str:
        return str(self.args[0])


class ExpressionError(SelectlibError, ValueError):
    """A condition is not in the expression language or does not type-check."""

    def __init__(self, message: str, source: str, column: int | None = None) -> None:
        self.source = source
        self.column = column
        self.reason = message
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"{message}{where} in {source!r}")


class ParameterError(SelectlibError, ValueError):
    """A parameter is unknown, has no value on a date, or got a value of the wrong shape."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        self.reason = message
        super().__init__(f"parameter {name!r}: {message}")


class ValidityError(SelectlibError, ValueError):
    """A profile was asked about a date outside the period its rules apply to."""

    def __init__(
        self, profile_id: str, on: dt.date, valid_from: dt.date, valid_to: dt.date | None
    ) -> None:
        self.profile_id = profile_id
        self.on = on
        self.valid_from = valid_from
        self.valid_to = valid_to
        period = f"from {valid_from.isoformat()}" + (
            f" to {valid_to.isoformat()}" if valid_to else " (no end date)"
        )
        super().__init__(
            f"profile {profile_id!r} applies {period}; {on.isoformat()} is outside it: "
            "evaluate on a date within that period, or use the profile for that period"
        )


class InputError(SelectlibError, ValueError):
    """Input data could not be read or used; says which file, row and field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.value = value
        self.reason = message
        where = [
            part
            for part in (
                file,
                f"row {row}" if row is not None else None,
                f"field {field!r}" if field is not None else None,
            )
            if part
        ]
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class OutputError(SelectlibError, ValueError):
    """An output cannot be written there: it is an input, exists, or is a folder (``file``)."""

    def __init__(self, message: str, *, file: str) -> None:
        self.file = file
        self.reason = message
        super().__init__(f"{file}: {message}")


class DateError(InputError):
    """An argument that should be a day is not one; ``argument`` names it (``on``).

    ``reason`` says what is wrong without the argument's name, for callers that name
    it their own way (the command line's ``--on``).
    """

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(reason)
        self.argument = argument
        self.args = (f"{argument}: {reason}",)
