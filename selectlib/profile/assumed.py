"""What a profile assumes where its sources are silent, written beside the rule it affects.

A number or a reading that no source states (a radius, a KSIC level, "about 5" read as
5, a rounding rule) is labelled ``assumption:`` in the profile, so that every output can
say which of its rules rest on a choice rather than on a source.
"""

from __future__ import annotations

import datetime as dt

import attrs

from selectlib.text import Text

__all__ = ["Assumed"]


@attrs.frozen
class Assumed:
    """One assumption: what was assumed and why, in Korean and English.

    ``since`` narrows it to one dated entry of a parameter, ``key`` to one entry of a
    table keyed by category; without them it applies to the whole rule.
    """

    ko: str
    en: str
    since: dt.date | None = None
    key: str | None = None

    @property
    def text(self) -> Text:
        """The sentence, in both languages."""
        return Text(self.ko, self.en)
