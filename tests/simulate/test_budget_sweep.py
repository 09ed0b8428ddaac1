"""Budget sweeps: each point funds the table as selectlib.fund does, capacity beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import selectlib
from selectlib.errors import ArgumentError

PL = "seoul_pl_insurance"
ON = "2021-03-02"


@pytest.fixture(scope="module")
def profile() -> selectlib.Profile:
    return selectlib.load_profile(PL)


@pytest.fixture(scope="module")
def firms() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 60
    return pd.DataFrame(
        {
            "applicant_id": [f"F{i:03d}" for i in range(n)],
            "name": [f"회사{i}" for i in range(n)],
            "is_sme": rng.random(n) < 0.9,
            "located_in_seoul": rng.random(n) < 0.9,
            "pl_insured": True,
            "premium": rng.integers(100_000, 6_000_000, n),
            "received_no": rng.permutation(n) + 1,
            "district": rng.choice(["강남구", "구로구", "금천구"], n),
        }
    )


def test_each_budget_point_is_what_fund_says(
    profile: selectlib.Profile, firms: pd.DataFrame
) -> None:
    vary = {"budget": [5_000_000, 20_000_000], "allocation": ["arrival", "pro_rata"]}
    table = selectlib.sweep(profile, firms, vary, on=ON)
    funded = ["requested", "granted", "funded_full", "funded_part", "funded_none"]
    assert table.columns[-6:].tolist() == [*funded, "capacity"]
    for row in table.to_dict("records"):
        funding = selectlib.fund(profile, firms, ON, budget=row["budget"], method=row["allocation"])
        status = funding.table["funding"]
        assert row["requested"] == funding.table["requested"].sum()
        assert row["granted"] == funding.granted
        assert row["funded_full"] == (status == "full").sum()
        assert row["funded_part"] == (status == "partial").sum()
        assert row["funded_none"] == (status == "none").sum()
        assert row["capacity"] == funding.pots[0].capacity
        assert row["granted"] <= row["budget"]
    assert all(table[name].dtype == np.int64 for name in funded)
    assert table["capacity"].dtype == "Int64"
    # a bigger budget never grants less
    by_method = table.groupby("allocation")["granted"]
    assert (by_method.diff().dropna() >= 0).all()


def test_budget_groups_add_up(profile: selectlib.Profile, firms: pd.DataFrame) -> None:
    vary = {"budget": [8_000_000], "premium_rate": ["10%", "20%"]}
    whole = selectlib.sweep(profile, firms, vary, on=ON)
    grouped = selectlib.sweep(profile, firms, vary, on=ON, by="district")
    assert len(grouped) == 2 * 3
    sums = grouped.groupby("premium_rate", sort=False)[["requested", "granted", "eligible"]].sum()
    assert (
        sums.to_numpy().tolist() == whole[["requested", "granted", "eligible"]].to_numpy().tolist()
    )
    assert whole["requested"].iloc[0] < whole["requested"].iloc[1]  # half the rate asks less


def test_a_budget_that_is_not_won_is_refused(
    profile: selectlib.Profile, firms: pd.DataFrame
) -> None:
    with pytest.raises(ArgumentError, match=r"'budget': 1.5 is not a budget"):
        selectlib.sweep(profile, firms, {"budget": [1.5]}, on=ON)
    with pytest.raises(ArgumentError, match=r"'allocation': 'lottery' is not a method"):
        selectlib.sweep(profile, firms, {"allocation": ["lottery"]}, on=ON, budget=10)
