"""Benefits and budgets: exact won amounts from rates, caps and matching ratios; allocation.

Two layers. The pure layer: :mod:`.numbers` reads rates and amounts exactly,
:mod:`.money` turns a rate and a base into integer won with a trace of the
calculation, and :mod:`.budget` spreads a budget over applicants by rank, by arrival
or pro rata, and plans how many a budget can fund. It imports nothing of the profile
machinery.

The profile layer: :mod:`.spec` is a profile's ``benefits`` section as data,
:mod:`.refs` and :mod:`.plan` check and compile it, :mod:`.line` is one amount of a
decision, and :mod:`.funding` funds a whole table under a budget. ``plan`` and
``funding`` build on :mod:`selectlib.profile.model`, which itself holds a :class:`BenefitsSpec`,
so they are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from selectlib.benefits.line import LINE_STATUSES, BenefitLine, LineStatus
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
from selectlib.benefits.spec import FORMULAS, AllocationSpec, AmountSpec, BenefitsSpec, Formula

if TYPE_CHECKING:
    from selectlib.benefits.funding import FUNDING_STATUSES, Funding, Pot, fund

__all__ = [
    "FLOOR_WON",
    "FORMULAS",
    "FUNDING_STATUSES",
    "LINE_STATUSES",
    "MAX_WON",
    "METHODS",
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
    "Pot",
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
    "fund",
    "interest_subsidy",
    "matching",
    "percent",
    "target",
]

_LAZY = frozenset({"FUNDING_STATUSES", "Funding", "Pot", "fund"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from selectlib.benefits import funding

        return getattr(funding, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
