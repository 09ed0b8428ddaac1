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
    ``"missing"`` when it cannot be worked out: an input or a table entry it needs is
    missing, or a value is beyond a limit (``MAX_WON``, ``MAX_DAYS``); ``reason`` then
    says which, in both languages. ``raw`` is the exact amount before rounding
    (``base × rate``, × ``days / year_days`` for an interest subsidy); ``rounded`` is it
    rounded by ``rounding`` (never above the base); ``amount`` is that bounded by
    ``minimum`` and ``cap``, and ``bound`` says which bound changed it; ``cap_name`` and
    ``minimum_name`` say where those bounds come from (a parameter, ``table[code]``, or
    the profile key of a literal). For a matching formula ``rate`` is the supported share
    and ``firm`` the firm's own part. ``parameters`` are the parameters the line used and
    ``effective`` the latest date one of them took effect.
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
    reason: Text | None = None
    cap_name: str | None = None
    minimum_name: str | None = None

    @property
    def paid(self) -> int:
        """The won this line pays: its amount when paid, else 0."""
        return self.amount if self.status == "paid" and self.amount is not None else 0

    def formula_text(self, lang: str = "en") -> str:
        """The calculation in one line, naming every bound that changed the amount.

        ``20 % × 5,000,005 = 1,000,001 → cap 1,000,000 (premium_cap)``; an amount held
        to its base (rounded up past it, or a minimum above it) says so too.
        """
        if self.status != "paid" or self.base is None or self.rate is None:
            return ""
        ko = lang == "ko"
        term = f"{percent(self.rate)} × {self.base:,}"
        if self.days is not None:
            term += f" × {self.days}/{self.year_days}"
        raw = self.raw if self.raw is not None else Fraction(0)
        text = f"{term} = {_won(raw)}"
        stepped = self.rounding.apply(raw)
        if raw != stepped:
            words = _ROUNDING_WORDS[self.rounding.mode][0 if ko else 1]
            unit = self.rounding.unit
            how = f"{unit:,}원 {words}" if ko else f"{words} to {unit:,} won"
            text += f" → {stepped:,} ({how})"
        if stepped != self.rounded:
            held = "기준액 초과 불가" if ko else "never above the base"
            text += f" → {'기준액' if ko else 'base'} {self.base:,} ({held})"
        return text + self._bound_text(ko)

    def _bound_text(self, ko: bool) -> str:
        """`` → cap 1,000,000 (premium_cap)`` for the bound that applied, and the firm's part."""
        text = ""
        if self.bound == "cap" and self.cap is not None:
            text = f" → {'한도' if ko else 'cap'} {self.cap:,} ({self.cap_name})"
        elif self.bound == "minimum" and self.minimum is not None:
            text = f" → {'하한' if ko else 'minimum'} {self.minimum:,} ({self.minimum_name})"
            if self.amount is not None and self.amount < self.minimum:
                text += (
                    f" → 기준액 {self.amount:,} (하한이 기준액보다 큼)"
                    if ko
                    else f" → base {self.amount:,} (the minimum is above the base)"
                )
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
            why = self.reason.get(lang) if self.reason is not None else ""
            text = "산정 불가" if ko else "cannot be worked out"
            return f"{head}: {text}: {why or ('정보 부족' if ko else 'information missing')}"
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
