"""The layer every request passes: its id, the API key, the access log, the last resort.

A plain ASGI middleware, outermost: it gives each request an id (``X-Request-ID``, kept
from the client when it is short and plain), refuses a missing or wrong API key before
any route runs (compared with :func:`hmac.compare_digest`, in constant time), writes one
JSON access line per request (method, path, status, duration, id: never a body, a query
or a header, so no applicant data), and turns any exception a route did not handle into
a problem+json 500 with the request's id, its traceback logged here and never sent.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final
from urllib.parse import parse_qs

from selectlib.service.problems import MEDIA_TYPE, ServiceError, problem_body

__all__ = ["ACCESS_LOG", "ERROR_LOG", "OPEN_PATHS", "AccessLayer", "request_lang"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ACCESS_LOG: Final = logging.getLogger("selectlib.service.access")
"""One JSON line per request, at INFO."""
ERROR_LOG: Final = logging.getLogger("selectlib.service.error")
"""The traceback of every request that failed inside the service, with its id."""
OPEN_PATHS: Final = frozenset({"/v1/health", "/openapi.json"})
"""Paths answered without the API key: liveness checks and the API's description."""
_CLIENT_ID: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_lang(scope: Scope) -> str:
    """``en`` when the query asks ``lang=en``, else ``ko``."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return "en" if query.get("lang", ["ko"])[-1] == "en" else "ko"


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = str(value.decode("latin-1"))
            if _CLIENT_ID.fullmatch(text):
                return text
    return uuid.uuid4().hex


def _key_ok(scope: Scope, key: str) -> bool:
    given = b""
    for name, value in scope.get("headers", ()):
        if name == b"x-api-key":
            given = value
    return hmac.compare_digest(given, key.encode())


class AccessLayer:
    """The outermost middleware (see the module): ``key`` None serves without a key."""

    def __init__(self, app: ASGIApp, key: str | None) -> None:
        self.app = app
        self.key = key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        status = [500]
        sent = [False]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                sent[0] = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            guarded = self.key is not None and scope["path"] not in OPEN_PATHS
            if guarded and not _key_ok(scope, self.key or ""):
                detail = "give the service's API key in the X-API-Key header"
                await _problem(scope, sending, ServiceError("unauthorized", detail))
                return
            await self.app(scope, receive, sending)
        except Exception:  # the last resort: logged here, never sent
            ERROR_LOG.exception("request %s failed", request_id)
            if not sent[0]:
                detail = f"the service failed on this request; quote request id {request_id}"
                await _problem(scope, sending, ServiceError("internal", detail))
        finally:
            _log(scope, status[0], time.perf_counter() - started, request_id)


async def _problem(scope: Scope, send: Send, error: ServiceError) -> None:
    request_id = scope["state"]["request_id"]
    status, body = problem_body(error, scope["path"], request_id, request_lang(scope))
    headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", b"%d" % len(body))]
    if error.kind == "unauthorized":
        headers.append((b"www-authenticate", b'ApiKey header="X-API-Key"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _log(scope: Scope, status: int, seconds: float, request_id: str) -> None:
    if not ACCESS_LOG.isEnabledFor(logging.INFO):
        return
    line = {
        "method": scope.get("method"),
        "path": scope.get("path"),
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        "request_id": request_id,
    }
    ACCESS_LOG.info(json.dumps(line))
