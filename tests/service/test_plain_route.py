"""PlainQueryRoute: the same answer as FastAPI's own route for any query, and endpoints it
cannot serve refused when the route is made."""

from __future__ import annotations

import warnings
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.exceptions import StarletteDeprecationWarning
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strategies import examples

from selectlib.service.common import Lang
from selectlib.service.plain_route import PlainQueryRoute

with warnings.catch_warnings():  # starlette's note that httpx2 will replace httpx
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


async def echo(
    request: Request, name: str, on: str | None = None, lang: Lang = Lang.KO
) -> Response:
    """What the endpoint was given, with the types it was given."""
    assert isinstance(lang, Lang)
    return JSONResponse({"name": name, "on": on, "lang": lang.value, "path": request.url.path})


def _client(route_class: type[APIRoute]) -> TestClient:
    router = APIRouter(prefix="/v1/things/{name}", route_class=route_class)
    router.add_api_route("/echo", echo, methods=["GET"])
    app = FastAPI()
    app.include_router(router)
    return TestClient(app)


CHECKED = _client(APIRoute)
PLAIN = _client(PlainQueryRoute)
KEYS = st.sampled_from(["on", "lang", "other"])
VALUES = st.sampled_from(["", "ko", "en", "fr", "KO", "2024-05-01", "a b", "한"])


@settings(max_examples=examples(200))
@given(st.lists(st.tuples(KEYS, VALUES), max_size=4))
def test_any_query_gets_fastapis_answer(query: list[tuple[str, str]]) -> None:
    path = f"/v1/things/k%C3%A9y/echo?{urlencode(query)}"
    expected, found = CHECKED.get(path), PLAIN.get(path)
    assert (found.status_code, found.json()) == (expected.status_code, expected.json())


def test_a_plain_query_skips_fastapis_check(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    original = APIRoute.get_route_handler

    def counted(route: APIRoute) -> Any:
        handler = original(route)

        async def counting(request: Request) -> Response:
            calls.append(request.url.query)
            answer: Response = await handler(request)
            return answer

        return counting

    monkeypatch.setattr(APIRoute, "get_route_handler", counted)
    client = _client(PlainQueryRoute)
    assert client.get("/v1/things/x/echo?on=2024-05-01&lang=en").json()["lang"] == "en"
    assert client.get("/v1/things/x/echo").json() == {
        "name": "x",
        "on": None,
        "lang": "ko",
        "path": "/v1/things/x/echo",
    }
    assert calls == []
    assert client.get("/v1/things/x/echo?lang=fr").status_code == 422
    assert calls == ["lang=fr"]


async def counted_int(request: Request, limit: int = 3) -> Response:
    return Response()


async def required_text(request: Request, on: str) -> Response:
    return Response()


def sync_endpoint(request: Request) -> Response:
    return Response()


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        (counted_int, "query parameter 'limit'"),
        (required_text, "parameter 'on' cannot be passed"),
        (sync_endpoint, "serves async endpoints"),
    ],
)
def test_an_endpoint_it_cannot_serve_is_refused_at_once(endpoint: Any, message: str) -> None:
    router = APIRouter(route_class=PlainQueryRoute)
    with pytest.raises(TypeError, match=message):
        router.add_api_route("/x", endpoint, methods=["GET"])
