"""What every route needs: the served profiles, the settings, the day, JSON answers."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from selectlib.dates import as_date
from selectlib.service.catalog import Catalog
from selectlib.service.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Lang", "catalog", "day", "json_response", "records", "settings"]


class Lang(enum.StrEnum):
    """The language of titles and explanations."""

    KO = "ko"
    EN = "en"


def catalog(request: Request) -> Catalog:
    """The profiles the service answers with now (a reload swaps them)."""
    found: Catalog = request.app.state.catalog
    return found


def settings(request: Request) -> Settings:
    """The service's settings."""
    found: Settings = request.app.state.settings
    return found


def day(on: str | None) -> dt.date:
    """The ``?on=`` day, or today; a wrong day is an invalid-query problem."""
    return as_date(on, "on")


def json_response(data: Any, status: int = 200) -> Response:
    """``data`` as a JSON answer, Korean kept as it is."""
    body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode()
    return Response(body, status_code=status, media_type="application/json")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON records: missing values null, dates ISO text."""
    text = frame.to_json(orient="records", force_ascii=False, date_format="iso")
    found: list[dict[str, Any]] = json.loads(text)
    return found
