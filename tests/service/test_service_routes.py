"""Every route of the HTTP service through FastAPI's test client: what each answers, and
that a batch comes back equal to ``evaluate_many`` row for row."""

from __future__ import annotations

import io
import json
import logging
import warnings
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest
from conftest import good_record
from starlette.exceptions import StarletteDeprecationWarning

import selectlib
from selectlib.io import sample_data_dir
from selectlib.service import Settings, create_app

with warnings.catch_warnings():  # starlette's note that httpx2 will replace httpx
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
PL = "seoul_pl_insurance"
PL_FIRM = {"is_sme": True, "located_in_seoul": True, "pl_insured": True}
PARQUET = "application/vnd.apache.parquet"


@pytest.fixture(scope="module")
def client() -> TestClient:
    # 7 rows a chunk: the 40 sample rows come back in several chunks (Parquet row groups)
    return TestClient(create_app(Settings(batch_chunk_rows=7)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return selectlib.io.read_table(sample_data_dir() / "applicants.csv")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", force_ascii=False))
    return found


def test_health_and_the_list_of_profiles(client: TestClient) -> None:
    health = client.get("/v1/health").json()
    assert health == {"status": "ok", "version": selectlib.__version__, "profiles": 9}
    listed = client.get("/v1/profiles").json()["profiles"]
    assert [p["id"] for p in listed] == selectlib.list_profiles()
    flagship = next(p for p in listed if p["id"] == FLAGSHIP)
    assert flagship["valid_from"] == "2024-04-15"
    assert flagship["benefits"] is False


def test_one_profile_has_fields_dated_parameters_sourced_criteria_and_benefits(
    client: TestClient,
) -> None:
    detail = client.get(f"/v1/profiles/{FLAGSHIP}", params={"on": ON}).json()
    assert detail["parameters"]["cluster_min"] == {
        "value": {"metro": 50, "city": 40, "county": 20},
        "effective": "2024-04-15",
    }
    assert detail["criteria"][0]["id"] == "cluster_size"
    assert detail["criteria"][0]["source"].startswith("004")
    assert detail["fields"]["staff"]["kind"] == "integer"
    pl = client.get(f"/v1/profiles/{PL}", params={"on": "2021-04-01"}).json()
    assert pl["benefits"]["amounts"]


def test_the_applicant_schema_accepts_a_good_record_and_names_a_wrong_type(
    client: TestClient,
) -> None:
    schema = client.get(f"/v1/profiles/{FLAGSHIP}/schema").json()
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(good_record())) == []
    (error,) = validator.iter_errors(good_record(staff="three"))
    assert list(error.absolute_path) == ["staff"]
    assert "staff" not in schema["required"] or schema["properties"]["staff"]


def test_openapi_has_every_profiles_applicant_schema(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {f"applicant.{name}" for name in selectlib.list_profiles()} <= set(schemas)
    body = document["paths"]["/v1/profiles/{name}/evaluate"]["post"]["requestBody"]
    refs = body["content"]["application/json"]["schema"]["oneOf"]
    assert {"$ref": f"#/components/schemas/applicant.{FLAGSHIP}"} in refs
    assert "/v1/profiles/{name}/evaluate-batch" in document["paths"]


def test_evaluate_answers_the_librarys_decision(client: TestClient) -> None:
    record = good_record(staff=2)
    answer = client.post(f"/v1/profiles/{FLAGSHIP}/evaluate?on={ON}&lang=en", json=record)
    assert answer.status_code == 200
    body = answer.json()
    decision = selectlib.load_profile(FLAGSHIP).evaluate(record, on=ON)
    assert body["explanation"] == decision.explain("en")
    del body["explanation"]
    expected = json.loads(json.dumps(selectlib.decision_to_dict(decision)))
    made = (body["audit"].pop("made_at"), expected["audit"].pop("made_at"))
    assert all(m.endswith(("Z", "+00:00")) for m in made)  # both in UTC
    assert body == expected
    staff = next(c for c in body["criteria"] if c["id"] == "operating_staff")
    assert (staff["status"], staff["value"], staff["threshold"]) == ("failed", 2, 3)
    assert staff["message"]["ko"]
    assert staff["message"]["en"]
    korean = client.post(f"/v1/profiles/{FLAGSHIP}/evaluate?on={ON}", json=record).json()
    assert korean["explanation"] == decision.explain("ko")


def test_evaluate_gives_benefit_lines(client: TestClient) -> None:
    record = {**PL_FIRM, "applicant_id": "P1", "premium": 5_000_000, "received_no": 1}
    body = client.post(f"/v1/profiles/{PL}/evaluate?on=2021-04-01", json=record).json()
    assert body["outcome"] == "eligible"
    assert [line["amount"] for line in body["benefits"]] == [1_000_000]


def test_a_json_batch_comes_back_as_json_lines_equal_to_evaluate_many(
    client: TestClient, sample: pd.DataFrame
) -> None:
    answer = client.post(
        f"/v1/profiles/{FLAGSHIP}/evaluate-batch?on={ON}",
        content=sample.to_json(orient="records", force_ascii=False).encode(),
        headers={"content-type": "application/json", "accept": "application/jsonl"},
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/jsonl")
    rows = [json.loads(line) for line in answer.text.splitlines()]
    expected = selectlib.load_profile(FLAGSHIP).evaluate_many(sample, on=ON)
    assert rows == _records(expected)


def test_a_parquet_batch_comes_back_as_parquet_equal_to_evaluate_many(
    client: TestClient, sample: pd.DataFrame
) -> None:
    sent = io.BytesIO()
    sample.to_parquet(sent, index=False)
    answer = client.post(
        f"/v1/profiles/{FLAGSHIP}/evaluate-batch?on={ON}",
        content=sent.getvalue(),
        headers={"content-type": PARQUET, "accept": PARQUET},
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == PARQUET
    got = pd.read_parquet(io.BytesIO(answer.content))
    expected = selectlib.load_profile(FLAGSHIP).evaluate_many(sample, on=ON)
    assert list(got.columns) == list(expected.columns)
    assert _records(got) == _records(expected)


def test_a_csv_batch_is_read_as_the_command_line_reads_it(
    client: TestClient, sample: pd.DataFrame
) -> None:
    answer = client.post(
        f"/v1/profiles/{FLAGSHIP}/evaluate-batch?on={ON}",
        content=(sample_data_dir() / "applicants.csv").read_bytes(),
        headers={"content-type": "text/csv; charset=utf-8"},
    )
    rows = [json.loads(line) for line in answer.text.splitlines()]
    assert [row["applicant_id"] for row in rows] == sample["applicant_id"].tolist()


def test_compare_says_who_flips_and_why(client: TestClient) -> None:
    applicants = [good_record(applicant_id="A", area_type="county", cluster_count=15)]
    body = client.post(
        f"/v1/profiles/{FLAGSHIP}/compare?on={ON}",
        json={"set": {"cluster_min.county": 10}, "applicants": applicants},
    ).json()
    (row,) = body["rows"]
    assert (row["before"], row["after"], row["change"]) == ("ineligible", "eligible", "gained")
    assert row["changed_criteria"] == "cluster_size: failed→passed"
    assert body["summary"][0]["applicants"] == 1


def test_fund_spreads_a_budget(client: TestClient) -> None:
    applicants = [
        {**PL_FIRM, "applicant_id": f"P{n}", "premium": 5_000_000, "received_no": n}
        for n in (3, 1, 2)
    ]
    body = client.post(
        f"/v1/profiles/{PL}/fund?on=2021-04-01",
        json={"applicants": applicants, "budget": 2_500_000},
    ).json()
    assert [row["granted"] for row in body["rows"]] == [500_000, 1_000_000, 1_000_000]
    assert (body["budget"], body["granted"], body["remaining"]) == (2_500_000, 2_500_000, 0)
    assert len(body["payments"]) == 3


def test_reload_serves_the_changed_profiles(tmp_path: Path) -> None:
    source = selectlib.load_profile(FLAGSHIP).path
    assert source is not None
    text = Path(source).read_text(encoding="utf-8")
    profile = tmp_path / "program.yaml"
    profile.write_text(text, encoding="utf-8")
    client = TestClient(create_app(Settings(profiles=tmp_path)))
    assert [p["id"] for p in client.get("/v1/profiles").json()["profiles"]] == [FLAGSHIP]
    profile.write_text(text.replace(f"id: {FLAGSHIP}", "id: renamed_program", 1), "utf-8")
    assert client.get("/v1/profiles/renamed_program").status_code == 404  # until reloaded
    assert client.post("/v1/reload").json() == {"profiles": ["renamed_program"]}
    assert client.get("/v1/profiles/renamed_program").status_code == 200


def test_one_access_line_per_request_without_applicant_data(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    record = good_record(applicant_id="SECRET-APPLICANT-7")
    with caplog.at_level(logging.INFO, logger="selectlib.service.access"):
        answer = client.post(
            f"/v1/profiles/{FLAGSHIP}/evaluate?on={ON}",
            json=record,
            headers={"x-request-id": "req-42"},
        )
    assert answer.headers["x-request-id"] == "req-42"
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name.endswith("access")]
    assert line["method"] == "POST"
    assert line["path"] == f"/v1/profiles/{FLAGSHIP}/evaluate"
    assert (line["status"], line["request_id"]) == (200, "req-42")
    assert line["duration_ms"] >= 0
    assert "SECRET" not in caplog.text


def test_replay_says_identical_for_a_stored_decision_and_names_a_corrected_input(
    client: TestClient,
) -> None:
    record = good_record(staff=2)
    stored = client.post(f"/v1/profiles/{FLAGSHIP}/evaluate?on={ON}", json=record).json()
    del stored["explanation"]
    answer = client.post("/v1/replay", json=stored)
    assert answer.status_code == 200, answer.text
    assert answer.json()["identical"] is True
    corrected = {"decision": stored, "input": {**record, "staff": 3}}
    changed = client.post("/v1/replay", json=corrected).json()
    assert changed["identical"] is False
    assert "operating_staff" in [d["criterion"] for d in changed["differences"]]
    bare = {key: value for key, value in stored.items() if key != "audit"}
    refused = client.post("/v1/replay", json=bare)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "no audit" in refused.json()["detail"]
