"""Dates as the API accepts them: a date, a datetime, ISO text, or None for today;
and points in time (a submission time) in Korea Standard Time.

Every argument that takes a day (``on=``, ``since=``) goes through :func:`as_date`, so a
value that is no day (NaT, NaN, a number, a datetime with a time zone, text that is no
date) is refused the same way everywhere, naming the argument.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from selectlib.errors import DateError

__all__ = [
    "EARLIEST",
    "KST",
    "LATEST",
    "DateLike",
    "as_date",
    "day_of",
    "epoch_seconds",
    "moment",
    "shown_moment",
]

DateLike = dt.date | str | None

_FORMS = "a datetime.date or text 'YYYY-MM-DD'"


def _shown(value: object) -> str:
    """``value`` for a message: its repr, cut short, and its type."""
    try:
        text = repr(value)
    except Exception:  # a huge int, or an object whose repr fails: the type says enough
        return f"a {type(value).__name__}"
    text = text if len(text) <= 40 else text[:37] + "..."
    return text if isinstance(value, str) else f"{text} ({type(value).__name__})"


def day_of(on: object, argument: str = "on") -> dt.date:
    """The day ``on`` stands for: a date, a datetime without a time zone, or ISO text.

    Raises :class:`DateError` naming ``argument`` for anything else: None, NaT, NaN, a
    number, a datetime with a time zone (which day it is depends on the zone), or text
    that is no date.
    """
    if isinstance(on, dt.datetime):
        if on != on:  # pandas.NaT is a datetime, and the one unequal to itself
            raise DateError(argument, f"NaT is a missing date, not a day: give {_FORMS}")
        if on.tzinfo is not None:
            raise DateError(
                argument,
                f"{on.isoformat()} has a time zone, so its day depends on the zone: "
                "give the day itself, e.g. value.astimezone(zone).date()",
            )
        return on.date()
    if isinstance(on, dt.date):
        return on
    if isinstance(on, str):
        try:
            return dt.date.fromisoformat(on.strip())
        except ValueError:
            raise DateError(
                argument, f"{_shown(on)} is not a date: write it as YYYY-MM-DD"
            ) from None
    raise DateError(argument, f"expected {_FORMS}, got {_shown(on)}")


def as_date(on: DateLike, argument: str = "on") -> dt.date:
    """A day from a date, a datetime without a time zone, ISO text, or None (today).

    Anything else raises :class:`DateError` naming ``argument`` (see :func:`day_of`).
    """
    if on is None:
        return dt.date.today()
    return day_of(on, argument)


KST: Final = dt.timezone(dt.timedelta(hours=9), "KST")
"""Korea Standard Time. A time written without a zone is read in it: Korean notices give
deadlines in KST, and Korea has kept UTC+9 all year since 1988."""
EARLIEST: Final = dt.datetime(1900, 1, 1, tzinfo=KST)
"""The earliest date and time a field accepts: older is a typo."""
LATEST: Final = dt.datetime(2200, 1, 1, tzinfo=KST)
"""The latest date and time a field accepts: later is a typo."""

_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MOMENT_FORMS: Final = (
    "'YYYY-MM-DD HH:MM' (KST) or ISO 8601 with a zone, e.g. 2024-05-10T18:00+09:00"
)


def _parse_moment(text: str) -> dt.datetime:
    stripped = text.strip()
    try:
        parsed = dt.datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{_shown(text)} is not a date and time: write {_MOMENT_FORMS}") from None
    if len(stripped) <= 10:  # fromisoformat reads a bare date as midnight
        raise ValueError(f"{_shown(text)} has no time of day: write {_MOMENT_FORMS}")
    return parsed


def moment(value: object) -> dt.datetime:
    """A point in time, in KST, from a datetime or ISO 8601 text with a time of day.

    A time without a zone is KST; fractions of a second are dropped. A bare date is
    refused: a deadline such as 18:00 makes the time of day matter. Raises ValueError
    with a message a person can act on.
    """
    if isinstance(value, str):
        value = _parse_moment(value)
    if not isinstance(value, dt.datetime) or value != value:  # NaT is unequal to itself
        raise ValueError(f"expected a date and time, {_MOMENT_FORMS}; got {_shown(value)}")
    when = value.replace(tzinfo=KST) if value.tzinfo is None else value.astimezone(KST)
    when = when.replace(microsecond=0)  # to the second, as a column of times stores it
    if not EARLIEST <= when < LATEST:
        raise ValueError(
            f"{when.isoformat()} is outside {EARLIEST.year}..{LATEST.year - 1}: check the year"
        )
    return when


def epoch_seconds(when: dt.datetime) -> int:
    """Whole seconds since 1970-01-01 UTC: how a column of times is stored and compared."""
    return (when - _EPOCH) // dt.timedelta(seconds=1)


def shown_moment(when: dt.datetime) -> str:
    """A time as a Korean notice writes it, in KST: ``2024-05-10 18:00 KST``."""
    local = when.astimezone(KST)
    seconds = f":{local.second:02d}" if local.second else ""
    return f"{local:%Y-%m-%d %H:%M}{seconds} KST"
