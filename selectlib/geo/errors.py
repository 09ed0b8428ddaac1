"""The error the geo modules raise for arguments they cannot use.

Dirty *data* (a bad KSIC code in row 7, a point at sea) is reported in a
:class:`~selectlib.geo.report.ValidationReport`, never raised. :class:`GeoError` is for
*arguments* that make a call meaningless (a KSIC level of 4, an unknown code system),
so the caller learns at once what to change.
"""

from __future__ import annotations

from selectlib.errors import SelectlibError

__all__ = ["GeoError"]


class GeoError(SelectlibError, ValueError):
    """An argument to a geo function is not one it accepts; the message says which are."""
