"""The error the scoring functions raise for inputs they cannot use.

Every problem found in one call is collected and reported together (a score out of
range in row 3 *and* a missing score in row 7), because the person fixing a score
sheet should fix everything in one go.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from selectlib.errors import ArgumentError, SelectlibError

__all__ = ["EvaluationInputError", "InputProblem", "ScoringError"]


class ScoringError(ArgumentError):
    """A scoring function was given an argument it cannot use (``argument``, ``problems``)."""


@attrs.frozen
class InputProblem:
    """One problem in an evaluation input: where it is, what is wrong, how to fix it.

    ``where`` names the file and the sheet and cell, or the row and column, e.g.
    ``"document_E01.xlsx, sheet 점수표, cell D7"`` or ``"recusals.csv, row 3, column kind"``.
    """

    where: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} (fix: {self.hint})" if self.hint else text


class EvaluationInputError(SelectlibError, ValueError):
    """Score sheets, evaluators or recusals that cannot be used; lists every problem."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        shown = [f"  - {p}" for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            shown.append(f"  ... and {len(self.problems) - MAX_SHOWN} more")
        count = len(self.problems)
        super().__init__("\n".join([f"{count} problem{'s' * (count != 1)} in the inputs", *shown]))


MAX_SHOWN = 50
"""The most problems an :class:`EvaluationInputError` message lists (all are kept)."""
