"""A route that hands a plain query to its endpoint itself, and any other to FastAPI.

FastAPI checks every request's path and query parameters by solving the endpoint's
dependencies with pydantic: about a sixth of the service's own CPU time for one
evaluation. For a request whose query holds only parameters the endpoint declares, and
whose enumerated parameters have allowed values, that check cannot fail, so
:class:`PlainQueryRoute` converts the values and calls the endpoint directly. Every
other request (an unknown parameter, a wrong ``?lang=``) goes through FastAPI's own
handler, so what is refused, and how, stays FastAPI's; the OpenAPI document is
FastAPI's too, made from the same signature.

The endpoints it serves take only a :class:`~starlette.requests.Request`, path
parameters (``str``) and query parameters with a default (``str``, ``str | None`` or a
:class:`enum.StrEnum`); another kind of parameter is refused when the route is made.
"""

from __future__ import annotations

import enum
import inspect
import types
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Final

import attrs
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["PlainQueryRoute"]

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
_TEXT: Final = (str, str | None)
"""The annotations of a path or text query parameter passed as it is."""


@attrs.frozen
class _Query:
    """One query parameter: its default, and its enumeration (None: plain text)."""

    default: Any
    choices: Mapping[str, enum.StrEnum] | None


@attrs.frozen
class _Signature:
    """What an endpoint takes: the request's name, its path and query parameters."""

    request: str | None
    path: tuple[str, ...]
    query: Mapping[str, _Query]

    def arguments(self, request: Request) -> dict[str, Any] | None:
        """The endpoint's arguments for ``request``, or None if FastAPI must check it.
        A repeated parameter's last value counts, as in FastAPI."""
        found: dict[str, Any] = {}
        for key, value in request.query_params.multi_items():
            query = self.query.get(key)
            if query is None:
                return None
            if query.choices is None:
                found[key] = value
            elif value in query.choices:
                found[key] = query.choices[value]
            else:
                return None
        for key, query in self.query.items():
            found.setdefault(key, query.default)
        for key in self.path:
            found[key] = request.path_params[key]
        if self.request is not None:
            found[self.request] = request
        return found


def _signature(endpoint: Callable[..., Any], path: frozenset[str]) -> _Signature:
    """The endpoint's parameters, or a TypeError naming one this route cannot pass."""
    if not inspect.iscoroutinefunction(endpoint):
        raise TypeError(f"{endpoint.__qualname__}: PlainQueryRoute serves async endpoints")
    request = None
    paths: list[str] = []
    query: dict[str, _Query] = {}
    for name, parameter in inspect.signature(endpoint, eval_str=True).parameters.items():
        hint, default = parameter.annotation, parameter.default
        if hint is Request:
            request = name
        elif name in path and hint is str:
            paths.append(name)
        elif name in path or default is inspect.Parameter.empty:
            raise TypeError(
                f"{endpoint.__qualname__}: parameter {name!r} cannot be passed by "
                "PlainQueryRoute (a path parameter must be str, a query one needs a "
                "default); give the endpoint a plain APIRoute"
            )
        elif hint in _TEXT:
            query[name] = _Query(default, None)
        elif isinstance(hint, type) and issubclass(hint, enum.StrEnum):
            query[name] = _Query(default, {member.value: member for member in hint})
        else:
            raise TypeError(
                f"{endpoint.__qualname__}: query parameter {name!r} ({hint}) cannot be "
                "passed by PlainQueryRoute (str, str | None or a StrEnum can)"
            )
    return _Signature(request, tuple(paths), types.MappingProxyType(query))


class PlainQueryRoute(APIRoute):
    """An :class:`~fastapi.routing.APIRoute` whose plain requests skip FastAPI's
    parameter check (see the module); use it as an ``APIRouter``'s ``route_class``."""

    def get_route_handler(self) -> Handler:
        checked = super().get_route_handler()
        endpoint = self.endpoint
        signature = _signature(endpoint, frozenset(self.param_convertors))

        async def handler(request: Request) -> Response:
            arguments = signature.arguments(request)
            if arguments is None:
                return await checked(request)
            answer: Response = await endpoint(**arguments)
            return answer

        return handler
