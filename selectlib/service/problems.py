"""Errors as RFC 9457 problem details (``application/problem+json``), in Korean and English.

Every refusal of the service is one of these: ``type`` (a URN naming the kind), ``title``
(in the request's ``?lang=``, both languages in ``titles``), ``status``, ``detail`` (what
is wrong and how to fix it, selectlib's own message), ``instance`` (the path asked) and
``request_id``; a problem located in the input adds ``errors``, one per field, each with
a JSON Pointer (``/staff``, ``/applicants/3/staff``), the field and its message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

import attrs

from selectlib.errors import (
    ArgumentError,
    DateError,
    InputError,
    ParameterError,
    Problem,
    ProfileError,
    ProfileNotFoundError,
    SelectlibError,
    ValidityError,
)
from selectlib.text import Text

__all__ = ["KINDS", "MEDIA_TYPE", "Kind", "ServiceError", "field_errors", "problem_body"]

MEDIA_TYPE: Final = "application/problem+json"


@attrs.frozen
class Kind:
    """One kind of problem: its HTTP status and its title in both languages."""

    status: int
    title: Text


KINDS: Final[dict[str, Kind]] = {
    "unknown-profile": Kind(404, Text("프로파일이 없습니다", "No such profile")),
    "not-found": Kind(404, Text("경로가 없습니다", "No such route")),
    "method-not-allowed": Kind(405, Text("허용되지 않는 메서드입니다", "Method not allowed")),
    "bad-request": Kind(400, Text("요청을 처리할 수 없습니다", "Bad request")),
    "invalid-json": Kind(400, Text("JSON을 읽을 수 없습니다", "The body is not valid JSON")),
    "invalid-query": Kind(400, Text("쿼리 값이 올바르지 않습니다", "A query value is wrong")),
    "invalid-input": Kind(422, Text("입력 값이 올바르지 않습니다", "An input value is wrong")),
    "invalid-profile": Kind(422, Text("프로파일에 문제가 있습니다", "The profile has problems")),
    "unknown-parameter": Kind(
        422, Text("파라미터가 없거나 값이 맞지 않습니다", "Unknown or wrong parameter")
    ),
    "outside-validity": Kind(422, Text("적용 기간 밖의 날짜입니다", "Date outside the rules")),
    "too-large": Kind(413, Text("요청이 한도를 넘습니다", "The request is over a limit")),
    "unsupported-media-type": Kind(
        415, Text("지원하지 않는 형식입니다", "Unsupported content type")
    ),
    "not-acceptable": Kind(406, Text("응답 형식을 만들 수 없습니다", "Cannot answer in that type")),
    "unauthorized": Kind(401, Text("API 키가 없거나 틀립니다", "Missing or wrong API key")),
    "internal": Kind(500, Text("서버 내부 오류입니다", "Internal server error")),
}
"""Every kind of problem by the last part of its ``type`` URN."""


class ServiceError(SelectlibError):
    """A request the service refuses: ``kind`` (a key of :data:`KINDS`), ``detail``, and the
    located ``errors`` (``pointer``, ``field``, ``message`` ko/en, ``value``)."""

    def __init__(
        self, kind: str, detail: str, errors: Sequence[dict[str, Any]] = (), **extra: Any
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.errors = tuple(errors)
        self.extra = extra


def field_errors(problems: Sequence[Problem], prefix: str = "") -> list[dict[str, Any]]:
    """One located error per problem of an applicant (``key`` is the field)."""
    return [
        {
            "pointer": f"{prefix}/{problem.key}" if problem.key else prefix or "/",
            "field": problem.key,
            "message": {
                "ko": f"{problem.key or '입력'}: 값을 쓸 수 없습니다 ({problem.message})",
                "en": str(problem),
            },
            "value": problem.value,
        }
        for problem in problems
    ]


def _input_pointer(exc: InputError) -> list[dict[str, Any]]:
    if exc.row is None and exc.field is None:
        return []
    parts = [str(part) for part in (exc.row, exc.field) if part is not None]
    message = exc.reason if exc.field is None else f"{exc.field}: {exc.reason}"
    return [
        {
            "pointer": "/" + "/".join(parts),
            "field": exc.field,
            "message": {"ko": f"{'/'.join(parts)}: {exc.reason}", "en": message},
            "value": None if exc.value is None else str(exc.value)[:60],
        }
    ]


def as_service_error(exc: SelectlibError) -> ServiceError:
    """The problem a selectlib error is: its kind, its detail, and where it is located."""
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, ProfileNotFoundError):
        served = ", ".join(exc.available) or "none"
        detail = f"no profile named {exc.name!r}; this service serves {served} (GET /v1/profiles)"
        return ServiceError("unknown-profile", detail)
    if isinstance(exc, DateError):
        return ServiceError("invalid-query", f"?{exc.args[0]}")
    if isinstance(exc, InputError):  # the file name is a temporary file's: left out
        where = [f"row {exc.row}" if exc.row is not None else "", exc.field or ""]
        prefix = ", ".join(part for part in where if part)
        detail = f"{prefix}: {exc.reason}" if prefix else exc.reason
        return ServiceError("invalid-input", detail, _input_pointer(exc))
    if isinstance(exc, ParameterError):
        error = {"pointer": f"/set/{exc.name}", "field": exc.name}
        message = {"ko": f"파라미터 {exc.name!r}: {exc.reason}", "en": str(exc)}
        return ServiceError("unknown-parameter", str(exc), [{**error, "message": message}])
    if isinstance(exc, ProfileError):
        return ServiceError("invalid-profile", str(exc))
    if isinstance(exc, ValidityError):
        return ServiceError("outside-validity", str(exc))
    if isinstance(exc, ArgumentError):
        return ServiceError("invalid-input", str(exc))
    return ServiceError("invalid-input", str(exc))


def problem_body(
    error: ServiceError, instance: str, request_id: str, lang: str = "ko"
) -> tuple[int, bytes]:
    """The status and JSON bytes of ``error``'s problem details."""
    kind = KINDS[error.kind]
    body: dict[str, Any] = {
        "type": f"urn:selectlib:problem:{error.kind}",
        "title": kind.title.get(lang),
        "titles": {"ko": kind.title.ko, "en": kind.title.en},
        "status": kind.status,
        "detail": error.detail,
        "instance": instance,
        "request_id": request_id,
    }
    if error.errors:
        body["errors"] = list(error.errors)
    body.update(error.extra)
    return kind.status, json.dumps(body, ensure_ascii=False, default=str).encode()
