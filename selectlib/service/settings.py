"""What a service runs with: where its profiles are, its API key, and its limits.

Every limit is a named constant here, the default of a :class:`Settings` field and of a
``selectlib serve`` option; a refusal names the limit and the option that raises it.

| limit | default | bounds | option |
| --- | --- | --- | --- |
| `MAX_BODY_BYTES` | 1 MiB | one applicant, a reform, a funding run | `--max-body-bytes` |
| `MAX_BATCH_BYTES` | 256 MiB | a batch body (JSON, CSV or Parquet) | `--max-batch-bytes` |
| `MAX_BATCH_ROWS` | 1,000,000 | the rows of a batch or applicants list | `--max-batch-rows` |
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Final

import attrs

from selectlib.errors import InputError

__all__ = [
    "BATCH_CHUNK_ROWS",
    "MAX_BATCH_BYTES",
    "MAX_BATCH_ROWS",
    "MAX_BODY_BYTES",
    "SETTINGS_ENV",
    "Settings",
]

MAX_BODY_BYTES: Final = 2**20
"""Bytes of a JSON body that is not a batch (one applicant, a reform, a funding run)."""
MAX_BATCH_BYTES: Final = 256 * 2**20
"""Bytes of a batch body (JSON list, CSV or Parquet), read before any row is parsed."""
MAX_BATCH_ROWS: Final = 1_000_000
"""Rows of one batch (and of the applicants of a reform or a funding run)."""
BATCH_CHUNK_ROWS: Final = 65_536
"""Rows evaluated and sent at a time in a batch answer: memory grows with it."""
SETTINGS_ENV: Final = "SELECTLIB_SERVE_SETTINGS"
"""The environment variable ``selectlib serve`` hands its settings to each worker in (JSON;
the API key itself is never in it, only the name of the variable that holds it)."""


@attrs.frozen
class Settings:
    """A service's settings: ``profiles`` (a folder of profile files; None: the built-in
    profiles), ``api_key_env`` (the environment variable holding the API key; None: no
    key), and the limits of the module's table."""

    profiles: Path | None = None
    api_key_env: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    max_batch_bytes: int = MAX_BATCH_BYTES
    max_batch_rows: int = MAX_BATCH_ROWS
    batch_chunk_rows: int = BATCH_CHUNK_ROWS

    def api_key(self) -> str | None:
        """The API key, read from ``api_key_env``; an error if that variable is unset."""
        if self.api_key_env is None:
            return None
        key = os.environ.get(self.api_key_env, "")
        if not key:
            raise InputError(
                f"--api-key-env {self.api_key_env}: the environment variable "
                f"{self.api_key_env} is not set or empty; export the key in it, or leave "
                "--api-key-env out to serve without a key",
                field="api_key_env",
            )
        return key

    def to_env(self) -> str:
        """These settings as the JSON :func:`from_env` reads (for uvicorn's workers)."""
        data: dict[str, Any] = attrs.asdict(self)
        data["profiles"] = None if self.profiles is None else str(self.profiles)
        return json.dumps(data)

    @classmethod
    def from_env(cls) -> Settings:
        """The settings ``selectlib serve`` left in :data:`SETTINGS_ENV`, or the defaults."""
        text = os.environ.get(SETTINGS_ENV)
        if not text:
            return cls()
        data = json.loads(text)
        profiles = data.pop("profiles")
        return cls(profiles=None if profiles is None else Path(profiles), **data)
