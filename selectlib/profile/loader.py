"""Reading a profile file: YAML → schema check → ProfileSpec → semantic checks → compiled.

Every problem is collected and reported at once, each with the file, the key path
and the line, and what would fix it.
"""

from __future__ import annotations

import datetime as dt
import keyword
import re
from collections.abc import Iterator, Sequence
from typing import Any, Final

import cattrs

from selectlib.eligibility.coerce import LARGEST
from selectlib.eligibility.derive import derivation_problems
from selectlib.errors import ExpressionError, ParameterError, Problem, ProfileError
from selectlib.expr import (
    CompiledCriterion,
    ParamInfo,
    Symbols,
    compile_condition,
)
from selectlib.profile.assumptions import assumption_problems
from selectlib.profile.domains import check_domains
from selectlib.profile.evaluation import evaluation_problems
from selectlib.profile.model import (
    Criterion,
    Field,
    FieldKind,
    ProfileSpec,
)
from selectlib.profile.paramcheck import history_path, parameter_problems, unset_uses
from selectlib.profile.sections import BenefitsPlan, benefits_compiler
from selectlib.profile.source import KeyPath, SourceMap, read_yaml

__all__ = ["compile_spec", "parse_profile"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED = frozenset({"eligible", "outcome", "status", "reasons_ko", "reasons_en", "problems"})
MAX_CRITERIA = 31


def _field_problems(spec: ProfileSpec, source: SourceMap) -> Iterator[Problem]:
    for field in spec.fields:
        path: KeyPath = ("fields", field.name)
        if keyword.iskeyword(field.name) or field.name in ("true", "false"):
            yield source.problem(
                path, f"{field.name!r} is a word of the condition language", "rename the field"
            )
        has_choices = field.kind in (FieldKind.CATEGORY, FieldKind.SET)
        if has_choices and not field.choices:
            yield source.problem(path, f"a {field.kind} field needs choices", "add 'choices:'")
        if not has_choices and field.choices:
            yield source.problem(
                (*path, "choices"), f"a {field.kind} field has no choices", "remove 'choices'"
            )
        if (field.minimum is not None or field.maximum is not None) and field.kind not in (
            FieldKind.INTEGER,
            FieldKind.NUMBER,
        ):
            yield source.problem(path, "minimum/maximum only apply to integer and number fields")
        yield from _bound_problems(field, path, source)
        if (
            field.minimum is not None
            and field.maximum is not None
            and field.minimum > field.maximum
        ):
            yield source.problem((*path, "minimum"), "minimum is above maximum")


def _bound_problems(field: Field, path: KeyPath, source: SourceMap) -> Iterator[Problem]:
    """A minimum or maximum that is not a finite number an input could be compared with."""
    for bound in ("minimum", "maximum"):
        number = getattr(field, bound)
        if number is not None and not abs(number) <= LARGEST:  # false for NaN too
            yield source.problem(
                (*path, bound),
                f"{bound} {number!r} is not a finite number within ±{LARGEST:,} (2**53), "
                "the range where input numbers are exact",
                f"write a number between -{LARGEST:,} and {LARGEST:,}, or leave {bound} out",
            )


def _header_problems(spec: ProfileSpec, source: SourceMap) -> Iterator[Problem]:
    """The identifier, the validity window and the number of criteria."""
    if spec.identifier in RESERVED:
        yield source.problem(
            ("identifier",),
            f"{spec.identifier!r} is the name of a results column",
            f"avoid {', '.join(sorted(RESERVED))}",
        )
    if spec.identifier is not None and spec.identifier not in {f.name for f in spec.fields}:
        yield source.problem(
            ("identifier",), f"no field named {spec.identifier!r}", "name one of the fields"
        )
    if spec.valid_to is not None and spec.valid_to < spec.valid_from:
        yield source.problem(
            ("valid_to",),
            "valid_to is before valid_from",
            "make valid_to the same day as valid_from or later, or null",
        )
    if len(spec.criteria) > MAX_CRITERIA:
        yield source.problem(
            ("criteria",), f"more than {MAX_CRITERIA} criteria", "split the profile"
        )


def _criterion(
    spec: ProfileSpec,
    criterion: Criterion,
    path: KeyPath,
    symbols: Symbols,
    broken: set[str],
    source: SourceMap,
    problems: list[Problem],
) -> CompiledCriterion | None:
    """One criterion compiled, or None after adding its problems to ``problems``."""
    if criterion.id in RESERVED:
        problems.append(
            source.problem(
                (*path, "id"),
                f"{criterion.id!r} is a reserved name",
                f"avoid {', '.join(sorted(RESERVED))}",
            )
        )
    try:
        condition = compile_condition(criterion.condition, symbols)
    except ExpressionError as exc:
        if not broken & set(_NAME.findall(criterion.condition)):  # else: reported once already
            problems.append(
                source.problem(
                    (*path, "condition"),
                    str(exc),
                    "see the expression reference in docs/profile-format.md",
                )
            )
        return None
    for name, entry, problem in check_domains(spec.parameters, condition.checks):
        parameter = next(p for p in spec.parameters if p.name == name)
        problems.append(
            source.problem(
                history_path(source, parameter, entry),
                problem,
                f"used by criterion {criterion.id!r}",
            )
        )
    return CompiledCriterion(criterion, condition)


def _criteria(
    spec: ProfileSpec,
    symbols: Symbols,
    broken: set[str],
    source: SourceMap,
    positions: Sequence[int] | None,
    problems: list[Problem],
) -> tuple[CompiledCriterion, ...]:
    """Every criterion compiled; the problems of those that cannot be, added."""
    compiled = []
    seen: set[str] = set()
    for index, criterion in enumerate(spec.criteria):
        path: KeyPath = ("criteria", index if positions is None else positions[index])
        if criterion.id in seen:
            problems.append(
                source.problem(
                    (*path, "id"),
                    f"duplicate criterion id {criterion.id!r}",
                    "give each criterion its own id",
                )
            )
        seen.add(criterion.id)
        one = _criterion(spec, criterion, path, symbols, broken, source, problems)
        if one is not None:
            compiled.append(one)
    return tuple(compiled)


def compile_spec(
    spec: ProfileSpec,
    source: SourceMap | None = None,
    *,
    positions: Sequence[int] | None = None,
    absent: frozenset[str] = frozenset(),
) -> tuple[tuple[CompiledCriterion, ...], BenefitsPlan | None]:
    """Check a structured profile and compile its criteria and its benefits.

    Raises ProfileError listing every problem found. ``positions`` gives each
    criterion's index in the file when some were left out, and ``absent`` names fields
    and parameters left out (already reported), whose use is then not reported again.
    """
    source = source or SourceMap(None)
    problems: list[Problem] = list(_field_problems(spec, source))
    problems += derivation_problems(spec, source)
    if spec.evaluation is not None:
        problems += [
            source.problem(("evaluation", *path), message, hint)
            for path, message, hint in evaluation_problems(spec.evaluation)
        ]
    params: dict[str, ParamInfo] = {}
    for item in parameter_problems(spec, source):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            params[item[0]] = item[1]
    problems += _header_problems(spec, source)
    symbols = Symbols({f.name: f for f in spec.fields}, params)
    broken = ({p.name for p in spec.parameters} - set(params)) | absent
    compiled = _criteria(spec, symbols, broken, source, positions, problems)
    problems += unset_uses(spec, compiled, source, positions)
    problems += assumption_problems(spec, source)
    plan = None
    if spec.benefits is not None:
        parameters = {p.name: p for p in spec.parameters if p.name in params}
        plan, found = benefits_compiler()(
            spec.benefits, symbols.fields, parameters, symbols, frozenset(broken)
        )
        problems += [
            source.problem(("benefits", *path), message, hint) for path, message, hint in found
        ]
    if problems:
        # one problem can be found twice (a keyed table, and a criterion using it): say it once
        unique = {(p.key, p.message): p for p in reversed(problems)}
        raise ProfileError(sorted(unique.values(), key=problems.index))
    return compiled, plan


def _structure_problems(exc: Exception, source: SourceMap) -> list[Problem]:
    messages = (
        cattrs.transform_error(exc) if isinstance(exc, cattrs.BaseValidationError) else [str(exc)]
    )
    return [source.problem((), message, "check the value's type") for message in messages]


def parse_profile(
    text: str, file: str | None = None, *, built_in: bool = False
) -> tuple[ProfileSpec, tuple[CompiledCriterion, ...], BenefitsPlan | None]:
    """Read a profile's YAML (or JSON) text; raise ProfileError listing every problem.

    ``built_in`` (a profile shipped in the package, read by its id) skips the JSON Schema
    check, and with it importing jsonschema: the tests check every built-in profile
    against the schema. Every other text is checked.
    """
    from selectlib.profile.convert import converter

    data, source, problems = read_yaml(text, file)
    if problems:
        raise ProfileError(problems)
    if not isinstance(data, dict):
        raise ProfileError(
            [
                source.problem(
                    (),
                    "a profile must be a mapping of keys to values",
                    "start the file with 'id: ...'",
                )
            ]
        )
    located = [] if built_in else _schema_problems(data, source)
    if located:
        problems = [problem for _, problem in located]
        raise ProfileError(problems + _problems_elsewhere(data, source, [p for p, _ in located]))
    try:
        spec = converter.structure(data, ProfileSpec)
    except (cattrs.BaseValidationError, ValueError, TypeError, ParameterError) as exc:
        raise ProfileError(_structure_problems(exc, source)) from None
    return spec, *compile_spec(spec, source)


def _schema_problems(data: dict[str, Any], source: SourceMap) -> list[tuple[KeyPath, Problem]]:
    from selectlib.profile.schema import schema_problems  # jsonschema: only when checking

    return schema_problems(data, source)


_SECTIONS: Final = ("fields", "parameters", "criteria")


def _problems_elsewhere(
    data: dict[str, Any], source: SourceMap, bad_paths: Sequence[KeyPath]
) -> list[Problem]:
    """The other problems of a profile that breaks the schema, so one round shows them all.

    Entries that break the schema are left out; the rest (fields, parameters,
    criteria) are checked and compiled as usual. If a whole section is broken there
    is nothing sound to check, and only the schema problems are reported.
    """
    from selectlib.profile.convert import converter

    if any(len(path) < 2 and (not path or path[0] in _SECTIONS) for path in bad_paths):
        return []
    bad = {path[:2] for path in bad_paths}
    fields = {k: v for k, v in data["fields"].items() if ("fields", k) not in bad}
    params = {k: v for k, v in data["parameters"].items() if ("parameters", k) not in bad}
    kept = [i for i in range(len(data["criteria"])) if ("criteria", i) not in bad]
    valid_from = data["valid_from"] if ("valid_from",) not in bad else dt.date(1900, 1, 1)
    absent = frozenset(data["fields"]) - set(fields) | frozenset(data["parameters"]) - set(params)
    partial = {
        "id": "partial",
        "name": {"ko": "-", "en": "-"},
        "valid_from": valid_from,
        "fields": fields,
        "parameters": params,
        "criteria": [data["criteria"][i] for i in kept],
    }
    try:
        spec = converter.structure(partial, ProfileSpec)
        compile_spec(spec, source, positions=kept, absent=absent)
    except ProfileError as exc:
        return list(exc.problems)
    except (cattrs.BaseValidationError, ValueError, TypeError, ParameterError):
        return []
    return []
