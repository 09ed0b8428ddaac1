"""Benefits and budgets: exact won amounts from rates, caps and matching ratios; allocation.

The pure layer under the benefit profiles: :mod:`.numbers` reads rates and amounts
exactly, :mod:`.money` turns a rate and a base into
integer won with a trace of the calculation, and :mod:`.budget` spreads a budget over
applicants by rank, by arrival or pro rata, and plans how many a budget can fund.

Nothing here imports :mod:`selectlib.model` or :mod:`selectlib.profile`: the profile
layer builds on this one, never the other way round.
"""

from __future__ import annotations

from .budget import METHODS, Allocation, Method, Remainder, Ties, allocate, capacity, target
from .money import (
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
from .numbers import (
    MAX_WON,
    BenefitError,
    Number,
    as_amount,
    as_amounts,
    as_rate,
    as_share,
    baekmanwon,
    chunwon,
)

__all__ = [
    "FLOOR_WON",
    "MAX_WON",
    "METHODS",
    "ROUNDING_MODES",
    "Allocation",
    "BenefitError",
    "BenefitTrace",
    "Bound",
    "Matching",
    "Method",
    "Number",
    "Remainder",
    "Rounding",
    "RoundingMode",
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
    "interest_subsidy",
    "matching",
    "target",
]
