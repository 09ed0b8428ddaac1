"""One budget of a funding run and what it funds (see :func:`selectlib.fund`)."""

from __future__ import annotations

import attrs

__all__ = ["Pot"]


@attrs.frozen
class Pot:
    """One budget and what it funds: the whole budget, or one code's budget (``key``).

    ``budget`` is None when the profile's budget table has no entry (``null``) for the
    code: its eligible rows are ``missing``, not ``none``.
    """

    key: str | None
    budget: int | None
    requested: int
    granted: int
    funded_full: int
    funded_partly: int
    unfunded: int
    capacity: int | None = None

    @property
    def remaining(self) -> int | None:
        """The won of this budget left unallocated."""
        return None if self.budget is None else self.budget - self.granted
