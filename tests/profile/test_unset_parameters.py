"""Dated values the sources do not give: ``null`` in a parameter's history.

A year with no sourced budget has none (nothing is copied forward from an earlier year as
if it were sourced): a funding run for it asks for the budget, and only the budget may be
left without a value, since a decision needs every other parameter on every date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import selectlib
from selectlib.cli import app as cli

PROFILE = """\
id: unset_test
name: {ko: 시험, en: test}
valid_from: 2018-01-01
identifier: applicant_id
fields:
  applicant_id: {kind: text, required: false, description: {ko: id, en: id}}
  premium: {kind: integer, minimum: 0, description: {ko: 보험료, en: premium}}
  received_no: {kind: integer, description: {ko: 접수번호, en: receipt number}}
parameters:
  min_premium:
    description: {ko: 최소 보험료, en: minimum premium}
    value: 1
  rate:
    description: {ko: 지원율, en: rate}
    value: "20%"
  budget:
    description: {ko: 예산, en: budget}
    unit: won
    history:
      2018-01-01: 1000000
      2019-01-01: null
      2020-01-01: 3000000
criteria:
  - id: premium_paid
    label: {ko: 보험료 납부, en: premium paid}
    source: "test"
    condition: premium >= min_premium
    messages:
      passed: {ko: 납부, en: paid}
      failed: {ko: 미납, en: unpaid}
      missing: {ko: 없음, en: missing}
benefits:
  rounding: {unit: 1, mode: floor}
  amounts:
    support:
      label: {ko: 지원금, en: support}
      source: "test"
      formula: rate
      base: premium
      rate: rate
  budget: budget
  allocation: {method: arrival, arrival: received_no, partial: true, unit: 1}
"""

ROWS = pd.DataFrame({"applicant_id": ["a", "b"], "premium": [2_000_000, 4_000_000]})
ROWS["received_no"] = [1, 2]


def profile_with(**changes: Any) -> selectlib.Profile:
    """The test profile with some parameters' histories replaced."""
    data = yaml.safe_load(PROFILE)
    for name, history in changes.items():
        data["parameters"][name].pop("value", None)
        data["parameters"][name]["history"] = history
    return selectlib.Profile.from_dict(data)


def test_a_null_year_has_no_value_and_the_years_around_it_keep_theirs() -> None:
    profile = profile_with()
    assert profile.params_on("2018-06-01").values["budget"] == 1_000_000
    assert profile.params_on("2019-06-01").values["budget"] is None
    assert profile.params_on("2019-06-01").effective["budget"] == dt.date(2019, 1, 1)
    assert profile.params_on("2020-06-01").values["budget"] == 3_000_000


def test_funding_a_year_without_a_budget_asks_for_one() -> None:
    profile = profile_with()
    with pytest.raises(selectlib.BenefitError) as caught:
        selectlib.fund(profile, ROWS, on="2019-06-01")
    message = str(caught.value)
    for part in ("'unset_test' has no budget on 2019-06-01", "from 2019-01-01", "budget=WON"):
        assert part in message
    assert "--budget" not in message  # the command line's option is the command's hint
    funding = selectlib.fund(profile, ROWS, on="2019-06-01", budget=500_000)
    assert funding.table["granted"].tolist() == [400_000, 100_000]
    # the decision itself does not need the budget
    assert profile.evaluate(ROWS.iloc[0].to_dict(), on="2019-06-01").outcome.value == "eligible"


def test_the_command_line_asks_for_the_budget(tmp_path: Path) -> None:
    source = tmp_path / "unset_test.yaml"
    source.write_text(PROFILE, encoding="utf-8")
    table = tmp_path / "rows.csv"
    ROWS.to_csv(table, index=False)
    runner = CliRunner()
    refused = runner.invoke(cli.app, ["benefits", str(source), str(table), "--on", "2019-06-01"])
    assert refused.exit_code == 1
    assert "has no budget on 2019-06-01" in refused.output
    assert "give the budget for this run: --budget WON" in refused.output
    assert "budget=" not in refused.output  # Python's argument, not the command's option
    assert "Traceback" not in refused.output
    given = ["--on", "2019-06-01", "--budget", "500000"]
    assert runner.invoke(cli.app, ["benefits", str(source), str(table), *given]).exit_code == 0
    shown = runner.invoke(
        cli.app,
        ["profiles", "show", str(source), "--on", "2019-06-01", "--lang", "en"],
        env={"COLUMNS": "250"},
    )
    assert shown.exit_code == 0, shown.output
    assert "(none: the sources give no value)" in shown.output


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("min_premium", "criteria[0].condition"),  # a criterion uses it
        ("rate", "benefits.amounts.support.rate"),  # an amount uses it
    ],
)
def test_only_the_budget_may_be_null(name: str, where: str) -> None:
    with pytest.raises(selectlib.ProfileError) as caught:
        profile_with(**{name: {"2018-01-01": 1, "2019-01-01": None}})
    (problem,) = caught.value.problems
    assert problem.key is not None
    assert where in problem.key
    assert f"{name!r}" in problem.message
    assert "2019-01-01 (null)" in problem.message


def test_a_parameter_null_on_every_date_is_refused() -> None:
    with pytest.raises(selectlib.ProfileError, match="every entry is null"):
        profile_with(budget={"2018-01-01": None})


def test_null_entries_round_trip() -> None:
    profile = profile_with()
    data = profile.to_dict()
    assert data["parameters"]["budget"]["history"]["2019-01-01"] is None
    assert selectlib.Profile.from_dict(data) == profile


@pytest.mark.parametrize(
    ("name", "on", "funded"),
    [
        ("seoul_pl_insurance", "2019-06-01", False),  # no 2019 budget in seed 002 or 000
        ("seoul_pl_insurance", "2022-06-01", False),  # the sources end with the 2021 plan
        ("seoul_pl_insurance", "2020-06-01", True),  # 100 + 추경 100 백만원
        ("coop_collaboration", "2019-06-01", False),
        ("guro_kotra_branch", "2019-06-01", False),  # seed 003 is the 2018 plan
        ("guro_kotra_branch", "2018-06-01", True),
    ],
)
def test_built_in_budgets_exist_only_where_the_sources_give_one(
    name: str, on: str, funded: bool
) -> None:
    profile = selectlib.load_profile(name)
    if funded:
        assert selectlib.fund(profile, [], on=on).budget > 0
    else:
        with pytest.raises(selectlib.BenefitError, match=r"budget=WON"):
            selectlib.fund(profile, [], on=on)
