"""An HTTP service over the profiles, for grant systems (``selectlib serve``).

FastAPI served by uvicorn, the ``serve`` extra (``pip install "selectlib[serve]"``).
Modules with one job each: :mod:`~selectlib.service.app` (the app factory),
:mod:`~selectlib.service.settings` (settings and limits), :mod:`~selectlib.service.catalog`
(the profiles served), :mod:`~selectlib.service.profiles`, :mod:`~selectlib.service.evaluate`
and :mod:`~selectlib.service.reforms` (routes by resource),
:mod:`~selectlib.service.problems` (RFC 9457 errors), :mod:`~selectlib.service.bodies`
(bodies within limits), :mod:`~selectlib.service.streams` (batch answers),
:mod:`~selectlib.service.describe` (profiles and applicant schemas as JSON) and
:mod:`~selectlib.service.access` (request ids, API key, access log, last resort).
"""

from selectlib.service.app import create_app
from selectlib.service.settings import Settings

__all__ = ["Settings", "create_app"]
