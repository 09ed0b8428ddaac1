"""selectlib: who may take part in a public support program, and why.

Rules are data: a profile (YAML) describes a program's inputs, dated parameters and
criteria; selectlib compiles it once and evaluates one applicant with a full
explanation, or a whole table at numpy speed.

>>> import selectlib
>>> profile = selectlib.load_profile("micro_manufacturer_center_2024")
>>> decision = profile.evaluate({"area_type": "county", "cluster_count": 25}, on="2024-05-01")
>>> decision.criterion("cluster_size").status
<CriterionStatus.PASSED: 'passed'>
"""

from .decision import (
    CriterionInfo,
    CriterionResult,
    CriterionStatus,
    Decision,
    FieldProblem,
    Outcome,
)
from .errors import (
    CriterionNotFoundError,
    ExpressionError,
    InputError,
    ParameterError,
    ProfileError,
    ProfileNotFoundError,
    ProfileProblem,
    SelectlibError,
    ValidityError,
)
from .model import Criterion, Field, FieldKind, Parameter, ProfileSpec, Text
from .profile import Profile, list_profiles, load_profile
from .serialize import converter, decision_from_dict, decision_to_dict
from .simulate import compare, summarize_comparison

__version__ = "0.1.0"

__all__ = [
    "Criterion",
    "CriterionInfo",
    "CriterionNotFoundError",
    "CriterionResult",
    "CriterionStatus",
    "Decision",
    "ExpressionError",
    "Field",
    "FieldKind",
    "FieldProblem",
    "InputError",
    "Outcome",
    "Parameter",
    "ParameterError",
    "Profile",
    "ProfileError",
    "ProfileNotFoundError",
    "ProfileProblem",
    "ProfileSpec",
    "SelectlibError",
    "Text",
    "ValidityError",
    "__version__",
    "compare",
    "converter",
    "decision_from_dict",
    "decision_to_dict",
    "list_profiles",
    "load_profile",
    "summarize_comparison",
]
