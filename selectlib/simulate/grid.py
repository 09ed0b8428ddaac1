"""A sweep's grid: the varied parameters and their values, checked before anything runs.

Every value of every varied key is tried on the profile once (:meth:`Profile.with_params`
checks it as a reform would), so a value that does not fit is refused with the key and
the value named, before the first grid point is evaluated.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from selectlib.errors import ArgumentError, SelectlibError

if TYPE_CHECKING:
    from selectlib.profile.compiled import Profile

__all__ = ["BUDGET_KEYS", "MAX_GRID_POINTS", "Grid", "build_grid"]

MAX_GRID_POINTS: Final = 10_000
"""The most grid points one sweep evaluates; vary fewer values, or split the sweep."""

BUDGET_KEYS: Final = ("budget", "allocation")
"""Keys of ``vary`` that are not parameters: the budget (won) and the allocation method,
for profiles with a ``benefits:`` section."""


@attrs.frozen
class Grid:
    """The varied keys (as given), each key's distinct values, and the points.

    ``points[i][k]`` is the index, in ``values[k]``, of key ``k``'s value at point ``i``:
    indexes are hashable whatever the values are, so per-criterion results are cached by them.
    """

    keys: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]
    points: tuple[tuple[int, ...], ...]

    def value(self, point: int, key: int) -> Any:
        """The value of key ``key`` at grid point ``point``."""
        return self.values[key][self.points[point][key]]

    def changes(self, point: int) -> dict[str, Any]:
        """The parameter changes of a grid point (the budget keys left out)."""
        return {
            key: self.value(point, k) for k, key in enumerate(self.keys) if key not in BUDGET_KEYS
        }

    def budget_value(self, point: int, key: str) -> Any:
        """The point's value of a budget key, or None when the sweep does not vary it."""
        return self.value(point, self.keys.index(key)) if key in self.keys else None


def _refuse(key: str, problem: str) -> ArgumentError:
    return ArgumentError("vary", [f"{key!r}: {problem}"])


def _known_keys(profile: Profile) -> list[str]:
    """The keys ``vary`` accepts: every parameter, ``name.key`` for table entries, budgets."""
    from selectlib.profile.model import ParamTable

    keys = []
    for parameter in profile.parameters:
        keys.append(parameter.name)
        for entry in parameter.history:
            if isinstance(entry.value, ParamTable):
                keys += [f"{parameter.name}.{k}" for k in entry.value.keys]
    if profile.engine.benefits is not None:
        keys += list(BUDGET_KEYS)
    return list(dict.fromkeys(keys))


def _values(key: str, given: Any) -> tuple[Any, ...]:
    if isinstance(given, str | bytes) or not isinstance(given, Sequence):
        raise _refuse(key, f"give a list of values, got {type(given).__name__} {given!r:.60}")
    if not len(given):
        raise _refuse(key, "the list of values is empty; give at least one value")
    return tuple(given)


def _check_value(profile: Profile, key: str, value: Any) -> None:
    """Refuse a value the key cannot take, naming both."""
    if key == "budget":
        from selectlib.benefits.numbers import as_amount

        try:
            as_amount(value, "budget")
        except SelectlibError as error:
            raise _refuse(key, f"{value!r} is not a budget: {error}") from None
    elif key == "allocation":
        from selectlib.benefits.budget import METHODS

        if value not in METHODS:
            raise _refuse(key, f"{value!r} is not a method; use one of {', '.join(METHODS)}")
    else:
        try:
            profile.with_params({key: value})
        except SelectlibError as error:
            raise _refuse(key, f"{value!r} does not fit: {error}") from None


def build_grid(profile: Profile, vary: Mapping[str, Any], zip_values: bool = False) -> Grid:
    """The grid of ``vary`` on ``profile``: every combination, or paired values with
    ``zip_values``. Raises :class:`~selectlib.errors.ArgumentError` naming the key at fault."""
    if not isinstance(vary, Mapping) or not vary:
        raise ArgumentError(
            "vary", ["give a mapping of parameter names to lists of values, e.g. {'x': [1, 2]}"]
        )
    known = _known_keys(profile)
    keys, values = [], []
    for key, given in vary.items():
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            raise _refuse(str(key), f"no such parameter in {profile.id!r}; {hint}")
        listed = _values(key, given)
        for value in listed:
            _check_value(profile, key, value)
        keys.append(key)
        values.append(listed)
    if zip_values:
        lengths = {key: len(v) for key, v in zip(keys, values, strict=True)}
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{key}: {n}" for key, n in lengths.items())
            raise ArgumentError("vary", [f"zip pairs values, so every key needs as many ({shown})"])
        points = tuple(tuple([i] * len(keys)) for i in range(len(values[0])))
    else:
        size = 1
        for listed in values:
            size *= len(listed)
        if size > MAX_GRID_POINTS:
            raise ArgumentError(
                "vary",
                [
                    f"the grid has {size:,} points, more than MAX_GRID_POINTS = "
                    f"{MAX_GRID_POINTS:,}; vary fewer values, or split the sweep"
                ],
            )
        points = tuple(itertools.product(*(range(len(v)) for v in values)))
    return Grid(tuple(keys), tuple(values), points)
