"""The routes that describe: health, the profiles, one profile, its applicant schema, and
the reload that replaces the profiles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from selectlib import __version__
from selectlib.service.catalog import load_catalog
from selectlib.service.common import catalog, day, json_response, settings
from selectlib.service.describe import applicant_schema, profile_detail, profile_summary

__all__ = ["router"]

router = APIRouter(prefix="/v1")


@router.get("/health", summary="The service is up; its version and profile count.")
async def health(request: Request) -> Response:
    return json_response(
        {"status": "ok", "version": __version__, "profiles": len(catalog(request).profiles)}
    )


@router.get("/profiles", summary="The profiles served: id, version, names, validity.")
async def profiles(request: Request) -> Response:
    found = catalog(request).profiles
    return json_response({"profiles": [profile_summary(found[name]) for name in sorted(found)]})


@router.get(
    "/profiles/{name}",
    summary="One profile: fields, parameters on ?on=, criteria with sources, benefits.",
)
async def profile(request: Request, name: str, on: str | None = None) -> Response:
    return json_response(profile_detail(catalog(request).get(name), day(on)))


@router.get("/profiles/{name}/schema", summary="The JSON Schema of one applicant.")
async def schema(request: Request, name: str) -> Response:
    body: dict[str, Any] = applicant_schema(catalog(request).get(name))
    return json_response(body)


@router.post("/reload", summary="Load and compile the profiles again, then serve them.")
async def reload(request: Request) -> Response:
    fresh = await run_in_threadpool(load_catalog, settings(request).profiles)
    request.app.state.catalog = fresh
    return json_response({"profiles": sorted(fresh.profiles)})
