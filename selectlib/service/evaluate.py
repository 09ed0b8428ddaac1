"""The routes that decide: one applicant, and a batch streamed back row for row."""

from __future__ import annotations

import itertools

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from selectlib.eligibility.decision import Outcome
from selectlib.eligibility.serialize import decision_to_dict
from selectlib.service.bodies import read_batch, read_body, read_json
from selectlib.service.common import Lang, catalog, day, json_response, settings
from selectlib.service.plain_route import PlainQueryRoute
from selectlib.service.problems import ServiceError, field_errors
from selectlib.service.streams import ANSWER_TYPES, answer_type, batch_stream

__all__ = ["router"]

router = APIRouter(prefix="/v1/profiles/{name}", route_class=PlainQueryRoute)

APPLICANT_BODY = {"required": True, "content": {"application/json": {"schema": {}}}}
"""The body of ``evaluate`` in the OpenAPI document; the app fills in each profile's schema."""
BATCH_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
    },
}


@router.post(
    "/evaluate",
    summary="Decide one applicant: criteria, values, thresholds, messages, benefits.",
    openapi_extra={"requestBody": APPLICANT_BODY},
)
async def evaluate(
    request: Request, name: str, on: str | None = None, lang: Lang = Lang.KO
) -> Response:
    profile = catalog(request).get(name)
    when = day(on)
    body = await read_body(request, settings(request).max_body_bytes, "--max-body-bytes")
    record = read_json(body)
    if not isinstance(record, dict):
        message = f"expected one applicant object, got {type(record).__name__}"
        pointer = {"pointer": "/", "field": None, "message": {"ko": message, "en": message}}
        raise ServiceError("invalid-input", message, [pointer])
    decision = profile.evaluate(record, on=when)
    answer = decision_to_dict(decision)
    answer["explanation"] = decision.explain(lang.value)
    if decision.outcome is Outcome.INVALID:
        fields = ", ".join(p.key or "?" for p in decision.problems)
        detail = f"values that cannot be used: {fields}; fix them and send the applicant again"
        errors = field_errors(decision.problems)
        raise ServiceError("invalid-input", detail, errors, decision=answer)
    return json_response(answer)


@router.post(
    "/evaluate-batch",
    summary="Decide a batch (JSON list, CSV, Parquet): the rows back in order, streamed.",
    openapi_extra={"requestBody": BATCH_BODY},
)
async def evaluate_batch(request: Request, name: str, on: str | None = None) -> Response:
    profile = catalog(request).get(name)
    when = day(on)
    profile.params_on(when)  # a date outside the rules is refused before the answer starts
    media = answer_type(request.headers.get("accept", ""))
    if media is None:
        raise ServiceError("not-acceptable", f"ask for one of {', '.join(ANSWER_TYPES)}")
    limits = settings(request)
    body = await read_body(request, limits.max_batch_bytes, "--max-batch-bytes", "batch")
    kind = request.headers.get("content-type", "")
    frame = await run_in_threadpool(read_batch, body, kind, limits.max_batch_rows)
    stream = batch_stream(profile, frame, when, media, limits.batch_chunk_rows)
    # the first chunk is made before the answer starts, so what fails on it is a problem
    first = await run_in_threadpool(next, stream, b"")
    return StreamingResponse(itertools.chain([first], stream), media_type=media)
