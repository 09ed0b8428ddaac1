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

import importlib
import typing

__version__ = "0.1.0"

__all__ = [
    "AuditRecord",
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
    "ReplayResult",
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
    "replay",
    "summarize_comparison",
    "sweep",
    "write_sweep_report",
]

_HOMES: typing.Final[dict[str, str]] = {
    "AuditRecord": "selectlib.eligibility.audit",
    "BenefitError": "selectlib.benefits",
    "BenefitLine": "selectlib.benefits",
    "Criterion": "selectlib.profile.model",
    "CriterionInfo": "selectlib.eligibility.decision",
    "CriterionNotFoundError": "selectlib.errors",
    "CriterionResult": "selectlib.eligibility.decision",
    "CriterionStatus": "selectlib.eligibility.decision",
    "DateError": "selectlib.errors",
    "Decision": "selectlib.eligibility.decision",
    "Env": "selectlib.profile.params",
    "ExpressionError": "selectlib.errors",
    "Field": "selectlib.profile.model",
    "FieldKind": "selectlib.profile.model",
    "Funding": "selectlib.benefits.funding",
    "InputError": "selectlib.errors",
    "Outcome": "selectlib.eligibility.decision",
    "OutputError": "selectlib.errors",
    "Parameter": "selectlib.profile.model",
    "ParameterError": "selectlib.errors",
    "Pot": "selectlib.benefits.funding",
    "Problem": "selectlib.errors",
    "Profile": "selectlib.profile.compiled",
    "ProfileError": "selectlib.errors",
    "ProfileNotFoundError": "selectlib.errors",
    "ProfileSpec": "selectlib.profile.model",
    "ReplayResult": "selectlib.eligibility.replay",
    "Rounding": "selectlib.benefits",
    "SelectlibError": "selectlib.errors",
    "Text": "selectlib.profile.model",
    "ValidityError": "selectlib.errors",
    "compare": "selectlib.simulate.compare",
    "decision_from_dict": "selectlib.eligibility.serialize",
    "decision_to_dict": "selectlib.eligibility.serialize",
    "fund": "selectlib.benefits.funding",
    "list_profiles": "selectlib.profile.compiled",
    "load_profile": "selectlib.profile.compiled",
    "make_converter": "selectlib.eligibility.serialize",
    "replay": "selectlib.eligibility.replay",
    "summarize_comparison": "selectlib.simulate.compare",
    "write_sweep_report": "selectlib.simulate.report",
    "sweep": "selectlib.simulate.sweep",
}
"""The module each public name comes from. Names are imported on first use (PEP 562), so
``import selectlib`` (and the command line's ``--help``) loads neither pandas, numpy nor
pyarrow until a profile or a table is used."""

if typing.TYPE_CHECKING:
    from selectlib.benefits import BenefitError, BenefitLine, Rounding
    from selectlib.benefits.funding import Funding, Pot, fund
    from selectlib.eligibility.audit import AuditRecord
    from selectlib.eligibility.decision import (
        CriterionInfo,
        CriterionResult,
        CriterionStatus,
        Decision,
        Outcome,
    )
    from selectlib.eligibility.replay import ReplayResult, replay
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
    from selectlib.simulate.report import write_sweep_report
    from selectlib.simulate.sweep import sweep
else:

    def __getattr__(name: str) -> object:
        """The public name ``name``, imported from its module on first use and kept."""
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        """The module's names, with the public ones not imported yet."""
        return sorted({*globals(), *__all__})
