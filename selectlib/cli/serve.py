"""The ``selectlib serve`` command: the HTTP service for grant systems.

Only the signature lives here: FastAPI and uvicorn (the ``serve`` extra) are imported
when the command runs, by :mod:`selectlib.service.run`, so ``selectlib --help`` stays
light and works without the extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["serve"]

MISSING_EXTRA = (
    "error: selectlib serve needs the serve extra (FastAPI, uvicorn): "
    'pip install "selectlib[serve]"'
)
PortOpt = Annotated[int, typer.Option("--port", help="Port to listen on.", min=0, max=65535)]


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: PortOpt = 8000,
    profiles: Annotated[
        Path | None,
        typer.Option("--profiles", help="A folder of profile files (default: the built-in ones)."),
    ] = None,
    api_key_env: Annotated[
        str | None,
        typer.Option(
            "--api-key-env",
            help="The environment variable holding the API key clients send as X-API-Key.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="Worker processes, each with the profiles.", min=1)
    ] = 1,
    max_body_bytes: Annotated[
        int | None,
        typer.Option("--max-body-bytes", help="Largest non-batch body (default 1 MiB).", min=1),
    ] = None,
    max_batch_bytes: Annotated[
        int | None,
        typer.Option("--max-batch-bytes", help="Largest batch body (default 256 MiB).", min=1),
    ] = None,
    max_batch_rows: Annotated[
        int | None,
        typer.Option("--max-batch-rows", help="Most rows a batch (default 1,000,000).", min=1),
    ] = None,
) -> None:
    """Serve the profiles over HTTP: evaluate, batches, reforms, budgets (needs the serve extra)."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        typer.echo(MISSING_EXTRA, err=True)
        raise typer.Exit(1) from None
    from selectlib.service.run import serve as run
    from selectlib.service.settings import Settings

    limits = {
        "max_body_bytes": max_body_bytes,
        "max_batch_bytes": max_batch_bytes,
        "max_batch_rows": max_batch_rows,
    }
    chosen = {name: value for name, value in limits.items() if value is not None}
    run(Settings(profiles=profiles, api_key_env=api_key_env, **chosen), host, port, workers)
