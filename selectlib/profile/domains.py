"""Promises a parameter's values keep for the conditions and lookups that use them.

A table looked up by a category field must have an entry for every code; a list met
with a category or set field must hold only that field's codes. Checked when a profile
loads and again for every reform, so a lookup can never fall off its table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from selectlib.expr import DomainCheck
from selectlib.expr.compiler import did_you_mean
from selectlib.profile.model import Parameter, ParamTable

__all__ = ["check_domains"]


def check_domains(
    parameters: Iterable[Parameter], checks: Iterable[DomainCheck]
) -> Iterator[tuple[str, int, str]]:
    """Yield (parameter, history index, problem) for values that break a domain promise."""
    by_name = {p.name: p for p in parameters}
    for check in checks:
        parameter = by_name.get(check.param)
        if parameter is None:
            continue
        for index, entry in enumerate(parameter.history):
            value = entry.value
            if check.need == "keys-cover" and isinstance(value, ParamTable):
                lacking = [code for code in check.domain if code not in value.keys]
                if lacking:
                    what = f"codes of {check.field!r}" if check.field else "keys used"
                    yield (
                        check.param,
                        index,
                        (
                            f"table lacks key(s) {', '.join(lacking)} "
                            f"({what}: {', '.join(check.domain)})"
                        ),
                    )
            elif check.need == "within" and isinstance(value, tuple | str):
                items = (value,) if isinstance(value, str) else value
                unknown = [str(v) for v in items if v not in check.domain]
                if unknown:
                    codes = list(check.domain)
                    close = did_you_mean(unknown[0], codes) if len(unknown) == 1 else ""
                    yield (
                        check.param,
                        index,
                        (
                            f"{', '.join(unknown)} not among the codes of {check.field!r} "
                            f"({', '.join(codes)}){close}"
                        ),
                    )
