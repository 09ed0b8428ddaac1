"""Every kind of refusal of the HTTP service is RFC 9457 problem+json that says what is
wrong, where (a JSON Pointer to the field) and how to fix it, in Korean and English; no
traceback ever reaches a client."""

from __future__ import annotations

import io
import json
import logging
import sys
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import good_record
from starlette.exceptions import StarletteDeprecationWarning
from typer.testing import CliRunner

import selectlib
from selectlib.cli.app import app as cli
from selectlib.errors import InputError
from selectlib.service import Settings, create_app

with warnings.catch_warnings():  # starlette's note that httpx2 will replace httpx
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

FLAGSHIP = "micro_manufacturer_center_2024"
EVALUATE = f"/v1/profiles/{FLAGSHIP}/evaluate?on=2024-05-01"
BATCH = f"/v1/profiles/{FLAGSHIP}/evaluate-batch?on=2024-05-01"
KEY_ENV = "SELECTLIB_TEST_SERVICE_KEY"


@pytest.fixture(scope="module")
def client() -> TestClient:
    small = Settings(max_body_bytes=2_000, max_batch_bytes=4_000, max_batch_rows=5)
    return TestClient(create_app(small), raise_server_exceptions=False)


def problem(answer: Any, status: int, kind: str) -> dict[str, Any]:
    """The problem details of ``answer``, checked to be ``kind`` with ``status``."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["type"] == f"urn:selectlib:problem:{kind}"
    assert body["status"] == status
    assert body["titles"]["ko"]
    assert body["titles"]["en"]
    assert body["request_id"] == answer.headers["x-request-id"]
    assert "Traceback" not in answer.text
    return body


def test_unknown_profile_lists_the_served_ones(client: TestClient) -> None:
    body = problem(client.post("/v1/profiles/nope/evaluate", json={}), 404, "unknown-profile")
    assert "'nope'" in body["detail"]
    assert FLAGSHIP in body["detail"]
    assert body["instance"] == "/v1/profiles/nope/evaluate"


def test_invalid_json_says_where_it_breaks(client: TestClient) -> None:
    sent = client.post(EVALUATE, content=b'{"staff": 3,\n "area_type": metro}')
    body = problem(sent, 400, "invalid-json")
    assert body["detail"].startswith("line 2, column 15:")


def test_a_body_that_is_not_one_applicant(client: TestClient) -> None:
    body = problem(client.post(EVALUATE, json=[1, 2]), 422, "invalid-input")
    assert "expected one applicant object, got list" in body["detail"]


def test_wrong_field_types_point_at_each_field(client: TestClient) -> None:
    sent = client.post(EVALUATE + "&lang=en", json=good_record(staff="three", has_equipment=7))
    body = problem(sent, 422, "invalid-input")
    assert body["title"] == "An input value is wrong"
    pointers = {error["pointer"]: error for error in body["errors"]}
    assert set(pointers) == {"/staff", "/has_equipment"}
    assert "three" in pointers["/staff"]["message"]["en"]
    assert pointers["/staff"]["message"]["ko"].startswith("staff:")
    assert body["decision"]["outcome"] == "invalid"


def test_a_body_over_the_limit_names_the_limit_and_the_option(client: TestClient) -> None:
    sent = client.post(EVALUATE, json=good_record(applicant_id="x" * 3_000))
    body = problem(sent, 413, "too-large")
    assert "2,000 bytes" in body["detail"]
    assert "--max-body-bytes" in body["detail"]


def test_a_batch_over_the_row_limit_or_the_byte_limit(client: TestClient) -> None:
    rows = json.dumps([good_record()] * 6).encode()
    sent = client.post(BATCH, content=rows, headers={"content-type": "application/json"})
    assert "--max-batch-rows" in problem(sent, 413, "too-large")["detail"]
    big = json.dumps([good_record(applicant_id="x" * 5_000)]).encode()
    sent = client.post(BATCH, content=big, headers={"content-type": "application/json"})
    assert "--max-batch-bytes" in problem(sent, 413, "too-large")["detail"]


def test_a_batch_of_an_unknown_type_or_asking_for_one(client: TestClient) -> None:
    sent = client.post(BATCH, content=b"<xml/>", headers={"content-type": "text/xml"})
    assert "text/csv" in problem(sent, 415, "unsupported-media-type")["detail"]
    sent = client.post(
        BATCH, content=b"[]", headers={"content-type": "application/json", "accept": "text/html"}
    )
    problem(sent, 406, "not-acceptable")


def test_a_broken_batch_file_is_refused_by_the_readers(client: TestClient) -> None:
    kind = {"content-type": "application/vnd.apache.parquet"}
    body = problem(
        client.post(BATCH, content=b"PAR1 not really", headers=kind), 422, "invalid-input"
    )
    assert "Parquet" in body["detail"]
    assert "/tmp" not in body["detail"]
    frame = pd.DataFrame({"staff": [1]})
    sent = io.BytesIO()
    frame.to_parquet(sent)
    sent_ok = client.post(BATCH, content=sent.getvalue(), headers=kind)
    assert sent_ok.status_code == 200
    listed = client.post(BATCH, content=b"[1]", headers={"content-type": "application/json"})
    assert problem(listed, 422, "invalid-input")["errors"][0]["pointer"] == "/0"


def test_unknown_parameter_in_a_reform(client: TestClient) -> None:
    sent = client.post(
        f"/v1/profiles/{FLAGSHIP}/compare?on=2024-05-01",
        json={"set": {"cluster_minimum": 10}, "applicants": [good_record()]},
    )
    body = problem(sent, 422, "unknown-parameter")
    assert body["errors"][0]["pointer"] == "/set/cluster_minimum"
    assert "cluster_min" in body["detail"]  # the known ones are listed


def test_reform_and_funding_bodies_of_the_wrong_shape(client: TestClient) -> None:
    compare = f"/v1/profiles/{FLAGSHIP}/compare"
    body = problem(client.post(compare, json={"set": {"min_staff": 2}}), 422, "invalid-input")
    assert body["errors"][0]["pointer"] == "/applicants"
    fund = "/v1/profiles/seoul_pl_insurance/fund"
    body = problem(client.post(fund, json={"applicants": [], "budget": 1.5}), 422, "invalid-input")
    assert body["errors"][0]["pointer"] == "/budget"
    body = problem(
        client.post(fund, json={"applicants": [], "method": "lottery"}), 422, "invalid-input"
    )
    assert "rank, arrival, pro_rata" in body["detail"]


def test_query_values_and_dates(client: TestClient) -> None:
    body = problem(
        client.post(f"/v1/profiles/{FLAGSHIP}/evaluate?on=May", json={}), 400, "invalid-query"
    )
    assert body["detail"].startswith("?on:")
    problem(client.post(EVALUATE + "&lang=fr", json={}), 400, "invalid-query")
    early = client.get(f"/v1/profiles/{FLAGSHIP}?on=2020-01-01")
    assert "2024-04-15" in problem(early, 422, "outside-validity")["detail"]


def test_unknown_routes_and_methods(client: TestClient) -> None:
    problem(client.get("/v1/nothing"), 404, "not-found")
    problem(client.get(f"/v1/profiles/{FLAGSHIP}/evaluate"), 405, "method-not-allowed")


def test_the_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "s3cret-key")
    client = TestClient(create_app(Settings(api_key_env=KEY_ENV)))
    body = problem(client.get("/v1/profiles"), 401, "unauthorized")
    assert "X-API-Key" in body["detail"]
    problem(client.get("/v1/profiles", headers={"x-api-key": "s3cret-kez"}), 401, "unauthorized")
    problem(client.post("/v1/reload"), 401, "unauthorized")
    assert client.get("/v1/profiles", headers={"x-api-key": "s3cret-key"}).status_code == 200
    assert client.get("/v1/health").status_code == 200  # liveness checks need no key
    assert client.get("/openapi.json").status_code == 200


def test_an_unset_key_variable_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(InputError, match=f"{KEY_ENV} is not set"):
        create_app(Settings(api_key_env=KEY_ENV))


def test_a_failure_inside_is_a_500_with_an_id_and_its_traceback_stays_in_the_log(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(profile: object) -> dict[str, Any]:
        raise RuntimeError("internal detail /srv/secret/path")

    monkeypatch.setattr("selectlib.service.profiles.profile_summary", broken)
    with caplog.at_level(logging.ERROR, logger="selectlib.service.error"):
        body = problem(client.get("/v1/profiles"), 500, "internal")
    assert body["request_id"] in body["detail"]
    assert "secret" not in json.dumps(body)
    assert "RuntimeError: internal detail" in caplog.text  # the traceback, server side


def test_serve_refuses_a_missing_profiles_folder_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--profiles", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert (
        result.output.strip() == "error: --profiles: not a folder; give the folder of profile files"
    )


def test_a_bad_profile_in_the_folder_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: bad\n", encoding="utf-8")
    with pytest.raises(selectlib.ProfileError):
        create_app(Settings(profiles=tmp_path))


@pytest.mark.parametrize("accept", ["application/jsonl", "application/vnd.apache.parquet"])
def test_a_batch_of_values_of_every_json_type_comes_back_row_for_row(
    client: TestClient, accept: str
) -> None:
    # the identifier is passed through as given: numbers, lists, objects next to text
    odd: list[Any] = [None, True, 0, 2**80, 1.5, "", "예", [], ["survey"], {"a": 1}]
    rows = [{"applicant_id": value, "staff": value} for value in odd[:5]]
    rows += [{"applicant_id": f"A{n}", "staff": value} for n, value in enumerate(odd[5:])]
    headers = {"content-type": "application/json", "accept": accept}
    small = TestClient(create_app(Settings(batch_chunk_rows=3)), raise_server_exceptions=False)
    sent = small.post(BATCH, content=json.dumps(rows).encode(), headers=headers)
    assert sent.status_code == 200
    if accept == "application/jsonl":
        outcomes = [json.loads(line)["outcome"] for line in sent.text.splitlines()]
    else:
        outcomes = pd.read_parquet(io.BytesIO(sent.content))["outcome"].tolist()
    expected = selectlib.load_profile(FLAGSHIP).evaluate_many(
        pd.DataFrame(rows, dtype=object), on="2024-05-01"
    )
    assert outcomes == expected["outcome"].astype(str).tolist()


def test_serve_without_the_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn raises ImportError
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: selectlib serve needs the serve extra (FastAPI, uvicorn): "
        'pip install "selectlib[serve]"'
    )


def test_any_other_refusal_of_the_framework_is_a_problem_too(client: TestClient) -> None:
    from fastapi import HTTPException

    def refuse(profile: object) -> dict[str, Any]:
        raise HTTPException(status_code=400, detail="refused")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("selectlib.service.profiles.profile_summary", refuse)
        body = problem(client.get("/v1/profiles"), 400, "bad-request")
    assert "refused" in body["detail"]
