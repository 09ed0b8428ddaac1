"""Dates as the API accepts them: a date, a datetime, ISO text, or None for today.

Every argument that takes a day (``on=``, ``since=``) goes through :func:`as_date`, so a
value that is no day (NaT, NaN, a number, a datetime with a time zone, text that is no
date) is refused the same way everywhere, naming the argument.
"""

from __future__ import annotations

import datetime as dt

from selectlib.errors import DateError

__all__ = ["DateLike", "as_date", "day_of"]

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
