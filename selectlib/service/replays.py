"""The route that evaluates a stored decision again: ``POST /v1/replay``.

The body is what the evaluate route (or :func:`selectlib.decision_to_dict`) gave, or
``{"decision": ..., "input": ...}`` to replay it on a corrected input. The profile is the
one the service serves under the record's name, so a replay answers "would this service
decide the same today", and names the criterion, the profile hash or the version that
differ.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from selectlib.service.bodies import read_body, read_json
from selectlib.service.catalog import Catalog
from selectlib.service.common import catalog, json_response, settings
from selectlib.service.problems import ServiceError

__all__ = ["router"]

router = APIRouter(prefix="/v1")


def _replay(served: Catalog, data: Any) -> dict[str, Any]:
    from selectlib.eligibility.replay import replay

    if not isinstance(data, dict):
        raise ServiceError("invalid-input", "send the stored decision: a JSON object")
    wrapped = "decision" in data
    stored = data["decision"] if wrapped else data
    audit = stored.get("audit") if isinstance(stored, dict) else None
    name = audit.get("profile") if isinstance(audit, dict) else None
    profile = served.get(name) if isinstance(name, str) else None
    result = replay(stored, data.get("input") if wrapped else None, profile=profile)
    return result.to_dict()


@router.post("/replay", summary="A stored decision evaluated again: identical, or what differs.")
async def replay(request: Request) -> Response:
    body = await read_body(request, settings(request).max_body_bytes, "--max-body-bytes")
    return json_response(await run_in_threadpool(_replay, catalog(request), read_json(body)))
