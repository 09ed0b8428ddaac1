"""The HTTP service end to end: ``selectlib serve`` on loopback, queried with httpx.

Run: ``python benchmarks/bench_service.py [--requests 5000] [--clients 32] [--processes 2]
[--batch 100000]``.

Starts ``selectlib serve`` (one uvicorn worker, the built-in profiles) on a free
127.0.0.1 port as a child process and prints plain numbers:

- ``boot_s=``: from starting the process to its first ``/v1/health`` answer (Python's
  start, the imports, every bundled profile loaded and compiled); ``create_app_s=``: the
  app factory alone, measured in this process (target: boot under 2 s);
- ``rps=``, ``p50_ms=``, ``p99_ms=``, ``errors=``: ``--requests`` single evaluations of
  varying flagship applicants by ``--clients`` concurrent httpx clients (targets:
  errors=0, p99_ms ≤ 25); the latency of each request is from sending it to its whole
  answer; ``client_cpu_ms=`` and ``service_cpu_ms=``: the CPU time (user and system)
  the clients and the service spent a request meanwhile (``getrusage`` in each client
  process, ``/proc/PID/stat`` of the service before and after);
- ``batch_rows_per_s_parquet=`` and ``batch_rows_per_s_jsonl=``: one ``--batch``-row
  batch sent as Parquet (answer Parquet) and as a JSON list (answer JSON lines), from the
  first byte sent to the last received (target: ≥ 500,000 rows/s with Parquet);
  ``batch_errors=`` counts answers that were not 200 or had another row count.

The clients are 32 httpx ``AsyncClient`` objects, each with its own kept-alive
connection, opened before the timed part, spread over ``--processes`` client processes
(each with its own event loop, uvloop when installed) that start together. On a small
machine they share the cores with the service, so they are made cheap: one pooled
client for all 32 spends ~3.8 ms of CPU a request, most of it in httpcore's pool,
separate clients ~0.8 ms (httpcore looks sniffio up on every request: without it, each
failed import searches ``sys.path`` again, so the test extra installs it). The
clients' garbage collector is off during the timed part, so its pauses (up to ~8 ms,
~0.1 s in all for 5,000 requests) do not count as the service's latency (their memory
grows by ~10 KB a request meanwhile). One client process at ~0.8 ms a request sends at
most ~1,250 requests a second, fewer than p99 ≤ 25 ms needs with 32 in flight (Little's
law: about 1,500 a second), hence two by default.

Every wait is bounded (``--timeout`` seconds in all for the single evaluations, and per
batch); the service is stopped at the end, whatever happens. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import io
import json
import multiprocessing
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import numpy as np
import pandas as pd
from bench_cli import applicants

PROFILE = "micro_manufacturer_center_2024"
ON = "2024-05-01"
PARQUET = "application/vnd.apache.parquet"
JSON = {"content-type": "application/json"}
START_SECONDS = 60.0

Shot = tuple[list[float], int, float, float, float]
"""One client process's latencies (s), errors, CPU seconds, start and end (monotonic)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def service() -> Iterator[tuple[str, float, int]]:
    """A running ``selectlib serve``: its address, the seconds it took to answer, its pid."""
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
            yield url, time.perf_counter() - started, process.pid
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


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds process ``pid`` has spent so far (``/proc/PID/stat``)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _clients(url: str, bodies: list[bytes], clients: int, timeout: float, ready: Any) -> Shot:
    """One process's share: ``clients`` httpx clients with one kept-alive connection each,
    all opened (one health check) before ``ready`` lets every process start together."""
    target = httpx.URL(f"{url}/v1/profiles/{PROFILE}/evaluate?on={ON}")
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    latencies: list[float] = []
    errors = 0
    queue = iter(bodies)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for body in queue:
            start = time.perf_counter()
            try:
                answer = await client.post(target, content=body)
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += not ok

    async with contextlib.AsyncExitStack() as stack:
        pool = [
            await stack.enter_async_context(
                httpx.AsyncClient(limits=one, timeout=10.0, verify=False, headers=JSON)
            )
            for _ in range(clients)
        ]
        warm = await asyncio.gather(*(client.get(f"{url}/v1/health") for client in pool))
        if any(answer.status_code != 200 for answer in warm):
            raise SystemExit("a client could not open its connection")
        # the clients' own collector pauses would count as the service's latency
        gc.collect()
        gc.freeze()
        gc.disable()
        ready.wait(timeout)
        used = resource.getrusage(resource.RUSAGE_SELF)
        start = time.monotonic()
        try:
            await asyncio.wait_for(asyncio.gather(*(worker(c) for c in pool)), timeout)
        except TimeoutError:
            errors += len(bodies) - len(latencies)
        end = time.monotonic()
        after = resource.getrusage(resource.RUSAGE_SELF)
        gc.enable()
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return latencies, errors, cpu, start, end


def _client_process(
    url: str, bodies: list[bytes], clients: int, timeout: float, ready: Any, out: Any
) -> None:
    """A client process: its clients on uvloop when installed (as uvicorn's), else asyncio."""
    try:
        from uvloop import new_event_loop
    except ImportError:
        new_event_loop = asyncio.new_event_loop
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        out.put(runner.run(_clients(url, bodies, clients, timeout, ready)))


def singles(
    url: str, pid: int, bodies: list[bytes], clients: int, processes: int, timeout: float
) -> dict[str, float]:
    """Every body sent once by ``clients`` concurrent clients spread over ``processes``
    client processes: rps, latencies, errors, and the CPU each side spent a request."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(processes + 1)
    out = context.Queue()
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    workers = [
        context.Process(
            target=_client_process, args=(url, bodies[i::processes], n, timeout, ready, out)
        )
        for i, n in enumerate(shares)
    ]
    for process in workers:
        process.start()
    try:
        ready.wait(START_SECONDS)
        served = cpu_seconds(pid)
        shots: list[Shot] = [out.get(timeout=timeout + START_SECONDS) for _ in workers]
        served = cpu_seconds(pid) - served
    finally:
        for process in workers:
            process.join(START_SECONDS)
            if process.is_alive():
                process.kill()
    latencies = np.array([x for shot in shots for x in shot[0]]) * 1000
    answered = len(latencies)
    seconds = max(shot[4] for shot in shots) - min(shot[3] for shot in shots)
    return {
        "rps": answered / seconds,
        "p50_ms": float(np.percentile(latencies, 50)) if answered else float("nan"),
        "p99_ms": float(np.percentile(latencies, 99)) if answered else float("nan"),
        "errors": sum(shot[1] for shot in shots),
        "client_cpu_ms": 1000 * sum(shot[2] for shot in shots) / max(answered, 1),
        "service_cpu_ms": 1000 * served / max(answered, 1),
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
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--batch", type=int, default=100_000, help="rows of the batch")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds, at most")
    args = parser.parse_args()

    bodies = single_bodies(args.requests)
    table = applicants(args.batch)
    parquet = io.BytesIO()
    table.to_parquet(parquet, index=False)
    as_json = table.astype(object).to_json(orient="records", force_ascii=False).encode()
    with service() as (url, boot, pid):
        print(f"boot_s={boot:.3f}")
        found = singles(url, pid, bodies, args.clients, args.processes, args.timeout)
        for name, value in found.items():
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
