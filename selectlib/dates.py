"""Dates as the API accepts them: a date, a datetime, ISO text, or None for today."""

from __future__ import annotations

import datetime as dt

from selectlib.errors import InputError

__all__ = ["DateLike", "as_date"]

DateLike = dt.date | str | None


def as_date(on: DateLike) -> dt.date:
    """A date from a date, a datetime, ISO text, or None (today)."""
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    if isinstance(on, str):
        try:
            return dt.date.fromisoformat(on.strip())
        except ValueError:
            raise InputError(f"{on!r} is not a date: write it as YYYY-MM-DD") from None
    raise InputError(f"expected a date, got {type(on).__name__}")
