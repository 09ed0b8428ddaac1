"""The routes that try a change: a reform's flips (``compare``) and a budget (``fund``)."""

from __future__ import annotations

from typing import Any, Final, cast, get_args

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from selectlib.profile.benefits import METHODS, Method, Ties
from selectlib.profile.compiled import Profile
from selectlib.service.bodies import applicants_frame, read_body, read_json
from selectlib.service.common import catalog, day, json_response, records, settings
from selectlib.service.problems import ServiceError

__all__ = ["router"]

TIES: Final[tuple[str, ...]] = get_args(Ties)
"""What a funding run may do with rows tied where the tie decides (``ties``)."""

router = APIRouter(prefix="/v1/profiles/{name}")


def _object(data: Any, key: str, kinds: tuple[type, ...], shown: str) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None or (isinstance(value, kinds) and not isinstance(value, bool)):
        return value
    message = f"{key!r} must be {shown} (got {type(value).__name__})"
    error = {"pointer": f"/{key}", "field": key, "message": {"ko": message, "en": message}}
    raise ServiceError("invalid-input", message, [error])


def _choice(data: Any, key: str, allowed: tuple[str, ...]) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None or value in allowed:
        return value
    message = f"{key!r} must be one of {', '.join(allowed)} (got {value!r})"
    error = {"pointer": f"/{key}", "field": key, "message": {"ko": message, "en": message}}
    raise ServiceError("invalid-input", message, [error])


async def _body(request: Request) -> Any:
    limit = settings(request).max_body_bytes
    return read_json(await read_body(request, limit, "--max-body-bytes"))


def _compare(profile: Profile, data: Any, on: str | None, max_rows: int) -> dict[str, Any]:
    from selectlib.simulate.compare import compare, summarize_comparison

    changes = _object(data, "set", (dict,), "an object of parameter names to values")
    if not changes:
        message = 'give the parameters to change as "set": {"name": value}'
        raise ServiceError("invalid-input", message)
    since = _object(data, "since", (str,), "a date, YYYY-MM-DD")
    frame = applicants_frame(data, "applicants", max_rows)
    reform = profile.with_params(changes, since=since)
    when = day(on)
    result = compare(profile, reform, frame, on=when)
    return {
        "profile": profile.id,
        "on": when.isoformat(),
        "set": changes,
        "summary": records(summarize_comparison(result)),
        "rows": records(result),
    }


def _fund(profile: Profile, data: Any, on: str | None, max_rows: int) -> dict[str, Any]:
    import attrs

    from selectlib.benefits.funding import fund

    budget = _object(data, "budget", (int,), "whole won, a number without a fraction")
    method = _choice(data, "method", METHODS)
    ties = _choice(data, "ties", TIES) or "refuse"
    frame = applicants_frame(data, "applicants", max_rows)
    result = fund(
        profile,
        frame,
        on=day(on),
        budget=budget,
        method=cast(Method | None, method),
        ties=cast(Ties, ties),
    )
    return {
        "profile": result.profile_id,
        "on": result.on.isoformat(),
        "method": result.method,
        "budget": result.budget,
        "granted": result.granted,
        "remaining": result.remaining,
        "pots": [{**attrs.asdict(pot), "remaining": pot.remaining} for pot in result.pots],
        "rows": records(result.table),
        "payments": records(result.payments),
    }


@router.post("/compare", summary="A reform (parameter changes) on applicants: who flips, why.")
async def compare(request: Request, name: str, on: str | None = None) -> Response:
    profile = catalog(request).get(name)
    data = await _body(request)
    rows = settings(request).max_batch_rows
    return json_response(await run_in_threadpool(_compare, profile, data, on, rows))


@router.post("/fund", summary="Applicants and a budget: who is granted how much.")
async def fund(request: Request, name: str, on: str | None = None) -> Response:
    profile = catalog(request).get(name)
    data = await _body(request)
    rows = settings(request).max_batch_rows
    return json_response(await run_in_threadpool(_fund, profile, data, on, rows))
