"""The error the scoring functions raise for inputs they cannot use.

Every problem found in one call is collected and reported together (a score out of
range in row 3 *and* a missing score in row 7), because the person fixing a score
sheet should fix everything in one go.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import SelectlibError

__all__ = ["ScoringError"]


class ScoringError(SelectlibError, ValueError):
    """An argument to a scoring function is not one it accepts.

    Attributes
    ----------
    argument:
        The name of the argument at fault (``"scores"``, ``"bonus"``, ...).
    problems:
        Every problem found, each naming the row, criterion or value concerned.
    """

    def __init__(self, argument: str, problems: Sequence[str]) -> None:
        self.argument = argument
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            text = f"{argument}: {self.problems[0]}"
        else:
            lines = [f"{argument}: {len(self.problems)} problems"]
            lines += [f"  - {p}" for p in self.problems]
            text = "\n".join(lines)
        super().__init__(text)
