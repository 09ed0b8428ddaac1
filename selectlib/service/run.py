"""``selectlib serve``: check everything, then hand the app to uvicorn.

Whatever can be wrong (an unset API key variable, a bad profile, a folder that is not
one) is found here, before uvicorn starts, and raised as a selectlib error the command
line prints in one line; uvicorn would print a traceback.
"""

from __future__ import annotations

import os
from typing import Final

from selectlib.service.app import app_from_env
from selectlib.service.catalog import load_catalog
from selectlib.service.settings import SETTINGS_ENV, Settings

__all__ = ["FACTORY", "serve"]

FACTORY: Final = "selectlib.service.app:app_from_env"
"""What each uvicorn worker imports and calls to build its app."""


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve the profiles of ``settings`` on ``host``:``port`` with ``workers`` processes
    (each compiles the profiles once), until stopped (Ctrl-C, SIGTERM)."""
    import uvicorn

    os.environ[SETTINGS_ENV] = settings.to_env()
    if workers == 1:
        app = app_from_env()
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="info")
        return
    settings.api_key()
    load_catalog(settings.profiles)
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="info",
    )
