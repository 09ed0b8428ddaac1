"""One real start of ``selectlib serve``: a subprocess on a free loopback port, queried with
httpx over the network and stopped, every wait bounded."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from conftest import good_record

FLAGSHIP = "micro_manufacturer_center_2024"
KEY_ENV = "SELECTLIB_TEST_SERVE_KEY"
KEY = "a-key-for-this-test-only"
START_SECONDS = 60.0
"""How long the service may take to answer its first request (a busy machine)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def service() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    command = [sys.executable, "-m", "selectlib", "serve", "--port", str(port)]
    command += ["--api-key-env", KEY_ENV]
    process = subprocess.Popen(
        command,
        env={**os.environ, KEY_ENV: KEY},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, process.communicate()[1]
            try:
                if httpx.get(f"{url}/v1/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "selectlib serve did not answer in time"
            time.sleep(0.05)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def test_selectlib_serve_answers_over_loopback_and_stops(
    service: tuple[str, subprocess.Popen[str]],
) -> None:
    url, process = service
    headers = {"x-api-key": KEY}
    with httpx.Client(base_url=url, timeout=10.0) as client:
        assert client.get("/v1/profiles").status_code == 401
        record = good_record(applicant_id="PRIVATE-NAME-1")
        answer = client.post(
            f"/v1/profiles/{FLAGSHIP}/evaluate",
            params={"on": "2024-05-01"},
            json=record,
            headers=headers,
        )
        assert answer.status_code == 200
        assert answer.json()["outcome"] == "eligible"
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=15)
    assert process.returncode == 0
    access = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    assert [(a["path"], a["status"]) for a in access][-2:] == [
        ("/v1/profiles", 401),
        (f"/v1/profiles/{FLAGSHIP}/evaluate", 200),
    ]
    assert "PRIVATE" not in errors
    assert "Traceback" not in errors
