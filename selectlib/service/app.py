"""The service's ASGI app: profiles compiled once at start, routes, problems, OpenAPI.

>>> from selectlib.service import Settings, create_app
>>> app = create_app(Settings())
>>> sorted(app.state.catalog.profiles)[:2]
['coop_collaboration', 'guro_kotra_branch']
"""

from __future__ import annotations

import gc
import logging
import sys
from typing import Any, Final

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from selectlib import __version__
from selectlib.errors import SelectlibError
from selectlib.service import evaluate, profiles, reforms, replays
from selectlib.service.access import AccessLayer, request_lang
from selectlib.service.catalog import Catalog, load_catalog
from selectlib.service.describe import applicant_schema
from selectlib.service.problems import MEDIA_TYPE, ServiceError, as_service_error, problem_body
from selectlib.service.settings import Settings

__all__ = ["ROUTERS", "app_from_env", "create_app"]

ROUTERS = (profiles.router, evaluate.router, reforms.router, replays.router)
"""The route groups, in the order the OpenAPI document lists them; a new resource adds its
router here."""
_HTTP_KINDS: Final = {404: "not-found", 405: "method-not-allowed"}
"""The problem kind of the framework's own refusals, by status."""


def _problem(request: Request, error: ServiceError) -> Response:
    request_id = request.scope.get("state", {}).get("request_id", "")
    status, body = problem_body(error, request.url.path, request_id, request_lang(request.scope))
    return Response(body, status_code=status, media_type=MEDIA_TYPE)


async def _selectlib_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SelectlibError)
    return _problem(request, as_service_error(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    fallback = "internal" if exc.status_code >= 500 else "bad-request"
    kind = _HTTP_KINDS.get(exc.status_code, fallback)
    detail = f"{request.method} {request.url.path}: {exc.detail}; see /openapi.json"
    return _problem(request, ServiceError(kind, detail))


async def _query_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors: list[dict[str, Any]] = []
    messages = []
    for error in exc.errors():
        field = str(error["loc"][-1])
        message = f"?{field}: {error['msg']}"
        messages.append(message)
        text = {"ko": message, "en": message}
        errors.append({"pointer": f"?{field}", "field": field, "message": text})
    detail = "; ".join(messages)
    return _problem(request, ServiceError("invalid-query", detail, errors))


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with each served profile's applicant schema in its components
    and the evaluate body as one of them."""
    from fastapi.openapi.utils import get_openapi

    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version, routes=app.routes)
        served: Catalog = app.state.catalog
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        refs = []
        for name, profile in sorted(served.profiles.items()):
            schema = applicant_schema(profile)
            schema.pop("$schema")
            schemas[f"applicant.{name}"] = schema
            refs.append({"$ref": f"#/components/schemas/applicant.{name}"})
        route = document["paths"]["/v1/profiles/{name}/evaluate"]["post"]
        route["requestBody"]["content"]["application/json"]["schema"] = {"oneOf": refs}
        app.openapi_schema = document
    return app.openapi_schema


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service for ``settings`` (default: the built-in profiles, no key, the default
    limits). Every profile is loaded and compiled here, once; ``POST /v1/reload`` does it
    again. A bad profile or an unset API key variable fails here, before serving."""
    chosen = settings or Settings()
    key = chosen.api_key()
    app = FastAPI(
        title="selectlib",
        version=__version__,
        description="Eligibility, benefits and budgets of Korean public support programs.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = chosen
    app.state.catalog = load_catalog(chosen.profiles)
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(SelectlibError, _selectlib_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _query_error)
    app.add_middleware(AccessLayer, key=key)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The app uvicorn's workers build (``selectlib serve``): the settings from
    :data:`~selectlib.service.settings.SETTINGS_ENV`, access lines on stderr, and the heap
    made so far frozen.

    The imports, the app and the compiled profiles live as long as the worker. Left to the
    garbage collector, each of its full passes walks them all again, about 50 ms during
    which no request is answered (measured: one such pass in 6,000 evaluations, twice the
    25 ms their 99th percentile may take); frozen (:func:`gc.freeze`), they are never
    walked. What requests make is collected as before."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("selectlib.service.access", "selectlib.service.error"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app = create_app(Settings.from_env())
    gc.collect()
    gc.freeze()
    return app
