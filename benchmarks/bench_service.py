"""The HTTP service end to end: ``selectlib serve`` on loopback, queried with httpx.

Run: ``python benchmarks/bench_service.py [--requests 5000] [--clients 32] [--batch 100000]``.

Starts ``selectlib serve`` (one uvicorn worker, the built-in profiles) on a free
127.0.0.1 port as a child process and prints plain numbers:

- ``boot_s=``: from starting the process to its first ``/v1/health`` answer (Python's
  start, the imports, every bundled profile loaded and compiled); ``create_app_s=``: the
  app factory alone, measured in this process (target: boot under 2 s);
- ``rps=``, ``p50_ms=``, ``p99_ms=``, ``errors=``: ``--requests`` single evaluations of
  varying flagship applicants by ``--clients`` concurrent httpx clients (targets:
  errors=0, p99_ms ≤ 25); the latency of each request is from sending it to its whole
  answer;
- ``batch_rows_per_s_parquet=`` and ``batch_rows_per_s_jsonl=``: one ``--batch``-row
  batch sent as Parquet (answer Parquet) and as a JSON list (answer JSON lines), from the
  first byte sent to the last received (target: ≥ 500,000 rows/s with Parquet);
  ``batch_errors=`` counts answers that were not 200 or had another row count.

Every wait is bounded (``--timeout`` seconds in all for the single evaluations, and per
batch); the service is stopped at the end, whatever happens. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import numpy as np
import pandas as pd
from bench_cli import applicants

PROFILE = "micro_manufacturer_center_2024"
ON = "2024-05-01"
PARQUET = "application/vnd.apache.parquet"
START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def service() -> Iterator[tuple[str, float]]:
    """A running ``selectlib serve``: its address and the seconds it took to answer."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "selectlib", "serve", "--port", str(port)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(
            command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"selectlib serve stopped (exit code {process.returncode})")
                try:
                    if httpx.get(f"{url}/v1/health", timeout=1.0).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.perf_counter() - started > START_SECONDS:
                    raise SystemExit("selectlib serve did not answer in time")
                time.sleep(0.01)
            yield url, time.perf_counter() - started
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def create_app_seconds() -> float:
    """The app factory alone (every bundled profile loaded and compiled), in this process."""
    from selectlib.service import Settings, create_app

    start = time.perf_counter()
    create_app(Settings())
    return time.perf_counter() - start


async def singles(url: str, bodies: list[bytes], clients: int, timeout: float) -> dict[str, float]:
    """Every body sent once by ``clients`` concurrent clients: rps, latencies, errors."""
    latencies: list[float] = []
    errors = 0
    queue = iter(bodies)
    path = f"/v1/profiles/{PROFILE}/evaluate?on={ON}"
    headers = {"content-type": "application/json"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for body in queue:
            start = time.perf_counter()
            try:
                answer = await client.post(path, content=body, headers=headers)
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += not ok

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10.0) as client:
        start = time.perf_counter()
        tasks = [worker(client) for _ in range(clients)]
        try:
            await asyncio.wait_for(asyncio.gather(*tasks), timeout)
        except TimeoutError:
            errors += len(bodies) - len(latencies)
        seconds = time.perf_counter() - start
    found = np.array(latencies) * 1000
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": float(np.percentile(found, 50)) if len(found) else float("nan"),
        "p99_ms": float(np.percentile(found, 99)) if len(found) else float("nan"),
        "errors": errors,
    }


def single_bodies(n: int) -> list[bytes]:
    """``n`` varying flagship applicants as JSON bodies."""
    frame = applicants(n).astype(object)
    for name in ("mandatory_programs", "autonomous_programs"):
        frame[name] = [[code for code in text.split(";") if code] for text in frame[name]]
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return [json.dumps(record, ensure_ascii=False).encode() for record in records]


def batch(url: str, body: bytes, kind: str, accept: str, rows: int, timeout: float) -> float:
    """Rows a second of one batch; NaN (and an error) if the answer is wrong."""
    path = f"/v1/profiles/{PROFILE}/evaluate-batch?on={ON}"
    headers = {"content-type": kind, "accept": accept}
    start = time.perf_counter()
    answer = httpx.post(url + path, content=body, headers=headers, timeout=timeout)
    seconds = time.perf_counter() - start
    if answer.status_code != 200:
        return float("nan")
    if accept == PARQUET:
        got = len(pd.read_parquet(io.BytesIO(answer.content)))
    else:
        got = answer.content.count(b"\n")
    return rows / seconds if got == rows else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5_000, help="single evaluations")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--batch", type=int, default=100_000, help="rows of the batch")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds, at most")
    args = parser.parse_args()

    bodies = single_bodies(args.requests)
    table = applicants(args.batch)
    parquet = io.BytesIO()
    table.to_parquet(parquet, index=False)
    as_json = table.astype(object).to_json(orient="records", force_ascii=False).encode()
    with service() as (url, boot):
        print(f"boot_s={boot:.3f}")
        for name, value in asyncio.run(singles(url, bodies, args.clients, args.timeout)).items():
            print(f"{name}={value:.3f}" if name != "errors" else f"{name}={value:.0f}")
        sent = {
            "parquet": (parquet.getvalue(), PARQUET, PARQUET),
            "jsonl": (as_json, "application/json", "application/jsonl"),
        }
        failed = 0
        for name, (body, kind, accept) in sent.items():
            rate = batch(url, body, kind, accept, args.batch, args.timeout)
            failed += rate != rate  # NaN
            print(f"batch_rows_per_s_{name}={rate:.0f}")
        print(f"batch_errors={failed}")
    os.environ.pop("SELECTLIB_SERVE_SETTINGS", None)
    print(f"create_app_s={create_app_seconds():.3f}")


if __name__ == "__main__":
    main()
