"""The curl commands of docs/service.md, each parsed and sent to the app through the test
client: method, headers, body (``-d`` text or ``--data-binary @file``) and URL as written.
Every one must answer 2xx."""

from __future__ import annotations

import re
import shlex
import shutil
import warnings
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pytest
from paths import ROOT
from starlette.exceptions import StarletteDeprecationWarning

from selectlib.io import read_table, sample_data_dir
from selectlib.service import Settings, create_app

with warnings.catch_warnings():  # starlette's note that httpx2 will replace httpx
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

PAGE = ROOT / "docs" / "service.md"
KEY_ENV = "SELECTLIB_API_KEY"
_BASH = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)


class Curl(NamedTuple):
    """One curl command as a request: method, path with query, headers, body."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    text: str


def curl_commands(page: Path) -> list[str]:
    """The curl commands of the page's bash blocks, continuation lines joined."""
    found = []
    for block in _BASH.findall(page.read_text(encoding="utf-8")):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("curl "):
                found.append(line.strip())
    return found


def parse(command: str, folder: Path, env: dict[str, str]) -> Curl:
    """The request a curl command sends (only the flags the page uses are known)."""
    words = shlex.split(command)[1:]
    method, url, headers, body = "GET", "", {}, None
    flags: dict[str, Any] = {"-s": None}
    while words:
        word = words.pop(0)
        if word in flags:
            continue
        if word == "-X":
            method = words.pop(0)
        elif word == "-H":
            name, _, value = words.pop(0).partition(":")
            headers[name.strip()] = re.sub(r"\$(\w+)", lambda m: env[m[1]], value.strip())
        elif word in ("-d", "--data-binary"):
            data = words.pop(0)
            body = (folder / data[1:]).read_bytes() if data.startswith("@") else data.encode()
            method = "POST" if method == "GET" else method
        elif word == "-o":
            words.pop(0)
        elif word.startswith("http"):
            parts = urlsplit(word)
            url = parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            raise AssertionError(f"the test does not know curl's {word!r}: teach it")
    return Curl(method, url, headers, body, command)


def test_the_page_has_a_curl_command_for_every_route(files: Path) -> None:
    paths = {urlsplit(parse(c, files, {KEY_ENV: "k"}).url).path for c in curl_commands(PAGE)}
    flagship = "/v1/profiles/micro_manufacturer_center_2024"
    routes = {"/v1/health", "/v1/profiles", flagship, f"{flagship}/schema", "/v1/reload"}
    routes |= {f"{flagship}/{route}" for route in ("evaluate", "evaluate-batch", "compare")}
    assert routes | {"/v1/profiles/seoul_pl_insurance/fund"} == paths


@pytest.mark.parametrize("command", curl_commands(PAGE))
def test_a_curl_command_of_the_page_is_answered(
    command: str, files: Path, client_and_env: tuple[TestClient, dict[str, str]]
) -> None:
    client, env = client_and_env
    request = parse(command, files, env)
    answer = client.request(
        request.method, request.url, headers=request.headers, content=request.body
    )
    assert 200 <= answer.status_code < 300, (command, answer.text[:500])


@pytest.fixture(scope="module")
def client_and_env() -> tuple[TestClient, dict[str, str]]:
    env = {KEY_ENV: "docs-example-key"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_ENV, env[KEY_ENV])
        app = create_app(Settings(api_key_env=KEY_ENV))
    # every command but the reload's leaves the key out: the service is asked with it
    client = TestClient(app, headers={"X-API-Key": env[KEY_ENV]})
    return client, env


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the commands send: the sample applicants as CSV and as Parquet."""
    folder = tmp_path_factory.mktemp("curl")
    shutil.copy(sample_data_dir() / "applicants.csv", folder / "applicants.csv")
    read_table(folder / "applicants.csv").to_parquet(folder / "applicants.parquet")
    return folder
