"""The error the scoring functions raise for inputs they cannot use.

Every problem found in one call is collected and reported together (a score out of
range in row 3 *and* a missing score in row 7), because the person fixing a score
sheet should fix everything in one go.
"""

from __future__ import annotations

from collections.abc import Sequence

from selectlib.errors import ArgumentError, Problem, SelectlibError

__all__ = ["EvaluationInputError", "ScoringError"]


class ScoringError(ArgumentError):
    """A scoring function was given an argument it cannot use (``argument``, ``problems``)."""


class EvaluationInputError(SelectlibError, ValueError):
    """Score sheets, evaluators or recusals that cannot be used; lists every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        shown = [f"  - {p}" for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            shown.append(f"  ... and {len(self.problems) - MAX_SHOWN} more")
        count = len(self.problems)
        super().__init__("\n".join([f"{count} problem{'s' * (count != 1)} in the inputs", *shown]))


MAX_SHOWN = 50
"""The most problems an :class:`EvaluationInputError` message lists (all are kept)."""
