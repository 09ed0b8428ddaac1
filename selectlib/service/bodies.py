"""Request bodies read within their limits: JSON, and batches as JSON, CSV or Parquet.

A body is counted while it arrives and refused as soon as it passes its limit, whatever
its ``Content-Length`` says. A batch goes through selectlib's own table readers
(:mod:`selectlib.io.tables`, with their limits and messages), from a temporary file.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from starlette.requests import Request

from selectlib.errors import InputError
from selectlib.service.problems import ServiceError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BATCH_TYPES", "applicants_frame", "read_batch", "read_body", "read_json"]

BATCH_TYPES: Final = {
    "application/json": ".json",
    "text/csv": ".csv",
    "application/vnd.apache.parquet": ".parquet",
    "application/x-parquet": ".parquet",
}
"""The content types a batch may have, and the reader (by suffix) each goes to."""


def _too_large(what: str, limit: int, option: str) -> ServiceError:
    return ServiceError(
        "too-large",
        f"the {what} is over {limit:,} bytes, the service's limit; split it, or start the "
        f"service with a larger {option}",
        limit=limit,
    )


async def read_body(request: Request, limit: int, option: str, what: str = "body") -> bytes:
    """The whole body, or a too-large problem once it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(what, limit, option)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(what, limit, option)
        chunks.append(chunk)
    return b"".join(chunks)


def read_json(body: bytes) -> Any:
    """The JSON value of ``body``, or an invalid-json problem saying where it breaks."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ServiceError("invalid-json", "the body must be UTF-8 JSON") from None
    except RecursionError:
        raise ServiceError("invalid-json", "the JSON is nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise ServiceError(
            "invalid-json",
            f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}); fix the "
            "syntax there (a missing comma, quote or bracket is the usual cause)",
        ) from None


def _check_rows(rows: int, limit: int) -> None:
    if rows > limit:
        raise ServiceError(
            "too-large",
            f"{rows:,} rows, more than the service's limit of {limit:,} rows a request; "
            "split the batch, or start the service with a larger --max-batch-rows",
            limit=limit,
        )


def read_batch(body: bytes, content_type: str, max_rows: int) -> pd.DataFrame:
    """The applicants of a batch body, read by its content type's table reader."""
    from selectlib.io.tables import read_table

    media = content_type.split(";")[0].strip().lower()
    suffix = BATCH_TYPES.get(media)
    if suffix is None:
        raise ServiceError(
            "unsupported-media-type",
            f"cannot read a batch of type {media or '(none)'!r}: send it as "
            f"{', '.join(BATCH_TYPES)}",
        )
    with tempfile.TemporaryDirectory(prefix="selectlib-batch-") as folder:
        path = Path(folder) / f"body{suffix}"
        path.write_bytes(body)
        try:
            frame = read_table(path)
        except InputError as exc:  # the temporary file's name means nothing to the client
            reason = exc.reason.replace(str(path), "the batch")
            raise InputError(reason, row=exc.row, field=exc.field, value=exc.value) from None
    _check_rows(len(frame), max_rows)
    return frame


def applicants_frame(data: Any, key: str, max_rows: int) -> pd.DataFrame:
    """The list of applicant objects at ``data[key]``, as a table (every value as given)."""
    import pandas as pd

    records = data.get(key) if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise ServiceError(
            "invalid-input",
            f'expected an object with an "{key}" list of applicant objects',
            [_error(f"/{key}", key, "a list of applicant objects is needed here")],
        )
    _check_rows(len(records), max_rows)
    for row, record in enumerate(records):
        if not isinstance(record, dict):
            message = f"expected an applicant object, got {type(record).__name__}"
            raise ServiceError("invalid-input", message, [_error(f"/{key}/{row}", None, message)])
    return pd.DataFrame(records, dtype=object) if records else pd.DataFrame()


def _error(pointer: str, field: str | None, message: str) -> dict[str, Any]:
    return {
        "pointer": pointer,
        "field": field,
        "message": {"ko": f"{pointer}: 형식이 맞지 않습니다", "en": f"{pointer}: {message}"},
    }
