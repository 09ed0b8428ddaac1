"""One amount of a decision (a benefit), with the whole calculation that produced it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from selectlib.profile.benefits import Bound, Formula, Rounding
from selectlib.text import Text

__all__ = ["LINE_STATUSES", "BenefitLine", "LineStatus", "percent"]

LineStatus = Literal["paid", "not_applicable", "missing"]
LINE_STATUSES: tuple[LineStatus, ...] = ("paid", "not_applicable", "missing")
_ROUNDING_WORDS = {
    "floor": ("미만 절사", "rounded down"),
    "half_up": ("미만 반올림", "rounded half up"),
    "ceil": ("미만 절상", "rounded up"),
}


@attrs.frozen
class BenefitLine:
    """One amount an eligible applicant receives, and how it was reached.

    ``status`` is ``"paid"`` when the amount was worked out (it may be 0, e.g. a rate
    of 0), ``"not_applicable"`` when the amount's ``when`` condition does not hold, and
    ``"missing"`` when an input or a table entry it needs is missing. ``raw`` is the
    exact amount before rounding (``base × rate``, × ``days / year_days`` for an
    interest subsidy); ``rounded`` is it rounded by ``rounding``; ``amount`` is that
    bounded by ``minimum`` and ``cap``, and ``bound`` says which bound changed it. For a
    matching formula ``rate`` is the supported share and ``firm`` the firm's own part.
    ``parameters`` are the parameters the line used and ``effective`` the latest date
    one of them took effect.
    """

    id: str
    label: Text
    source: str
    formula: Formula
    status: LineStatus
    rounding: Rounding
    beneficiary: str | None = None
    base: int | None = None
    rate: Fraction | None = None
    cap: int | None = None
    minimum: int | None = None
    raw: Fraction | None = None
    rounded: int | None = None
    amount: int | None = None
    bound: Bound | None = None
    firm: int | None = None
    days: int | None = None
    year_days: int | None = None
    parameters: tuple[str, ...] = ()
    effective: dt.date | None = None

    @property
    def paid(self) -> int:
        """The won this line pays: its amount when paid, else 0."""
        return self.amount if self.status == "paid" and self.amount is not None else 0

    def formula_text(self, lang: str = "en") -> str:
        """The calculation in one line: ``20% × 5,000,005 = 1,000,001 → cap 1,000,000``."""
        if self.status != "paid" or self.base is None or self.rate is None:
            return ""
        ko = lang == "ko"
        term = f"{percent(self.rate)} × {self.base:,}"
        if self.days is not None:
            term += f" × {self.days}/{self.year_days}"
        raw = self.raw if self.raw is not None else Fraction(0)
        text = f"{term} = {_won(raw)}"
        if raw != self.rounded:
            words = _ROUNDING_WORDS[self.rounding.mode][0 if ko else 1]
            unit = self.rounding.unit
            how = f"{unit:,}원 {words}" if ko else f"{words} to {unit:,} won"
            text += f" → {self.rounded:,} ({how})"
        if self.bound == "cap":
            text += f" → {'한도' if ko else 'cap'} {self.cap:,}"
        elif self.bound == "minimum":
            text += f" → {'하한' if ko else 'minimum'} {self.minimum:,}"
        if self.firm is not None:
            text += f"; {'자부담' if ko else 'firm pays'} {self.firm:,}"
        return text

    def explain(self, lang: str = "en") -> str:
        """One line: label, who receives it, the amount and the calculation."""
        ko = lang == "ko"
        head = f"{self.label.get(lang)} ({self.source})"
        if self.beneficiary is not None:
            head += f" → {self.beneficiary}"
        if self.status == "not_applicable":
            return f"{head}: {'해당 없음' if ko else 'not applicable'}"
        if self.status == "missing":
            why = "정보 부족으로 산정 불가" if ko else "cannot be worked out: information missing"
            return f"{head}: {why}"
        return f"{head}: {self.paid:,}{'원' if ko else ' won'} [{self.formula_text(lang)}]"


def _won(value: Fraction) -> str:
    """An exact amount: whole won as ``1,000,001``, else to two decimals (``493,150.68…``)."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{value.numerator // value.denominator:,}.{(value % 1) * 100 // 1:02}…"


def percent(value: Fraction) -> str:
    """``Fraction(1, 5)`` as ``"20 %"``; a non-terminating fraction as ``"100/3 %"``."""
    scaled = value * 100
    if scaled.denominator == 1:
        return f"{scaled.numerator} %"
    text = f"{float(scaled):g}"
    return f"{text} %" if Fraction(Decimal(text)) == scaled else f"{scaled} %"
