"""The app ``selectlib serve`` builds leaves its heap frozen, so the collector's full
passes do not walk the imports, the app and the profiles while requests wait."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest

from selectlib.service.app import app_from_env
from selectlib.service.settings import SETTINGS_ENV

LOGGERS = ("selectlib.service.access", "selectlib.service.error")


@pytest.fixture
def served_in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """app_from_env in this process, its loggers and the heap put back afterwards."""
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    loggers = [logging.getLogger(name) for name in LOGGERS]
    saved = [(logger.handlers[:], logger.level, logger.propagate) for logger in loggers]
    try:
        yield
    finally:
        gc.unfreeze()
        for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


@pytest.mark.usefixtures("served_in_process")
def test_the_served_apps_heap_is_frozen() -> None:
    gc.unfreeze()
    app = app_from_env()
    profiles = app.state.catalog.profiles
    assert gc.is_tracked(profiles)
    # frozen: in none of the collector's generations, so no pass walks it
    assert not any(found is profiles for found in gc.get_objects())
    assert not any(found is app.router for found in gc.get_objects())
