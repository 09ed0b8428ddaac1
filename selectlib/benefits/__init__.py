"""Benefits and budgets: exact won amounts from rates, caps and matching ratios; allocation.

Two layers. The pure layer: :mod:`.numbers` reads rates and amounts exactly,
:mod:`.money` turns a rate and a base into integer won with a trace of the
calculation, and :mod:`.budget` spreads a budget over applicants by rank, by arrival
or pro rata, and plans how many a budget can fund. It imports nothing of the profile
machinery.

The profile layer: a profile's ``benefits`` section is data of the profile
(:mod:`selectlib.profile.benefits`), :mod:`.refs` and :mod:`.plan` check and compile it
(registered with the core here, see :mod:`selectlib.profile.sections`), one amount of a
decision is a :class:`~selectlib.BenefitLine` (:mod:`selectlib.eligibility.amounts`), and
:mod:`.funding` funds a whole table under a budget (:func:`fund`). :mod:`.schedule` lays
out a loan's repayment and interest compensation period by period, and :mod:`.payments` a
grant's dated instalments (:func:`payment_plan`).
"""

from __future__ import annotations

from selectlib.benefits.budget import (
    METHODS,
    Allocation,
    Method,
    Remainder,
    Ties,
    allocate,
    capacity,
    target,
)
from selectlib.benefits.compile import compile_benefits
from selectlib.benefits.funding import FUNDING_STATUSES, Funding, Pot, fund
from selectlib.benefits.money import (
    FLOOR_WON,
    ROUNDING_MODES,
    BenefitTrace,
    Bound,
    Matching,
    Rounding,
    RoundingMode,
    benefit,
    interest_subsidy,
    matching,
)
from selectlib.benefits.numbers import (
    MAX_DAYS,
    MAX_WON,
    BenefitError,
    Number,
    as_amount,
    as_amounts,
    as_rate,
    as_share,
    baekmanwon,
    chunwon,
    percent,
)
from selectlib.benefits.payments import PLAN_COLUMNS, payment_plan
from selectlib.benefits.schedule import (
    MAX_INSTALMENTS_PER_YEAR,
    MAX_LOAN_YEARS,
    Period,
    Schedule,
    repayment_schedule,
)
from selectlib.eligibility.amounts import LINE_STATUSES, BenefitLine, LineStatus
from selectlib.profile.benefits import FORMULAS, AllocationSpec, AmountSpec, BenefitsSpec, Formula
from selectlib.profile.sections import register_benefits

register_benefits(compile_benefits)  # the core compiles benefits sections through this

__all__ = [
    "FLOOR_WON",
    "FORMULAS",
    "FUNDING_STATUSES",
    "LINE_STATUSES",
    "MAX_DAYS",
    "MAX_INSTALMENTS_PER_YEAR",
    "MAX_LOAN_YEARS",
    "MAX_WON",
    "METHODS",
    "PLAN_COLUMNS",
    "ROUNDING_MODES",
    "Allocation",
    "AllocationSpec",
    "AmountSpec",
    "BenefitError",
    "BenefitLine",
    "BenefitTrace",
    "BenefitsSpec",
    "Bound",
    "Formula",
    "Funding",
    "LineStatus",
    "Matching",
    "Method",
    "Number",
    "Period",
    "Pot",
    "Remainder",
    "Rounding",
    "RoundingMode",
    "Schedule",
    "Ties",
    "allocate",
    "as_amount",
    "as_amounts",
    "as_rate",
    "as_share",
    "baekmanwon",
    "benefit",
    "capacity",
    "chunwon",
    "fund",
    "interest_subsidy",
    "matching",
    "payment_plan",
    "percent",
    "repayment_schedule",
    "target",
]
