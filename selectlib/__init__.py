"""selectlib: who may take part in a public support program, and why.

Rules are data: a profile (YAML) describes a program's inputs, dated parameters,
criteria and benefits; selectlib compiles it once and evaluates one applicant with a
full explanation (and the amount it receives, with its calculation), or a whole table
at numpy speed, and funds a table under a budget.

>>> import selectlib
>>> profile = selectlib.load_profile("micro_manufacturer_center_2024")
>>> decision = profile.evaluate({"area_type": "county", "cluster_count": 25}, on="2024-05-01")
>>> decision.criterion("cluster_size").status
<CriterionStatus.PASSED: 'passed'>
"""

from selectlib.benefits import BenefitError, BenefitLine, Rounding
from selectlib.benefits.funding import Funding, Pot, fund
from selectlib.eligibility.decision import (
    CriterionInfo,
    CriterionResult,
    CriterionStatus,
    Decision,
    Outcome,
)
from selectlib.eligibility.serialize import decision_from_dict, decision_to_dict, make_converter
from selectlib.errors import (
    CriterionNotFoundError,
    DateError,
    ExpressionError,
    InputError,
    OutputError,
    ParameterError,
    Problem,
    ProfileError,
    ProfileNotFoundError,
    SelectlibError,
    ValidityError,
)
from selectlib.profile.compiled import Profile, list_profiles, load_profile
from selectlib.profile.model import Criterion, Field, FieldKind, Parameter, ProfileSpec, Text
from selectlib.profile.params import Env
from selectlib.simulate.compare import compare, summarize_comparison

__version__ = "0.1.0"

__all__ = [
    "BenefitError",
    "BenefitLine",
    "Criterion",
    "CriterionInfo",
    "CriterionNotFoundError",
    "CriterionResult",
    "CriterionStatus",
    "DateError",
    "Decision",
    "Env",
    "ExpressionError",
    "Field",
    "FieldKind",
    "Funding",
    "InputError",
    "Outcome",
    "OutputError",
    "Parameter",
    "ParameterError",
    "Pot",
    "Problem",
    "Profile",
    "ProfileError",
    "ProfileNotFoundError",
    "ProfileSpec",
    "Rounding",
    "SelectlibError",
    "Text",
    "ValidityError",
    "__version__",
    "compare",
    "decision_from_dict",
    "decision_to_dict",
    "fund",
    "list_profiles",
    "load_profile",
    "make_converter",
    "summarize_comparison",
]
